"""The lean path of the partner checks (issue 17, point 1): a WSGI dispatcher by path prefix.

RENIEC and Migraciones check everyone they process: the registry checks carry national load,
and through the whole web stack each one paid for a session cookie, Flask-Login, Babel, CSRF,
the form stash and an ORM unit of work it never uses. ``LeanRegistry`` sits in front of the
Flask app (inside ``TrustedProxies``, so addresses and request ids are believed as everywhere
else) and answers the four checks itself, with only what they need:

    request id → token and scope (the cached principal) → rate limit → parse → look-up on a
    connection held by the worker thread (statements built once) → the audit → the answer's
    JSON built directly, with the security headers, ``no-store`` and the access log line.

One codebase, one set of rules: the statements are the services' own (``find_with_status``,
``matching_cases_of_keys``, the births' ``_BY_NUMBER``), the status and protection rules are
``sdp.domain``'s, the query and body are parsed by the endpoints' own marshmallow schemas, the
audit is the same service call as the Flask view's, and the routes stay declared with
flask-smorest (the OpenAPI description, and the answer for anything this path does not serve
itself). Whatever is not a plain check goes on to the Flask app untouched: another method, a
malformed query or body (422, 400, 413, 415), a QR code that is not genuine (422), a limit
exceeded (429), an address too long (414). The token and the rate-limit window found here ride
along in the WSGI environ, so the Flask app neither asks the database again nor counts the
request twice. Tests hold both paths to byte-identical answers (tests/registry/test_lean.py).

Why a dispatcher and not a second minimal Flask app mounted for these paths: the check runs
inside the main app's request context (``current_app``, ``g.request_id``, ``db`` and the audit
work unchanged), pushed without opening a cookie session or matching the URL map; a second
Flask app would need its own Flask-SQLAlchemy engine (a second pool per worker) and its own
copies of the error handlers and hooks, and Flask's ``full_dispatch_request`` alone (hooks,
``make_response``, ``process_response``) costs what this whole path does (bench/RESULTS.md,
"Issue 17, point 1").

``SDP_LEAN_REGISTRY=0`` turns the dispatcher off (every check through the Flask app).
"""

import io
import json
import logging
import re
import threading
import time
from collections import namedtuple
from collections.abc import Callable, Iterable
from datetime import date
from http import HTTPStatus
from typing import Any

from flask import Flask, current_app, g, request
from flask.ctx import RequestContext
from flask.sessions import NullSession
from marshmallow import RAISE, ValidationError

from .. import clock
from ..api import MAX_JSON_DEPTH, bearer_principal, bearer_token, json_depth, numbers_within_bounds
from ..domain.names import name_key
from ..errors import error_body
from ..extensions import db
from ..ratelimit import count_this_request, rate_limit_headers
from ..registry import services
from ..registry.audit import PERSON_QUERY, person_keys_digest, record_check
from ..registry.schemas import PersonQuerySchema
from ..security.headers import security_headers
from ..security.proxies import TrustedProxies, request_id

# Answers in exactly Flask's JSON (``app.json``: sorted keys, compact, ASCII, a final newline),
# so that both paths answer byte for byte the same.
_encode = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode


def _json(value: Any) -> bytes:
    return (_encode(value) + "\n").encode()


access_log = logging.getLogger("sdp.access")


class _Delegate(Exception):
    """This request is not a plain check: the Flask app answers it (same rules, whole stack)."""


