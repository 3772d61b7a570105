"""Fixtures: a real database (SQLite by default, PostgreSQL when DATABASE_URL names one),
migrated with alembic once per run and emptied after each test, and real users of each role.

Each request of the test client runs in a fresh context, as on a server (``RequestClient``);
the app's private files go to a temporary instance folder per worker, never the checkout's."""

import atexit
import contextvars
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import TypeVar

import pytest
from flask import Flask, current_app, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from hypothesis import settings as hypothesis_settings
from hypothesis.configuration import set_hypothesis_home_dir
from sqlalchemy import create_engine, event, select, text

from sdp import PROJECT_ROOT, clock, create_app
from sdp.auth.principal import SYSTEM
from sdp.auth.services import create_user, issue_token
from sdp.config import engine_options as engine_options_for
from sdp.extensions import db
from sdp.unit_of_work import App

PASSWORD = "correct horse battery staple"
T = TypeVar("T")

# No test pays for a production-cost password hash it does not test (sdp/auth/passwords.py):
# every app a test builds, in this process or a subprocess (the CLI, gunicorn), hashes cheaply.
# tests/web/test_password_hashing.py pins the production parameters.
os.environ["SDP_PASSWORD_HASH_PROFILE"] = "cheapest"
# Documents print a configured verification address, never the request's
# (tests/documents/test_public_address.py).
PUBLIC_URL = "https://apatridia.example.gob.pe"
os.environ["SDP_PUBLIC_URL"] = PUBLIC_URL

# The private files of every app this process builds (secret key, data keys, signing keys,
# uploads), and of the servers and commands its tests start: a temporary folder of this worker.
INSTANCE = tempfile.mkdtemp(prefix="sdp-test-instance-")
os.environ["SDP_INSTANCE_PATH"] = INSTANCE
atexit.register(shutil.rmtree, INSTANCE, ignore_errors=True)
# Screenshots for a person to look at, outside the checkout (the suite writes nothing there).
ARTIFACTS = Path(
    os.environ.get("SDP_TEST_ARTIFACTS") or Path(tempfile.gettempdir()) / "sdp-test-artifacts"
)
# Every property test is derandomized or replays its own examples: no example database. What
# hypothesis keeps is only caches (its Unicode tables, the constants it reads from our modules),
# in the user's cache folder, not the checkout's .hypothesis/: in a worker's own folder each
# worker built the UTF-8 table again at collection (1.3 s of CPU each; hypothesis writes its
# caches atomically, so workers may share them).
hypothesis_settings.register_profile("sdp", database=None)
hypothesis_settings.load_profile("sdp")
set_hypothesis_home_dir(
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sdp-tests" / "hypothesis"
)


# The suite runs on one day of Lima's calendar. Tests take "today" once (module constants such as
# tests/cases/helpers.py's TODAY, data loaded for a module) while the app reads it at every
# request (sdp/clock.py), so a run that crossed Lima's midnight (05:00 UTC) failed: 41 tests in
# CI's two suites on 2026-12-07, started at 04:59 UTC. A run that starts after 21:00 in Lima
# therefore sets the app's clock back to 21:00 of that day and runs on from there: three hours
# to end on the same date, and still an evening, when Lima's date and UTC's differ. The servers
# and commands a test starts in a subprocess keep the real clock (on the same date, unless the
# run itself lasts past midnight).
LATEST_START_IN_LIMA = 21  # o'clock


def clock_setback(started: datetime) -> timedelta:
    """How far back the app's clock goes for a run started at ``started`` (Lima's time)."""
    latest = started.replace(hour=LATEST_START_IN_LIMA, minute=0, second=0, microsecond=0)
    return max(started - latest, timedelta(0))


_SETBACK = clock_setback(clock.now())
if _SETBACK:
    _real_now = clock.now

    def _now_set_back() -> datetime:
        return _real_now() - _SETBACK

    clock.now = _now_set_back
RUN_DATE = clock.today()


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def missing(what: str) -> None:
    """A test that needs something this machine lacks (a browser, poppler, Redis, gunicorn,
    pg_dump): a skip with its reason on a developer's machine (`-rs` prints it), a failure in CI
    (`CI=true`), where a missing service must never pass for a green run."""
    if in_ci():
        pytest.fail(f"{what} (CI=true: a missing tool or service fails the run)", pytrace=False)
    pytest.skip(what)


