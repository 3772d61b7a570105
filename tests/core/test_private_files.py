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
    processes = [context.Process(target=_start, args=(instance, barrier, results)) for _ in range(PROCESSES)]
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
    assert key_files == sorted(["current", f"{signing_key}.key"]), "the losers' signing keys are removed"


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
