"""The audit trail is hash-chained and append-only; `flask --app sdp audit verify` finds the
first altered, inserted or deleted event. Most tests here use one lane, so that the events
form one chain in id order; the lanes have their own tests at the end."""

import threading

import pytest
from sqlalchemy import event, select, text, update
from sqlalchemy.exc import DBAPIError

from sdp.audit import chain
from sdp.audit import services as audit
from sdp.audit.models import AuditEvent
from sdp.auth.principal import SYSTEM
from sdp.extensions import db

from .conftest import is_postgres


@pytest.fixture(autouse=True)
def one_lane(app, monkeypatch):
    monkeypatch.setitem(app.config, "SDP_AUDIT_LANES", 1)


def record_events(n: int) -> list[AuditEvent]:
    events = []
    for i in range(n):
        events.append(
            audit.record(SYSTEM, "test.event", "thing", i, changes={"n": i, "when": "2026-01-02"})
        )
        db.session.commit()
    return events


def verify(app, *args):
    return app.test_cli_runner().invoke(args=["audit", "verify", *args])


def ids_and_hashes():
    return db.session.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id)).all()


def test_events_chain_onto_each_other_and_verify(app):
    events = record_events(4)
    rows = db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
    assert rows[0].previous_hash is None
    assert [r.previous_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]
    assert len({r.hash for r in rows}) == 4 == len(events)
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert "chain intact, 4 events in 1 lane(s)" in result.output
    assert f"lane 0 head {rows[-1].hash}" in result.output


def test_a_procedure_run_through_the_api_leaves_an_intact_chain(app, api_as):
    from tests.cases.helpers import Office

    office = Office(api_as)
    case = office.decided("recognized")
    office.officer.get(f"/api/v1/applications/{case['id']}")
    result = verify(app)
    assert result.exit_code == 0 and "chain intact" in result.output
    count = db.session.execute(select(db.func.count(AuditEvent.id))).scalar_one()
    assert f"{count} events" in result.output and count > 10


def test_an_altered_event_is_reported(app, behind_the_apps_back):
    record_events(5)
    target = ids_and_hashes()[2].id
    assert (
        behind_the_apps_back(
            "UPDATE audit_events SET actor_label = 'someone else' WHERE id = :id", id=target
        )
        == 1
    )
    result = verify(app)
    assert result.exit_code == 1
    assert f"event {target} was altered" in result.output


def test_an_altered_change_record_is_reported(app, behind_the_apps_back):
    record_events(3)
    target = ids_and_hashes()[1].id
    behind_the_apps_back(
        """UPDATE audit_events SET changes = '{"n": 99, "when": "2026-01-02"}' WHERE id = :id""",
        id=target,
    )
    result = verify(app)
    assert result.exit_code == 1 and f"event {target} was altered" in result.output


def test_a_deleted_event_is_reported(app, behind_the_apps_back):
    record_events(5)
    rows = ids_and_hashes()
    behind_the_apps_back("DELETE FROM audit_events WHERE id = :id", id=rows[2].id)
    result = verify(app)
    assert result.exit_code == 1
    assert f"event {rows[3].id} does not follow event {rows[1].id}" in result.output


def test_deleting_the_first_event_is_reported(app, behind_the_apps_back):
    record_events(3)
    rows = ids_and_hashes()
    behind_the_apps_back("DELETE FROM audit_events WHERE id = :id", id=rows[0].id)
    result = verify(app)
    assert result.exit_code == 1 and f"event {rows[1].id} is not the first event" in result.output


def _copy_with(
    row_id: int, new_id: int, previous_hash: str, hash_: str, label: str, behind_the_apps_back
):
    behind_the_apps_back(
        "INSERT INTO audit_events (id, at, actor_kind, actor_id, actor_label, action, entity, "
        "entity_id, case_id, changes, request_id, previous_hash, hash) SELECT :new_id, at, "
        "actor_kind, actor_id, :label, action, entity, entity_id, case_id, changes, request_id, "
        ":previous, :hash FROM audit_events WHERE id = :id",
        new_id=new_id,
        label=label,
        previous=previous_hash,
        hash=hash_,
        id=row_id,
    )


