"""The audit journal: partner checks audited before the answer, chained into ``audit_events`` later.

A registry check (``sdp.registry.audit.record_check``) used to write and commit a chained audit
row on every request: the chain head's lock, an INSERT and a COMMIT per check, the largest
part of what a check cost (issue 17). Now each acknowledged check appends its event, one JSON
line, to a journal file before the answer is sent; a chainer moves the lines into
``audit_events`` in batches, chained exactly as ``sdp.audit.services.record`` chains them.

**Files.** One file per writing process (per process incarnation: a new pid, a fork or a
rotation opens a new one), named ``<host>-<pid>-<start ns>-<random>.jsonl`` in the journal
folder (``SDP_AUDIT_JOURNAL``, default ``<instance>/audit-journal``). Why one file per process
rather than one shared file: the per-file sequence number is then given under a lock of the
process alone (no cross-process counter), no two processes ever write to the same file (so no
line of one can land inside a line of another, even on a file system where ``O_APPEND`` is not
atomic, such as NFS), and a file whose writer is gone is known to be complete: its writer holds
a shared ``flock`` on it while it may still append, and the lock goes with the process, SIGKILL
included. Within a process, threads append whole lines with one ``write`` on an ``O_APPEND``
descriptor under the process's lock, so lines never interleave and the file's order is the
sequence's order. Several servers each keep their own folder (or share one: the names carry the
host) and each runs its own chainer; they meet only in the database, where a unique index on
(``journal_file``, ``journal_seq``) keeps a line from being chained twice.

**A line** is ``{"seq": n, "at": ..., "actor_kind": ..., ..., "sum": "<sha256>"}``: the
event's fields (what ``record`` hashes), the line's number in its file (1, 2, 3, ...), and the
SHA-256 of the rest of the line and of the file's name. A missing line shows as a gap in the
numbers, a reordered one as a number out of order, an altered one as a wrong sum (the sum is
not keyed: it finds damage and careless edits; tamper evidence starts when the line is chained,
which is why the chainer runs every second).

**Durability.** The line is written before the answer is sent, so a crash of the process (a
SIGKILL of the worker) loses no acknowledged check: the kernel has the line. Surviving a power
loss also needs ``fsync``, which the journal does only where the database's own setting
promises that much for a committed row: PostgreSQL with ``synchronous_commit`` on (the default)
survives power loss, so the answer waits for the line's fsync, grouped: one thread of the
process syncs for every line appended before it started, the others wait for it. SQLite in WAL
mode with ``synchronous=NORMAL`` (``sdp/sqlite.py``) only survives a crash of the process: a
power loss may lose its last commits, so the journal does no fsync per event either (the line
is in the page cache as a commit is in the WAL). ``SDP_AUDIT_JOURNAL_FSYNC``: ``auto`` (that
rule), ``always`` or ``never``.

**Chaining.** A ``Chainer`` (``flask --app sdp audit chain``; ``--follow`` to keep going, which
is what the app servers start and restart as a process of its own, ``start_background_chainer``
and ``sdp.audit.chainer_process``; or a thread in each app process) reads the
complete lines of each file, checks their numbers and sums, and inserts the lines after the
file's last chained number in batches, one transaction per batch: a crash mid-batch rolls the
batch back, and the next round starts after the last committed line. Each event keeps its
journal file and number (hashed with it), so a line is never chained twice. A file whose writer
is gone and whose every line is chained is deleted. One chainer at a time per folder (an
exclusive ``flock`` on ``.chainer.lock``).
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import logging
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, cast

from flask import Flask, current_app
from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from werkzeug.local import LocalProxy

from .. import clock
from ..extensions import db
from . import chain, chainer_process
from .models import AuditEvent, audit_events
from .services import _plain, redact

log = logging.getLogger("sdp.audit.journal")

SUFFIX = ".jsonl"
LOCK_NAME = ".chainer.lock"
# The event's fields a line carries: what the chain hashes (sdp.audit.chain.HASHED_FIELDS).
EVENT_FIELDS = chain.HASHED_FIELDS
DEFAULT_ROTATE_BYTES = 16 * 1024 * 1024
DEFAULT_BATCH = 500


class JournalCorrupt(Exception):
    """A journal line is missing, out of order or altered."""

    def __init__(self, file: str, seq: int, message: str):
        super().__init__(f"journal {file}, line {seq}: {message}")
        self.file, self.seq = file, seq


# --- Lines ------------------------------------------------------------------------------------


def _canonical(document: dict[str, Any]) -> str:
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def _sum(file: str, body: str) -> str:
    return hashlib.sha256(f"{file}\n{body}".encode()).hexdigest()


def encode_line(file: str, seq: int, fields: dict[str, Any]) -> bytes:
    """One journal line: the event's fields, its number, and the sum of both and the file name."""
    document = {name: fields.get(name) for name in EVENT_FIELDS}
    at = document["at"]
    if not isinstance(at, datetime):  # event_fields always sets it
        raise TypeError(f"a journal line needs the event's time (a datetime), not {at!r}")
    document["at"] = chain.canonical_time(at)
    document["seq"] = seq
    body = _canonical(document)
    return f'{body[:-1]},"sum":"{_sum(file, body)}"}}\n'.encode()


