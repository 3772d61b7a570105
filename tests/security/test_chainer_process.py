"""The audit chainer as a process of its own (sdp/audit/chainer_process.py): one follower per
journal folder, started by the app servers when none runs, ending after the server it follows
or on SIGTERM, each time with one last round. The real follower command runs in these tests
(`flask --app sdp audit chain --follow`), against the test's database; gunicorn's own use of it
is in tests/security/test_crash_safety.py."""

import logging
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sdp.audit import chainer_process
from sdp.audit.chainer_process import (
    FOLLOWER_LOCK,
    STARTER_LOCK,
    flock_held,
    hold_follower_lock,
    running_follower,
    start_unless_running,
)
from sdp.audit.journal import (
    _CHAINERS,
    journal_directory,
    start_background_chainer,
    stop_background_chainer,
)
from sdp.audit.models import AuditEvent
from sdp.extensions import db
from tests.conftest import wait_until
from tests.registry.helpers import persons_url
from tests.security.conftest import journal_partner_checks

pytestmark = pytest.mark.slow

# Tests of the locks and signals alone, no database: CI's PostgreSQL suite leaves them to the
# SQLite one (.ci/run).
NO_DATABASE = pytest.mark.same_on_every_database
FOLLOW = [sys.executable, "-m", "flask", "--app", "sdp", "audit", "chain", "--follow"]


def _wait_until(condition) -> bool:
    return wait_until(condition, seconds=30, interval=0.05)


def _chained() -> int:
    with db.engine.connect() as connection:
        return connection.execute(
            select(func.count(AuditEvent.id)).where(AuditEvent.journal_file.is_not(None))
        ).scalar_one()


def _follower_environment(app, folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SDP_INSTANCE_PATH": app.instance_path,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SDP_AUDIT_JOURNAL": str(folder),
        "SDP_AUDIT_CHAINER": "off",
    }


def _never(seconds: float) -> bool:
    return False


@NO_DATABASE
def test_one_follower_holds_a_folder_and_says_who_it_is(tmp_path):
    assert running_follower(tmp_path) is None  # no lock file yet
    held = hold_follower_lock(tmp_path, only_one=True, pause=_never)
    assert held is not None
    try:
        assert running_follower(tmp_path) == os.getpid()
        assert (tmp_path / FOLLOWER_LOCK).read_text() == f"{os.getpid()}\n"
        # A second one (another open file, as another process's would be) finds it taken.
        assert hold_follower_lock(tmp_path, only_one=True, pause=_never) is None
    finally:
        os.close(held)
    assert running_follower(tmp_path) is None  # the lock went with its descriptor


@NO_DATABASE
def test_a_standby_waits_for_the_lock_until_told_to_stop(tmp_path):
    held = hold_follower_lock(tmp_path, only_one=True, pause=_never)
    assert held is not None
    pauses: list[float] = []

    def pause(seconds: float) -> bool:
        pauses.append(seconds)
        return len(pauses) == 3  # stopped while it waited

    try:
        assert hold_follower_lock(tmp_path, only_one=False, pause=pause, interval=0.25) is None
    finally:
        os.close(held)
    assert pauses == [0.25, 0.25, 0.25]


def test_a_follower_ends_with_one_last_round_once_the_server_it_follows_has_ended(app, tmp_path):
    folder = tmp_path / "journal"
    journal_partner_checks(folder, 3)
    server = subprocess.Popen(["sleep", "600"])  # stands for gunicorn's master: any process
    follower = subprocess.Popen(
        # Rounds 30 s apart: the lines journaled below are chained by the last round alone.
        [*FOLLOW, "--only-one", "--while-running", str(server.pid), "--interval", "30"],
        env=_follower_environment(app, folder),
    )
    try:
        assert _wait_until(lambda: _chained() == 3), "the follower did not chain"
        assert running_follower(folder) == follower.pid
        journal_partner_checks(folder, 2, start=3)  # the server's last checks, as it stops
        server.kill()
        server.wait()
        assert follower.wait(30) == 0
    finally:
        for process in (server, follower):
            if process.poll() is None:
                process.kill()
                process.wait()
    assert _chained() == 5
    assert list(folder.glob("*.jsonl")) == []  # every writer gone, every line chained
    assert running_follower(folder) is None


def test_sigterm_ends_a_follower_after_one_last_round_and_a_standby_takes_over(app, tmp_path):
    folder = tmp_path / "journal"
    environment = _follower_environment(app, folder)
    # Rounds 30 s apart: the lines journaled below are chained by its last round alone.
    first = subprocess.Popen([*FOLLOW, "--interval", "30"], env=environment)
    try:
        assert _wait_until(lambda: running_follower(folder) == first.pid)
        # Run by hand without --only-one: it waits for the lock, a standby.
        standby = subprocess.Popen([*FOLLOW, "--interval", "0.2"], env=environment)
        try:
            journal_partner_checks(folder, 4)
            first.send_signal(signal.SIGTERM)
            assert first.wait(30) == 0
            assert _chained() == 4  # its last round
            assert _wait_until(lambda: running_follower(folder) == standby.pid)
            journal_partner_checks(folder, 1, start=4)
            assert _wait_until(lambda: _chained() == 5), "the standby did not chain"
        finally:
            standby.send_signal(signal.SIGINT)  # Ctrl-C in a terminal: the same last round
            assert standby.wait(30) == 0
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert running_follower(folder) is None