def test_an_inserted_event_is_reported_even_with_a_well_formed_hash(app, behind_the_apps_back):
    record_events(5)
    rows = ids_and_hashes()
    last = db.session.get(AuditEvent, rows[4].id)
    # Ids are not part of the chain: moving the last event to id 100 leaves it intact.
    _copy_with(last.id, 100, last.previous_hash, last.hash, last.actor_label, behind_the_apps_back)
    behind_the_apps_back("DELETE FROM audit_events WHERE id = :id", id=last.id)
    db.session.expire_all()
    assert verify(app).exit_code == 0
    # A forged event put in the gap, chained onto event 4 with its own hash computed correctly.
    fourth = db.session.get(AuditEvent, rows[3].id)
    fields = {name: getattr(fourth, name) for name in chain.HASHED_FIELDS}
    fields["actor_label"] = "forger"
    _copy_with(
        fourth.id,
        50,
        fourth.hash,
        chain.digest(fields, fourth.hash),
        "forger",
        behind_the_apps_back,
    )
    result = verify(app)
    assert result.exit_code == 1
    assert "event 50 was inserted" in result.output


def test_cutting_events_off_the_end_is_found_with_an_anchor(app, behind_the_apps_back):
    record_events(4)
    anchor = verify(app).output.strip().rsplit(" ", 1)[-1]  # "lane 0 head <hash>"
    assert verify(app, "--anchor", anchor).exit_code == 0
    rows = ids_and_hashes()
    behind_the_apps_back("DELETE FROM audit_events WHERE id = :id", id=rows[-1].id)
    assert verify(app).exit_code == 0  # the rest of the chain is intact...
    result = verify(app, "--anchor", anchor)
    assert result.exit_code == 1 and "anchor" in result.output  # ...but the recorded head is gone


def test_the_orm_refuses_to_update_or_delete_audit_events(app):
    record_events(1)
    first = db.session.execute(
        select(AuditEvent)
    ).scalar_one()  # record() writes with Core; load it
    first.actor_label = "changed"
    with pytest.raises(audit.AppendOnlyViolation):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, first.id))
    with pytest.raises(audit.AppendOnlyViolation):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(audit.AppendOnlyViolation):
        db.session.execute(update(AuditEvent).values(actor_label="bulk"))
    db.session.rollback()
    with pytest.raises(audit.AppendOnlyViolation):
        db.session.add(
            AuditEvent(at=first.at, actor_kind="system", actor_label="x", action="x", entity="x")
        )
        db.session.commit()
    db.session.rollback()
    assert verify(app).exit_code == 0


def test_postgresql_refuses_update_and_delete_in_the_database(app):
    if not is_postgres():
        pytest.skip(
            "the append-only trigger is PostgreSQL's (migration 0002); SQLite relies on the ORM "
            "and the chain"
        )
    record_events(2)
    for statement in ("UPDATE audit_events SET actor_label = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"):
            with db.engine.begin() as connection:
                connection.execute(text(statement))
    assert verify(app).exit_code == 0


def concurrent_writers(app, writers: int = 5, events: int = 8) -> None:
    """Writers in threads (own connections), every other event after a read as a case read does."""
    errors = []

    def writer(number: int):
        try:
            with app.app_context():
                for i in range(events):
                    if i % 2:
                        db.session.execute(select(AuditEvent.id).limit(1)).all()
                    audit.record(SYSTEM, "test.concurrent", "thread", number, changes={"i": i})
                    db.session.commit()
                db.session.remove()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(repr(error))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_concurrent_writers_never_fork_the_chain(app):
    """Writers in several threads (own connections), some reading before they write: one chain."""
    concurrent_writers(app)
    previous = db.session.execute(select(AuditEvent.previous_hash)).scalars().all()
    assert (
        len(previous) == 40 and len(set(previous)) == 40
    )  # no two events chained onto the same one
    assert verify(app).exit_code == 0


def test_appending_costs_one_indexed_query_per_transaction(app):
    record_events(1)
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split()[:2]).upper())

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        audit.record(SYSTEM, "test.one", "thing", 1)
        audit.record(SYSTEM, "test.two", "thing", 2)  # same transaction: the head is remembered
        db.session.commit()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    inserts = [s for s in statements if s.startswith("INSERT")]
    others = [s for s in statements if not s.startswith("INSERT")]
    if is_postgres():
        assert others == ["SELECT CHOSEN_LANE,"]  # a lane's advisory lock and its head in one
    else:  # SQLite: the app's writer lock is a file lock (sdp/sqlite.py), then the head
        assert others == ["SELECT HASH"]
    assert len(inserts) in (1, 2)
    assert verify(app).exit_code == 0