@dataclass(frozen=True)
class Line:
    file: str
    seq: int
    fields: dict[str, Any]  # the event's fields, "at" an aware datetime

    @property
    def at(self) -> datetime:
        return self.fields["at"]

    @property
    def journal_id(self) -> str:
        return f"{self.file}:{self.seq}"


def decode_line(file: str, raw: bytes, expected_seq: int) -> Line:
    """A line read back, checked: its sum, and that it is the ``expected_seq``-th of its file.

    The sum is checked over the line's bytes as ``encode_line`` wrote them (the body, then
    ``,"sum":"…"}``), not over the body encoded again: the chainer reads every line, and the
    second encoding cost it about 5 of 76 µs a line (bench/RESULTS.md, "Issue 17, thirteenth
    session"). A line changed in any byte, even into equivalent JSON, is altered."""
    try:
        document = json.loads(raw)
        stated_sum = document.pop("sum")
        seq = document["seq"]
        tail = f',"sum":"{stated_sum}"}}'.encode()
    except (ValueError, KeyError, TypeError, AttributeError):
        raise JournalCorrupt(file, expected_seq, "not a journal line (altered)") from None
    body = raw[: -len(tail)] + b"}"
    if not raw.endswith(tail) or _sum(file, body.decode()) != stated_sum:
        raise JournalCorrupt(file, expected_seq, f"line numbered {seq} was altered (bad sum)")
    if seq != expected_seq:
        what = "missing or reordered" if seq > expected_seq else "out of order or repeated"
        raise JournalCorrupt(
            file, expected_seq, f"found line {seq} where line {expected_seq} belongs: lines {what}"
        )
    document.pop("seq")
    document["at"] = datetime.fromisoformat(document["at"])
    return Line(file, seq, document)


