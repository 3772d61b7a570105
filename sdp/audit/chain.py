"""The hash chain that makes the audit trail tamper-evident.

Each event's ``hash`` is the SHA-256 of a canonical serialisation of its fields and of the
previous event's hash (``previous_hash``). Changing a stored event changes its hash;
deleting or inserting one breaks the link of the event after it. ``verify`` walks the
chain in id order and reports the first event that does not fit.

Appends are serialised so that two transactions never chain onto the same event:
on PostgreSQL a transaction-level advisory lock is taken before the last hash is read
(one statement, ``sdp_audit_chain_head()`` of migration 0002); on SQLite the database's
single write lock is taken first (``_take_write_lock``). Within one transaction the head
is remembered in ``session.info``, so this costs one indexed query per transaction (plus,
on SQLite, a no-op write when the transaction has not written yet), not per event.

The chain proves that no event was altered, inserted or deleted *inside* it. Someone
who can write to the database could also recompute every hash after the point they
changed, or cut events off the end: against that, keep the head hash that
``flask --app sdp audit verify`` prints somewhere else (a printed register, the
Ombudsman) and check it later with ``--anchor``.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ..timestamps import in_lima

# pg_advisory_xact_lock key: any constant the rest of the app does not use ("SDPAUDIT").
ADVISORY_LOCK_KEY = 0x5344504155444954 & 0x7FFFFFFFFFFFFFFF
HEAD_KEY = "sdp.audit_head"
# Built once (run on the first event of every audited transaction).
_PG_HEAD = text("SELECT sdp_audit_chain_head()")
_SQLITE_HEAD = text("SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1")
_SQLITE_TAKE_WRITE_LOCK = text("DELETE FROM audit_events WHERE 0 = 1")
HASHED_FIELDS = ("at", "actor_kind", "actor_id", "actor_label", "action", "entity", "entity_id", "case_id",
                 "changes", "request_id")


def canonical_time(moment: datetime) -> str:
    return in_lima(moment).astimezone(UTC).isoformat(timespec="microseconds")


def digest(fields: dict[str, Any], previous_hash: str | None) -> str:
    document = {name: fields.get(name) for name in HASHED_FIELDS}
    document["at"] = canonical_time(document["at"])
    document["previous_hash"] = previous_hash
    payload = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def head_for_append(session: Session) -> str | None:
    """The hash the next event of this transaction chains onto, with the chain locked."""
    if HEAD_KEY in session.info:
        return session.info[HEAD_KEY]
    if session.get_bind().dialect.name == "postgresql":
        # pg_advisory_xact_lock(ADVISORY_LOCK_KEY), then the last hash (migration 0002)
        head = session.execute(_PG_HEAD).scalar()
    else:
        _take_write_lock(session)
        head = session.execute(_SQLITE_HEAD).scalar()
    session.info[HEAD_KEY] = head
    return head


def _take_write_lock(session: Session) -> None:
    # Python's sqlite3 opens a transaction (BEGIN DEFERRED) only before the first write, so a
    # read before any write would see the chain without a lock. A write statement that
    # matches no row opens the transaction and takes the database's write lock: from here
    # on no other connection can append until this transaction ends. When this transaction
    # has written already (the usual case: the change, then its audit event), it holds the
    # lock and nothing needs doing.
    if not getattr(session.connection().connection.dbapi_connection, "in_transaction", False):
        session.execute(_SQLITE_TAKE_WRITE_LOCK)


def appended(session: Session, new_head: str) -> None:
    session.info[HEAD_KEY] = new_head


def forget_head(session: Session, transaction=None) -> None:
    session.info.pop(HEAD_KEY, None)


# --- Verification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    event_id: int
    kind: str  # altered | inserted | deleted | anchor
    message: str


@dataclass(frozen=True)
class Report:
    events: int
    head: str | None
    problem: Problem | None

    @property
    def intact(self) -> bool:
        return self.problem is None


def _rows(session: Session, batch: int = 2000) -> Iterator[Any]:
    from .models import AuditEvent

    columns = [AuditEvent.id, AuditEvent.previous_hash, AuditEvent.hash,
               *(getattr(AuditEvent, name) for name in HASHED_FIELDS)]
    last_id = None
    while True:
        query = select(*columns).order_by(AuditEvent.id).limit(batch)
        if last_id is not None:
            query = query.where(AuditEvent.id > last_id)
        rows = session.execute(query).all()
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id


def verify(session: Session, anchor: str | None = None) -> Report:
    """Walk the chain; the first altered, inserted or deleted event, or None."""
    count, expected_previous, before_previous, previous_id = 0, None, None, None
    anchor_seen = anchor is None
    for row in _rows(session):
        count += 1
        fields = row._asdict()
        if digest(fields, row.previous_hash) != row.hash:
            return Report(count, expected_previous, Problem(
                row.id, "altered", f"event {row.id} was altered: its content no longer matches its hash"))
        if row.previous_hash != expected_previous:
            if previous_id is not None and row.previous_hash == before_previous:
                return Report(count, expected_previous, Problem(
                    previous_id, "inserted",
                    f"event {previous_id} was inserted: event {row.id} chains onto the event before it"))
            return Report(count, expected_previous, Problem(
                row.id, "deleted",
                f"event {row.id} does not follow event {previous_id}: events between them were deleted, or one "
                "of them was altered or inserted with a recomputed hash" if previous_id else
                f"event {row.id} is not the first event: the events before it were deleted"))
        before_previous, expected_previous, previous_id = expected_previous, row.hash, row.id
        if row.hash == anchor:
            anchor_seen = True
    if not anchor_seen:
        return Report(count, expected_previous, Problem(
            previous_id or 0, "deleted",
            "the anchor hash is not in the chain: events at or after the anchor were deleted or replaced"))
    return Report(count, expected_previous, None)