class Prepared:
    """A statement compiled once for one engine's dialect and run on the DB-API driver's own
    cursor. SQLAlchemy's execution does per call what is done here once: the compiled-cache
    look-up, the execution context, the result and row objects (30 µs of a 44 µs look-up on
    SQLite, 80 of 220 µs on PostgreSQL: bench/RESULTS.md, "Issue 17"). The SQL, the parameters'
    conversions and the columns' conversions are SQLAlchemy's own (the types' bind and result
    processors), so a row reads the same as through ``Connection.execute``: the same names, the
    same Python values (tests/registry/test_lean.py compares both paths byte for byte)."""

    def __init__(self, statement, dialect):
        compiled = statement.compile(dialect=dialect)
        self.sql = compiled.string
        # Parameter names in the order of the SQL's placeholders (SQLite's "?"), or None where
        # the driver takes them by name (psycopg's "%(name)s").
        self.positional = compiled.positiontup
        self.bind_processors = {
            name: parameter.type.dialect_impl(dialect).bind_processor(dialect)
            for name, parameter in compiled.binds.items()
        }
        self.column_types = [
            column.type.dialect_impl(dialect) for column in statement.selected_columns
        ]
        self.dialect = dialect
        self._row: Any = None  # the row class and the columns' processors, from the first run
        self._processors: list = []

    def parameters(self, given: dict) -> tuple | dict:
        values = {}
        for name, value in given.items():
            process = self.bind_processors.get(name)
            values[name] = process(value) if process is not None else value
        if self.positional is not None:
            return tuple(values[name] for name in self.positional)
        return values

    def rows(self, cursor) -> "Rows":
        if self._row is None:
            description = cursor.description
            self._processors = [
                column_type.result_processor(self.dialect, column[1])
                for column_type, column in zip(self.column_types, description, strict=True)
            ]
            self._row = namedtuple("Row", [column[0] for column in description])  # type: ignore[misc]
        processors, row = self._processors, self._row
        if not any(processors):
            return Rows(row._make(values) for values in cursor.fetchall())
        return Rows(
            row._make(
                value if process is None else process(value)
                for process, value in zip(processors, values, strict=True)
            )
            for values in cursor.fetchall()
        )


class Rows(list):
    """The rows of a statement, with ``first()`` as the services call it on a result."""

    def first(self):
        return self[0] if self else None


class ThreadConnections:
    """One database connection per worker thread, kept between requests (what a pool's check-out
    and pre-ping cost per request, ≈ 160 µs on PostgreSQL, is paid once). Reads only, in
    autocommit: no BEGIN/ROLLBACK round trips on PostgreSQL, no snapshot held on SQLite.
    Statements run prepared (``Prepared``) on the driver's connection. A connection the server
    dropped is replaced and the statement run again once (a read)."""

    def __init__(self):
        self._local = threading.local()
        self._prepared: dict[tuple[int, int], tuple[Any, Prepared]] = {}

    def execute(self, engine, statement, parameters: dict) -> Rows:
        prepared = self._prepare(engine, statement)
        for attempt in (1, 2):
            connection = self._connection(engine)
            driver = connection.connection.driver_connection
            try:
                cursor = driver.cursor()
                try:
                    values = prepared.parameters(parameters)
                    # Whoever watches the engine's statements (the SQLite writer queue, a test
                    # counting queries, tracing) sees these too, as SQLAlchemy would show them.
                    observers = connection.dispatch.before_cursor_execute
                    if observers:
                        observers(connection, cursor, prepared.sql, values, None, False)
                    cursor.execute(prepared.sql, values)
                    return prepared.rows(cursor)
                finally:
                    cursor.close()
            except engine.dialect.loaded_dbapi.Error as error:
                dropped = engine.dialect.is_disconnect(error, driver, None)
                self.discard(invalidate=dropped)
                if attempt == 2 or not dropped:
                    raise
        raise AssertionError("unreachable")

    def _prepare(self, engine, statement) -> Prepared:
        key = (id(engine), id(statement))
        found = self._prepared.get(key)
        if found is None or found[0] is not statement:  # (an id reused by a new statement)
            found = self._prepared[key] = (statement, Prepared(statement, engine.dialect))
        return found[1]

    def _connection(self, engine):
        held = getattr(self._local, "held", None)
        if held is not None and held[0] is engine and not held[1].invalidated:
            return held[1]
        self.discard()
        connection = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        self._local.held = (engine, connection)
        return connection

    def discard(self, invalidate: bool = False) -> None:
        held = getattr(self._local, "held", None)
        self._local.held = None
        if held is not None:
            try:
                if invalidate:  # the pool must not hand the dead connection out again
                    held[1].invalidate()
                held[1].close()
            except Exception:  # noqa: BLE001 - a dead connection may fail to close; it is gone
                pass


