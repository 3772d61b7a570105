"""SQLite connections: their pragmas, and writers that queue instead of sleeping.

SQLite lets one connection write at a time. A connection that finds the write lock taken
waits in SQLite's busy handler, which sleeps 1, 2, 5, 10, 15, 20, 25, 50, 100 ms between tries:
with several threads and worker processes each writing an audit event per request, most of
a request's time went into those sleeps (registry checks at 0.1 of a bare endpoint, p99 over
half a second; bench/RESULTS.md). ``QueuedWriterConnection`` takes an exclusive ``flock`` on
a file beside the database before the first write of a transaction and gives it back when
the transaction ends: a waiting writer is woken by the kernel the moment the lock is free,
and writers take turns. Readers never take it (WAL lets them read while one writes).
Connections made elsewhere (backup, restore, the benchmarks' generator) still rely on
SQLite's own lock and busy timeout; the file lock only orders the app's writers.
"""

import fcntl
import os
import sqlite3
import threading

from sqlalchemy import event
from sqlalchemy.engine import Engine

# Statements before which Python's sqlite3 opens a transaction (and SQLite takes its write lock).
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")

# The writer lock each thread holds, by lock file: a thread that asks for it again through a
# second connection would wait for itself for ever (flock locks belong to each open file).
_held = threading.local()


class WriterLockHeld(RuntimeError):
    """This thread already holds the database's writer lock through another connection."""


class QueuedWriterConnection(sqlite3.Connection):
    """A sqlite3 connection whose transactions that write hold ``<database>-writer.lock``."""

    def __init__(self, database, *args, **kwargs):
        super().__init__(database, *args, **kwargs)
        self._lock_path = _lock_path(os.fspath(database), kwargs.get("uri", False))
        self._lock_fd: int | None = None
        self._holding = False

    def take_writer_lock(self) -> None:
        if self._holding or self._lock_path is None:
            return
        held = getattr(_held, "paths", None)
        if held is None:
            held = _held.paths = set()
        if self._lock_path in held:
            raise WriterLockHeld(
                "This thread's own transaction holds the SQLite writer lock: a second "
                "connection's write from the same thread would wait for it for ever."
            )
        if self._lock_fd is None:
            self._lock_fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX)  # waits in the kernel, without the GIL
        self._holding = True
        held.add(self._lock_path)

    def _give_back(self) -> None:
        if self._holding and self._lock_fd is not None:  # held: the file is open
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            self._holding = False
            getattr(_held, "paths", set()).discard(self._lock_path)

    def commit(self):
        try:
            super().commit()
        finally:
            self._give_back()

    def rollback(self):
        try:
            super().rollback()
        finally:
            self._give_back()

    def close(self):
        try:
            super().close()
        finally:
            self._give_back()
            if self._lock_fd is not None:
                os.close(self._lock_fd)
                self._lock_fd = None


def _lock_path(database: str, uri: bool) -> str | None:
    if uri:
        database = database.removeprefix("file:").split("?", 1)[0]
    if database in ("", ":memory:"):
        return None  # a private database: no other connection to queue with
    return f"{database}-writer.lock"


def open_write_transaction(connection) -> None:
    """Before a SAVEPOINT (``sdp.unit_of_work.savepoint``): Python's sqlite3 opens a
    transaction only before a write, and SQLite treats a SAVEPOINT outside a transaction as the
    transaction itself, committed by its RELEASE. Opened here first (the writer lock taken, then
    ``BEGIN IMMEDIATE``), the savepoint nests and only the request's commit ends the transaction.
    Nothing to do on PostgreSQL, or when the transaction has already written."""
    dbapi_connection = connection.connection.dbapi_connection
    if isinstance(dbapi_connection, QueuedWriterConnection) and not dbapi_connection.in_transaction:
        dbapi_connection.take_writer_lock()
        connection.exec_driver_sql("BEGIN IMMEDIATE")


@event.listens_for(Engine, "before_cursor_execute")
def _queue_writers(conn, cursor, statement, parameters, context, executemany):
    dbapi_connection = conn.connection.dbapi_connection
    if isinstance(dbapi_connection, QueuedWriterConnection) and statement.lstrip()[
        :7
    ].upper().startswith(_WRITES):
        dbapi_connection.take_writer_lock()


@event.listens_for(Engine, "connect")
def _pragmas(dbapi_connection, connection_record):
    """WAL lets readers go on while one writer commits; foreign keys are off by default in
    SQLite."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
