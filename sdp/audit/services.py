"""Writing the audit trail, in the same transaction as the change it records."""

from collections.abc import Iterable
from datetime import date, datetime
from enum import Enum
from typing import Any

from flask import g, has_request_context

from .. import clock
from ..auth.principal import Principal
from ..extensions import db
from .models import AuditEvent


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


def record(actor: Principal, action: str, entity: str, entity_id: Any = None, *,
           case_id: int | None = None, changes: dict[str, Any] | None = None) -> AuditEvent:
    """Add one audit event to the current transaction (committed with the change itself)."""
    event = AuditEvent(
        at=clock.now(),
        actor_kind=actor.kind,
        actor_id=actor.id,
        actor_label=actor.label,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        case_id=case_id,
        changes=_plain(changes) if changes else None,
        request_id=g.get("request_id") if has_request_context() else None,
    )
    db.session.add(event)
    return event


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