class _CheckContext(RequestContext):
    """Flask's request context (``request``, ``g``, ``current_app`` for the token, the limiter
    and the audit) without what a check does not use: no URL adapter (binding the URL map to
    the environ cost ≈ a third of pushing the context; the route is already known) and no
    cookie session (a null one: nothing reads or writes a cookie here). The fields are
    ``RequestContext.__init__``'s own (Flask 3.1); tests/registry/test_lean.py runs every check
    through it."""

    def __init__(self, app: Flask, environ) -> None:
        request = app.request_class(environ)
        request.json_module = app.json
        self.app, self.request, self.url_adapter, self.flashes = app, request, None, None
        self._session = NullSession()
        self._after_request_functions = []
        self._cv_tokens = []


class _Connection:
    """What the services' ``connection=`` parameter expects: ``execute(statement, params)``."""

    __slots__ = ("connections", "engine")

    def __init__(self, connections: ThreadConnections, engine):
        self.connections, self.engine = connections, engine

    def execute(self, statement, parameters: dict) -> Rows:
        return self.connections.execute(self.engine, statement, parameters)


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


# --- the four checks ----------------------------------------------------------------------
# Each takes the principal and the matched path's parts, and returns the answer (a dict of
# JSON values), or raises ``_Answer`` for an error answered here, or ``_Delegate``.


class _Answer(Exception):
    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def _document_answer(row, status) -> dict:
    # sdp.documents.presenters.registry_dict as DocumentCheckOut dumps it (dates as ISO text).
    return {
        "serial": row.serial,
        "type": row.type,
        "status": status.value,
        "issued_on": _iso(row.issued_on),
        "valid_until": _iso(row.valid_until),
        "holder": {
            "given_names": row.holder_given_names,
            "family_names": row.holder_family_names,
            "date_of_birth": _iso(row.holder_date_of_birth),
        },
    }


def check_document(principal, connection, serial: str) -> dict:
    # Imported here: the app factory (sdp) imports this module, and sdp.documents imports sdp.
    from ..documents import services

    found = services.find_with_status(serial, clock.today(), connection=connection)
    if found is None:
        raise _Answer(404, "There is no document with this serial.")
    row, status = found
    answer = _document_answer(row, status)
    services.record_read(principal, row, "registry")
    return answer


_verify_schema = None


def verify_document(principal, connection, body: bytes) -> dict:
    # Imported here: the app factory (sdp) imports this module, and sdp.documents imports sdp.
    from ..documents import services
    from ..documents.schemas import DocumentVerifySchema

    global _verify_schema
    if _verify_schema is None:
        _verify_schema = DocumentVerifySchema(unknown=RAISE)
    try:
        parsed = json.loads(body)
        if not isinstance(parsed, dict):
            raise _Delegate()
        data = _verify_schema.load(parsed)
    except (ValueError, ValidationError) as error:
        raise _Delegate() from error
    try:
        _fields, found = services.verify_payload(data["qr"], clock.today(), connection=connection)
    except services.VerificationFailed as error:
        raise _Delegate() from error  # 422, with the reason, as the view words it
    if found is None:
        raise _Answer(404, "The QR code is genuine but names no document known to the registry.")
    row, status = found
    services.record_read(principal, row, "registry_qr")
    return _document_answer(row, status)


_person_schema = None


def check_person(principal, connection, _none=None) -> dict:

    global _person_schema
    if _person_schema is None:
        _person_schema = PersonQuerySchema(unknown=RAISE)
    try:
        query = _person_schema.load(request.args)
    except ValidationError as error:
        raise _Delegate() from error
    given_key, family_key = name_key(query["given_names"]), name_key(query["family_names"])
    matches = services.matching_cases_of_keys(
        given_key, family_key, query["date_of_birth"], clock.today(), connection=connection
    )
    # The audit of sdp.registry.services.check_person, the same call.
    record_check(
        principal,
        "person_check",
        PERSON_QUERY,
        person_keys_digest(given_key, family_key, query["date_of_birth"]),
        {"matches": [match["case_number"] for match in matches]},
    )
    return {"matches": matches}


