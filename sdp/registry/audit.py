"""The audit of partner checks: which client asked what, and when, without keeping names.

Most people a partner checks have no case here: the civil registry and Migraciones check
everyone they process. Writing every queried name and date of birth into an append-only log
would build a register of people who never came to the procedure. So a person check keeps
a keyed digest (HMAC-SHA256) of the query as the event's ``entity_id`` and the case numbers
it matched; the client, its token and the time are the event's own columns. "Who looked this
person up?" is answered by computing the digest of their names and date of birth
(``person_checks``); the digest alone gives nothing back without the key.

The key is ``SDP_REGISTRY_QUERY_KEY``, or derived from ``SECRET_KEY`` when unset: set it on
its own in production, so that rotating SECRET_KEY keeps old checks findable.

Partner checks are the one audited read that carries national load: their events are appended
to the audit journal before the answer is sent, and chained into ``audit_events`` in batches
(``sdp.audit.journal``), not written in a transaction per check. Every other change and read
stays audited in its own transaction (``sdp.audit.services.record``). Whoever reads partner
checks from ``audit_events`` chains the journal first (``chain_now``): reading the journal
beside the table would give two places to search and to keep consistent, and chaining what is
pending costs a reader about as much as reading it.
"""

import hashlib
import hmac
from datetime import date
from typing import Any, cast

from flask import Flask, current_app, g, has_request_context
from sqlalchemy import select
from werkzeug.local import LocalProxy

from ..audit import journal
from ..audit.models import AuditEvent
from ..auth.principal import Principal
from ..domain.names import name_key
from ..extensions import db

PERSON_QUERY = "person_query"


def _key() -> bytes:
    configured = current_app.config.get("SDP_REGISTRY_QUERY_KEY")
    if configured:
        return configured.encode()
    return hmac.new(
        current_app.config["SECRET_KEY"].encode(), b"sdp registry person query", hashlib.sha256
    ).digest()


def person_query_digest(given_names: str, family_names: str, date_of_birth: date) -> str:
    """The same for every spelling that matches the same people (accents, case, spaces)."""
    return person_keys_digest(name_key(given_names), name_key(family_names), date_of_birth)


def person_keys_digest(given_key: str, family_key: str, date_of_birth: date) -> str:
    """``person_query_digest`` of names already folded by ``name_key`` (a check folds them once,
    for its look-up and its audit)."""
    message = "\x1f".join((given_key, family_key, date_of_birth.isoformat()))
    return hmac.new(_key(), message.encode(), hashlib.sha256).hexdigest()


def record_check(
    principal: Principal,
    check: str,
    entity: str,
    entity_id: Any,
    details: dict[str, Any] | None = None,
    *,
    request_id: str | None = None,
    app=None,
) -> str:
    """One audit event per partner request: the check, what it asked about, the token it used.
    Journaled (returns the journal id, ``file:seq``) before the caller answers; callers
    without a Flask request or app context pass ``app`` and ``request_id``."""
    return record_partner_read(
        principal,
        f"registry.{check}",
        entity,
        entity_id,
        changes={"token_id": principal.token_id, **(details or {})},
        request_id=request_id,
        app=app,
    )


def record_partner_read(
    principal: Principal,
    action: str,
    entity: str,
    entity_id: Any = None,
    *,
    case_id: int | None = None,
    changes: dict[str, Any] | None = None,
    request_id: str | None = None,
    app=None,
) -> str:
    """Journal the audit event of a partner's registry check (any action: the document checks
    keep their ``document.read``); the same fields ``sdp.audit.services.record`` writes."""
    if request_id is None and has_request_context():
        request_id = g.get("request_id")
    if app is None:
        # Flask types current_app as the app itself; it is a werkzeug LocalProxy, whose
        # _get_current_object() is the app (the journal keys its chainer by the app's id).
        app = cast("LocalProxy[Flask]", current_app)._get_current_object()
    return journal.append_event(
        app,
        actor_kind=principal.kind,
        actor_id=principal.id,
        actor_label=principal.label,
        action=action,
        entity=entity,
        entity_id=entity_id,
        case_id=case_id,
        changes=changes,
        request_id=request_id,
    )


def person_checks(given_names: str, family_names: str, date_of_birth: date) -> list[AuditEvent]:
    """Every check of this person by a partner, oldest first (an indexed look-up, after the
    journal's pending checks are chained)."""
    journal.chain_now()
    digest = person_query_digest(given_names, family_names, date_of_birth)
    return list(
        db.session.execute(
            select(AuditEvent)
            .where(AuditEvent.entity == PERSON_QUERY, AuditEvent.entity_id == digest)
            .order_by(AuditEvent.id)
        ).scalars()
    )
