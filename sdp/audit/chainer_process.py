"""The audit chainer as a process of its own, started and restarted by the app servers.

Why a process: a batch chained in a thread of a gunicorn worker holds that worker's interpreter
lock between its statements, and every request thread of the worker waits at each of its I/O
calls: with the chainer in the workers a document check's p99 was 83-98 ms on PostgreSQL, with
it in a process beside them 46-48 ms (bench/RESULTS.md, "Issue 17, thirteenth session"). Why
started by the servers: nothing more has to be installed, watched or restarted by hand, which
is why the chainer used to be a thread.

**One follower per folder.** ``flask --app sdp audit chain --follow`` holds the folder's
follower lock (an exclusive ``flock`` on ``.chainer.follower``, its pid written in the file)
for as long as it runs. Started by an app server it is ``--only-one`` (it exits at once when
another follower holds the lock) and ``--while-running <server pid>`` (after the server has
gone, one last round, then it exits); run by hand or by systemd without ``--only-one`` it waits
for the lock, a standby.

**Supervision.** With ``SDP_AUDIT_CHAINER=process`` (the default) each app process (each
gunicorn worker) has a thread that looks every ``SDP_AUDIT_CHAIN_INTERVAL``, once the journal
has a file, whether the folder's follower lock is held, and if not, starts a follower
(``start_unless_running``): one worker at a time, under a second lock (``.chainer.starter``)
held until the new follower holds its own, so that two workers never start two. The follower
inherits the starter's descriptor of that lock and closes it once it holds its own: a worker
killed while its follower starts leaves the lock held by the follower, and no other worker
starts a second one meanwhile (each start costs about 3 s of CPU). A follower killed by anyone
is started again within a second by whichever worker looks first; a worker killed or recycled
leaves its follower running (the follower outlives it and watches the server's master
process).

Plain Python: no Flask here (``sdp.audit.journal`` starts the followers; ``sdp.audit.cli`` is
the follower's command).
"""

from __future__ import annotations

import fcntl
import logging
import os
import select
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger("sdp.audit.chainer_process")

FOLLOWER_LOCK = ".chainer.follower"
STARTER_LOCK = ".chainer.starter"
# The number of the starter lock's descriptor a follower inherits from the process starting it.
INHERITED_STARTER_LOCK = "SDP_AUDIT_CHAINER_STARTER_FD"
# How long a starter waits for its follower to hold the lock before it kills it (the app's
# start-up: about 3 s of CPU on the 2-core benchmark machine; far more on a machine busy
# starting its workers).
START_TIMEOUT = 120.0


def _open_lock_file(path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)


def hold_follower_lock(
    directory: Path, *, only_one: bool, pause: Callable[[float], bool], interval: float = 1.0
) -> int | None:
    """The folder's follower lock, held until the returned descriptor is closed (or the process
    ends), with this process's pid written in it. ``only_one``: None at once when another
    follower holds it (after a few tries 20 ms apart: the probe of `running_follower`, by a
    starter or `audit verify`, holds it for microseconds). Otherwise wait for it, a standby,
    until ``pause`` says to stop (None then). Either way, lets go of the starter lock this
    process inherited from the one that started it, if any (``start_unless_running``)."""
    fd = _open_lock_file(directory / FOLLOWER_LOCK)
    tries = 0
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                tries += 1
                if only_one and tries < 5:
                    time.sleep(0.02)
                    continue
                if only_one or pause(interval):
                    os.close(fd)
                    return None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    finally:
        _release_inherited_starter_lock()  # started, or another follows: starting is over
    log.info("the audit chainer process %d follows the journal", os.getpid())
    return fd


def _release_inherited_starter_lock() -> None:
    inherited = os.environ.pop(INHERITED_STARTER_LOCK, "")
    if inherited.isdigit():
        try:
            os.close(int(inherited))
        except OSError:  # closed already: nothing held
            pass


