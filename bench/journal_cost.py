"""What the audit of one partner check costs: a chained row committed per check (as before
issue 17) against a line appended to the audit journal (sdp/audit/journal.py), in process.

    .venv/bin/python -m bench.journal_cost --db sqlite --events 3000
    .venv/bin/python -m bench.journal_cost --db postgresql --events 3000

On a scratch database (SQLite in a temporary folder; PostgreSQL: ``journal_cost`` beside
BENCH_PG_URL's server, with the server's own ``synchronous_commit``), migrated to the head. For
each way, the median over ``events`` of the wall time and of the calling thread's CPU time:

- ``row``: ``sdp.audit.services.record`` (the lane's head under its lock, the INSERT) and the
  commit, as the registry checks did until issue 17;
- ``journal``: one line appended, no fsync (SQLite's promise: a crash of the process);
- ``journal+fsync``: one line appended and fsynced (PostgreSQL's promise: a power loss), with one
  thread, then with 4 threads appending at once (gthread × 4: the fsync is grouped);
- ``chain``: the chainer's cost per line afterwards (batches of 500), off the request path.
"""

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

from .common import PG_SERVER, ensure_postgres_database, safe

ACTOR = dict(actor_kind="client", actor_id=1, actor_label="RENIEC", action="registry.person_check")


def _event(n: int) -> dict:
    from sdp.audit.journal import event_fields

    return event_fields(
        **ACTOR,
        entity="person_query",
        entity_id=f"{n:064x}",
        changes={"token_id": 1, "matches": []},
        request_id=f"{n:032x}",
    )


def _timed(function, count: int) -> tuple[float, float]:
    """Median wall and thread-CPU µs of ``function(n)`` over ``count`` calls."""
    wall, cpu = [], []
    for n in range(count):
        started, started_cpu = time.perf_counter(), time.thread_time()
        function(n)
        cpu.append((time.thread_time() - started_cpu) * 1e6)
        wall.append((time.perf_counter() - started) * 1e6)
    return statistics.median(wall), statistics.median(cpu)


def _threaded(function, count: int, threads: int) -> float:
    """Wall µs per event with ``threads`` threads appending ``count`` events in all."""
    each = count // threads
    workers = [
        threading.Thread(target=lambda t=t: [function(t * each + n) for n in range(each)])
        for t in range(threads)
    ]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return (time.perf_counter() - started) / (each * threads) * 1e6


def measure(kind: str, events: int) -> list[tuple[str, str]]:
    from flask_migrate import upgrade

    from sdp import create_app
    from sdp.audit import services as audit
    from sdp.audit.journal import Chainer, Journal
    from sdp.auth.principal import Principal
    from sdp.config import engine_options
    from sdp.extensions import db

    scratch = Path(tempfile.mkdtemp(prefix="sdp-journal-cost-"))
    if kind == "sqlite":
        url = f"sqlite:///{scratch / 'sdp.sqlite'}"
    else:
        url = f"{PG_SERVER.rstrip('/')}/journal_cost"
        ensure_postgres_database(url)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://", 1),
            "SQLALCHEMY_ENGINE_OPTIONS": engine_options(url),
            "INSTANCE_FOR_TESTS": str(scratch),
            "SDP_AUDIT_CHAINER": "off",
        }
    )
    principal = Principal(kind="client", id=1, label="RENIEC", token_id=1)
    rows: list[tuple[str, str]] = []
    with app.app_context():
        upgrade()
        synchronous = "NORMAL (WAL)"
        if kind == "postgresql":
            from sqlalchemy import text

            synchronous = db.session.execute(text("SHOW synchronous_commit")).scalar()
            db.session.rollback()

        def row(n: int) -> None:
            audit.record(principal, "registry.person_check", "person_query", f"{n:064x}")
            db.session.commit()

        wall, cpu = _timed(row, events)
        rows.append(("row: record() + commit", f"{wall:8.0f} {cpu:8.0f}"))

        plain = Journal(scratch / "plain", durable=False)
        wall, cpu = _timed(lambda n: plain.append(_event(n)), events)
        rows.append(("journal (no fsync)", f"{wall:8.0f} {cpu:8.0f}"))

        durable = Journal(scratch / "durable", durable=True)
        wall, cpu = _timed(lambda n: durable.append(_event(n)), events)
        rows.append(("journal + fsync, 1 thread", f"{wall:8.0f} {cpu:8.0f}"))
        per_event = _threaded(lambda n: durable.append(_event(n)), events, 4)
        rows.append(("journal + fsync, 4 threads", f"{per_event:8.0f}        -"))
        durable.close()

        plain.close()
        chainer = Chainer(db.engine, scratch / "plain", app.config["SDP_AUDIT_LANES"], 500)
        chainer._chained_upto("warm-up")  # the ORM's one-time set-up, not a cost per line
        started = time.perf_counter()
        chained = chainer.run().chained
        per_line = (time.perf_counter() - started) / max(chained, 1) * 1e6
        rows.append(("chain (per line, batches of 500)", f"{per_line:8.0f}        -"))
    print(f"\n{kind} ({safe(url)}), synchronous: {synchronous}, {events} events")
    print(f"{'way':36} {'wall µs':>8} {'CPU µs':>8}")
    for name, figures in rows:
        print(f"{name:36} {figures}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], action="append")
    parser.add_argument("--events", type=int, default=3000)
    arguments = parser.parse_args()
    for kind in arguments.db or ["sqlite", "postgresql"]:
        measure(kind, arguments.events)


if __name__ == "__main__":
    main()
