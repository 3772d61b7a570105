# Two commands for a new user: `make run` and `make test`. Nothing else to install by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app sdp
HOST ?= 127.0.0.1
PORT ?= 5000
# One version number, pyproject.toml's
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)

.PHONY: run test test-tools lock check types imports install install-dev serve migrate migration translations messages lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Every dependency at the version and with the hashes locked in requirements/ (`make lock` writes
# them from pyproject.toml); then the app itself, which brings nothing more.
$(VENV)/.installed: pyproject.toml requirements/runtime.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/runtime.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml requirements/dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@ $(VENV)/.installed

## lock: pin every dependency and its hashes (requirements/runtime.txt, and dev.txt with the PEP 735
## dev group) from pyproject.toml, for any platform, Python 3.11 and later; commit both files
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --quiet
lock: | $(BIN)/python
	$(BIN)/pip install --quiet uv
	$(UV_COMPILE) -o requirements/runtime.txt
	$(UV_COMPILE) --group dev -o requirements/dev.txt

install: $(VENV)/.installed translations
install-dev: $(VENV)/.installed-dev translations

## run: install, migrate, load demo data into an empty database, serve on 127.0.0.1:5000
## (documents print SDP_PUBLIC_URL as their verification address: here the local one, unless set)
run: export SDP_PUBLIC_URL ?= http://$(HOST):$(PORT)
run: install migrate
	$(FLASK) demo-data --if-empty
	$(FLASK) audit chain  # partner checks a previous run journaled but did not chain
	SDP_ENV=development $(FLASK) run --host $(HOST) --port $(PORT)

migrate: install
	$(FLASK) db upgrade

## test: install the dev extras and run the whole suite on every core (SQLite; DATABASE_URL=postgresql://...
## for PostgreSQL, one database per worker beside it); TEST_WORKERS=0 runs it in one process
TEST_WORKERS ?= auto
## (PYTHONDONTWRITEBYTECODE, set on some machines, would make every run rewrite and compile the
## test modules and the app again, 7-12 s per worker: the suite keeps its bytecode)
test: install-dev test-tools
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n $(TEST_WORKERS)

## test-tools: Debian's Chromium (browser tests) and poppler (QR codes read off rasterised pages):
## installed when running as root on Debian, else a stop with the exact command to run
test-tools:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's$$missing for the browser and document tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing >/dev/null; \
	  else \
	    echo "The browser and document tests need Debian's$$missing. Install it, then run make test again:"; \
	    echo "    sudo apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	fi

## check: the inner loop: lint, format, types, import contracts, then the suite without the
## browser and the slow tests
check: lint types imports
	$(BIN)/python -m pytest -n $(TEST_WORKERS) -m "not browser and not slow"

## lint: ruff's rules and its formatting (long lines included), checked, not applied
LINTED := sdp tests bench migrations tools stubs gunicorn.conf.py
lint: install-dev
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

## types: mypy, strict on sdp/domain, the rest held to tools/types_allowed.txt (it may only shrink)
types: install-dev
	$(BIN)/python tools/type_ratchet.py

## imports: the import contracts of pyproject.toml ([tool.importlinter])
imports: install-dev
	$(BIN)/lint-imports --no-cache

## translations: compile the catalogues (sdp/translations/*/LC_MESSAGES/messages.po, the pages';
## documents.po, the documents') that changed since they were last compiled (a running app or
## suite never sees a half-written .mo)
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard sdp/translations/*/LC_MESSAGES/*.po))
translations: $(CATALOGUES)

sdp/translations/%.mo: sdp/translations/%.po | $(BIN)/python
	@$(BIN)/pybabel compile -l $(firstword $(subst /, ,$*)) -i $< -o $@.tmp && mv $@.tmp $@

## messages: extract every translatable string (N_ too) and update the es, en and pt catalogues;
## then the documents' texts (T, T_ and the travel document's _both, in sdp/documents) into their
## own domain, documents (es and pt: English is the source)
messages: | $(BIN)/python
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k lazy_gettext -k _l --sort-output --no-location --width=100 \
		--project=sdp --version=$(VERSION) -o sdp/translations/messages.pot .
	$(BIN)/pybabel update -i sdp/translations/messages.pot -d sdp/translations --width=100 \
		--no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel extract $(DOCUMENT_KEYWORDS) --sort-output --no-location --width=100 \
		--project="sdp (documents)" --version=$(VERSION) -o sdp/translations/documents.pot sdp/documents
	$(BIN)/pybabel update -D documents -i sdp/translations/documents.pot -d sdp/translations \
		--width=100 --no-fuzzy-matching --ignore-obsolete

DOCUMENT_KEYWORDS := --no-default-keywords -k T -k T_ -k _both

## migration: a new revision from what changed in the models, numbered after the last one
## (`make migration m="what changes"`), made against a scratch SQLite database at the head revision
migration: install
	@test -n "$(m)" || { echo 'Say what changes: make migration m="what changes"'; exit 1; }
	@scratch=$$(mktemp -d) && \
	next=$$(ls migrations/versions | sed -n 's/^\([0-9]\{4\}\)_.*/\1/p' | sort | tail -1 | awk '{printf "%04d", $$1 + 1}') && \
	DATABASE_URL=sqlite:///$$scratch/head.sqlite $(FLASK) db upgrade && \
	DATABASE_URL=sqlite:///$$scratch/head.sqlite $(FLASK) db migrate -m "$(m)" --rev-id $$next; \
	status=$$?; rm -rf $$scratch; exit $$status

## bench: the registry checks against bare Flask and the raw driver, SQLite and PostgreSQL, under gunicorn.conf.py
## (issue 17; bench/RESULTS.md lists every benchmark and its command). BENCH_PG_URL / BENCH_PG_PREFIX: where
## PostgreSQL's data sets live (default postgresql://postgres@127.0.0.1:5432, databases bench_c_*)
bench: install-dev
	$(BIN)/python -m bench.registry

clean:
	rm -rf $(VENV) instance test-artifacts