@NO_DATABASE
def test_without_pidfd_a_follower_asks_by_pid_whether_its_server_has_ended():
    """Where the kernel (before Linux 5.3) or a container's seccomp profile refuses
    ``pidfd_open``, the pause asks whether the server's pid still exists."""
    server = subprocess.Popen(["sleep", "600"])
    script = "\n".join(
        [
            "import errno, os, sys",
            "def refused(pid):",
            "    raise OSError(errno.ENOSYS, 'pidfd_open refused')",
            "os.pidfd_open = refused",
            "from sdp.audit.chainer_process import process_pause",
            "pause = process_pause(int(sys.argv[1]))",
            "print(pause(0.05), flush=True)",
            "sys.stdin.readline()",
            "print(pause(0.05), flush=True)",
        ]
    )
    probe = subprocess.Popen(
        [sys.executable, "-c", script, str(server.pid)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert probe.stdout is not None and probe.stdin is not None
        assert probe.stdout.readline() == "False\n"  # the server runs: a pause, no end
        server.kill()
        server.wait()
        probe.stdin.write("\n")
        probe.stdin.flush()
        assert probe.stdout.readline() == "True\n"  # it has ended: the last round
    finally:
        for process in (server, probe):
            if process.poll() is None:
                process.kill()
            process.wait()


@NO_DATABASE
def test_servers_looking_at_once_start_one_follower_and_a_dead_one_is_replaced(tmp_path):
    """Four app processes find no follower at the same moment: one starts it. (The follower
    here only holds the lock, as the real one does first: what is tested is the start.)"""
    command = [
        sys.executable,
        "-c",
        "import sys, time; from pathlib import Path;"
        "from sdp.audit.chainer_process import hold_follower_lock;"
        "held = hold_follower_lock(Path(sys.argv[1]), only_one=True, pause=lambda s: False);"
        "held is not None and time.sleep(600)",
        str(tmp_path),
    ]
    started: list[subprocess.Popen] = []
    barrier = threading.Barrier(4)

    def look() -> None:
        barrier.wait()
        follower = start_unless_running(tmp_path, command, dict(os.environ))
        if follower is not None:
            started.append(follower)

    try:
        lookers = [threading.Thread(target=look) for _ in range(4)]
        for looker in lookers:
            looker.start()
        for looker in lookers:
            looker.join(120)
        assert len(started) == 1, [process.pid for process in started]
        assert running_follower(tmp_path) == started[0].pid
        assert start_unless_running(tmp_path, command, dict(os.environ)) is None  # it runs
        started[0].kill()
        started[0].wait()
        replacement = start_unless_running(tmp_path, command, dict(os.environ))
        assert replacement is not None
        started.append(replacement)
        assert running_follower(tmp_path) == replacement.pid
    finally:
        for process in started:
            process.kill()
            process.wait()


# A follower as slow to start as the machine makes it: it says it runs, waits for a file named
# "go", then takes the lock, as the real one does after building its app.
SLOW_FOLLOWER = "\n".join(
    [
        "import os, sys, time",
        "from pathlib import Path",
        "from sdp.audit.chainer_process import hold_follower_lock",
        "folder = Path(sys.argv[1])",
        "(folder / f'starting.{os.getpid()}').touch()",
        "while not (folder / 'go').exists():",
        "    time.sleep(0.02)",
        "held = hold_follower_lock(folder, only_one=True, pause=lambda seconds: False)",
        "held is not None and time.sleep(600)",
    ]
)


@NO_DATABASE
def test_a_worker_killed_while_its_follower_starts_leaves_the_start_to_that_follower(
    tmp_path, monkeypatch
):
    """gunicorn's worker that was starting the follower is killed (the crash test kills one
    mid-burst): the follower it started, still building its app, holds the starter lock it
    inherited, so the other workers start no second one, each start being 3 s of CPU; once the
    follower holds its own lock, it lets the starter lock go."""
    monkeypatch.setattr(chainer_process, "START_TIMEOUT", 5.0)  # a second start fails fast
    follower_command = [sys.executable, "-c", SLOW_FOLLOWER, str(tmp_path)]
    worker = subprocess.Popen(
        [
            *(sys.executable, "-c"),
            "import os, sys; from pathlib import Path;"
            "from sdp.audit.chainer_process import start_unless_running;"
            "start_unless_running(Path(sys.argv[1]), sys.argv[2:], dict(os.environ))",
            *(str(tmp_path), *follower_command),
        ]
    )

    def starting() -> list[Path]:
        return list(tmp_path.glob("starting.*"))

    assert _wait_until(lambda: len(starting()) == 1)
    follower_pid = int(starting()[0].suffix[1:])
    worker.kill()
    worker.wait()
    try:
        assert flock_held(tmp_path / STARTER_LOCK)  # by the starting follower
        assert start_unless_running(tmp_path, follower_command, dict(os.environ)) is None
        assert len(starting()) == 1  # no second follower
        (tmp_path / "go").touch()
        assert _wait_until(lambda: running_follower(tmp_path) == follower_pid)
        assert flock_held(tmp_path / STARTER_LOCK) is False  # let go once it follows
    finally:
        os.kill(follower_pid, signal.SIGKILL)  # not this process's child: init reaps it
    assert _wait_until(lambda: running_follower(tmp_path) is None)


@NO_DATABASE
def test_a_follower_that_has_not_started_in_time_is_killed(tmp_path, monkeypatch, caplog):
    """A start that hangs (a database that never answers) would hold the starter lock for good:
    after START_TIMEOUT its starter kills it, and the next look starts another."""
    monkeypatch.setattr(chainer_process, "START_TIMEOUT", 0.5)
    hanging = start_unless_running(tmp_path, ["sleep", "600"], dict(os.environ))
    assert hanging is not None and hanging.returncode == -signal.SIGKILL
    assert flock_held(tmp_path / STARTER_LOCK) is False
    assert f"the audit chainer process {hanging.pid} did not start in 0.5 s" in caplog.text


def test_the_first_check_of_a_process_starts_a_chainer_process(app, partner_api, monkeypatch):
    """``SDP_AUDIT_CHAINER=process`` (the default) outside gunicorn (``make run``'s server):
    the first journaled check starts the follower, which chains it without anyone asking;
    stopping the app's background chainer stops the follower it started."""
    monkeypatch.setitem(app.config, "SDP_AUDIT_CHAINER", "process")
    monkeypatch.setitem(app.config, "SDP_AUDIT_CHAIN_INTERVAL", 0.2)
    folder = journal_directory(app)
    assert id(app) not in _CHAINERS
    try:
        reniec = partner_api("registry:read")
        assert reniec.get(persons_url("Ana", "Quispe", "1990-01-01")).status_code == 200
        assert _wait_until(lambda: _chained() == 1), "the chainer process did not chain"
        # The starter takes note of its follower up to 50 ms after the follower took its lock,
        # by when it may have chained the check already.
        assert _wait_until(lambda: _CHAINERS[id(app)].follower is not None)
        follower = _CHAINERS[id(app)].follower
        assert follower is not None and running_follower(folder) == follower.pid
        verified = app.test_cli_runner().invoke(args=["audit", "verify"])
        assert f"chainer: process {follower.pid} follows the journal" in verified.output
        start_background_chainer(app)  # started once per process: a second call does nothing
        assert _CHAINERS[id(app)].follower is follower
    finally:
        stop_background_chainer(app)
    assert follower.poll() == 0  # stopped with SIGTERM: its last round, then exit 0
    assert running_follower(folder) is None
    verified = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert "chainer: no process follows the journal" in verified.output


def test_an_unknown_chainer_mode_stops_the_app_at_start(tmp_path):
    """A misspelt SDP_AUDIT_CHAINER would chain nothing: the app refuses to start, naming it."""
    from sdp import create_app

    settings = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite'}"}
    with pytest.raises(ValueError, match="SDP_AUDIT_CHAINER must be one of .* not 'threads'"):
        create_app({**settings, "SDP_AUDIT_CHAINER": "threads"}, instance_path=tmp_path)


def test_a_follower_that_fails_at_start_is_started_again_later_each_time(
    app, partner_api, monkeypatch, caplog
):
    """A follower that cannot start (here its app refuses a setting) is not started again every
    second at 3 s of CPU a start: after 1, 2, 4 ... intervals, up to a minute."""
    monkeypatch.setitem(app.config, "SDP_AUDIT_CHAINER", "process")
    monkeypatch.setitem(app.config, "SDP_AUDIT_CHAIN_INTERVAL", 0.4)
    # A setting only the follower reads here (this process chains nothing itself), passed on to
    # it: its app refuses to start.
    monkeypatch.setitem(app.config, "SDP_AUDIT_CHAIN_BATCH", "not a number")
    caplog.set_level(logging.INFO, logger="sdp.audit")

    def failures() -> list[logging.LogRecord]:
        return [record for record in caplog.records if "exited with status 1" in record.message]

    try:
        reniec = partner_api("registry:read")
        assert reniec.get(persons_url("Ana", "Quispe", "1990-01-01")).status_code == 200
        assert wait_until(lambda: len(failures()) >= 3, seconds=90, interval=0.05)
    finally:
        stop_background_chainer(app)
    starts = [record for record in caplog.records if "started the audit chainer" in record.message]
    failed = failures()
    assert [record.message.rsplit(" in ", 1)[1] for record in failed[:3]] == [
        "0.4 s",
        "0.8 s",
        "1.6 s",
    ]
    for failure, start, delay in zip(failed[:2], starts[1:3], (0.4, 0.8), strict=True):
        assert start.created - failure.created >= delay  # not started again before its time
