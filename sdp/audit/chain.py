"""The hash chain that makes the audit trail tamper-evident.

Each event's ``hash`` is the SHA-256 of a canonical serialisation of its fields and of the
previous event's hash (``previous_hash``). Changing a stored event changes its hash;
deleting or inserting one breaks the link of the event after it. ``verify`` walks the
events in id order and reports the first one that does not fit.

**Lanes.** Appending to a chain must be serialised (two transactions must never chain onto
the same event), and the lock is held until the transaction commits. With one chain, every
audited transaction in every app server (each registry check among them) would wait for
the one before it. So the chain is split into lanes: each event chains onto the last event
of *its* lane (``lane`` column), and lanes append in parallel. On PostgreSQL
``sdp_audit_lane_head(lanes)`` (migration 0003) takes the advisory lock of a free lane and
returns that lane's head in one round trip; ``SDP_AUDIT_LANES`` (default 32) should be at least
the number of transactions that write at once. SQLite has one writer at a time anyway: one
lane (0), taken with the app's writer lock (``_take_write_lock``). Within one transaction
the lane and head are remembered in ``session.info``: one query per transaction, not per event.

The chain proves that no event was altered, inserted or deleted *inside* a lane. Someone
who can write to the database could also recompute every hash after the point they
changed, or cut events off the end of a lane: against that, keep the heads that
``flask --app sdp audit verify`` prints somewhere else (a printed register, the Ombudsman)
and check them later with ``--anchor``.
"""

import hashlib
import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ..sqlite import QueuedWriterConnection
from ..timestamps import in_lima

# First key of the lanes' pg_advisory_xact_lock(class, lane): a constant the rest of the app
# does not use ("SDPA"); migration 0003 writes it out.
LANE_LOCK_CLASS = 0x53445041
HEAD_KEY = "sdp.audit_head"
# Built once (run on the first event of every audited transaction).
_PG_LANE_HEAD = text("SELECT chosen_lane, head_hash FROM sdp_audit_lane_head(:lanes)")
_SQLITE_HEAD = text("SELECT hash FROM audit_events WHERE lane = 0 ORDER BY id DESC LIMIT 1")
_SQLITE_TAKE_WRITE_LOCK = text("DELETE FROM audit_events WHERE 0 = 1")
HASHED_FIELDS = (
    "at",
    "actor_kind",
    "actor_id",
    "actor_label",
    "action",
    "entity",
    "entity_id",
    "case_id",
    "changes",
    "request_id",
)


def canonical_time(moment: datetime) -> str:
    return in_lima(moment).astimezone(UTC).isoformat(timespec="microseconds")


def digest(fields: dict[str, Any], previous_hash: str | None) -> str:
    document: dict[str, Any] = {name: fields.get(name) for name in HASHED_FIELDS}
    document["at"] = canonical_time(document["at"])
    document["previous_hash"] = previous_hash
    if fields.get("journal_file") is not None:
        # Chained from the audit journal (sdp.audit.journal): which line it was is hashed too.
        # Events written directly have no such key, and keep the hash they always had.
        document["journal"] = [fields["journal_file"], fields["journal_seq"]]
    payload = json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def head_for_append(session: Session, lanes: int) -> tuple[int, str | None]:
    """The lane and the hash the next event of this transaction chains onto, with the lane
    locked."""
    if HEAD_KEY in session.info:
        return session.info[HEAD_KEY]
    if session.get_bind().dialect.name == "postgresql":
        # A free lane's advisory lock, then its last hash (migration 0003)
        lane, head = session.execute(_PG_LANE_HEAD, {"lanes": lanes}).one()
    else:
        _take_write_lock(session)
        lane, head = 0, session.execute(_SQLITE_HEAD).scalar()
    session.info[HEAD_KEY] = (lane, head)
    return lane, head


