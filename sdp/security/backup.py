"""Backups of the database: SQLite's online backup API, or pg_dump/pg_restore for PostgreSQL.

A backup holds the encrypted columns encrypted: it is readable only with the data keys,
which are kept apart (instance/data_keys or SDP_DATA_KEYS). Uploaded evidence files
(UPLOAD_FOLDER, encrypted too) are copied with ordinary file tools.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import Engine, make_url


class BackupError(RuntimeError):
    pass


def backup(engine: Engine, path: Path) -> None:
    """Write a consistent copy of the database to ``path`` while the app keeps running."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".part")
    temporary.unlink(missing_ok=True)
    name = engine.dialect.name
    if name == "sqlite":
        source = sqlite3.connect(_sqlite_file(engine))
        target = sqlite3.connect(temporary)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    elif name == "postgresql":
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={temporary}",
                f"--dbname={_libpq_url(engine)}",
            ],
            engine,
        )
    else:
        raise BackupError(f"no backup method for {name}")
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def restore(engine: Engine, path: Path) -> None:
    """Replace the database's content with the backup at ``path`` (in one transaction)."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    name = engine.dialect.name
    engine.dispose()  # no pooled connection keeps the old content or a lock
    if name == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{path} is not an intact SQLite database")
            if not source.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'"
            ).fetchone():
                raise BackupError(f"{path} is not a backup of this application")
            target = sqlite3.connect(_sqlite_file(engine), timeout=30)
            try:
                source.backup(target)
            finally:
                target.close()
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{path} is not a SQLite database: {type(error).__name__}") from error
        finally:
            source.close()
    elif name == "postgresql":
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={_libpq_url(engine)}",
                str(path),
            ],
            engine,
        )
    else:
        raise BackupError(f"no restore method for {name}")
    engine.dispose()


def _sqlite_file(engine: Engine) -> str:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return database


def _libpq_url(engine: Engine) -> str:
    # The password goes through the environment (PGPASSWORD), never on a command line.
    return (
        make_url(engine.url)
        .set(drivername="postgresql", password=None)
        .render_as_string(hide_password=False)
    )


def _run(command: list[str], engine: Engine) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not on PATH (install the PostgreSQL client tools)")
    environment = dict(os.environ)
    if engine.url.password:
        environment["PGPASSWORD"] = str(engine.url.password)
    result = subprocess.run(command, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")