def _recorded_pid(directory: Path) -> int | None:
    """The pid the last follower wrote in the lock file (read without locking: it may be gone)."""
    try:
        text = (directory / FOLLOWER_LOCK).read_text().strip()
    except FileNotFoundError:
        return None
    return int(text) if text.isdigit() else None


def flock_held(path: Path) -> bool | None:
    """Whether another open file holds a ``flock`` on ``path`` (shared or exclusive); None
    when there is no such file. Probes with an exclusive lock, which any holder refuses; the
    probe's own lock, when it gets one, goes with its descriptor at once."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def running_follower(directory: Path) -> int | None:
    """The pid of the follower chaining this folder, or None when none holds the lock."""
    if not flock_held(directory / FOLLOWER_LOCK):
        return None
    return _recorded_pid(directory) or 0


def start_unless_running(
    directory: Path, command: list[str], environment: dict[str, str]
) -> subprocess.Popen | None:
    """Start ``command`` (a follower) unless one holds the folder's follower lock or another
    process is starting one; the new process, or None. Returns once the new follower holds the
    lock (it runs), or has exited; one that has not taken the lock after ``START_TIMEOUT`` is
    killed (returned, exited), so that a start that hangs does not hold the starter lock."""
    fd = _open_lock_file(directory / STARTER_LOCK)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None  # another process, or the follower it started, is starting one
        if running_follower(directory) is not None:
            return None
        # The starter lock is held until the new follower holds its own, by this process and by
        # the follower (its inherited descriptor): no other process starts a second one
        # meanwhile, even if this one is killed.
        follower = subprocess.Popen(
            command,
            env={**environment, INHERITED_STARTER_LOCK: str(fd)},
            stdin=subprocess.DEVNULL,
            pass_fds=(fd,),
        )
        log.info("started the audit chainer, pid %d", follower.pid)
        # Its pid in the lock file says it holds the lock; the file is read, not locked, so
        # that this wait never makes the follower think another holds the lock.
        deadline = time.monotonic() + START_TIMEOUT
        while follower.poll() is None and _recorded_pid(directory) != follower.pid:
            if time.monotonic() > deadline:
                log.error(
                    "the audit chainer process %d did not start in %g s; killed",
                    follower.pid,
                    START_TIMEOUT,
                )
                follower.kill()
                follower.wait()
                break
            time.sleep(0.05)
        return follower
    finally:
        os.close(fd)  # this process's hold on the starter lock


def process_pause(while_running: int | None) -> Callable[[float], bool]:
    """The pause between a follower process's rounds: ``pause(seconds)`` returns False after
    ``seconds``, or True (at once) after SIGTERM or SIGINT or once process ``while_running``
    has ended, which is when the follower chains one last round and exits. Installs the signal
    handlers: call it from the main thread."""
    ending: list[str] = []
    read_end, write_end = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    # The handlers only take note; Python writes the signal's number to the pipe, which wakes
    # the poll below (a handler that set a threading.Event could deadlock on the Event's lock).
    signal.set_wakeup_fd(write_end)
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda signum, frame: ending.append(signal.Signals(signum).name))
    poller = select.poll()
    poller.register(read_end, select.POLLIN)
    watched, asked_by_pid = None, False
    if while_running:
        try:
            # A descriptor of the process itself, readable when it ends: no pid reuse can fool it.
            watched = os.pidfd_open(while_running)
            poller.register(watched, select.POLLIN)
        except ProcessLookupError:
            ending.append(f"process {while_running} had ended")
        except OSError:  # no pidfd here (Linux before 5.3, or a seccomp profile refusing it)
            asked_by_pid = True

    def pause(seconds: float) -> bool:
        if not ending:
            for ready, _ in poller.poll(seconds * 1000):
                if ready == watched:
                    ending.append(f"process {while_running} ended")
                else:
                    os.read(read_end, 64)
        if asked_by_pid and while_running and not ending and not _alive(while_running):
            ending.append(f"process {while_running} ended")
        if ending:
            log.info("the audit chainer stops after one last round: %s", ending[0])
        return bool(ending)

    return pause


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # no signal sent: only whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, another user's
    return True
