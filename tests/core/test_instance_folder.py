"""The suite writes nothing into the checkout: every app it builds keeps its private files in
the folder ``create_app(instance_path=...)`` names (a temporary one per test worker), and
tests/conftest.py fails the run if any new file is left in the checkout afterwards."""

from pathlib import Path

from sdp import PROJECT_ROOT, create_app
from sdp.documents import signing
from sdp.extensions import db


def _files_under(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*")} if folder.exists() else set()


def _inside_checkout(path: str | Path) -> bool:
    return Path(path).resolve().is_relative_to(PROJECT_ROOT)


def test_the_suite_s_app_keeps_its_files_outside_the_checkout(app):
    assert not _inside_checkout(app.instance_path)
    assert not _inside_checkout(app.config["DATA_KEYS_FILE"])
    assert not _inside_checkout(app.config["UPLOAD_FOLDER"])
    assert not _inside_checkout(signing.keys_dir())
    assert "INSTANCE_FOR_TESTS" not in app.config


def test_create_app_keeps_every_private_file_in_its_instance_path(tmp_path):
    checkout_instance = PROJECT_ROOT / "instance"
    before = _files_under(checkout_instance)
    instance = tmp_path / "instance"
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    fresh = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True}, instance_path=instance)
    with fresh.app_context():
        db.create_all()
        signing.current_signer()  # a signing key, generated on first use
        db.session.remove()
    assert fresh.instance_path == str(instance.resolve())
    assert (instance / "secret_key").exists() and (instance / "data_keys").exists()
    assert list((instance / "document-keys").iterdir())
    assert _files_under(checkout_instance) == before
