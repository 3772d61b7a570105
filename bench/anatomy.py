"""Where the time of an API request goes, measured in-process, every variant in the same run.

    .venv/bin/python -m bench.anatomy --size 10k --db sqlite --db postgresql

Wall-clock medians (µs) of the pieces of an audited look-up: the app's hooks, the bearer
token, an indexed query, the audit insert and its commit, the connection check-out, and
the whole case file; beside them, lean variants (one Core query, Core insert, no pre-ping,
no pool) that show what each piece could cost. Nothing here changes the app.
"""

import argparse
import hashlib
import sys

from sqlalchemy import create_engine, insert, select
from sqlalchemy.pool import NullPool

from .common import database_url, issue_tokens, machine_note, make_app, pick_samples
from .timing import interleaved, table

BENCH_ACTION = "bench.anatomy"  # audit rows written here carry this action


def principal_one_query(raw_token: str):
    """Prototype: the token, its user and the user's roles in one Core query (the app uses two ORM queries)."""
    from sdp.auth.models import ApiToken, User, UserRole
    from sdp.extensions import db

    digest = hashlib.sha256(raw_token.encode()).hexdigest()
    rows = db.session.execute(
        select(ApiToken.id, ApiToken.revoked_at, ApiToken.expires_at, ApiToken.client_name, ApiToken.scopes,
               User.id, User.email, User.active, UserRole.role)
        .outerjoin(User, User.id == ApiToken.user_id).outerjoin(UserRole, UserRole.user_id == User.id)
        .where(ApiToken.token_hash == digest)).all()
    return rows


def variants_for(kind: str, size: str) -> tuple[dict, object]:
    from sdp import clock
    from sdp.audit.models import AuditEvent
    from sdp.audit.services import record
    from sdp.auth.principal import Principal
    from sdp.auth.tokens import principal_for
    from sdp.cases.api import ApplicationOut
    from sdp.cases.models import Application
    from sdp.cases.presenters import case_dict
    from sdp.documents.models import Document
    from sdp.extensions import db

    url = database_url(size, kind)
    app = make_app(url)

    @app.get("/bench/ping")
    def bench_ping():
        return {"status": "ok"}

    tokens, samples = issue_tokens(app), pick_samples(app)
    ids = [row["application_id"] for row in samples.applications]
    serials = [row["serial"] for row in samples.documents]
    client = app.test_client()
    staff = {"Authorization": f"Bearer {tokens['staff']}"}
    context = app.test_request_context()
    context.push()
    actor = principal_for(tokens["staff"])
    schema = ApplicationOut()
    db.session.remove()
    engine_url = db.engine.url

    def pick(values, call):
        return values[call % len(values)]

    def done():
        db.session.remove()

    def query_document(call):
        db.session.execute(select(Document.serial, Document.type, Document.status, Document.valid_until)
                           .where(Document.serial == pick(serials, call))).first()

    def audit_orm(call):
        record(actor, BENCH_ACTION, "document", pick(serials, call))
        db.session.commit()

    def audit_core_values(call):
        db.session.execute(insert(AuditEvent).values(
            at=clock.now(), actor_kind=actor.kind, actor_id=actor.id, actor_label=actor.label, action=BENCH_ACTION,
            entity="document", entity_id=pick(serials, call)))
        db.session.commit()

    prebuilt_insert = insert(AuditEvent.__table__)

    def audit_core_parameters(call):
        db.session.execute(prebuilt_insert, {
            "at": clock.now(), "actor_kind": actor.kind, "actor_id": actor.id, "actor_label": actor.label,
            "action": BENCH_ACTION, "entity": "document", "entity_id": pick(serials, call)})
        db.session.commit()

    lean_engines = {}
    if kind == "postgresql":
        lean_engines["no pre-ping"] = create_engine(engine_url, pool_pre_ping=False, pool_size=2)
    lean_engines["no pool (connect per request)"] = create_engine(engine_url, poolclass=NullPool)

    def with_engine(engine):
        def run(call):
            with engine.connect() as connection:
                connection.execute(select(Document.serial).where(Document.serial == pick(serials, call))).first()
        return run

    from .bare_app import app as bare_app

    bare_client = bare_app.test_client()
    variants = {
        "bare Flask app: /ping (test client)": lambda call: bare_client.get("/ping"),
        "SDP app: a trivial route (its hooks, no database)": lambda call: client.get("/bench/ping"),
        "token → principal, as the app does (ORM, 2 queries)": lambda call: (principal_for(tokens["staff"]), done()),
        "token → principal, one Core query (prototype)": lambda call: (principal_one_query(tokens["staff"]), done()),
        "check-out + one indexed query + return (app engine)": lambda call: (query_document(call), done()),
        **{f"check-out + one indexed query + return ({name})": with_engine(engine) for name, engine in lean_engines.items()},
        "audit event: ORM record() + commit (the app's way)": lambda call: (audit_orm(call), done()),
        "audit event: Core insert().values(...) + commit": lambda call: (audit_core_values(call), done()),
        "audit event: Core insert built once, values as parameters + commit": lambda call: (
            audit_core_parameters(call), done()),
        "case file: load + build + dump (service level)": lambda call: (
            schema.dump(case_dict(db.session.get(Application, pick(ids, call)), Principal(
                kind="user", id=actor.id, label=actor.label, roles=actor.roles), clock.today())), done()),
        "GET /api/v1/applications/{id} (test client, audited)": lambda call: client.get(
            f"/api/v1/applications/{pick(ids, call)}", headers=staff),
    }

    def cleanup():
        from sqlalchemy import delete

        db.session.execute(delete(AuditEvent).where(AuditEvent.action == BENCH_ACTION))
        db.session.commit()
        for engine in lean_engines.values():
            engine.dispose()
        context.pop()

    return variants, cleanup


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="10k")
    parser.add_argument("--db", action="append", choices=("sqlite", "postgresql"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--per-round", type=int, default=200)
    args = parser.parse_args(argv)
    print(f"`python -m bench.anatomy {' '.join(argv if argv is not None else sys.argv[1:])}`\n\n{machine_note()}\n")
    for kind in args.db or ["sqlite"]:
        variants, cleanup = variants_for(kind, args.size)
        try:
            results = interleaved(variants, rounds=args.rounds, per_round=args.per_round)
        finally:
            cleanup()
        print(f"### {kind}, {args.size} data set\n\n{table(results)}\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
