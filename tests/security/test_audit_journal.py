"""The audit journal of partner checks (sdp/audit/journal.py): appended before the answer,
chained into the audit trail in batches, never twice, and verified like the trail itself."""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from sdp.audit import chain
from sdp.audit.journal import (
    Chainer,
    Journal,
    chain_now,
    chainer_of,
    event_fields,
    journal_directory,
    journal_of,
    read_lines,
)
from sdp.audit.models import AuditEvent
from sdp.auth.principal import Principal
from sdp.extensions import db
from sdp.registry.audit import record_check
from tests.conftest import wait_until
from tests.registry.helpers import persons_url

PARTNER = Principal(kind="client", id=7, label="RENIEC", token_id=7)


def verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def chain_cli(app):
    return app.test_cli_runner().invoke(args=["audit", "chain"])


def journaled(app, n: int, start: int = 0) -> list[str]:
    """n partner checks journaled through ``record_check``, as the registry endpoints do."""
    return [
        record_check(PARTNER, "person_check", "person_query", f"digest-{i}", {"matches": []})
        for i in range(start, start + n)
    ]


def files(app) -> list[Path]:
    return sorted(journal_directory(app).glob("*.jsonl"))


def chained_events() -> list[AuditEvent]:
    return (
        db.session.execute(
            select(AuditEvent).where(AuditEvent.journal_file.is_not(None)).order_by(AuditEvent.id)
        )
        .scalars()
        .all()
    )


def test_checks_are_journaled_then_chained_and_verified(app, partner_api):
    reniec = partner_api("registry:read")
    for name in ("Ana", "Bea", "Eva"):
        assert reniec.get(persons_url(name, "Quispe", "1990-01-01")).status_code == 200
    assert db.session.execute(select(func.count(AuditEvent.id))).scalar_one() == 1  # the token's
    [journal_file] = files(app)
    assert len(journal_file.read_bytes().splitlines()) == 3

    result = verify(app)
    assert result.exit_code == 0, result.output
    assert "3 line(s) pending" in result.output and "the oldest written" in result.output

    result = chain_cli(app)
    assert result.exit_code == 0 and "chained 3 journal line(s)" in result.output, result.output
    events = chained_events()
    assert [event.action for event in events] == ["registry.person_check"] * 3
    assert [(event.journal_file, event.journal_seq) for event in events] == [
        (journal_file.name, seq) for seq in (1, 2, 3)
    ]
    assert events[0].actor_label == "RENIEC" and events[0].changes["matches"] == []
    assert all(event.request_id for event in events)  # the answer's X-Request-Id
    result = verify(app)
    assert result.exit_code == 0 and "0 line(s) pending" in result.output, result.output
    assert "chain intact, 4 events" in result.output

    # The file stays while this process may still append to it; once closed, it goes.
    assert files(app) == [journal_file]
    journal_of(app).close()
    assert chain_cli(app).exit_code == 0
    assert files(app) == []
    assert len(chained_events()) == 3


def test_a_chained_event_hashes_its_journal_line(app):
    journaled(app, 1)
    chain_now()
    event = chained_events()[0]
    fields = {name: getattr(event, name) for name in chain.HASHED_FIELDS}
    assert chain.digest(fields, event.previous_hash) != event.hash  # the line is in the hash
    fields.update(journal_file=event.journal_file, journal_seq=event.journal_seq)
    assert chain.digest(fields, event.previous_hash) == event.hash


def test_chaining_again_or_after_a_restart_chains_nothing_twice(app):
    journaled(app, 5)
    assert chain_now().chained == 5
    assert chain_now().chained == 0  # the same chainer
    fresh = Chainer(db.engine, journal_directory(app), 1, 2)  # a restarted one, batches of 2
    assert fresh.run().chained == 0
    journaled(app, 3, start=5)
    assert fresh.run().chained == 3
    assert chain_now().chained == 0
    assert [event.journal_seq for event in chained_events()] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert verify(app).exit_code == 0


def test_the_database_refuses_a_line_chained_twice(app):
    journaled(app, 2)
    chainer = chainer_of(app)
    assert chainer.run().chained == 2
    [path] = files(app)
    lines = read_lines(path).lines
    with pytest.raises(IntegrityError):
        chainer._insert(lines[1:])  # as a chainer that lost its memory mid-way would
    assert len(chained_events()) == 2


def test_a_batch_that_fails_is_rolled_back_whole_and_chained_on_the_next_round(app):
    journaled(app, 6)
    chainer = Chainer(db.engine, journal_directory(app), 1, 4)
    [path] = files(app)
    lines = read_lines(path).lines
    chainer._insert(lines[:2])  # a previous chainer got this far, then died
    assert chainer.run().chained == 4  # resumes after line 2, asking the database
    assert [event.journal_seq for event in chained_events()] == [1, 2, 3, 4, 5, 6]
    assert verify(app).exit_code == 0