def test_the_migration_locks_lanes_with_the_apps_key():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0003_audit_lanes.py"
    spec = importlib.util.spec_from_file_location("migration_0003", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.LANE_LOCK_CLASS == chain.LANE_LOCK_CLASS


def test_sensitive_text_never_enters_the_audit_trail(app, api_as):
    from tests.cases.helpers import Office

    office = Office(api_as)
    case = office.examined_case()
    office.officer.post(
        f"/api/v1/applications/{case['id']}/return", json={"reasons": "x"}
    )  # refused or not
    rows = db.session.execute(select(AuditEvent.changes)).scalars().all()
    dumped = repr(rows)
    assert "Colombia's registry has no record." not in dumped
    assert audit.REDACTED in dumped  # the finding's reasoning changed, and the trail says so


# --- Lanes (PostgreSQL): each lane is a chain, and lanes append without waiting for each other ---


def _lanes(app, monkeypatch, number: int) -> None:
    if not is_postgres():
        pytest.skip("SQLite has one writer at a time, so one lane (sdp.audit.chain)")
    monkeypatch.setitem(app.config, "SDP_AUDIT_LANES", number)


def _append_while_another_transaction_holds_its_lane(app) -> str | None:
    """Transaction A appends and stays open; B tries to append with a 1 s lock timeout.
    Returns B's error, or None when B committed while A was still open."""
    a_appended, b_done = threading.Event(), threading.Event()
    outcome = {}

    def holder():
        with app.app_context():
            audit.record(SYSTEM, "test.holder", "thing", 1)
            a_appended.set()
            b_done.wait(10)
            db.session.commit()
            db.session.remove()

    def other():
        with app.app_context():
            a_appended.wait(10)
            try:
                db.session.execute(text("SET LOCAL lock_timeout = '1s'"))
                audit.record(SYSTEM, "test.other", "thing", 2)
                db.session.commit()
                outcome["error"] = None
            except DBAPIError as error:
                db.session.rollback()
                outcome["error"] = str(error.orig)
            finally:
                b_done.set()
                db.session.remove()

    threads = [threading.Thread(target=holder), threading.Thread(target=other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcome["error"]


def test_with_one_lane_an_append_waits_for_the_open_transaction(app, monkeypatch):
    _lanes(app, monkeypatch, 1)
    error = _append_while_another_transaction_holds_its_lane(app)
    assert error is not None and "lock timeout" in error


def test_with_lanes_an_append_does_not_wait_for_another_transaction(app, monkeypatch):
    _lanes(app, monkeypatch, 4)
    assert _append_while_another_transaction_holds_its_lane(app) is None
    rows = db.session.execute(select(AuditEvent.lane, AuditEvent.action)).all()
    assert len({lane for lane, _ in rows}) == 2  # the two transactions appended to different lanes
    assert verify(app).exit_code == 0


def test_concurrent_writers_in_lanes_keep_each_lane_one_chain(app, monkeypatch):
    _lanes(app, monkeypatch, 3)
    concurrent_writers(app)
    rows = db.session.execute(
        select(AuditEvent.lane, AuditEvent.previous_hash, AuditEvent.hash).order_by(AuditEvent.id)
    ).all()
    assert len(rows) == 40
    for lane in {row.lane for row in rows}:
        in_lane = [row for row in rows if row.lane == lane]
        assert in_lane[0].previous_hash is None
        assert [row.previous_hash for row in in_lane[1:]] == [row.hash for row in in_lane[:-1]]
    result = verify(app)
    assert result.exit_code == 0
    assert result.output.count(" head ") == len({row.lane for row in rows}) >= 2


def test_a_deletion_inside_one_lane_is_reported_and_every_lanes_head_anchors(
    app, monkeypatch, behind_the_apps_back
):
    _lanes(app, monkeypatch, 2)
    rows = []
    while (
        len({row.lane for row in rows}) < 2
        or min(sum(row.lane == lane for row in rows) for lane in (0, 1)) < 4
    ):  # lanes are picked at random
        record_events(2)
        rows = db.session.execute(
            select(AuditEvent.id, AuditEvent.lane).order_by(AuditEvent.id)
        ).all()
    output = verify(app).output
    anchors = [line.rsplit(" ", 1)[-1] for line in output.splitlines() if " head " in line]
    anchor_args = [arg for anchor in anchors for arg in ("--anchor", anchor)]
    assert len(anchors) == 2 and verify(app, *anchor_args).exit_code == 0
    lane_one = [row.id for row in rows if row.lane == 1]
    behind_the_apps_back("DELETE FROM audit_events WHERE id = :id", id=lane_one[-1])
    assert verify(app).exit_code == 0  # the end of a lane was cut: only its anchor shows it
    result = verify(app, *anchor_args)
    assert result.exit_code == 1 and "anchor" in result.output
    # lane 1 keeps at least 3 events, so its second one is inside the lane, not at its end
    behind_the_apps_back("DELETE FROM audit_events WHERE id = :id", id=lane_one[1])
    result = verify(app)
    assert result.exit_code == 1
    assert (
        f"event {lane_one[2]} does not follow event {lane_one[0]} of its lane (1)" in result.output
    )
