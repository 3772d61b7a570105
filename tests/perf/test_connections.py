"""Database connections are opened once per worker and reused by every request."""

from sqlalchemy import event
from sqlalchemy.pool import QueuePool

from sdp.config import engine_options
from sdp.extensions import db
from sdp.sqlite import QueuedWriterConnection

from ..cases.helpers import register


def test_postgresql_pools_are_sized_for_a_worker_and_tunable():
    url = "postgresql+psycopg://sdp@db/sdp"
    assert engine_options(url, {}) == {
        "pool_pre_ping": True,
        "pool_size": 5,
        "max_overflow": 5,
        "pool_recycle": 1800,
    }
    tuned = engine_options(
        url,
        {
            "SDP_DB_POOL_SIZE": "2",
            "SDP_DB_MAX_OVERFLOW": "0",
            "SDP_DB_POOL_PRE_PING": "0",
            "SDP_DB_POOL_RECYCLE": "600",
        },
    )
    assert tuned == {"pool_pre_ping": False, "pool_size": 2, "max_overflow": 0, "pool_recycle": 600}


def test_sqlite_files_keep_their_connections():
    assert engine_options("sqlite:////srv/sdp.sqlite", {}) == {
        "connect_args": {"timeout": 30, "factory": QueuedWriterConnection}
    }
    assert isinstance(db.engine.pool, QueuePool)  # not NullPool: no connection opened per request


def test_requests_reuse_the_pooled_connection(api_as):
    intake = api_as("intake_officer")
    case = register(intake)
    intake.get(f"/api/v1/applications/{case['id']}")  # the pool holds a connection from here on
    opened = []
    listener = lambda *args: opened.append(args)  # noqa: E731
    event.listen(db.engine, "connect", listener)
    try:
        for _ in range(3):
            assert intake.get(f"/api/v1/applications/{case['id']}").status_code == 200
    finally:
        event.remove(db.engine, "connect", listener)
    assert opened == []