def _damage(path: Path, how: str) -> None:
    lines = path.read_bytes().splitlines(keepends=True)
    if how == "deleted":
        del lines[1]
    elif how == "deleted first":
        del lines[0]
    elif how == "reordered":
        lines[1], lines[2] = lines[2], lines[1]
    elif how == "altered":
        lines[1] = lines[1].replace(b'"matches":[]', b'"matches":["SDP-2026-000001"]')
    elif how == "edited by hand":  # rewritten by hand: the JSON respaced, a name changed
        document = json.loads(lines[1])
        lines[1] = (json.dumps(document) + "\n").encode()
        lines[1] = lines[1].replace(b'"RENIEC"', b'"Migraciones"')
    elif how == "respaced":  # the same JSON, spaced otherwise: not the bytes that were written
        lines[1] = (json.dumps(json.loads(lines[1])) + "\n").encode()
    elif how == "a field after the sum":
        lines[1] = lines[1].rstrip(b"}\n") + b',"note":"checked"}\n'
    path.write_bytes(b"".join(lines))


@pytest.mark.parametrize(
    "how",
    [
        "deleted",
        "deleted first",
        "reordered",
        "altered",
        "edited by hand",
        "respaced",
        "a field after the sum",
    ],
)
def test_verify_and_the_chainer_find_a_missing_reordered_or_altered_line(app, how):
    journaled(app, 4)
    journal_of(app).close()
    [path] = files(app)
    _damage(path, how)
    result = verify(app)
    assert result.exit_code == 1, result.output
    assert "audit journal broken" in result.output and path.name in result.output
    expected = {
        "deleted": "lines missing",
        "deleted first": "lines missing",
        "reordered": "lines missing or reordered",
        "altered": "altered",
        "edited by hand": "altered",
        "respaced": "altered",
        "a field after the sum": "altered",
    }[how]
    assert expected in result.output, result.output
    # The chainer chains the good lines before the damage, keeps the file, and says why.
    result = chain_cli(app)
    assert result.exit_code == 1 and "audit journal broken" in result.output, result.output
    assert path.exists()
    assert len(chained_events()) == {"deleted first": 0}.get(how, 1)


def test_verify_fails_on_a_line_altered_after_it_was_chained_while_its_file_remains(app):
    journaled(app, 3)
    chain_now()
    [path] = files(app)  # still open: this process may append to it
    _damage(path, "altered")
    assert verify(app).exit_code == 1


def test_a_line_cut_by_a_crash_is_reported_and_the_rest_chained(app):
    journaled(app, 3)
    journal_of(app).close()
    [path] = files(app)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 20])  # the last line torn: its check was never answered
    result = verify(app)
    assert result.exit_code == 0 and "2 line(s) pending" in result.output, result.output
    assert "cut by a crash" in result.output
    result = chain_cli(app)
    assert result.exit_code == 0 and "cut by a crash" in result.output
    assert len(chained_events()) == 2 and files(app) == []