def event_fields(
    *,
    actor_kind: str,
    actor_id: int | None,
    actor_label: str,
    action: str,
    entity: str,
    entity_id: Any = None,
    case_id: int | None = None,
    changes: dict[str, Any] | None = None,
    request_id: str | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """An event's fields as ``sdp.audit.services.record`` builds them (changes redacted and
    passed through JSON, so that the hash covers exactly what the database returns)."""

    return {
        "at": at or clock.now(),
        "actor_kind": actor_kind,
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": action,
        "entity": entity,
        "entity_id": None if entity_id is None else str(entity_id),
        "case_id": case_id,
        "changes": json.loads(json.dumps(redact(_plain(changes)))) if changes else None,
        "request_id": request_id,
    }


# --- Writing ----------------------------------------------------------------------------------


class Journal:
    """The journal folder of one app, and this process's file in it. Thread-safe; fork-safe
    (a forked child opens its own file on its first append)."""

    def __init__(
        self,
        directory: str | os.PathLike,
        *,
        durable: bool | Callable[[], bool] = False,
        group_window: float = 0.0005,
        rotate_bytes: int = DEFAULT_ROTATE_BYTES,
    ):
        self.directory = Path(directory)
        self._durable = durable
        self.group_window = group_window
        self.rotate_bytes = rotate_bytes
        self._reset()
        _JOURNALS.append(self)

    def _reset(self) -> None:
        # Fresh locks too: after a fork, a lock another thread of the parent held stays held.
        self._lock = threading.Lock()
        self._synced_cond = threading.Condition(threading.Lock())
        self._pid = os.getpid()
        self._fd: int | None = None
        self.file: str | None = None
        self._seq = 0
        self._size = 0
        self._appended = 0  # lines appended by this process, every file counted
        self._synced = 0  # of which this many are known on disk
        self._syncing = False

    @property
    def durable(self) -> bool:
        if callable(self._durable):
            self._durable = bool(self._durable())
        return self._durable

    def append(self, fields: dict[str, Any]) -> str:
        """Append one event (``event_fields``) and return its journal id (``file:seq``). Returns
        when the line is written, and, where the journal is durable, on disk."""
        durable = self.durable
        with self._lock:
            if self._pid != os.getpid():
                self._forget_parent_file()
            if self._fd is None or self._size >= self.rotate_bytes:
                self._open_new_file(durable)
            fd, file = self._fd, self.file
            if fd is None or file is None:  # _open_new_file sets both, or raises
                raise RuntimeError("the audit journal has no open file to append to")
            data = encode_line(file, self._seq + 1, fields)
            try:
                written = os.write(fd, data)
                if written != len(data):  # a full disk: the check must not be answered
                    raise OSError(errno.ENOSPC, f"journal line cut short ({written}/{len(data)})")
            except OSError:
                # Whatever part of the line reached the file ends it: the next line goes to a
                # new file, and the chainer reads this one's cut tail as a line never answered.
                self._abandon_file(fd)
                raise
            self._seq += 1
            self._size += written
            self._appended += 1
            ticket, journal_id = self._appended, f"{self.file}:{self._seq}"
        if durable:
            self._wait_until_synced(ticket)
        return journal_id

    def _forget_parent_file(self) -> None:
        inherited = self._fd
        self._reset()
        if inherited is not None:
            # The parent's descriptor (and its flock) stays the parent's; this copy goes.
            os.close(inherited)

    def _open_new_file(self, durable: bool) -> None:
        if self._fd is not None:
            if durable:
                os.fsync(self._fd)
                self._synced = self._appended
            os.close(self._fd)  # releases the flock: the chainer may delete it once chained
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        host = socket.gethostname().replace("-", "_")[:40] or "host"
        name = f"{host}-{os.getpid()}-{time.time_ns()}-{secrets.token_hex(3)}{SUFFIX}"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | os.O_CLOEXEC
        # Created under a name the chainer does not read, locked, then named: a chainer never
        # meets the file unlocked, so never takes a new, empty file for a finished one.
        fd = os.open(self.directory / f".{name}.new", flags, 0o600)
        fcntl.flock(fd, fcntl.LOCK_SH)  # "a writer may still append": see the module's doc
        os.rename(self.directory / f".{name}.new", self.directory / name)
        if durable:
            _fsync_directory(self.directory)  # the new file's name survives a power loss too
        self._fd, self.file, self._seq, self._size = fd, name, 0, 0

    def _wait_until_synced(self, ticket: int) -> None:
        """Group commit: the first thread to find no sync under way syncs, after a short window
        that lets other threads' lines join; every line appended before its fsync started is
        then on disk, and their threads return without a sync of their own."""
        with self._synced_cond:
            while self._synced < ticket:
                if not self._syncing:
                    self._syncing = True
                    break
                self._synced_cond.wait()
            else:
                return
        target, ok = 0, False
        try:
            if self.group_window:
                time.sleep(self.group_window)
            with self._lock:
                target = self._appended
                # A rotation or close() syncs the file it closes; the one open now is synced
                # through a copy of its descriptor, which a rotation may close meanwhile.
                fd = None if self._fd is None else os.dup(self._fd)
            if fd is not None:
                try:
                    os.fdatasync(fd)
                finally:
                    os.close(fd)
            ok = True
        finally:
            with self._synced_cond:
                self._syncing = False
                if ok:
                    self._synced = max(self._synced, target)
                self._synced_cond.notify_all()

    def _abandon_file(self, fd: int) -> None:
        try:
            os.close(fd)
        finally:
            self._fd, self.file = None, None

    def close(self) -> None:
        """Close this process's file (the chainer deletes it once chained); the next append
        opens a new one."""
        with self._lock:
            if self._fd is not None and self._pid == os.getpid():
                if self._durable is True:
                    os.fsync(self._fd)
                    self._synced = self._appended
                os.close(self._fd)
            self._fd, self.file = None, None


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_JOURNALS: list[Journal] = []


def _after_fork_in_child() -> None:
    for journal in _JOURNALS:
        if journal._pid != os.getpid():
            journal._forget_parent_file()
    _CHAINERS.clear()  # the parent's threads did not come along
    for app in _APPS:  # nor its chainers' locks, which one of them may have held
        app.extensions.pop("sdp_audit_chainer", None)


os.register_at_fork(after_in_child=_after_fork_in_child)


# --- Reading ----------------------------------------------------------------------------------


def journal_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(path for path in directory.iterdir() if path.name.endswith(SUFFIX))


@dataclass
class Read:
    lines: list[Line]
    offset: int  # after the last good line
    incomplete: bool  # an incomplete line follows (being written, or torn by a crash)
    problem: JournalCorrupt | None  # the first missing, reordered or altered line


def read_lines(path: Path, offset: int = 0, first_seq: int = 1) -> Read:
    """The complete lines of a file from ``offset``, checked and numbered from ``first_seq``,
    up to the first bad one."""
    with path.open("rb") as stream:
        stream.seek(offset)
        data = stream.read()
    lines, position, seq = [], 0, first_seq
    while True:
        end = data.find(b"\n", position)
        if end < 0:
            break
        try:
            lines.append(decode_line(path.name, data[position:end], seq))
        except JournalCorrupt as problem:
            return Read(lines, offset + position, False, problem)
        seq += 1
        position = end + 1
    return Read(lines, offset + position, position < len(data), None)


def _writer_gone(path: Path) -> bool:
    """True when no process holds the file open for appending (its shared flock is free);
    False for a file deleted meanwhile."""
    return chainer_process.flock_held(path) is False


# --- Chaining ---------------------------------------------------------------------------------


@dataclass
class ChainResult:
    chained: int = 0
    files_removed: int = 0
    pending: int = 0  # complete lines left unchained (another chainer held the folder)
    torn: list[str] = field(default_factory=list)  # files whose last line was cut by a crash
    problems: list[str] = field(default_factory=list)  # missing, reordered or altered lines


@dataclass
class _FileProgress:
    offset: int = 0
    next_seq: int = 1
    chained_upto: int | None = None  # as far as this chainer knows (the database has the last word)


class Chainer:
    """Moves the lines of one journal folder into ``audit_events``. Remembers how far it read
    each file (a restart reads each file once from its start, and asks the database how far
    it was chained)."""

    def __init__(self, engine: Engine, directory: str | os.PathLike, lanes: int, batch: int):
        self.engine, self.directory, self.lanes, self.batch = engine, Path(directory), lanes, batch
        self._progress: dict[str, _FileProgress] = {}
        self._mutex = threading.Lock()  # threads of this process (the flock is per process)

    @contextmanager
    def _folder_lock(self, wait: bool) -> Iterator[bool]:
        if not self.directory.is_dir():
            yield False  # no check journaled here yet: nothing to chain
            return
        if not self._mutex.acquire(blocking=wait):
            yield False
            return
        try:
            fd = os.open(self.directory / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
                except BlockingIOError:
                    yield False
                    return
                yield True
            finally:
                os.close(fd)
        finally:
            self._mutex.release()

    def run(self, wait: bool = True) -> ChainResult:
        """One round over every file. ``wait``: wait for another chainer of the folder to
        finish its round (else return at once, chaining nothing)."""
        result = ChainResult()
        with self._folder_lock(wait) as held:
            if not held:
                return result
            present = set()
            for path in journal_files(self.directory):
                present.add(path.name)
                self._chain_file(path, result)
            for gone in set(self._progress) - present:
                del self._progress[gone]
        return result

    def _chain_file(self, path: Path, result: ChainResult) -> None:
        progress = self._progress.setdefault(path.name, _FileProgress())
        # Whether the writer was gone is asked before reading: a line written after the read
        # by a live writer is read next round; once it is gone, nothing more can come.
        finished = _writer_gone(path)
        try:
            read = read_lines(path, progress.offset, progress.next_seq)
        except FileNotFoundError:
            return
        lines = read.lines
        pending = [line for line in lines if line.seq > (progress.chained_upto or 0)]
        if pending:
            # Asked again each round: another process's chainer may have had the folder's lock
            # in between and chained some of them.
            progress.chained_upto = self._chained_upto(path.name)
            pending = [line for line in pending if line.seq > progress.chained_upto]
        try:
            for start in range(0, len(pending), self.batch):
                batch = pending[start : start + self.batch]
                self._insert(batch)
                progress.chained_upto = batch[-1].seq
                result.chained += len(batch)
        except Exception:
            progress.chained_upto = None  # ask the database again: the commit may have landed
            raise
        finally:
            if lines:
                progress.offset, progress.next_seq = read.offset, lines[-1].seq + 1
        if read.problem is not None:
            # The lines before it are chained; the file stays for `audit verify` to report,
            # and nothing after the bad line is chained until someone has looked.
            result.problems.append(str(read.problem))
            log.error("audit journal damaged: %s", read.problem)
            return
        if finished:
            if read.incomplete:
                # A line cut by a crash (a power loss before its fsync, or a full disk): its
                # check was never answered, since the answer waits for the whole line.
                result.torn.append(path.name)
                log.warning("journal %s ends with an incomplete line (never acknowledged)", path)
            path.unlink()
            _fsync_directory(self.directory)
            self._progress.pop(path.name, None)
            result.files_removed += 1

    def _chained_upto(self, file: str) -> int:

        with self.engine.connect() as connection:
            upto = connection.execute(
                select(func.max(AuditEvent.journal_seq)).where(AuditEvent.journal_file == file)
            ).scalar()
        return upto or 0

    def _insert(self, lines: list[Line]) -> None:
        """One transaction: the lines, chained onto a lane's head as ``record`` chains events."""

        with Session(self.engine) as session, session.begin():
            lane, previous_hash = chain.head_for_append(session, self.lanes)
            rows = []
            for line in lines:
                fields = {**line.fields, "journal_file": line.file, "journal_seq": line.seq}
                event_hash = chain.digest(fields, previous_hash)
                rows.append(
                    {**fields, "lane": lane, "previous_hash": previous_hash, "hash": event_hash}
                )
                previous_hash = event_hash
            session.execute(insert(audit_events), rows)


# --- The app's journal ------------------------------------------------------------------------


@dataclass
class _Background:
    """This process's background chainer of one app: its thread, what stops it, and the
    chainer process it started last (``SDP_AUDIT_CHAINER=process``)."""

    stop: threading.Event
    thread: threading.Thread | None = None
    follower: subprocess.Popen | None = None


_CHAINERS: dict[int, _Background] = {}  # id(app) -> this process's background chainer


def journal_directory(app) -> Path:
    configured = app.config.get("SDP_AUDIT_JOURNAL")
    if configured:
        return Path(configured)
    instance = app.config.get("INSTANCE_FOR_TESTS") or app.instance_path
    return Path(instance) / "audit-journal"


def _database_promises_power_loss(app) -> bool:
    """Whether a committed row survives a power loss with this database's settings."""

    with app.app_context():
        engine = db.engine
        if engine.dialect.name != "postgresql":
            return False  # SQLite: WAL with synchronous=NORMAL (sdp/sqlite.py), see the module
        with engine.connect() as connection:
            setting = connection.execute(text("SHOW synchronous_commit")).scalar()
    return setting != "off"


def init_app(app) -> None:
    chainer_mode = app.config.get("SDP_AUDIT_CHAINER", "process")
    if chainer_mode not in CHAINER_MODES:
        raise ValueError(f"SDP_AUDIT_CHAINER must be one of {CHAINER_MODES}, not {chainer_mode!r}")
    mode = app.config.get("SDP_AUDIT_JOURNAL_FSYNC", "auto")
    if mode not in ("auto", "always", "never"):
        raise ValueError(f"SDP_AUDIT_JOURNAL_FSYNC must be auto, always or never, not {mode!r}")
    durable = {"always": True, "never": False}.get(mode) or (
        lambda: _database_promises_power_loss(app)
    )
    app.extensions["sdp_audit_journal"] = Journal(
        journal_directory(app),
        durable=durable,
        group_window=app.config.get("SDP_AUDIT_JOURNAL_GROUP_WINDOW", 0.0005),
        rotate_bytes=app.config.get("SDP_AUDIT_JOURNAL_ROTATE_BYTES", DEFAULT_ROTATE_BYTES),
    )
    _APPS.append(app)


_APPS: list = []  # the apps of this process that have a journal (gunicorn's post_fork hook)


def apps_with_journal() -> list:
    return list(_APPS)


def journal_of(app) -> Journal:
    return app.extensions["sdp_audit_journal"]


def chainer_of(app) -> Chainer:
    found = app.extensions.get("sdp_audit_chainer")
    if found is None:
        with app.app_context():
            engine = db.engine
        found = app.extensions["sdp_audit_chainer"] = Chainer(
            engine,
            journal_directory(app),
            app.config["SDP_AUDIT_LANES"],
            app.config.get("SDP_AUDIT_CHAIN_BATCH", DEFAULT_BATCH),
        )
    return found


def append_event(app, **fields: Any) -> str:
    """Journal one event of the app (``event_fields``'s arguments); a plain function, for
    callers without a Flask request or an ORM session. Starts the background chainer of this
    process if the app runs one and it is not running yet."""
    journal_id = journal_of(app).append(event_fields(**fields))
    if id(app) not in _CHAINERS and app.config.get("SDP_AUDIT_CHAINER", "process") != "off":
        start_background_chainer(app)
    return journal_id


def chain_now(app=None, *, strict: bool = False) -> ChainResult:
    """Chain every complete journal line now (waiting for a running round to end): what a
    reader of partner checks calls before it reads ``audit_events``. A reader's page does not
    fail when chaining does (logged; it shows what is chained); ``strict`` raises instead."""
    if app is None:
        # Flask types current_app as the app itself; it is a werkzeug LocalProxy, whose
        # _get_current_object() is the app (what a chainer keeps beyond this context).
        app = cast("LocalProxy[Flask]", current_app)._get_current_object()
    try:
        return chainer_of(app).run(wait=True)
    except Exception:
        if strict:
            raise
        log.exception("chaining the audit journal failed; showing what is chained")
        return ChainResult()


def start_background_chainer(app, server_pid: int | None = None) -> None:
    """Start this process's part in chaining the journal, as ``SDP_AUDIT_CHAINER`` says:

    - ``process`` (the default): a thread that keeps a chainer process running for the folder
      (``sdp.audit.chainer_process``: it starts one when none holds the folder's follower
      lock), which follows until the process ``server_pid`` (gunicorn's master; by default this
      process) has ended;
    - ``thread``: a thread chaining the folder every ``SDP_AUDIT_CHAIN_INTERVAL`` seconds itself
      (one process of the folder at a time: the others find the folder's lock taken and skip
      the round);
    - ``off``: nothing (``flask audit chain --follow`` runs beside the servers).

    gunicorn starts it in each worker (``post_fork`` in gunicorn.conf.py); otherwise the first
    journaled check of a process starts it."""
    mode = app.config.get("SDP_AUDIT_CHAINER", "process")
    with _START_LOCK:
        if id(app) in _CHAINERS:
            return
        if mode == "off":
            return
        background = _CHAINERS[id(app)] = _Background(threading.Event())
        interval = float(app.config.get("SDP_AUDIT_CHAIN_INTERVAL", 1.0))
        if mode == "thread":
            work = partial(_chain_in_this_process, app, interval, background.stop)
        else:
            work = partial(_keep_a_chainer_process, app, interval, background, server_pid)
        background.thread = threading.Thread(
            target=work, name=f"sdp-audit-chainer-{mode}", daemon=True
        )
        background.thread.start()


def stop_background_chainer(app) -> None:
    """Stop this process's background chainer of ``app`` after its current round, and the
    chainer process it started, if any (gunicorn never does: a follower outlives the worker
    that started it)."""
    with _START_LOCK:
        found = _CHAINERS.pop(id(app), None)
    if found is None:
        return
    found.stop.set()
    if found.thread is not None:
        found.thread.join()
    if found.follower is not None and found.follower.poll() is None:
        found.follower.terminate()  # SIGTERM: one last round, then it exits
        found.follower.wait(60)


CHAINER_MODES = ("process", "thread", "off")
_START_LOCK = threading.Lock()


def _chain_in_this_process(app, interval: float, stop: threading.Event) -> None:
    follow(chainer_of(app), interval, stop.wait, wait_for_lock=False, last_round=False)


def _keep_a_chainer_process(
    app, interval: float, background: _Background, server_pid: int | None
) -> None:
    directory = journal_directory(app)
    command = [
        *(sys.executable, "-m", "flask", "--app", "sdp", "audit", "chain", "--follow"),
        *("--only-one", "--while-running", str(server_pid or os.getpid())),
        *("--interval", str(interval)),
    ]
    failures, next_start, started_at = 0, 0.0, 0.0
    while True:
        follower = background.follower
        if follower is not None and follower.poll() is not None:
            background.follower = None  # reaped
            if follower.returncode == 0 or time.monotonic() - started_at > MAX_RESTART_DELAY:
                failures = 0  # it found another follower, was stopped, or ran long enough
            else:
                # Failing at start (a setting it refuses, a database it cannot reach): started
                # again after 1, 2, 4 ... 60 intervals, not every second at 3 s of CPU a start.
                failures += 1
                delay = min(MAX_RESTART_DELAY, interval * 2 ** (failures - 1))
                next_start = time.monotonic() + delay
                log.error(
                    "the audit chainer process %d exited with status %d;"
                    " unless another runs by then, the next start in %g s",
                    follower.pid,
                    follower.returncode,
                    delay,
                )
        try:
            # Started once there is something to chain: a server that answers no partner check
            # (staff only, or the tests' servers) runs no chainer, and saves its start-up.
            if time.monotonic() >= next_start and journal_files(directory):
                started = chainer_process.start_unless_running(
                    directory, command, _follower_environment(app)
                )
                if started is not None:
                    background.follower, started_at = started, time.monotonic()
        except Exception:  # logged, tried again next round: the lines wait in the journal
            log.exception("starting the audit chainer process failed; retrying")
        if background.stop.wait(interval):
            return


MAX_RESTART_DELAY = 60.0  # seconds


def _follower_environment(app) -> dict[str, str]:
    """The server's environment, with what the follower must share with this app spelled out:
    an app made with overrides (the tests') may differ from what the environment says."""
    return {
        **os.environ,
        "SDP_INSTANCE_PATH": app.instance_path,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SDP_AUDIT_JOURNAL": str(journal_directory(app).resolve()),
        "SDP_AUDIT_LANES": str(app.config["SDP_AUDIT_LANES"]),
        "SDP_AUDIT_CHAIN_BATCH": str(app.config.get("SDP_AUDIT_CHAIN_BATCH", DEFAULT_BATCH)),
        "SDP_AUDIT_CHAINER": "off",  # the follower's own app starts no chainer of its own
    }


def follow(
    chainer: Chainer,
    interval: float,
    pause: Callable[[float], bool],
    *,
    wait_for_lock: bool = True,
    last_round: bool = True,
) -> None:
    """Chain round after round, ``pause(interval)`` between rounds, until ``pause`` returns
    True; then, with ``last_round``, one more round (the lines the server wrote last)."""
    while True:
        try:
            chainer.run(wait=wait_for_lock)
        except Exception:  # logged, retried next round: the lines stay in the journal
            log.exception("chaining the audit journal failed; retrying")
        if pause(interval):
            break
    if last_round:
        try:
            chainer.run(wait=True)
        except Exception:
            log.exception("chaining the audit journal failed; the lines stay in the journal")


# --- Verification -----------------------------------------------------------------------------


@dataclass
class JournalReport:
    files: int = 0
    lines: int = 0
    pending: int = 0
    torn: int = 0
    problem: str | None = None
    oldest_pending: datetime | None = None  # when the oldest line not chained yet was written


def verify_journal(engine: Engine, directory: Path) -> JournalReport:
    """Read every journal file whole: numbers and sums (a missing, reordered or altered line is
    a problem), and how many lines are not chained yet (pending)."""

    report = JournalReport()
    for path in journal_files(directory):
        report.files += 1
        try:
            read = read_lines(path)
        except FileNotFoundError:
            continue  # chained and removed meanwhile
        if read.problem is not None:
            report.problem = str(read.problem)
            return report
        lines = read.lines
        with engine.connect() as connection:
            chained = connection.execute(
                select(func.max(AuditEvent.journal_seq)).where(AuditEvent.journal_file == path.name)
            ).scalar()
        report.lines += len(lines)
        pending = [line for line in lines if line.seq > (chained or 0)]
        report.pending += len(pending)
        if pending and (report.oldest_pending is None or pending[0].at < report.oldest_pending):
            report.oldest_pending = pending[0].at
        report.torn += int(read.incomplete and _writer_gone(path))
    return report