def wait_until(condition: Callable[[], bool], seconds: float, interval: float) -> bool:
    """Polls ``condition`` every ``interval`` s: True once it holds, False after ``seconds``
    (for what another process does: a server, a chainer)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)
    return True


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return _database_of_worker(url, worker) if worker else url


def _database_of_worker(url: str, worker: str) -> str:
    """Parallel workers (pytest-xdist) each get a fresh PostgreSQL database beside DATABASE_URL's,
    named after it (``sdp_ci_gw0``), so that one worker's schema reset never meets another's tests.
    """
    from sqlalchemy.engine import make_url

    base = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"{base.database}_{worker}"
    server = create_engine(base, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _reset_postgres_schema(app: Flask) -> None:
    with db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def app(tmp_path_factory) -> Iterator[Flask]:
    url = _database_url(tmp_path_factory)
    engine_options = engine_options_for(url)
    if url.startswith("postgresql"):
        # A test's commits need not reach the disk before the next statement: the suite waits on
        # no fsync (the crash-safety test runs its own server with the production settings).
        engine_options["connect_args"] = {"options": "-c synchronous_commit=off"}
    application = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://", 1),
            "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
            "PASSWORD_HASH_PROFILE": "cheapest",
            "SECRET_KEY": "test-secret-key-not-for-production",
            "WTF_CSRF_ENABLED": False,
            "SERVER_NAME": None,
            # Every test client calls from 127.0.0.1: the rate limits are tested on their own
            # (tests/api/test_rate_limits.py, which sets its limits), not met by accident.
            "SDP_RATELIMIT_TOKEN": "100000 per minute",
            "SDP_RATELIMIT_ANONYMOUS": "100000 per minute",
            "SDP_RATELIMIT_SIGN_IN_ADDRESS": "100000 per minute",
            "SDP_RATELIMIT_SIGN_IN_ACCOUNT": "100000 per minute",
            "SDP_RATELIMIT_FORM_STASH": "100000 per minute",
            # Partner checks are journaled (sdp.audit.journal); a test chains them when it reads
            # them (chain_now), no background thread chains them behind its back.
            "SDP_AUDIT_CHAINER": "off",
        },
        instance_path=INSTANCE,
    )
    with application.app_context():
        if db.engine.dialect.name == "postgresql":
            _reset_postgres_schema(application)
        upgrade()
    yield application


class RequestClient(FlaskClient):
    """Each request in a fresh context, as a server runs it: its own ``g`` and database session,
    committed or rolled back by the app's unit of work, never the test's. What the test itself
    wrote (users and cases set up through services, which only flush) is committed first, as
    the requests that made it would have; afterwards the test reads the request's work afresh."""

    def open(self, *args, **kwargs):
        if has_app_context():
            db.session.commit()
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            db.session.expire_all()
        return response


# Every app a test builds (the suite's, a second one with CSRF on, a prototype's) serves its test
# client's requests each in its own context.
App.test_client_class = RequestClient


@pytest.fixture
def client(app) -> RequestClient:
    """The test client (pytest-flask's would preserve each request's context into the test's)."""
    return app.test_client()


@pytest.fixture(autouse=True)
def _empty_database(app: Flask) -> Iterator[None]:
    """Each test starts with an empty database; the data a test committed is removed after it."""
    ctx = app.app_context()
    ctx.push()
    yield
    empty_every_table()
    ctx.pop()


def data_for_the_module(app: Flask, make: Callable[[], T]) -> Iterator[T]:
    """The body of a module-scoped fixture whose rows are made once for the module's tests, which
    only read them: ``make()`` in a request context of its own, committed before the first test
    (the test clients' and live servers' requests read it), every table emptied after the last.
    The module keeps the rows between its tests with ``keep_the_modules_data``; what its tests
    write (a sign-in's session, a read's audit row) stays too: no test of such a module may count
    those."""
    context = app.test_request_context()
    context.push()
    made = make()
    db.session.commit()
    yield made
    empty_every_table()
    context.pop()


