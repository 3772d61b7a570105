"""Writing the audit trail, in the same transaction as the change it records.

Events are chained by hash (``sdp.audit.chain``) and never updated or deleted: the ORM
refuses it here, and on PostgreSQL a trigger (migration 0002) refuses it in the database.
Free text of a case (reasons, summaries, descriptions) and asylum details are encrypted at
rest in their tables; the audit trail records that such a field changed, never its text
(``SENSITIVE_FIELDS``), since an append-only table could not be re-encrypted.
"""

import json
from collections.abc import Iterable
from datetime import date, datetime
from enum import Enum
from typing import Any

from flask import current_app, g, has_request_context
from sqlalchemy import ColumnElement, insert, select
from sqlalchemy import event as orm_event
from sqlalchemy.orm import Session

from .. import clock
from ..auth.principal import Principal
from ..extensions import db
from . import chain
from .models import AuditEvent, audit_events

# Keys of ``changes`` whose values are free text of a case or asylum details.
SENSITIVE_FIELDS = frozenset(
    {
        "reasons",
        "reasoning",
        "reason",
        "summary",
        "description",
        "grounds",
        "notes",
        "extension_reasons",
        "end_reasons",
        "asylum",
        "asylum_status",
        "asylum_country",
        "original_name",
    }
)
REDACTED = "[redacted]"


class AppendOnlyViolation(RuntimeError):
    """Audit events are never updated or deleted."""


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


# Built once: building an INSERT with ``.values(...)``, or an ORM flush of a new object, costs
# more than running it; every audited request (each registry check) writes one event.
_INSERT_EVENT = insert(audit_events)


def record(
    actor: Principal,
    action: str,
    entity: str,
    entity_id: Any = None,
    *,
    case_id: int | None = None,
    changes: dict[str, Any] | None = None,
) -> str:
    """Add one audit event to the current transaction (committed with the change itself),
    chained onto the last event of a lane. Takes the lane's lock until the transaction ends.
    Returns the event's hash (the chain's new head)."""
    fields = {
        "at": clock.now(),
        "actor_kind": actor.kind,
        "actor_id": actor.id,
        "actor_label": actor.label,
        "action": action,
        "entity": entity,
        "entity_id": None if entity_id is None else str(entity_id),
        "case_id": case_id,
        # Through JSON and back, so that the hash covers exactly what the database returns.
        "changes": json.loads(json.dumps(redact(_plain(changes)))) if changes else None,
        "request_id": g.get("request_id") if has_request_context() else None,
    }
    session = db.session()
    lane, previous_hash = chain.head_for_append(session, current_app.config["SDP_AUDIT_LANES"])
    event_hash = chain.digest(fields, previous_hash)
    # Written now, in this transaction, by a statement that only inserts: the append-only
    # rules below (and PostgreSQL's trigger) still hold; the hash is set here, never absent.
    session.execute(
        _INSERT_EVENT, {**fields, "lane": lane, "previous_hash": previous_hash, "hash": event_hash}
    )
    chain.appended(session, lane, event_hash)
    return event_hash


def redact(changes: dict[str, Any]) -> dict[str, Any]:
    """``changes`` with the values of sensitive fields replaced by a marker (None stays None)."""

    def hide(value):
        if isinstance(value, list):
            return [None if item is None else REDACTED for item in value]
        return None if value is None else REDACTED

    return {
        key: hide(value) if key in SENSITIVE_FIELDS else value for key, value in changes.items()
    }


def diff(obj: Any, fields: Iterable[str], new_values: dict[str, Any]) -> dict[str, Any]:
    """Apply ``new_values`` to ``obj`` and return ``{field: [before, after]}`` for what changed."""
    changes = {}
    for name in fields:
        if name in new_values:
            before, after = getattr(obj, name), new_values[name]
            if before != after:
                setattr(obj, name, after)
                changes[name] = [_plain(before), _plain(after)]
    return changes


# --- Append-only, at the ORM level -------------------------------------------------------------


@orm_event.listens_for(AuditEvent, "before_update")
def _refuse_update(mapper, connection, target):
    raise AppendOnlyViolation("audit events are never updated")


@orm_event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise AppendOnlyViolation("audit events are never deleted")


@orm_event.listens_for(AuditEvent, "before_insert")
def _refuse_unchained(mapper, connection, target):
    if not target.hash:
        raise AppendOnlyViolation(
            "audit events are written by sdp.audit.services.record, which chains them"
        )


@orm_event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state):
    if (state.is_update or state.is_delete) and any(
        m.class_ is AuditEvent for m in state.all_mappers
    ):
        raise AppendOnlyViolation("audit events are never updated or deleted")


orm_event.listen(Session, "after_transaction_end", chain.forget_head)


# --- What changed since a page was opened (no lost updates) -----------------------------------
#
# A form that edits a row carries its version and ``seen``, the id of the last audited change of
# the row the person had before them; a save over a later version is refused and shows the
# changes made since. ``condition`` says which events are changes of the row: a case's
# (``sdp.cases.locking``), a staff account's (``sdp.auth.services``).


def last_change_id(condition: ColumnElement[bool]) -> int:
    """The id of the last audited change matching ``condition`` (0: none)."""
    last = db.session.execute(
        select(AuditEvent.id).where(condition).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    return last[0] if last else 0


def changes_since(condition: ColumnElement[bool], seen: int | str | None) -> list[AuditEvent]:
    """The audited changes matching ``condition`` after the change ``seen`` (what someone else did
    meanwhile), oldest first."""
    digits = str(seen or "")
    after = int(digits) if digits.isdigit() and len(digits) <= 18 else 0
    query = select(AuditEvent).where(condition, AuditEvent.id > after).order_by(AuditEvent.id)
    return list(db.session.execute(query).scalars())