def test_threads_appending_at_once_never_interleave_or_lose_a_line(app, tmp_path):
    journal = Journal(tmp_path, durable=True, group_window=0.0002)
    per_thread, threads = 150, 8

    def append(thread):
        for n in range(per_thread):
            journal.append(
                event_fields(
                    actor_kind="client",
                    actor_id=thread,
                    actor_label=f"T{thread}",
                    action="registry.person_check",
                    entity="person_query",
                    entity_id=f"{thread}-{n}",
                    changes={"n": n, "padding": "x" * (n * 37 % 900)},
                )
            )

    workers = [threading.Thread(target=append, args=(t,)) for t in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    [path] = tmp_path.glob("*.jsonl")
    read = read_lines(path)
    assert read.problem is None and not read.incomplete
    assert [line.seq for line in read.lines] == list(range(1, per_thread * threads + 1))
    assert {line.fields["entity_id"] for line in read.lines} == {
        f"{t}-{n}" for t in range(threads) for n in range(per_thread)
    }
    journal.close()
    result = Chainer(db.engine, tmp_path, app.config["SDP_AUDIT_LANES"], 500).run()
    assert result.chained == per_thread * threads and result.files_removed == 1
    assert verify(app).exit_code == 0


APPENDER = """
import sys
from sdp.audit.journal import Journal, event_fields
journal = Journal(sys.argv[1], durable=False)
for n in range(int(sys.argv[2])):
    journal.append(event_fields(actor_kind="client", actor_id=1, actor_label=sys.argv[3],
                                action="registry.person_check", entity="person_query",
                                entity_id=f"{sys.argv[3]}-{n}"))
"""


def test_two_processes_appending_to_one_folder_each_keep_their_own_whole_file(app, tmp_path):
    count = 400
    processes = [
        subprocess.Popen([sys.executable, "-c", APPENDER, str(tmp_path), str(count), name])
        for name in ("first", "second")
    ]
    assert [process.wait(60) for process in processes] == [0, 0]
    paths = sorted(tmp_path.glob("*.jsonl"))
    assert len(paths) == 2
    for path in paths:
        read = read_lines(path)
        assert read.problem is None and [line.seq for line in read.lines] == list(
            range(1, count + 1)
        )
        assert len({line.fields["actor_label"] for line in read.lines}) == 1
    result = Chainer(db.engine, tmp_path, app.config["SDP_AUDIT_LANES"], 150).run()
    assert result.chained == 2 * count and result.files_removed == 2
    assert verify(app).exit_code == 0


def test_a_forked_child_appends_to_its_own_file(app, tmp_path):
    journal = Journal(tmp_path)
    journal.append(
        event_fields(actor_kind="client", actor_id=1, actor_label="parent", action="a", entity="e")
    )
    pid = os.fork()
    if pid == 0:  # the child: one line of its own, then out without running pytest's exit
        try:
            journal.append(
                event_fields(
                    actor_kind="client", actor_id=2, actor_label="child", action="a", entity="e"
                )
            )
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    journal.append(
        event_fields(actor_kind="client", actor_id=1, actor_label="parent", action="a", entity="e")
    )
    by_label = {}
    for path in tmp_path.glob("*.jsonl"):
        read = read_lines(path)
        assert read.problem is None
        by_label[path.name] = [line.fields["actor_label"] for line in read.lines]
    assert sorted(by_label.values()) == [["child"], ["parent", "parent"]]
    journal.close()


def test_record_check_works_without_a_request_or_app_context(app):
    from flask import has_app_context

    def outside():
        assert not has_app_context()
        return record_check(PARTNER, "document_check", "document", 12, request_id="abc", app=app)

    holder = []
    thread = threading.Thread(target=lambda: holder.append(outside()))
    thread.start()
    thread.join()
    assert holder[0].endswith(":1")
    chain_now()
    [event] = chained_events()
    assert (event.action, event.entity_id, event.request_id) == (
        "registry.document_check",
        "12",
        "abc",
    )
    assert event.changes == {"token_id": 7}


CUT_SHORT = """
import resource, signal, sys
from sdp.audit.journal import Journal, event_fields
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead of killing
resource.setrlimit(resource.RLIMIT_FSIZE, (1500, 1500))  # every file: a disk full at 1,500 bytes
journal = Journal(sys.argv[1])
answered, refused = 0, 0
for n in range(12):
    try:
        journal.append(event_fields(actor_kind="client", actor_id=1, actor_label="RENIEC",
                                    action="registry.person_check", entity="q", entity_id=n))
        answered += 1
    except OSError:
        refused += 1
print(answered, refused)
"""


def test_a_line_the_disk_cut_short_is_refused_and_the_next_goes_to_a_new_file(app, tmp_path):
    """A write that fails half-way (here a file size limit, as a full disk would) fails the
    check, and no later line is glued to the cut one: the file is left, the next line opens a
    new one, and the chainer takes every answered line and reads the cut one as never answered."""
    finished = subprocess.run(
        [sys.executable, "-c", CUT_SHORT, str(tmp_path)], capture_output=True, text=True
    )
    assert finished.returncode == 0, finished.stderr
    answered, refused = map(int, finished.stdout.split())
    assert refused >= 2 and answered >= 6
    paths = sorted(tmp_path.glob("*.jsonl"))
    assert len(paths) >= 2
    reads = [read_lines(path) for path in paths]
    assert all(read.problem is None for read in reads)
    assert sum(len(read.lines) for read in reads) == answered
    assert sum(read.incomplete for read in reads) >= 1  # the cut lines, each at a file's end
    result = Chainer(db.engine, tmp_path, app.config["SDP_AUDIT_LANES"], 500).run()
    assert result.chained == answered and result.files_removed == len(paths)
    assert result.torn
    assert verify(app).exit_code == 0


def test_the_first_check_of_a_process_starts_its_background_chainer(app, partner_api, monkeypatch):
    """Outside gunicorn (``make run``'s development server), the first journaled check starts
    the process's chainer thread, which chains without anyone asking."""
    from sdp.audit.journal import _CHAINERS, stop_background_chainer

    monkeypatch.setitem(app.config, "SDP_AUDIT_CHAINER", "thread")
    monkeypatch.setitem(app.config, "SDP_AUDIT_CHAIN_INTERVAL", 0.05)
    assert id(app) not in _CHAINERS
    try:
        reniec = partner_api("registry:read")
        assert reniec.get(persons_url("Ana", "Quispe", "1990-01-01")).status_code == 200
        assert id(app) in _CHAINERS

        def chained_by_now() -> bool:
            db.session.rollback()  # a fresh snapshot each look
            return bool(chained_events())

        wait_until(chained_by_now, seconds=10, interval=0.05)
        assert [event.action for event in chained_events()] == ["registry.person_check"]
    finally:
        stop_background_chainer(app)
    assert id(app) not in _CHAINERS