@pytest.fixture(scope="module")
def demo_data_for_the_module(app: Flask) -> Iterator[dict[str, SimpleNamespace]]:
    """The demo data, loaded once for a module (a load is 2-4 s on SQLite, 3-20 s on PostgreSQL
    under CI's load): the demo users by email (``email``, ``id``)."""
    from sdp.auth.models import User
    from sdp.demo import load_demo_data

    def load() -> dict[str, SimpleNamespace]:
        load_demo_data()
        return {
            user.email: SimpleNamespace(email=user.email, id=user.id)
            for user in db.session.execute(select(User)).scalars()
        }

    yield from data_for_the_module(app, load)


def keep_the_modules_data(app: Flask) -> Iterator[None]:
    """The body of a module's own ``_empty_database`` where its data is the module's (see
    ``demo_data_for_the_module``): each test gets its app context, and the data stays."""
    context = app.app_context()
    context.push()
    yield
    db.session.rollback()
    db.session.remove()
    context.pop()


def empty_every_table() -> None:
    """Remove every row the tests wrote (in the app context of the caller)."""
    db.session.rollback()
    db.session.remove()
    _empty_audit_journal(current_app._get_current_object())
    tables = [table.name for table in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            _empty_postgres_tables(connection, tables)
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))


def _empty_audit_journal(app: Flask) -> None:
    """A test's unchained partner checks must not be chained into the next test's trail."""
    from sdp.audit.journal import journal_directory, journal_of

    journal_of(app).close()
    app.extensions.pop("sdp_audit_chainer", None)
    for path in journal_directory(app).glob("*.jsonl"):
        path.unlink()


def _empty_postgres_tables(connection, tables: list[str]) -> None:
    """Only the tables a test wrote to are emptied, and only the sequences it used restarted.

    TRUNCATE costs PostgreSQL new files for each table and its indexes (65-500 ms for the nine
    tables a case's test writes, on every test: the largest part of the suite's time on
    PostgreSQL), a DELETE of a test's few rows about 1 ms. The audit trail refuses DELETE (its
    append-only trigger, migration 0002), so the rows are deleted with the session's triggers
    off (``session_replication_role = replica``, foreign-key triggers included: every table
    written is emptied), which only a superuser may do; anyone else gets TRUNCATE."""
    used = (
        connection.execute(
            text(
                " UNION ALL ".join(
                    f"SELECT '{table}' WHERE EXISTS (SELECT 1 FROM {table})" for table in tables
                )
            )
        )
        .scalars()
        .all()
    )
    if used and _superuser(connection):
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        for table in used:
            connection.execute(text(f"DELETE FROM {table}"))
    elif used:
        connection.execute(text(f"TRUNCATE {', '.join(used)} CASCADE"))
    connection.execute(
        text(
            "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, 1, false) "
            "FROM pg_sequences WHERE schemaname = current_schema() AND last_value IS NOT NULL"
        )
    )


_SUPERUSER: dict[str, bool] = {}  # database URL -> whether the tests connect as a superuser


def _superuser(connection) -> bool:
    url = str(connection.engine.url)
    if url not in _SUPERUSER:
        _SUPERUSER[url] = bool(
            connection.execute(
                text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            ).scalar()
        )
    return _SUPERUSER[url]


def statements_naming(table: str, during: Callable[[], object]) -> list[str]:
    """The SQL statements naming ``table`` that the engine ran while ``during()`` ran."""
    found = []

    def note(conn, cursor, statement, *args):
        if table in statement:
            found.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        during()
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    return found


def statements_touching(table: str, during: Callable[[], object]) -> int:
    """How many SQL statements naming ``table`` the engine ran while ``during()`` ran."""
    return len(statements_naming(table, during))


@pytest.fixture
def make_user():
    counter = {"n": 0}

    def factory(*roles: str, email: str | None = None, name: str = "Test User"):
        counter["n"] += 1
        email = email or f"{'-'.join(roles) or 'user'}{counter['n']}@test.sdp.pe"
        user = create_user(SYSTEM, email, name, list(roles), PASSWORD)
        db.session.commit()  # set up as its own unit of work, before what the test does
        return user

    return factory


def bearer(token: str) -> dict[str, str]:
    """The header that sends ``token`` (a raw API token) with a request."""
    return {"Authorization": f"Bearer {token}"}


