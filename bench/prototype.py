"""The app plus two prototype registry checks, to measure what its stack allows (not the registry
feature).

    gunicorn 'bench.prototype:create_app()'      # = sdp.create_app() + the two routes below

Both answer ``GET /api/bench/registry/documents/<serial>/{lean,orm}`` for a partner token with
``registry:read``: the document's status and holder, after writing an audit event in the
same transaction, as the registry feature must. They differ only in how:

- ``orm``: the usual way: ``current_principal()`` (the token and the user's roles through
  the ORM), an ORM query for the document, ``sdp.audit.services.record()``, commit;
- ``lean``: one Core query for the token, one Core query for the document, one Core insert
  for the audit event, each statement built once at import and given its values as
  parameters (building a statement, and above all ``insert().values(...)``, costs more than
  running it), and the answer built before the commit.
"""

import hashlib

from flask import Flask, abort, g, request
from sqlalchemy import bindparam, insert, select

from sdp import clock
from sdp import create_app as create_sdp_app
from sdp.extensions import db


def _document_answer(document, today) -> dict:
    status = document.status
    if status == "valid" and document.valid_until is not None and today > document.valid_until:
        status = "expired"
    return {
        "serial": document.serial,
        "type": document.type,
        "status": status,
        "issued_on": document.issued_on.isoformat(),
        "valid_until": document.valid_until.isoformat() if document.valid_until else None,
        "holder": {
            "given_names": document.holder_given_names,
            "family_names": document.holder_family_names,
            "date_of_birth": document.holder_date_of_birth.isoformat(),
        },
    }


def create_app() -> Flask:
    return add_prototype_routes(create_sdp_app())


def add_prototype_routes(app: Flask) -> Flask:
    app.add_url_rule("/api/bench/registry/documents/<serial>/orm", view_func=registry_document_orm)
    app.add_url_rule(
        "/api/bench/registry/documents/<serial>/lean", view_func=registry_document_lean
    )
    return app


def registry_document_orm(serial):
    from sdp.api import current_principal
    from sdp.audit.services import record
    from sdp.documents.models import Document

    principal = current_principal()
    if "registry:read" not in principal.scopes:
        abort(403)
    document = db.session.execute(
        select(Document).where(Document.serial == serial)
    ).scalar_one_or_none()
    if document is None:
        abort(404)
    answer = _document_answer(document, clock.today())
    record(principal, "registry.document_check", "document", serial)
    db.session.commit()
    return answer


class _Statements:
    """Built once, on first use (the models must be imported first)."""

    token = document = audit = None

    @classmethod
    def load(cls):
        from sdp.audit.models import AuditEvent
        from sdp.auth.models import ApiToken
        from sdp.documents.models import Document

        tokens, documents = ApiToken.__table__.c, Document.__table__.c
        cls.token = select(
            tokens.id, tokens.client_name, tokens.scopes, tokens.revoked_at, tokens.expires_at
        ).where(tokens.token_hash == bindparam("digest"))
        cls.document = select(
            documents.serial,
            documents.type,
            documents.status,
            documents.issued_on,
            documents.valid_until,
            documents.holder_given_names,
            documents.holder_family_names,
            documents.holder_date_of_birth,
        ).where(documents.serial == bindparam("serial"))
        cls.audit = insert(AuditEvent.__table__)
        return cls


def registry_document_lean(serial):
    statements = _Statements if _Statements.token is not None else _Statements.load()
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        abort(401)
    session = db.session
    token = session.execute(
        statements.token, {"digest": hashlib.sha256(raw.strip().encode()).hexdigest()}
    ).first()
    now = clock.now()
    if (
        token is None
        or token.revoked_at is not None
        or (
            token.expires_at is not None
            and token.expires_at.replace(tzinfo=token.expires_at.tzinfo or clock.PERU) <= now
        )
    ):
        abort(401)
    if "registry:read" not in (token.scopes or []):
        abort(403)
    document = session.execute(statements.document, {"serial": serial}).first()
    if document is None:
        abort(404)
    answer = _document_answer(document, now.date())
    session.execute(
        statements.audit,
        {
            "at": now,
            "actor_kind": "client",
            "actor_id": token.id,
            "actor_label": token.client_name or "client",
            "action": "registry.document_check",
            "entity": "document",
            "entity_id": serial,
            "request_id": g.get("request_id"),
        },
    )
    session.commit()
    return answer
