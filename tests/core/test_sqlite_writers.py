"""SQLite: the app's writers queue on a file lock (sdp/sqlite.py) instead of sleeping in
SQLite's busy handler; readers never wait for it."""

import threading
from pathlib import Path

import pytest
from sqlalchemy import select, text

from sdp.audit.chainer_process import flock_held
from sdp.auth.models import ApiToken
from sdp.auth.tokens import create_token
from sdp.extensions import db
from sdp.sqlite import QueuedWriterConnection, WriterLockHeld, _lock_path


@pytest.fixture
def lock_file(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL has row locks and many writers; the queue is SQLite's")
    return f"{db.engine.url.database}-writer.lock"


def held_by_someone(path: str) -> bool:
    return flock_held(Path(path)) is True  # None: no lock file yet, so nobody holds it


def test_the_apps_connections_queue_their_writers(lock_file):
    assert isinstance(db.session.connection().connection.dbapi_connection, QueuedWriterConnection)


def test_a_writing_transaction_holds_the_lock_until_it_ends(lock_file):
    db.session.execute(select(ApiToken.id)).all()
    assert not held_by_someone(lock_file)  # reading takes nothing
    create_token(client_name="RENIEC")
    db.session.flush()  # the INSERT
    assert held_by_someone(lock_file)
    db.session.commit()
    assert not held_by_someone(lock_file)
    create_token(client_name="Migraciones")
    db.session.flush()
    assert held_by_someone(lock_file)
    db.session.rollback()
    assert not held_by_someone(lock_file)


def test_a_second_writer_waits_for_the_first_and_readers_do_not(app, lock_file):
    create_token(client_name="RENIEC")
    db.session.flush()  # this test's transaction now holds the lock
    progress, has_read = [], threading.Event()

    def second_writer():
        with app.app_context():
            progress.append(
                db.session.execute(select(ApiToken.client_name)).scalars().all()
            )  # reads at once
            has_read.set()
            db.session.execute(text("UPDATE api_tokens SET client_name = client_name WHERE 0 = 1"))
            progress.append("wrote")
            db.session.commit()
            db.session.remove()

    thread = threading.Thread(target=second_writer)
    thread.start()
    assert has_read.wait(30)  # reading did not wait for the writer's lock
    thread.join(0.5)
    assert progress == [[]]  # read the committed state (nothing), and waits to write
    db.session.commit()
    thread.join(10)
    assert progress == [[], "wrote"]
    assert not held_by_someone(lock_file)


def test_lock_files_sit_beside_the_database():
    assert _lock_path("/srv/sdp.sqlite", uri=False) == "/srv/sdp.sqlite-writer.lock"
    assert _lock_path("file:/srv/sdp.sqlite?mode=ro", uri=True) == "/srv/sdp.sqlite-writer.lock"
    assert _lock_path(":memory:", uri=False) is None


def test_a_thread_that_holds_the_lock_is_refused_a_second_writer_instead_of_waiting_for_itself(
    app, lock_file
):
    """The case page once chained the audit journal (its own connection) after writing its read
    event: the request's transaction held the lock, and the chainer waited for it for ever."""
    create_token(client_name="RENIEC")
    db.session.flush()  # this thread's transaction holds the writer lock
    with db.engine.connect() as other:
        with pytest.raises(WriterLockHeld):
            other.execute(
                text("INSERT INTO case_number_counters (year, last_value) VALUES (1999, 0)")
            )
    db.session.commit()
    with db.engine.begin() as other:  # the lock given back: the other connection writes
        other.execute(text("DELETE FROM case_number_counters WHERE year = 1999"))
