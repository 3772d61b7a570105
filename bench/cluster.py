"""Past one machine: several app servers on one PostgreSQL, rate limits in Redis, writing at once.

    .venv/bin/python -m bench.cluster --servers 2 --duration 20

Resets the PostgreSQL database ``sdp_bench_cluster``, loads 1,000 generated cases, starts
``--servers`` gunicorn servers (processes standing in for machines, the same settings as
``bench.load``) with ``RATELIMIT_STORAGE_URI`` on Redis, and registers applications through
all of them at once with ``wrk`` (``bench/wrk/register.lua``). Then it checks what must
hold across servers:

- no lost writes: every ``201`` answer is in the database (a request cut off when wrk stops
  may have committed without its answer being counted, so up to one per connection more);
- no duplicate case numbers and no gaps: each year's numbers are 1..n and the counter is n;
- every registration has its audit event (written in the same transaction);
- the audit chain is intact, every lane (``flask --app sdp audit verify``);
- the rate-limit counters are Redis's, shared by the servers (the token's counter in Redis
  counts the requests of every server).
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from collections import defaultdict

from sqlalchemy import func, select

from .common import DATA, ROOT, database_url, machine_note, make_app, safe, staff_email
from .load import Server, add_gunicorn_arguments, ensure_wrk, gunicorn_args

DATABASE = "cluster"  # sdp_bench_cluster
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")


def redis_reachable(url: str) -> bool:
    from urllib.parse import urlparse

    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=2
        ):
            return True
    except OSError:
        return False


def high_water(app) -> tuple[int, int]:
    """The last application id and audit event id before the run."""
    from sdp.audit.models import AuditEvent
    from sdp.cases.models import Application
    from sdp.extensions import db

    with app.app_context():
        last = (
            db.session.execute(select(func.coalesce(func.max(Application.id), 0))).scalar_one(),
            db.session.execute(select(func.coalesce(func.max(AuditEvent.id), 0))).scalar_one(),
        )
        db.session.remove()
    return last


def check_database(app, before: tuple[int, int]) -> dict:
    from sdp.audit.models import AuditEvent
    from sdp.cases.models import Application, CaseNumberCounter
    from sdp.extensions import db

    with app.app_context():
        new = db.session.execute(
            select(func.count(Application.id)).where(Application.id > before[0])
        ).scalar_one()
        audited = db.session.execute(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.action == "case.register", AuditEvent.id > before[1]
            )
        ).scalar_one()
        numbers = defaultdict(list)
        for (case_number,) in db.session.execute(select(Application.case_number)):
            _, year, value = case_number.split("-")
            numbers[int(year)].append(int(value))
        counters = dict(
            db.session.execute(select(CaseNumberCounter.year, CaseNumberCounter.last_value)).all()
        )
        db.session.remove()
    duplicates = sum(len(values) - len(set(values)) for values in numbers.values())
    gaps = {
        year: counters.get(year, 0) - len(set(values))
        for year, values in numbers.items()
        if sorted(set(values)) != list(range(1, counters.get(year, 0) + 1))
    }
    return {
        "new_applications": new,
        "register_audit_events": audited,
        "duplicate_case_numbers": duplicates,
        "years_with_gaps": gaps,
    }


def audit_chain(url: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "sdp", "audit", "verify"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": url},
    )
    first_line = (result.stdout.strip() or result.stderr.strip()).splitlines()[0]
    return ("intact" if result.returncode == 0 else "BROKEN") + f": {first_line}"


def redis_counters(url: str) -> dict[str, int]:
    """The app's rate-limit counters in Redis (key prefix ``sdp``, RATELIMIT_KEY_PREFIX)."""
    import redis

    client = redis.Redis.from_url(url)
    counters = {}
    for key in client.scan_iter(match="*sdp*"):
        value = client.get(key)
        if value is not None and value.isdigit():
            counters[key.decode()] = int(value)
    return counters


