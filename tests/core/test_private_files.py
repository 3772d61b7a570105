"""The secrets generated into the instance folder on first start (the session key, the data
keys, the document signing key): processes starting together on a fresh instance folder (two
gunicorn workers, or CI's SQLite and PostgreSQL suites in one checkout) must all start, and
all use the same secret."""

import multiprocessing
import os
import stat
from pathlib import Path

import pytest
from flask import Flask

from sdp import config
from sdp.crypto import Keyring
from sdp.documents import signing
from sdp.private_files import create_once, make_private_folder, write_private

PROCESSES = 6
ROUNDS = 5


def _start(instance: str, barrier, results) -> None:
    barrier.wait()  # every process reaches the empty folder at the same moment
    try:
        secret_key = config.load(instance)["SECRET_KEY"]
        data_key = Keyring.from_settings(None, Path(instance) / "data_keys").current.kid
        app = Flask("starting-server")
        app.config["DOCUMENT_KEYS_DIR"] = Path(instance) / "document-keys"
        with app.app_context():
            signing_key = signing.current_signer().key_id
        results.put((secret_key, data_key, signing_key))
    except BaseException as error:  # noqa: BLE001 - the parent reports what the child hit
        results.put(repr(error))


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_servers_starting_together_on_a_fresh_instance_share_one_set_of_secrets(tmp_path, round_):
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(PROCESSES)
    results = context.Queue()
    instance = str(tmp_path / "instance")
    processes = [
        context.Process(target=_start, args=(instance, barrier, results)) for _ in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=60) for _ in processes]
    for process in processes:
        process.join(timeout=60)

    failures = [outcome for outcome in outcomes if isinstance(outcome, str)]
    assert failures == []
    assert len(set(outcomes)) == 1, "every process must use the same secrets"
    secret_key, _, signing_key = outcomes[0]
    assert len(secret_key) == 64
    leftovers = sorted(name for name in os.listdir(instance) if name.startswith("."))
    assert leftovers == [], "no half-written temporary file stays behind"
    key_files = sorted(os.listdir(tmp_path / "instance" / "document-keys"))
    assert key_files == sorted(["current", f"{signing_key}.key"]), (
        "the losers' signing keys are removed"
    )


def test_create_once_keeps_the_first_text_and_reads_it_back(tmp_path):
    path = tmp_path / "nested" / "secret"
    assert create_once(path, lambda: "first") == "first"
    assert create_once(path, lambda: pytest.fail("an existing file is never made again")) == "first"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_write_private_replaces_the_whole_file_readable_by_the_owner_only(tmp_path):
    path = tmp_path / "keys"
    write_private(path, "old and longer\n")
    write_private(path, "new\n")
    assert path.read_text() == "new\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert os.listdir(tmp_path) == ["keys"]


def test_the_instance_folder_is_made_for_the_owner_alone(tmp_path):
    folder = tmp_path / "deployment" / "instance"
    make_private_folder(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    make_private_folder(folder)  # again: nothing to do
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_every_file_and_folder_the_app_writes_is_the_owners_alone(app, tmp_path, monkeypatch):
    """Issue 15: ``uploads/`` was 0755 and the SQLite file 0644. A fresh instance under the usual
    umask (022): the database (and its -wal, -shm and writer lock), the secret key, the data keys,
    the document signing keys and an uploaded file in its nested folder: files 0600, folders 0700.
    """
    from flask_migrate import upgrade

    from sdp import create_app
    from sdp.extensions import db
    from sdp.uploads import services as uploads

    instance = tmp_path / "instance"
    previous_umask = os.umask(0o022)
    try:
        # The pilot's database, whatever DATABASE_URL says.
        url = f"sqlite:///{instance / 'db' / 'sdp.sqlite'}"
        fresh = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "SQLALCHEMY_ENGINE_OPTIONS": config.engine_options(url),
                "SECRET_KEY": "x",
                "TESTING": True,
            }
        )
        with fresh.app_context():
            upgrade()
            with db.engine.begin() as connection:  # a write: WAL, shared memory and the writer lock
                connection.exec_driver_sql("CREATE TABLE probe (id INTEGER)")
        config.load(str(instance))  # the session key
        Keyring.from_settings(None, instance / "data_keys")
        signer_app = Flask("signer")
        signer_app.config["DOCUMENT_KEYS_DIR"] = instance / "document-keys"
        with signer_app.app_context():
            signing.current_signer()
        monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(instance / "uploads"))
        write_private(uploads._path("AbCdEfGh"), b"encrypted evidence")  # noqa: SLF001 - where attach_file writes
    finally:
        os.umask(previous_umask)
    written = {
        path.relative_to(instance).as_posix(): stat.S_IMODE(path.stat().st_mode)
        for path in instance.rglob("*")
    }
    with fresh.app_context():
        db.engine.dispose()  # after looking: the last connection's close removes -wal and -shm
    assert {
        "db/sdp.sqlite",
        "db/sdp.sqlite-wal",
        "db/sdp.sqlite-shm",
        "db/sdp.sqlite-writer.lock",
        "secret_key",
        "data_keys",
        "uploads",
        "uploads/Ab",
        "uploads/Ab/AbCdEfGh",
        "document-keys",
    } <= set(written), sorted(written)
    wrong = {
        name: oct(mode)
        for name, mode in written.items()
        if mode != (0o700 if (instance / name).is_dir() else 0o600)
    }
    assert not wrong
