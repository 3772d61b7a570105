# Two commands for a new user: `make run` and `make test`. Nothing else to install by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app sdp
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install install-dev serve migrate migration translations lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed translations
install-dev: $(VENV)/.installed-dev translations

## run: install, migrate, load demo data into an empty database, serve on 127.0.0.1:5000
run: install migrate
	$(FLASK) demo-data --if-empty
	SDP_ENV=development $(FLASK) run --host $(HOST) --port $(PORT)

migrate: install
	$(FLASK) db upgrade

## test: install the dev extras and run the whole suite (SQLite; DATABASE_URL=postgresql://... for PostgreSQL)
test: install-dev
	$(BIN)/python -m pytest

## translations: compile the message catalogues (sdp/translations/*/LC_MESSAGES/messages.po)
translations: | $(BIN)/python
	@if [ -d sdp/translations ]; then $(BIN)/pybabel compile -q -d sdp/translations; fi

## migration: regenerate the initial migration from the models (before the first production release)
migration: install
	rm -f migrations/versions/0001_initial_schema.py
	rm -rf /tmp/sdp-migration && mkdir -p /tmp/sdp-migration
	DATABASE_URL=sqlite:////tmp/sdp-migration/db.sqlite $(FLASK) db migrate -m "initial schema" --rev-id 0001

## bench: a quick load benchmark on 10,000 generated cases (bench/RESULTS.md lists every benchmark and its command)
bench: install-dev
	$(BIN)/python -m bench.load --size 10k --db sqlite --runs 3 --worker-class gthread --threads 4

lint: install-dev
	$(BIN)/ruff check sdp tests bench

clean:
	rm -rf $(VENV) instance test-artifacts
