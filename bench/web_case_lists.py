"""How fast the staff's case lists are at a million cases (keyset pagination, indexed search).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/sdp_bench \
        .venv/bin/python bench/web_case_lists.py 1000000
    DATABASE_URL=sqlite:////tmp/sdp-bench.sqlite .venv/bin/python bench/web_case_lists.py 1000000

Loads N applicants and applications straight into an EMPTY database (it refuses a database
that holds cases), then times ``sdp.cases.queries.search`` as the list page calls it: the
first page, a page deep in the list, a name search, a case number, the filters. Then the pages
themselves (``GET /cases/``, in-process through the test client, signed in as a supervisor
through the sign-in and second-factor forms). Prints the median of 5 (queries) and 7 (pages)
runs of each, in milliseconds.
"""

import random
import re
import statistics
import sys
import time
from datetime import date, timedelta

import pyotp
from flask_migrate import upgrade
from sqlalchemy import func, insert, select, text

from sdp import clock, create_app
from sdp.auth.principal import Principal
from sdp.cases import queries
from sdp.cases.models import Application, Person
from sdp.domain.names import name_key
from sdp.domain.vocabulary import Role
from sdp.extensions import db

GIVEN = [
    "María José",
    "Ana",
    "Luis Alberto",
    "João",
    "Sofía",
    "Yusuf",
    "Camila",
    "Iryna",
    "Fatou",
    "Esteban",
    "Nour",
    "Tomás",
    "Ángela",
    "Kateryna",
    "Pedro",
    "Rosa",
    "Wilmer",
    "Yenny",
    "Carlos",
    "Lucía",
]
FAMILY = [
    "Pérez Gómez",
    "Da Silva",
    "Al-Hassan",
    "Núñez Ortiz",
    "Kovalenko",
    "Mendoza Ñique",
    "Diallo",
    "Rojas Huanca",
    "Haddad",
    "Suárez Peña",
    "Gonçalves",
    "Bondarenko",
    "Quispe Mamani",
    "Huamán Torres",
    "Chávez Poma",
    "Ayala Condori",
    "Castillo",
    "Salazar Vega",
    "Fernández Ríos",
    "Gutiérrez Paz",
]
STATES = [
    "registered",
    "under_examination",
    "pending_decision",
    "recognized",
    "rejected",
    "under_appeal",
    "withdrawn",
    "closed",
    "referred",
]
CHUNK = 20_000


def load(n: int) -> None:
    rng = random.Random(1954)
    start = date(2020, 1, 1)
    now = clock.now()
    for first in range(0, n, CHUNK):
        persons, applications = [], []
        for i in range(first, min(n, first + CHUNK)):
            given, family = GIVEN[rng.randrange(len(GIVEN))], FAMILY[rng.randrange(len(FAMILY))]
            registered = start + timedelta(days=rng.randrange(2500))
            persons.append(
                {
                    "id": i + 1,
                    "given_names": given,
                    "family_names": family,
                    "given_key": name_key(given),
                    "family_key": name_key(family),
                    "sex": "F",
                    "birth_country": "VE",
                    "languages": [],
                    "date_of_birth": date(1950, 1, 1) + timedelta(days=rng.randrange(25000)),
                    "asylum_status": "none",
                }
            )
            applications.append(
                {
                    "id": i + 1,
                    "case_number": f"SDP-{registered.year}-{i % 1_000_000:06d}",
                    "route": "application",
                    "state": STATES[rng.randrange(len(STATES))],
                    "registered_on": registered,
                    "decision_due": registered + timedelta(days=183),
                    "decision_due_extended": False,
                    "priority": False,
                    "applicant_id": i + 1,
                    "created_at": now,
                }
            )
        db.session.execute(insert(Person), persons)
        db.session.execute(insert(Application), applications)
        db.session.commit()
        print(f"\r{min(n, first + CHUNK):,} cases loaded", end="", flush=True)
    print()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE persons"))
        db.session.execute(text("ANALYZE applications"))
    else:
        db.session.execute(text("ANALYZE"))
    db.session.commit()


def timed(label: str, **kwargs) -> None:
    principal = Principal(kind="user", id=1, label="bench", roles=frozenset({Role.SUPERVISOR}))
    runs = []
    for _ in range(5):
        begin = time.perf_counter()
        page = queries.search(principal, today=clock.today(), **kwargs)
        runs.append((time.perf_counter() - begin) * 1000)
        db.session.rollback()
    print(f"{label:<44} {statistics.median(runs):8.1f} ms  ({len(page.cases)} rows)")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    app = create_app()
    with app.app_context():
        upgrade()
        existing = db.session.execute(select(func.count(Application.id))).scalar_one()
        if existing and existing != n:
            sys.exit(f"the database already holds {existing} cases: use an empty one")
        if not existing:
            began = time.perf_counter()
            load(n)
            print(f"loaded in {time.perf_counter() - began:.0f} s")
        middle = n // 2
        print(f"{db.engine.dialect.name}, {n:,} cases")
        timed(
            "first page",
        )
        timed("page in the middle (after id N/2)", after=middle)
        timed("last page (after id 30)", after=30)
        timed("state = under_appeal", state="under_appeal")
        timed("state = under_appeal, deep page", state="under_appeal", after=middle)
        timed("overdue", overdue=True)
        timed("name: perez", q="perez")
        timed("name: maria jose perez", q="maria jose perez")
        timed("name (given only): wilmer", q="wilmer")
        number = db.session.execute(
            select(Application.case_number).where(Application.id == middle)
        ).scalar_one()
        timed("case number", q=number)
    time_pages(app)


BENCH_PASSWORD = "a long bench password 2026"


def time_pages(app) -> None:
    """The list page with its template and session, as a supervisor reads it (a new supervisor
    each run: a new one enrols a second factor, whose secret the benchmark then knows)."""
    from sdp.auth.principal import SYSTEM
    from sdp.auth.services import create_user

    email = f"bench-supervisor-{time.time_ns()}@bench.sdp.pe"
    with app.app_context():
        create_user(SYSTEM, email, "Bench Supervisor", ["supervisor"], BENCH_PASSWORD)
        db.session.commit()
    client = app.test_client()

    def csrf(html: str) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)

    client.post(
        "/sign-in",
        data={
            "csrf_token": csrf(client.get("/sign-in").get_data(as_text=True)),
            "email": email,
            "password": BENCH_PASSWORD,
        },
    )
    enrol = client.get("/sign-in/enrol").get_data(
        as_text=True
    )  # a new supervisor enrols a second factor
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', enrol).group(1)
    answer = client.post(
        "/sign-in/enrol", data={"csrf_token": csrf(enrol), "code": pyotp.TOTP(secret).now()}
    )
    assert answer.status_code == 302, "the benchmark supervisor could not sign in"
    for path in ("/cases/", "/cases/?q=perez", "/cases/?q=wilmer", "/cases/?q=maria+jose+perez"):
        runs = []
        for _ in range(8):
            begin = time.perf_counter()
            response = client.get(path)
            runs.append((time.perf_counter() - begin) * 1000)
            assert response.status_code == 200, path
        print(f"page GET {path:<40} {statistics.median(runs[1:]):8.1f} ms")


if __name__ == "__main__":
    main()
