"""Files only the app's user may read (secrets, encrypted evidence), written atomically; and the
secrets the instance folder holds (the session key, the data keys, the document signing key),
created once so that processes starting together agree on them.

Several processes reach an empty instance folder at once whenever more than one starts: the
workers of a server, or CI's SQLite and PostgreSQL suites in one checkout. Each writes its
candidate to a temporary file of its own and links it into place; the link is atomic and fails
when the name exists, so exactly one candidate wins, nobody ever reads a half-written file, and
every process then reads the winner.
"""

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import make_url


def make_private_folder(path: Path) -> None:
    """Create ``path`` (and its parents) if missing, the folder itself readable by the owner only:
    the instance folder holds the SQLite database, the keys and the uploaded evidence, and no
    other account on the machine has any business listing or reading it. Every folder created on
    the way is the owner's alone too (``mkdir(parents=True)`` would make the parents 0755: the
    uploads folder was, issue 15). An existing folder is left as its administrator set it."""
    missing = []
    while not path.exists():
        missing.append(path)
        if path.parent == path:
            break
        path = path.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            pass  # another process made it meanwhile


def _write_temporary(directory: Path, name: str, content: str | bytes) -> str:
    """A new file beside ``name`` holding ``content``, readable by the owner only (mkstemp's
    0600)."""
    make_private_folder(directory)
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=f".{name}.")
    with os.fdopen(descriptor, "wb" if isinstance(content, bytes) else "w") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    return temporary


def write_private(path: Path, content: str | bytes) -> None:
    """Replace ``path`` with ``content`` atomically, readable by the owner only: a reader sees the
    old file or the new one, whole, never a part."""
    os.replace(_write_temporary(path.parent, path.name, content), path)


def create_once(path: Path, make_text: Callable[[], str]) -> str:
    """The text of ``path``, first creating it with ``make_text()`` if it does not exist. When
    several processes do this at once, one creation wins and all of them return its text."""
    try:
        return path.read_text()
    except FileNotFoundError:
        pass
    temporary = _write_temporary(path.parent, path.name, make_text())
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass  # another process got there first: its text is the one
    finally:
        os.unlink(temporary)
    return path.read_text()


def create_private_database(url: str) -> None:
    """Create a SQLite database file readable by the owner only, before SQLite does: SQLite makes
    it with the process's umask (0644 by default, issue 15), and makes its ``-wal`` and ``-shm``
    files with the database file's own mode. An empty file is an empty database. Other URLs, and
    a file that exists (its administrator chose its mode), are left alone."""

    parsed = make_url(url)
    database = parsed.database or ""
    if (
        parsed.get_backend_name() != "sqlite"
        or database in ("", ":memory:")
        or database.startswith("file:")
    ):
        return
    path = Path(database)
    make_private_folder(path.parent)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
