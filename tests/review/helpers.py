"""A known data set for the statistics, built through the case-work API (the real services),
with its figures counted by hand; and signing in to the web pages in tests."""

import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sdp import clock
from sdp.documents.models import Document
from sdp.extensions import db
from tests.cases.helpers import TODAY, Office, person, register


def sign_in(client, user):
    """A web session for ``user`` (Flask-Login's session keys; ``seen`` for the idle time-out).
    Each request loads its user and locale afresh (its own context: tests/conftest.py)."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session["seen"] = int(time.time())
    return client


def month_start(months_ago: int, today: date = TODAY) -> date:
    year, month = today.year, today.month - months_ago
    while month < 1:
        year, month = year - 1, month + 12
    return date(year, month, 1)


def month_key(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


@dataclass
class KnownData:
    """What was built, and the figures counted by hand."""

    m7: date
    m4: date
    m2: date
    decision_days: list[int] = field(default_factory=list)


def build_known_data(api_as) -> KnownData:
    """Sixteen applications in three months, seven decisions, one appeal, eight inquiries.

    - 7 months ago: 1 application by the person, still registered (overdue now).
    - 4 months ago: 8 applications by the person: 5 recognized, 2 rejected (one appealed and
      overturned on appeal: recognized), 1 under examination with 8 inquiries: Colombia 6
      (5 answered, 1 pending), Brazil 2 (unanswered, sent over 90 days ago).
    - 2 months ago: 6 ex officio (registered), 1 application by the person (withdrawn).
    """
    office = Office(api_as)
    data = KnownData(month_start(7), month_start(4), month_start(2))
    register(office.intake, registered_on=data.m7.isoformat())
    for i in range(5):
        office.decided("recognized", registered_on=(data.m4 + timedelta(days=i)).isoformat())
    office.decided("rejected", registered_on=(data.m4 + timedelta(days=5)).isoformat())
    appealed = office.decided("rejected", registered_on=(data.m4 + timedelta(days=6)).isoformat())
    assert (
        office.intake.post(
            f"/api/v1/applications/{appealed['id']}/appeal",
            json={"grounds": "The finding is disputed.", "lodged_on": TODAY.isoformat()},
        ).status_code
        == 201
    )
    assert (
        office.appeals.post(
            f"/api/v1/applications/{appealed['id']}/appeal/decision",
            json={"outcome": "overturned", "reasons": "No State considers her a national."},
        ).status_code
        == 200
    )
    data.decision_days = [(TODAY - (data.m4 + timedelta(days=i))).days for i in range(7)]

    examined = register(office.intake, registered_on=(data.m4 + timedelta(days=7)).isoformat())
    assert (
        office.supervisor.post(
            f"/api/v1/applications/{examined['id']}/assign",
            json={"case_officer": office.officer.user.email},
        ).status_code
        == 200
    )
    old = (data.m4 + timedelta(days=10)).isoformat()
    for country, sent_on, answered in (
        [("CO", old, True)] * 5 + [("CO", TODAY.isoformat(), False)] + [("BR", old, False)] * 2
    ):
        inquiry = office.officer.post(
            f"/api/v1/applications/{examined['id']}/inquiries",
            json={
                "country": country,
                "authority": "Registry",
                "sent_on": sent_on,
                "consent_on": sent_on,
            },
        )
        assert inquiry.status_code == 201, inquiry.json
        if answered:
            assert (
                office.officer.post(
                    f"/api/v1/inquiries/{inquiry.json['id']}/response",
                    json={"received_on": TODAY.isoformat(), "outcome": "no_record"},
                ).status_code
                == 200
            )

    for i in range(6):
        register(
            office.intake,
            route="ex_officio",
            referring_authority="Migraciones",
            registered_on=(data.m2 + timedelta(days=i)).isoformat(),
            applicant=person(given=f"Persona {i}"),
        )
    withdrawn = register(office.intake, registered_on=(data.m2 + timedelta(days=9)).isoformat())
    assert (
        office.intake.post(
            f"/api/v1/applications/{withdrawn['id']}/withdrawal",
            json={"reasons": "Withdrawn in writing."},
        ).status_code
        == 200
    )
    return data


def add_births_and_documents(m2: date) -> None:
    """Births through the births service; documents written directly (the statistics read only
    their columns).

    Births 2 months ago: 5 in time (mother VE), 2 late (mother VE; one with a Peruvian father).
    Documents: 6 provisional certificates and 1 identity document, issued 2 months ago.
    """
    from sdp.auth.principal import SYSTEM
    from sdp.auth.services import create_user
    from sdp.births import services as birth_services
    from sdp.births.schemas import BirthCreateSchema

    registrar = create_user(
        SYSTEM,
        "registrar-statistics@test.sdp.pe",
        "Registrar",
        ["registrar"],
        "correct horse battery staple",
    ).principal
    now = datetime.now(clock.PERU)
    for i in range(7):
        late = i >= 5
        body = {
            "child": {
                "given_names": f"Niña {i}",
                "family_names": "Pérez",
                "sex": "F",
                "date_of_birth": (m2 - timedelta(days=200 if late else 10)).isoformat(),
                "place_of_birth": {"country": "PE", "locality": "Lima"},
            },
            "mother": {
                "given_names": f"Madre {i}",
                "family_names": "Pérez",
                "sex": "F",
                "date_of_birth": "1990-01-01",
                "place_of_birth": {"country": "VE"},
                "nationality": "VE",
            },
            "registered_on": (m2 + timedelta(days=i)).isoformat(),
        }
        if i == 6:
            body["father"] = {
                "given_names": "Padre",
                "family_names": "Quispe",
                "sex": "M",
                "date_of_birth": "1988-01-01",
                "place_of_birth": {"country": "PE"},
                "nationality": "PE",
            }
        if late:
            body["late_registration_evidence"] = "Hospital discharge record of the birth."
        birth_services.register_birth(registrar, BirthCreateSchema().load(body))
    for i in range(7):
        db.session.add(
            Document(
                serial=f"SDP-{i:06d}",
                type="identity_document" if i == 6 else "provisional_certificate",
                holder_given_names="María",
                holder_family_names="Pérez",
                holder_date_of_birth=date(1990, 1, 1),
                issued_on=m2 + timedelta(days=i),
                valid_until=m2 + timedelta(days=180),
                created_at=now,
            )
        )
    db.session.commit()