def _take_write_lock(session: Session) -> None:
    # The app's SQLite connections queue their writers on a file lock (sdp/sqlite.py): taking it
    # here, before the head is read, keeps every other writer of the app out until this
    # transaction ends. Another connection (none of the app's) gets the same from a write
    # statement that matches no row: Python's sqlite3 opens the transaction (BEGIN DEFERRED)
    # only before the first write, and that write takes the database's write lock. When this
    # transaction has written already (the change, then its audit event), it holds both.
    dbapi_connection = session.connection().connection.dbapi_connection
    assert isinstance(dbapi_connection, sqlite3.Connection)  # only SQLite's lock is taken here
    if isinstance(dbapi_connection, QueuedWriterConnection):
        dbapi_connection.take_writer_lock()
    elif not dbapi_connection.in_transaction:
        session.execute(_SQLITE_TAKE_WRITE_LOCK)


def appended(session: Session, lane: int, new_head: str) -> None:
    session.info[HEAD_KEY] = (lane, new_head)


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
    heads: dict[int, str]  # lane -> the hash of its last event (a lane with none verified: absent)
    problem: Problem | None

    @property
    def intact(self) -> bool:
        return self.problem is None


def _rows(session: Session, batch: int = 2000) -> Iterator[Any]:
    # Could move to the top (no cycle needs it here): left for the package's owners.
    from .models import AuditEvent

    columns = [
        AuditEvent.id,
        AuditEvent.lane,
        AuditEvent.previous_hash,
        AuditEvent.hash,
        AuditEvent.journal_file,
        AuditEvent.journal_seq,
        *(getattr(AuditEvent, name) for name in HASHED_FIELDS),
    ]
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


@dataclass
class _Lane:
    """What the walk has seen of one lane so far."""

    head: str | None = None
    before_head: str | None = None
    last_id: int | None = None


def verify(session: Session, anchors: Iterable[str] = ()) -> Report:
    """Walk every lane; the first altered, inserted or deleted event, or None. Every anchor
    (a head printed by an earlier verification) must still be in the chain."""
    count, lanes = 0, defaultdict[int, _Lane](_Lane)
    missing_anchors = set(anchors)
    for row in _rows(session):
        count += 1
        lane = lanes[row.lane]
        if digest(row._asdict(), row.previous_hash) != row.hash:
            return Report(
                count,
                _heads(lanes),
                Problem(
                    row.id,
                    "altered",
                    f"event {row.id} was altered: its content no longer matches its hash",
                ),
            )
        if row.previous_hash != lane.head:
            if lane.last_id is not None and row.previous_hash == lane.before_head:
                return Report(
                    count,
                    _heads(lanes),
                    Problem(
                        lane.last_id,
                        "inserted",
                        f"event {lane.last_id} was inserted: event {row.id} chains onto the event "
                        "before it",
                    ),
                )
            return Report(
                count,
                _heads(lanes),
                Problem(
                    row.id,
                    "deleted",
                    f"event {row.id} does not follow event {lane.last_id} of its lane "
                    f"({row.lane}): events between them were deleted, or one of them was altered "
                    "or inserted with a recomputed hash"
                    if lane.last_id
                    else (
                        f"event {row.id} is not the first event of its lane ({row.lane}): the "
                        "events before it were deleted"
                    ),
                ),
            )
        lane.before_head, lane.head, lane.last_id = lane.head, row.hash, row.id
        missing_anchors.discard(row.hash)
    if missing_anchors:
        return Report(
            count,
            _heads(lanes),
            Problem(
                0,
                "anchor",
                f"{len(missing_anchors)} anchor hash(es) not in the chain "
                f"({', '.join(sorted(h[:12] for h in missing_anchors))}…): events at or after them "
                "were deleted or replaced",
            ),
        )
    return Report(count, _heads(lanes), None)


def _heads(lanes: dict[int, _Lane]) -> dict[int, str]:
    return {number: lane.head for number, lane in sorted(lanes.items()) if lane.head is not None}
