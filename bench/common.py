"""What the benchmark scripts share: where each data set lives, tokens, and sample keys to look
up."""

import os
import platform
import random
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
SIZES = {
    "1k": (1_000, 500),
    "10k": (10_000, 5_000),
    "100k": (100_000, 50_000),
    "1m": (1_000_000, 500_000),
}
# PostgreSQL: one database per size, named after this branch (sdp_bench_10k, ...). BENCH_PG_URL
# overrides the server part, e.g. postgresql://user:password@db.example:5432 (no database name).
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432")
# BENCH_PG_PREFIX: another name for the databases (<prefix>_10k, ...), so that several people can
# keep their own data sets on one server.
PG_PREFIX = os.environ.get("BENCH_PG_PREFIX", "sdp_bench")
STAFF_DOMAIN = "bench.sdp.pe"


def database_url(size: str, kind: str) -> str:
    """The data set of ``size`` on ``kind`` (sqlite | postgresql)."""
    if kind == "sqlite":
        return f"sqlite:///{DATA / f'sdp-{size}.sqlite'}"
    return f"{PG_SERVER.rstrip('/')}/{PG_PREFIX}_{size}"


def kind_of(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def safe(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def ensure_postgres_database(url: str) -> None:
    """Create the PostgreSQL database named in ``url`` when it does not exist."""
    target = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    engine = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        ).first()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    engine.dispose()


def staff_email(role: str, number: int) -> str:
    return f"{role.replace('_', '')}{number:03d}@{STAFF_DOMAIN}"


def make_app(url: str):
    """The SDP app on ``url``, configured as in production (the environment decides, as under
    gunicorn)."""
    os.environ["DATABASE_URL"] = url
    from sdp import create_app

    return create_app()


def issue_tokens(app) -> dict[str, str]:
    """A supervisor's token (reads every case) and a partner token with registry:read."""
    from sdp.auth.principal import SYSTEM
    from sdp.auth.services import issue_token
    from sdp.extensions import db
    from sdp.unit_of_work import unit_of_work

    # Services only flush: the tokens are committed here, or the servers never see them (every
    # check answered 401).
    with app.app_context():
        with unit_of_work():
            _, staff = issue_token(SYSTEM, user_email=staff_email("supervisor", 1))
            _, partner = issue_token(
                SYSTEM, client_name="RENIEC (benchmark)", scopes=["registry:read"]
            )
        db.session.remove()
    return {"staff": staff, "partner": partner, "none": ""}


@dataclass
class Samples:
    """Keys of rows picked at random (seeded) from a data set, for look-ups spread over the
    table."""

    applications: list[dict]
    documents: list[dict]
    persons: list[dict]
    births: list[dict]
    verify: list[dict] | None = None  # {"qr": the text of a QR code}, by ``sign_samples``

    def rows(self, name: str) -> list[dict]:
        return getattr(self, name)


def pick_samples(app, count: int = 1000, seed: int = 9) -> Samples:
    from sdp.births.models import BirthRegistration
    from sdp.cases.models import Application, Person
    from sdp.documents.models import Document
    from sdp.extensions import db

    rng = random.Random(seed)

    def sample(model, *columns):
        top = db.session.execute(select(func.max(model.id))).scalar_one() or 0
        ids = rng.sample(range(1, top + 1), min(count, top)) if top else []
        rows = db.session.execute(select(*columns).where(model.id.in_(ids))).mappings().all()
        rows = [dict(row) for row in rows]
        rng.shuffle(rows)
        return rows

    with app.app_context():
        applications = sample(
            Application, Application.id.label("application_id"), Application.case_number
        )
        documents = sample(Document, Document.serial)
        persons = sample(
            Person,
            Person.given_names,
            Person.family_names,
            Person.date_of_birth,
            Person.given_key,
            Person.family_key,
        )
        births = sample(BirthRegistration, BirthRegistration.registration_number)
        db.session.remove()
    for person in persons:
        person["date_of_birth"] = person["date_of_birth"].isoformat()
    return Samples(applications, documents, persons, births)


# The benchmark's own document signing key (base64 of 32 bytes): the data set's documents carry
# no signed payload, so ``sign_samples`` signs the sampled ones, and every server it starts
# verifies with this key (SDP_DOCUMENT_SIGNING_KEY). Never a production key.
BENCH_SIGNING_KEY = "YmVuY2gtb25seSBzaWduaW5nIGtleSwgMzIgYnl0ZXM="


def sign_samples(app, samples: Samples) -> None:
    """Sign the sampled documents' payloads with ``BENCH_SIGNING_KEY`` (written into the data set,
    as issuing would) and keep their QR texts in ``samples.verify`` for the verify check."""
    from sdp.documents import payload, signing
    from sdp.documents.models import Document
    from sdp.domain.vocabulary import DocumentType
    from sdp.extensions import db

    os.environ[signing.KEY_ENV] = BENCH_SIGNING_KEY
    serials = [row["serial"] for row in samples.documents]
    verify = []
    with app.app_context():
        signer = signing.current_signer()
        signing.publish(signer)
        documents = db.session.execute(select(Document).where(Document.serial.in_(serials)))
        for document in documents.scalars():
            document.key_id = signer.key_id
            document.qr_payload = signing.sign(
                payload.QrFields(
                    key_id=signer.key_id,
                    serial=document.serial,
                    type=DocumentType(document.type),
                    given_names=document.holder_given_names,
                    family_names=document.holder_family_names,
                    date_of_birth=document.holder_date_of_birth,
                    issued_on=document.issued_on,
                    valid_until=document.valid_until,
                ),
                signer,
            )
            verify.append({"qr": document.qr_payload})
        db.session.commit()
        db.session.remove()
    samples.verify = verify


def machine_note() -> str:
    """CPU count, load average and versions, to print beside every figure."""
    load = os.getloadavg()
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        cpu = platform.processor() or "unknown CPU"
    return (
        f"{time.strftime('%Y-%m-%d %H:%M %Z')}; {os.cpu_count()} cores ({cpu}); load average "
        f"{load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f} (shared machine); Python "
        f"{platform.python_version()}; git {_git_revision()}"
    )


def _git_revision() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def median(values):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