def check_birth(principal, connection, registration_number: str) -> dict:
    # Imported here: this module's ``services`` is the registry's; this one is the births'.
    from ..births import services
    from ..domain.birth_registration import is_valid_registration_number

    well_formed = is_valid_registration_number(registration_number)
    row = (
        services.find_registration(registration_number, connection=connection)
        if well_formed
        else None
    )
    answer = None
    if row is not None:
        # sdp.births.presenters.registry_dict as RegistryBirthOut dumps it.
        answer = {
            "registration_number": row.registration_number,
            "child": {
                "given_names": row.child_given_names,
                "family_names": row.child_family_names,
                "sex": row.child_sex,
                "date_of_birth": _iso(row.child_date_of_birth),
                "place_of_birth": {"country": row.birth_country, "locality": row.birth_locality},
            },
            "nationality": {"country": row.nationality_country, "basis": row.nationality_basis},
            "late_registration": row.late_registration,
        }
    services.record_registry_check(principal, registration_number, row)
    if answer is None:
        if not well_formed:
            raise _Answer(
                404,
                f"{registration_number[:40]} is not a birth registration number "
                "(NAC-<year>-<7 digits>-<check digit>), or its check digit is wrong.",
            )
        raise _Answer(404, f"There is no birth registration {registration_number[:40]}.")
    return answer


# (method, pattern, the Flask rule it serves (for the access log), the check)
_Check = Callable[[Any, _Connection, Any], dict]
ROUTES: tuple[tuple[str, re.Pattern, str, _Check], ...] = (
    (
        "POST",
        re.compile(r"/api/v1/registry/documents/verify"),
        "/api/v1/registry/documents/verify",
        verify_document,
    ),
    (
        "GET",
        re.compile(r"/api/v1/registry/documents/([^/]+)"),
        "/api/v1/registry/documents/<serial>",
        check_document,
    ),
    ("GET", re.compile(r"/api/v1/registry/persons"), "/api/v1/registry/persons", check_person),
    (
        "GET",
        re.compile(r"/api/v1/registry/births/([^/]+)"),
        "/api/v1/registry/births/<string:registration_number>",
        check_birth,
    ),
)
PREFIX = "/api/v1/registry/"
SCOPE = "registry:read"


def _route(method: str, path: str):
    for route_method, pattern, rule, check in ROUTES:
        match = pattern.fullmatch(path)
        if match is not None:
            if route_method != method:
                return None  # 405, or GET .../verify read as a serial: the Flask app decides
            return rule, check, (match.group(1) if match.groups() else None)
    return None