def clear_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match="*sdp*"):
        client.delete(key)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16, help="per server")
    parser.add_argument("--cases", type=int, default=1000, help="generated before the run")
    add_gunicorn_arguments(parser)
    args = parser.parse_args(argv)
    command = "python -m bench.cluster " + " ".join(argv if argv is not None else sys.argv[1:])
    print(f"`{command}`\n\n{machine_note()}\n")
    if not redis_reachable(REDIS):
        sys.exit(f"Redis is not reachable at {REDIS} (set BENCH_REDIS_URL).")
    wrk = ensure_wrk()
    url = database_url(DATABASE, "postgresql")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.generate",
            "--db",
            "postgresql",
            "--size",
            "1k",
            "--cases",
            str(args.cases),
            "--births",
            "0",
            "--reset",
        ],
        cwd=ROOT,
        check=True,
        env={**os.environ, "DATABASE_URL": url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    app = make_app(url)
    from sdp.auth.principal import SYSTEM
    from sdp.auth.services import issue_token
    from sdp.extensions import db
    from sdp.unit_of_work import unit_of_work

    with app.app_context():
        with unit_of_work():  # committed: the servers read it
            _, token = issue_token(SYSTEM, user_email=staff_email("intake_officer", 1))
        db.session.remove()
    run_dir = DATA / "runs" / time.strftime("cluster-%Y%m%d-%H%M%S")
    run_dir.mkdir(parents=True, exist_ok=True)
    # The token's budget is raised so that no answer is a 429: the counters are still kept in Redis.
    env = {
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-secret-not-for-production",
        "RATELIMIT_STORAGE_URI": REDIS,
        "SDP_RATELIMIT_TOKEN": "1000000 per day",
    }
    clear_redis(REDIS)
    servers = [
        Server(f"app{n + 1}", "sdp:create_app()", env, gunicorn_args(args))
        for n in range(args.servers)
    ]
    before = high_water(app)
    try:
        for server in servers:
            server.start(run_dir, "/api/v1/procedure")
        runs = [
            subprocess.Popen(
                [
                    wrk,
                    "-t1",
                    "-c",
                    str(args.connections),
                    "-d",
                    f"{args.duration}s",
                    "--timeout",
                    "10s",
                    "-s",
                    str(ROOT / "bench" / "wrk" / "register.lua"),
                    server.url(),
                ],
                stdout=subprocess.PIPE,
                text=True,
                env={**os.environ, "BENCH_TOKEN": token},
            )
            for server in servers
        ]
        outputs = [run.communicate()[0] for run in runs]
        time.sleep(1)  # requests still in the servers finish
        memory = {server.name: server.resident_mb() for server in servers}
    finally:
        for server in servers:
            server.stop()
    figures = [
        json.loads([line for line in output.splitlines() if line.startswith("{")][-1])
        for output in outputs
    ]
    created = sum(f["created"] for f in figures)
    other = sum(f["other_status"] for f in figures)
    seconds = max(f["duration_us"] for f in figures) / 1e6
    database = check_database(app, before)
    chain = audit_chain(url)
    counters = redis_counters(REDIS)
    token_counted = max(counters.values(), default=0)
    lost = created - database["new_applications"]
    cut_off = database["new_applications"] - created
    ok = (
        lost <= 0
        and cut_off <= args.connections * args.servers
        and not database["duplicate_case_numbers"]
        and not database["years_with_gaps"]
        and database["register_audit_events"] == database["new_applications"]
        and other == 0
        and chain.startswith("intact")
        and token_counted >= created
    )
    lines = [
        f"{args.servers} app servers × {args.workers} workers ({args.worker_class}) on "
        f"{safe(url)}, rate limits in {REDIS}; wrk -c{args.connections} per server for "
        f"{args.duration} s",
        "",
        "| figure | value |",
        "|---|---:|",
        f"| registrations answered 201 | {created:,} ({created / seconds:,.0f}/s over all servers) "
        "|",
        f"| other answers (non-201) | {other} |",
        f"| socket errors | {sum(f['socket_errors'] for f in figures)} |",
        "| p50 / p99 latency per server (ms) | "
        + ", ".join(f"{f['p50_us'] / 1000:.0f} / {f['p99_us'] / 1000:.0f}" for f in figures)
        + " |",
        f"| new applications in the database | {database['new_applications']:,} |",
        f"| 201 answers missing from the database (lost writes) | {max(lost, 0)} |",
        f"| committed but cut off by wrk's stop (≤ connections) | {max(cut_off, 0)} |",
        f"| duplicate case numbers | {database['duplicate_case_numbers']} |",
        f"| years whose numbers have gaps | {len(database['years_with_gaps'])} |",
        "| registrations without their audit event | "
        f"{database['new_applications'] - database['register_audit_events']} |",
        f"| audit chain | {chain} |",
        f"| rate-limit counters in Redis | {len(counters)} key(s); the token's counts "
        f"{token_counted:,} requests (≥ the 201 answers of all servers: one shared budget) |",
        "",
        "Resident memory per worker after the run: "
        + "; ".join(
            f"{name}: " + ", ".join(f"{mb:.0f} MB" for mb in workers.values())
            for name, workers in memory.items()
        ),
        "",
        "All checks passed." if ok else "SOME CHECKS FAILED.",
    ]
    print("\n".join(lines))
    (run_dir / "results.json").write_text(
        json.dumps(
            {
                "command": command,
                "wrk": figures,
                "database": database,
                "audit_chain": chain,
                "redis_counters": counters,
                "memory_mb": memory,
            },
            indent=2,
        )
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
