"""The baseline: a bare Flask endpoint returning a constant JSON, served exactly like the app.

    gunicorn -w 2 bench.bare_app:app      # GET /ping

With ``BENCH_REFERENCE_SQLITE`` naming a generated SQLite data set, two reference endpoints
show what the database part of a registry check costs without the app's stack: one indexed
look-up of a document and one audit insert, with the plain ``sqlite3`` module, on

- ``/reference/persistent/<serial>``: a connection kept open per thread (what a pool does);
- ``/reference/connect/<serial>``: a connection opened and closed for each request.
"""

import os
import sqlite3
import threading
from datetime import UTC, datetime

from flask import Flask, abort

app = Flask(__name__)
DATABASE = os.environ.get("BENCH_REFERENCE_SQLITE")
_local = threading.local()


@app.get("/ping")
def ping():
    return {"status": "ok", "service": "bare"}


def _open() -> sqlite3.Connection:
    connection = sqlite3.connect(DATABASE, timeout=30)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("PRAGMA foreign_keys=ON")
    return connection


def _check(connection: sqlite3.Connection, serial: str) -> dict:
    row = connection.execute(
        "SELECT serial, type, status, issued_on, valid_until, holder_given_names, holder_family_names, "
        "holder_date_of_birth FROM documents WHERE serial = ?", (serial,)).fetchone()
    if row is None:
        abort(404)
    connection.execute(
        "INSERT INTO audit_events (at, actor_kind, actor_label, action, entity, entity_id) VALUES (?, ?, ?, ?, ?, ?)",
        (datetime.now(UTC).isoformat(" "), "client", "reference", "bench.reference", "document", serial))
    connection.commit()
    return {"serial": row[0], "type": row[1], "status": row[2], "issued_on": row[3], "valid_until": row[4],
            "holder": {"given_names": row[5], "family_names": row[6], "date_of_birth": row[7]}}


@app.get("/reference/persistent/<serial>")
def persistent(serial):
    if not DATABASE:
        abort(404)
    if getattr(_local, "connection", None) is None:
        _local.connection = _open()
    return _check(_local.connection, serial)


@app.get("/reference/connect/<serial>")
def connect_per_request(serial):
    if not DATABASE:
        abort(404)
    connection = _open()
    try:
        return _check(connection, serial)
    finally:
        connection.close()
