"""Where the time of an API request goes, measured in-process, every variant in the same run.

    .venv/bin/python -m bench.anatomy --size 10k --db sqlite --db postgresql

Wall-clock medians (µs) of the pieces of an audited look-up: the app's hooks, the bearer
token, an indexed query, the audit insert and its commit, the connection check-out, and
the whole case file; beside them, connection variants (no pre-ping, no pool) that show what
connection handling costs. The audit events it writes stay in the data set's trail (action
``bench.anatomy``): the trail is append-only and hash-chained, so the first session's variants
that inserted events outside the chain are gone.
"""

import argparse
import sys

from sqlalchemy import create_engine, select
from sqlalchemy.pool import NullPool

from .common import database_url, issue_tokens, machine_note, make_app, pick_samples
from .timing import interleaved, table

BENCH_ACTION = "bench.anatomy"  # audit rows written here carry this action


def variants_for(kind: str, size: str) -> tuple[dict, object]:
    from sdp import clock
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
        db.session.execute(
            select(Document.serial, Document.type, Document.status, Document.valid_until).where(
                Document.serial == pick(serials, call)
            )
        ).first()

    def audit_orm(call):
        record(actor, BENCH_ACTION, "document", pick(serials, call))
        db.session.commit()

    lean_engines = {}
    if kind == "postgresql":
        lean_engines["no pre-ping"] = create_engine(engine_url, pool_pre_ping=False, pool_size=2)
    lean_engines["no pool (connect per request)"] = create_engine(engine_url, poolclass=NullPool)

    def with_engine(engine):
        def run(call):
            with engine.connect() as connection:
                connection.execute(
                    select(Document.serial).where(Document.serial == pick(serials, call))
                ).first()

        return run

    from .bare_app import app as bare_app

    bare_client = bare_app.test_client()
    variants = {
        "bare Flask app: /ping (test client)": lambda call: bare_client.get("/ping"),
        "SDP app: a trivial route (its hooks, no database)": lambda call: client.get("/bench/ping"),
        "token → principal, as the app does (one prebuilt Core query)": lambda call: (
            principal_for(tokens["staff"]),
            done(),
        ),
        "check-out + one indexed query + return (app engine)": lambda call: (
            query_document(call),
            done(),
        ),
        **{
            f"check-out + one indexed query + return ({name})": with_engine(engine)
            for name, engine in lean_engines.items()
        },
        "audit event: record() (chained, prebuilt INSERT) + commit": lambda call: (
            audit_orm(call),
            done(),
        ),
        "case file: load + build + dump (service level)": lambda call: (
            schema.dump(
                case_dict(
                    db.session.get(Application, pick(ids, call)),
                    Principal(kind="user", id=actor.id, label=actor.label, roles=actor.roles),
                    clock.today(),
                )
            ),
            done(),
        ),
        "GET /api/v1/applications/{id} (test client, audited)": lambda call: client.get(
            f"/api/v1/applications/{pick(ids, call)}", headers=staff
        ),
    }

    def cleanup():
        # The audit events written here stay: the trail is append-only (they carry BENCH_ACTION).
        for engine in lean_engines.values():
            engine.dispose()
        context.pop()

    return variants, cleanup


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", default="10k")
    parser.add_argument("--db", action="append", choices=("sqlite", "postgresql"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--per-round", type=int, default=200)
    args = parser.parse_args(argv)
    print(
        "`python -m bench.anatomy "
        f"{' '.join(argv if argv is not None else sys.argv[1:])}`\n\n{machine_note()}\n"
    )
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
