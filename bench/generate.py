"""Generate a national-scale data set and load it fast.

    # 10,000 cases + 5,000 births, SQLite
    .venv/bin/python -m bench.generate --size 10k
    # 1,000,000 cases + 500,000 births
    .venv/bin/python -m bench.generate --size 1m --db postgresql
    DATABASE_URL=postgresql://... .venv/bin/python -m bench.generate --size 100k --reset

The database is ``DATABASE_URL``, else ``bench/data/sdp-<size>.sqlite`` or the PostgreSQL
database ``sdp_bench_<size>`` (created if missing; see ``bench.common``), migrated with
``flask db upgrade`` first. Rows go in with SQLAlchemy Core ``insert()`` executemany in large
batches on SQLite (synchronous off, big page cache) and with ``COPY ... FROM STDIN``
(psycopg 3 ``cursor.copy``) on PostgreSQL; secondary indexes are dropped during the load and
built once at the end, then ``ANALYZE``. Foreign keys stay checked.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

from sqlalchemy import JSON, TypeDecorator, func, insert, select, text
from sqlalchemy.engine import Engine

from .common import DATA, SIZES, database_url, ensure_postgres_database, kind_of, safe, staff_email
from .synth import COLUMNS, STAFF_ROLES, TABLE_ORDER, Rows, Synth

STAFF_PASSWORD = "bench-password-2026"
CHUNK = 20_000  # cases per transaction


# --- writers --------------------------------------------------------------------------


class SqliteWriter:
    """Core ``insert()`` executemany: one statement per table per chunk, one transaction per
    chunk."""

    def __init__(self, engine: Engine):
        self.connection = engine.connect()
        for pragma in ("synchronous=OFF", "cache_size=-262144", "temp_store=MEMORY"):
            self.connection.exec_driver_sql(f"PRAGMA {pragma}")
        self.connection.commit()
        self.tables = _tables()

    def write(self, rows: Rows) -> None:
        with self.connection.begin():
            for name in TABLE_ORDER:
                if rows.get(name):
                    columns = COLUMNS[name]
                    self.connection.execute(
                        insert(self.tables[name]),
                        [dict(zip(columns, row, strict=True)) for row in rows[name]],
                    )

    def close(self) -> None:
        self.connection.exec_driver_sql(
            "PRAGMA synchronous=NORMAL"
        )  # the app's setting, for a pooled connection
        self.connection.close()


class PostgresWriter:
    """``COPY table (columns) FROM STDIN`` with psycopg 3, one transaction per chunk."""

    def __init__(self, engine: Engine):
        self.raw = engine.raw_connection()
        self.connection = self.raw.driver_connection
        # A crash during the load loses the last chunks, never consistency; foreign keys stay
        # checked.
        self.connection.execute("SET synchronous_commit = off")
        tables = _tables()
        dialect = engine.dialect
        # What Core's insert does to a value before it reaches the driver: JSON as text, and the
        # encrypted columns (sdp.crypto) encrypted with the data key, as the app would store them.
        self.converters = {}
        for name in COLUMNS:
            converters = {}
            for i, column in enumerate(COLUMNS[name]):
                column_type = tables[name].c[column].type
                if isinstance(column_type, TypeDecorator):
                    converters[i] = (lambda t: lambda value: t.process_bind_param(value, dialect))(
                        column_type
                    )
                elif isinstance(column_type, JSON):
                    converters[i] = lambda value: None if value is None else json.dumps(value)
            self.converters[name] = converters

    def write(self, rows: Rows) -> None:
        with self.connection.cursor() as cursor:
            for name in TABLE_ORDER:
                if not rows.get(name):
                    continue
                converters = self.converters[name]
                with cursor.copy(f"COPY {name} ({', '.join(COLUMNS[name])}) FROM STDIN") as copy:
                    for row in rows[name]:
                        if converters:
                            row = tuple(
                                converters[i](value) if i in converters else value
                                for i, value in enumerate(row)
                            )
                        copy.write_row(row)
        self.connection.commit()

    def close(self) -> None:
        self.connection.execute("RESET synchronous_commit")
        self.connection.commit()
        self.raw.close()


def _tables():
    from sdp.extensions import db

    return db.metadata.tables


# --- the load -------------------------------------------------------------------------


def create_staff(engine: Engine) -> dict[str, list[int]]:
    """Staff users of every role, sharing one password hash (hashing is slow on purpose)."""
    from sdp import clock
    from sdp.auth.passwords import hash_password

    tables = _tables()
    users, roles = tables["users"], tables["user_roles"]
    password_hash, now = hash_password(STAFF_PASSWORD), clock.now()
    with engine.begin() as connection:
        for role, count in STAFF_ROLES.items():
            connection.execute(
                insert(users),
                [
                    {
                        "email": staff_email(role, n),
                        "name": f"{role.replace('_', ' ').title()} {n}",
                        "password_hash": password_hash,
                        "active": True,
                        "created_at": now,
                        "session_epoch": 0,
                        "failed_sign_ins": 0,
                    }
                    for n in range(1, count + 1)
                ],
            )
        by_email = dict(connection.execute(select(users.c.email, users.c.id)).all())
        staff = {
            role: [by_email[staff_email(role, n)] for n in range(1, count + 1)]
            for role, count in STAFF_ROLES.items()
        }
        connection.execute(
            insert(roles),
            [{"user_id": user_id, "role": role} for role, ids in staff.items() for user_id in ids],
        )
    return staff


def _loaded_indexes():
    tables = _tables()
    return [index for name in TABLE_ORDER for index in tables[name].indexes]


def drop_indexes(engine: Engine) -> None:
    with engine.begin() as connection:
        for index in _loaded_indexes():
            connection.execute(text(f"DROP INDEX IF EXISTS {index.name}"))


def create_indexes(engine: Engine) -> None:
    with engine.begin() as connection:
        for index in _loaded_indexes():
            index.create(connection, checkfirst=True)


def finish(engine: Engine, synth: Synth) -> None:
    """Counters of case numbers, sequences after explicit ids, and planner statistics."""
    counters = _tables()["case_number_counters"]
    with engine.begin() as connection:
        for year, value in sorted(synth.case_numbers.items()):
            connection.execute(counters.delete().where(counters.c.year == year))
            connection.execute(insert(counters).values(year=year, last_value=value))
        if connection.dialect.name == "postgresql":
            for name in (*TABLE_ORDER, "users", "user_roles"):
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT "
                        f"coalesce(max(id), 1) FROM {name}))"
                    )
                )
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))


def load(
    engine: Engine,
    cases: int,
    births: int,
    *,
    seed: int = 1954,
    rebuild_indexes: bool = True,
    staff: dict[str, list[int]] | None = None,
    log=print,
) -> dict:
    """Write ``cases`` cases and ``births`` births into a migrated, empty database. Returns timings
    and counts."""
    timings, counts = {}, dict.fromkeys(TABLE_ORDER, 0)
    started, cpu_started = time.perf_counter(), time.process_time()
    staff = staff or create_staff(engine)
    synth = Synth(staff, seed=seed)
    if rebuild_indexes:
        drop_indexes(engine)
    writer = PostgresWriter(engine) if engine.dialect.name == "postgresql" else SqliteWriter(engine)
    making = writing = 0.0
    try:
        for kind, plan, make in (
            ("cases", synth.plan(cases), lambda out, item: synth.case(out, *item)),
            ("births", synth.birth_dates(births), synth.birth),
        ):
            for start in range(0, len(plan), CHUNK):
                t0 = time.perf_counter()
                out = Rows()
                for item in plan[start : start + CHUNK]:
                    make(out, item)
                t1 = time.perf_counter()
                writer.write(out)
                t2 = time.perf_counter()
                making, writing = making + t1 - t0, writing + t2 - t1
                for name, rows in out.items():
                    counts[name] += len(rows)
                done = min(start + CHUNK, len(plan))
                log(f"  {kind}: {done:,}/{len(plan):,}  ({time.perf_counter() - started:,.0f} s)")
    finally:
        writer.close()
    timings["generate_s"], timings["write_s"] = making, writing
    t0 = time.perf_counter()
    if rebuild_indexes:
        create_indexes(engine)
    timings["indexes_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    finish(engine, synth)
    timings["analyze_s"] = time.perf_counter() - t0
    timings["total_s"] = time.perf_counter() - started
    timings["cpu_s"] = (
        time.process_time() - cpu_started
    )  # this process only (not the database server)
    return {"timings": timings, "counts": counts, "rows": sum(counts.values())}


def reset_database(url: str) -> None:
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///") :])
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    else:
        from sqlalchemy import create_engine

        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--size",
        choices=SIZES,
        default="10k",
        help="cases and births: "
        + ", ".join(f"{size}={c:,}+{b:,}" for size, (c, b) in SIZES.items()),
    )
    parser.add_argument("--cases", type=int, help="number of cases (overrides --size)")
    parser.add_argument("--births", type=int, help="number of births (overrides --size)")
    parser.add_argument(
        "--db",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="where to load when DATABASE_URL is not set",
    )
    parser.add_argument("--seed", type=int, default=1954)
    parser.add_argument("--reset", action="store_true", help="empty the database first")
    parser.add_argument(
        "--skip-if-loaded",
        action="store_true",
        help="do nothing when the database already holds the cases",
    )
    args = parser.parse_args(argv)
    cases, births = SIZES[args.size]
    cases, births = (
        args.cases if args.cases is not None else cases,
        args.births if args.births is not None else births,
    )
    url = os.environ.get("DATABASE_URL") or database_url(args.size, args.db)
    os.environ["DATABASE_URL"] = url
    DATA.mkdir(parents=True, exist_ok=True)
    if kind_of(url) == "postgresql":
        ensure_postgres_database(url)
    if args.reset:
        reset_database(url)

    from flask_migrate import upgrade

    from sdp import create_app
    from sdp.extensions import db

    app = create_app()
    with app.app_context():
        upgrade()
        existing = db.session.execute(
            select(func.count()).select_from(_tables()["applications"])
        ).scalar_one()
        db.session.remove()
        if existing and args.skip_if_loaded and existing >= cases:
            print(f"{safe(url)} already holds {existing:,} cases; nothing to do.")
            return 0
        if existing:
            print(
                f"{safe(url)} already holds {existing:,} cases; use --reset to load again.",
                file=sys.stderr,
            )
            return 1
        print(
            f"Loading {cases:,} cases and {births:,} births into {safe(url)} "
            f"({db.engine.dialect.name})"
        )
        result = load(db.engine, cases, births, seed=args.seed)
    t = result["timings"]
    print(
        f"Loaded {result['rows']:,} rows in {t['total_s']:,.1f} s: generating "
        f"{t['generate_s']:,.1f} s, writing {t['write_s']:,.1f} s "
        f"({result['rows'] / max(t['write_s'], 1e-9):,.0f} rows/s), indexes {t['indexes_s']:,.1f} "
        f"s, analyze {t['analyze_s']:,.1f} s; CPU of this process {t['cpu_s']:,.1f} s; load "
        f"average {os.getloadavg()[0]:.1f}"
    )
    print("  " + ", ".join(f"{name} {count:,}" for name, count in result["counts"].items()))
    summary = DATA / f"load-{args.size if args.cases is None else cases}-{kind_of(url)}.json"
    summary.write_text(
        json.dumps(
            {
                "database": safe(url),
                "cases": cases,
                "births": births,
                **result,
                "at": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