class ApiClient:
    """The Flask test client with a bearer token, for the JSON API."""

    def __init__(self, client, token: str):
        self.client, self.headers = client, bearer(token)

    def get(self, url, **kwargs):
        return self.client.get(url, headers=self.headers, **kwargs)

    def post(self, url, json=None, **kwargs):
        return self.client.post(url, json=json, headers=self.headers, **kwargs)

    def put(self, url, json=None, **kwargs):
        return self.client.put(url, json=json, headers=self.headers, **kwargs)


@pytest.fixture
def api_as(client, make_user):
    """``api_as("case_officer")`` → an ApiClient acting as a new user with that role;
    ``api_as(user)`` → acting as an existing user."""

    def factory(*roles_or_user, email: str | None = None):
        if roles_or_user and not isinstance(roles_or_user[0], str):
            user = roles_or_user[0]
        else:
            user = make_user(*roles_or_user, email=email)
        _, raw = issue_token(SYSTEM, user_email=user.email)
        db.session.commit()
        api_client = ApiClient(client, raw)
        api_client.user = user
        return api_client

    return factory


@pytest.fixture
def partner_api(client):
    def factory(*scopes: str, name: str = "RENIEC"):
        _, raw = issue_token(SYSTEM, client_name=name, scopes=list(scopes))
        db.session.commit()
        return ApiClient(client, raw)

    return factory


# --- Nothing left in the checkout ---------------------------------------------------------


def _untracked_files() -> set[str] | None:
    """The checkout's untracked files, ignored ones included (None outside a git checkout).
    Python's byte-code and pytest's own cache are the interpreter's and the runner's."""
    try:
        listed = subprocess.run(
            ["git", "status", "--porcelain", "--ignored", "--untracked-files=all"]
            + ["--", ".", ":(exclude).venv"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    names = {line[3:] for line in listed.splitlines() if line[:2] in ("??", "!!")}
    return {
        name
        for name in names
        if "__pycache__/" not in name and not name.startswith((".pytest_cache/", ".venv/"))
    }


# --- The long tests first, on every worker ------------------------------------------------------
# pytest-xdist's work stealing (--dist worksteal, pyproject.toml) first hands each worker an equal,
# contiguous share of the collection, in order, and an idle worker later takes the last half of
# another's queue. With the tests marked browser or slow simply sorted first, the first worker's
# share held all of them and the second's none: the second ran out early, took the first's later
# long tests, and ran the two procedure walks (33 s) alone at the end while the first had finished
# (`make test`, 2026-12-06: 23 s of one idle core in 262 s). So each worker's share begins with its
# part of the long tests (whole modules, dealt in turn, so that a module's shared data is loaded
# once) and ends with short ones, and what is stolen at the end is short. The order is computed
# the same on every worker, as xdist requires.
def pytest_collection_modifyitems(config, items):
    workers = getattr(config, "workerinput", {}).get("workercount", 1)
    long_modules: dict[str, list[pytest.Item]] = {}
    short: list[pytest.Item] = []
    for item in items:
        if item.get_closest_marker("browser") or item.get_closest_marker("slow"):
            long_modules.setdefault(item.nodeid.split("::")[0], []).append(item)
        else:
            short.append(item)
    long_of_worker: list[list[pytest.Item]] = [[] for _ in range(workers)]
    for number, module in enumerate(long_modules.values()):
        long_of_worker[number % workers].extend(module)
    ordered: list[pytest.Item] = []
    left = len(items)
    for worker in range(workers):
        share = left // (workers - worker)  # what xdist sends this worker first
        ordered += long_of_worker[worker]
        take = max(0, share - len(long_of_worker[worker]))
        ordered += short[:take]
        del short[:take]
        left -= share
    items[:] = ordered + short


def pytest_sessionstart(session):
    if not hasattr(session.config, "workerinput"):  # the controller, not an xdist worker
        session.config.stash[_BEFORE] = _untracked_files()


def pytest_sessionfinish(session, exitstatus):
    before = session.config.stash.get(_BEFORE, None)
    if before is None or hasattr(session.config, "workerinput"):
        return
    new = sorted((_untracked_files() or set()) - before)
    if new:
        session.config.stash[_LEFT] = new
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    new = config.stash.get(_LEFT, None)
    if new:
        terminalreporter.section("files the suite left in the checkout", red=True)
        for name in new:
            terminalreporter.write_line(name)


_BEFORE = pytest.StashKey[set[str] | None]()
_LEFT = pytest.StashKey[list[str]]()
