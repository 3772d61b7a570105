"""The baseline: a bare Flask endpoint returning a constant JSON, served exactly like the app.

    gunicorn -w 2 bench.bare_app:app      # GET /ping

With ``BENCH_REFERENCE_SQLITE`` (a file) and/or ``BENCH_REFERENCE_PG`` (a database URL) naming a
*reference database* made by ``prepare_reference`` (a copy of the data set's documents and a
``reference_checks`` table of its own), reference endpoints show what the database part of a
registry check costs without the app's stack, with the plain driver (``sqlite3``, ``psycopg``)
on a connection kept per thread (what a pool does):

- ``/reference/<db>/lookup/<serial>``: one indexed look-up of a document, the answer's JSON;
- ``/reference/<db>/commit/<serial>``: the same plus one insert and a commit per request.

The references never write into the data set: its ``audit_events`` are a hash chain, and rows
written beside the chain would break ``flask audit verify`` (issue 17, point 5).
"""

import os
import sqlite3
import threading
from datetime import UTC, datetime

from flask import Flask, abort

app = Flask(__name__)
SQLITE_REFERENCE = os.environ.get("BENCH_REFERENCE_SQLITE")
PG_REFERENCE = os.environ.get("BENCH_REFERENCE_PG")
_local = threading.local()

COLUMNS = (
    "serial, type, status, issued_on, valid_until, holder_given_names, holder_family_names, "
    "holder_date_of_birth"
)


@app.get("/ping")
def ping():
    # The JSON shape of a document check, so that serialising it costs the same.
    return {
        "serial": "SDP-PC-2026-000001-X",
        "type": "provisional_certificate",
        "status": "valid",
        "issued_on": "2026-01-01",
        "valid_until": "2026-12-31",
        "holder": {
            "given_names": "María José",
            "family_names": "Pérez Gómez",
            "date_of_birth": "1990-01-01",
        },
    }


def prepare_reference(source_url: str, kind: str, target: str) -> None:
    """Copy the data set's documents (``source_url``, read only) into the reference database
    ``target``."""
    from sqlalchemy import create_engine, text

    engine = create_engine(source_url)
    with engine.connect() as source:
        rows = [
            tuple(str(v) if v is not None and not isinstance(v, str) else v for v in row)
            for row in source.execute(text(f"SELECT {COLUMNS} FROM documents"))
        ]
    engine.dispose()
    schema = (
        "CREATE TABLE documents (serial TEXT PRIMARY KEY, type TEXT, status TEXT, issued_on TEXT, "
        "valid_until TEXT, holder_given_names TEXT, holder_family_names TEXT, holder_date_of_birth "
        "TEXT)",
        "CREATE TABLE reference_checks (id {serial} PRIMARY KEY, at TEXT NOT NULL, actor_label "
        "TEXT, action TEXT, entity TEXT, entity_id TEXT)",
    )
    if kind == "sqlite":
        if os.path.exists(target):
            os.remove(target)
        connection = sqlite3.connect(target)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute(schema[0])
        connection.execute(schema[1].format(serial="INTEGER"))
        connection.executemany("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        connection.commit()
        connection.close()
        return
    import psycopg

    with psycopg.connect(target, autocommit=True) as connection:
        connection.execute("DROP TABLE IF EXISTS documents, reference_checks")
        connection.execute(schema[0])
        connection.execute(schema[1].format(serial="BIGSERIAL"))
        with connection.cursor().copy(f"COPY documents ({COLUMNS}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        connection.execute("ANALYZE documents")


def _connection(kind: str):
    connection = getattr(_local, kind, None)
    if connection is None:
        if kind == "sqlite":
            if not SQLITE_REFERENCE:
                abort(404)
            connection = sqlite3.connect(SQLITE_REFERENCE, timeout=30, check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
        else:
            if not PG_REFERENCE:
                abort(404)
            import psycopg

            connection = psycopg.connect(PG_REFERENCE)
        setattr(_local, kind, connection)
    return connection


def _check(kind: str, serial: str, commit: bool) -> dict:
    connection = _connection(kind)
    mark = "?" if kind == "sqlite" else "%s"
    row = connection.execute(
        f"SELECT {COLUMNS} FROM documents WHERE serial = {mark}", (serial,)
    ).fetchone()
    if row is None:
        connection.rollback()
        abort(404)
    if commit:
        connection.execute(
            "INSERT INTO reference_checks (at, actor_label, action, entity, entity_id) VALUES "
            f"({', '.join([mark] * 5)})",
            (datetime.now(UTC).isoformat(" "), "reference", "bench.reference", "document", serial),
        )
        connection.commit()
    elif kind == "postgresql":
        connection.rollback()  # end the read's transaction, as a pool's check-in would
    return {
        "serial": row[0],
        "type": row[1],
        "status": row[2],
        "issued_on": row[3],
        "valid_until": row[4],
        "holder": {"given_names": row[5], "family_names": row[6], "date_of_birth": row[7]},
    }


@app.get("/reference/<any(sqlite, postgresql):kind>/lookup/<serial>")
def reference_lookup(kind, serial):
    return _check(kind, serial, commit=False)


@app.get("/reference/<any(sqlite, postgresql):kind>/commit/<serial>")
def reference_commit(kind, serial):
    return _check(kind, serial, commit=True)