class LeanRegistry:
    """WSGI middleware: the registry checks answered on the lean path, the rest by ``app``."""

    def __init__(self, flask_app: Flask, wsgi_app):
        self.flask_app, self.wsgi_app = flask_app, wsgi_app
        self.connections = ThreadConnections()
        self._fixed_headers: list[tuple[str, str]] | None = None

    def __call__(self, environ, start_response) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if not path.startswith(PREFIX) or not self.flask_app.config.get("SDP_LEAN_REGISTRY"):
            return self.wsgi_app(environ, start_response)
        found = _route(environ.get("REQUEST_METHOD", "GET"), path)
        if found is None or "\x00" in path:
            return self.wsgi_app(environ, start_response)
        rule, check, argument = found
        try:
            body = self._read_body(environ) if check is verify_document else None
        except _Delegate:
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        context = _CheckContext(self.flask_app, environ)
        context.push()
        context_pushed = True
        try:
            answer = self._answer(check, rule, argument, body)
            if answer is None:
                context.pop()
                context_pushed = False
                return self.wsgi_app(environ, start_response)
            status, payload, headers = answer
            self._log(rule, path, status, started)
        finally:
            if context_pushed:
                context.pop()
        start_response(status, headers)
        return [payload]

    # -- the steps --------------------------------------------------------------------------

    def _answer(self, check, rule: str, argument, body):

        config = self.flask_app.config
        g.request_id = request_id()
        if len(request.environ.get("RAW_URI") or request.full_path) > config["MAX_URL_LENGTH"]:
            return None  # 414, in the contract's format
        principal = bearer_principal()
        window = count_this_request()
        if window.breached:
            return None  # 429 with Retry-After, in the contract's format
        try:
            if principal is None:
                if bearer_token() is None:
                    # No token at all (a browser's session, say): the whole app answers, with
                    # the reviewers' fence and the gate's own words; partners always send one.
                    raise _Delegate()
                raise _Answer(401, "The token is unknown, expired or revoked.")
            if SCOPE not in principal.scopes:
                raise _Answer(403, f"This endpoint needs a partner token with the scope {SCOPE}.")
            connection = _Connection(self.connections, self._engine())
            value = check(principal, connection, body if body is not None else argument)
            code = 200
        except _Delegate:
            return None
        except _Answer as error:
            code, value = error.code, error_body(error.code, error.message)
        except Exception:
            current_app.logger.exception("unhandled error on %s %s", request.method, rule)
            code, value = 500, error_body(500, "An unexpected error occurred; it has been logged.")
        finally:
            self._end_session()
        payload = _json(value)
        headers = [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(payload))),
            *self._headers(),
            ("X-Request-Id", g.request_id),
        ]
        rate_limit_headers(headers, window)
        # Flask's cookie session marks every answer so (Flask-Login reads the session): kept, so
        # that both paths answer with the same headers; this path reads no cookie.
        headers.append(("Vary", "Cookie"))
        return _status_line(code), payload, headers

    def _headers(self) -> list[tuple[str, str]]:
        if self._fixed_headers is None:
            self._fixed_headers = [*security_headers(self.flask_app), ("Cache-Control", "no-store")]
        return self._fixed_headers

    def _engine(self):

        return db.engine

    @staticmethod
    def _end_session() -> None:
        # This path writes nothing through the ORM (its audit is the journal's), so it commits
        # nothing: ending the thread's session only releases what the token's once-a-second
        # look-up read, even where an outer app context (a test's) outlives the request.
        from ..extensions import db

        db.session.remove()

    def _read_body(self, environ) -> bytes:
        """The body of a plain JSON request, read once and put back for the Flask app; anything
        else (no length, too long, not JSON, nested too deep) is the Flask app's to refuse."""

        limit = self.flask_app.config["API_MAX_JSON_BYTES"]
        try:
            length = int(environ.get("CONTENT_LENGTH") or "")
        except ValueError:
            raise _Delegate() from None
        mimetype = environ.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()
        if not 0 < length < limit or mimetype != "application/json":
            raise _Delegate()
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)
        if (
            len(body) != length
            or json_depth(body) > MAX_JSON_DEPTH
            or not numbers_within_bounds(body)
        ):
            raise _Delegate()
        return body

    def _log(self, rule: str, path: str, status: str, started: float) -> None:
        # The line sdp.security.logs writes for every request, the same fields.
        if not self.flask_app.config.get("ACCESS_LOG", True):
            return
        code = int(status[:3])
        fields = {
            "event": "request",
            "method": request.method,
            "route": rule,
            "path": path,
            "status": code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
        }
        principal = request.environ.get("sdp.principal")
        if principal is not None:
            fields["actor"] = f"{principal.kind}:{principal.id}"
        access_log.info("%s %s %s", request.method, rule, code, extra={"sdp": fields})


_STATUS_LINES: dict[int, str] = {}


def _status_line(code: int) -> str:
    line = _STATUS_LINES.get(code)
    if line is None:
        line = _STATUS_LINES[code] = f"{code} {HTTPStatus(code).phrase.upper()}"
    return line


def mount(app: Flask) -> None:
    """Put the dispatcher in front of the Flask app, inside ``TrustedProxies``."""

    app.config.setdefault("SDP_LEAN_REGISTRY", True)
    outer = app.wsgi_app
    if isinstance(outer, TrustedProxies):
        outer.wsgi_app = LeanRegistry(app, outer.wsgi_app)
    else:
        # Flask's documented way to add WSGI middleware, which mypy sees as replacing a method.
        app.wsgi_app = LeanRegistry(app, outer)  # type: ignore[method-assign]
