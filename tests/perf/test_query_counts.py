"""The number of SQL statements of each read does not grow with the number of rows.

A case with one dependant, relevant State, inquiry, interview, item of evidence and
document runs exactly as many statements as a case with ten of each: every collection is
loaded by one SELECT (a list's by one ``SELECT ... WHERE application_id IN (...)``, the mapper's
``lazy="selectin"``; one case's when the request first touches it, ``ONE_CASE`` in
``sdp/cases/models.py``), never one query per row. The counts are pinned: a new statement on this
path is a decision to make knowingly (update ``CASE_READ_SELECTS`` and say why), not an accident.
"""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from sdp import clock
from sdp.audit.models import AuditEvent
from sdp.auth.principal import SYSTEM
from sdp.auth.services import issue_token
from sdp.auth.tokens import forget_principals
from sdp.cases import services
from sdp.documents.models import Document
from sdp.extensions import db

from ..conftest import ApiClient

COUNTRIES = ["CO", "BR", "AR", "CL", "EC", "BO", "PY", "UY", "MX", "ES"]

# GET /api/v1/applications/{id}, statement by statement:
#   1 the bearer token with its user and roles (one query)
#   2 the application (joined: applicant, case officer)
#   3-12 one SELECT each, as the answer is built: each person's determination and proceedings
#        (domain.md, section 4: each person decided on their own), dependants (joined: person),
#        relevant States, inquiries, interviews, evidence, recommendations, decision, appeal
#   13 the case's documents   14-15 the births linked to the case
#   16 the audit chain's head (PostgreSQL: sdp_audit_lane_head(), which takes a lane's lock)
# then the audited read's INSERT (on SQLite the chain's lock is the app's writer file lock).
# (Until ONE_CASE, the case officer's roles were read too, though the case file only names them.)
CASE_READ_SELECTS = 16


def case_read_writes() -> int:
    return 1


def _person(given: str, family: str, dob, country="VE", **extra) -> dict:
    return {
        "given_names": given,
        "family_names": family,
        "sex": "F",
        "date_of_birth": dob,
        "place_of_birth": {"country": country, "locality": "Maracaibo"},
        "languages": ["es"],
        **extra,
    }


@pytest.fixture
def staff(make_user):
    return {
        role: make_user(role)
        for role in (
            "intake_officer",
            "supervisor",
            "case_officer",
            "decision_maker",
            "appeals_officer",
        )
    }


def _case_with(staff, n: int) -> int:
    """A case recognised on appeal with ``n`` of every child row."""
    intake, supervisor = staff["intake_officer"].principal, staff["supervisor"].principal
    officer, decider = staff["case_officer"].principal, staff["decision_maker"].principal
    today = clock.today()
    dependants = [
        _person(f"Hijo {i}", "Pérez Gómez", today - timedelta(days=400 + i), relationship="child")
        for i in range(n)
    ]
    application = services.register_application(
        intake,
        {
            "route": "application",
            "registered_on": today - timedelta(days=60),
            "applicant": _person("María José", "Pérez Gómez", today - timedelta(days=12000)),
            "dependants": dependants,
        },
    )
    services.assign(supervisor, application, staff["case_officer"].email)
    for index, country in enumerate(COUNTRIES[:n]):
        relevant_state = services.add_relevant_state(
            officer, application, country, ["habitual_residence"]
        )
        inquiry = services.send_inquiry(
            officer,
            application,
            country,
            f"Consulado de {country}",
            today - timedelta(days=30),
            consent_on=today - timedelta(days=31),
        )
        services.record_inquiry_response(officer, inquiry, today - timedelta(days=10), "no_record")
        services.record_evidence(
            officer,
            application,
            {
                "kind": "document",
                "description": f"Carta consular {country}",
                "received_on": today - timedelta(days=9),
                "country": country,
            },
        )
        services.record_interview(
            officer,
            application,
            {"held_on": today - timedelta(days=8), "summary": "Leída y firmada."},
        )
        # The first State is found to consider her a national: the rejection agrees with her
        # findings (the appeal below overturns it).
        services.record_finding(
            officer,
            relevant_state,
            "national" if index == 0 else "not_national",
            "Registro consular." if index == 0 else "Sin registro.",
        )
    # Each child is examined and decided on their own: one relevant State each, found national.
    children = [dependant.person_id for dependant in application.dependants]
    for child_id in children:
        relevant_state = services.add_relevant_state(
            officer, application, "EC", ["descent_father"], person_id=child_id
        )
        services.record_finding(officer, relevant_state, "national", "Inscrito en el consulado.")
    services.recommend(officer, application, {"outcome": "recognized", "reasons": "Apátrida."})
    services.decide(
        decider,
        application,
        {
            "outcome": "rejected",
            "reasons": "Dudas.",
            "notified_on": today - timedelta(days=2),
            "persons": [
                {"person_id": child_id, "outcome": "rejected", "reasons": "Ecuatoriano."}
                for child_id in children
            ],
        },
    )
    services.lodge_appeal(
        intake, application, "Las pruebas muestran apatridia.", today - timedelta(days=1)
    )
    services.decide_appeal(
        staff["appeals_officer"].principal, application, "overturned", "Apatridia establecida."
    )
    for i in range(n):
        db.session.add(
            Document(
                serial=f"DOC-{application.id}-{i}",
                type="identity_document",
                application_id=application.id,
                holder_given_names="María José",
                holder_family_names="Pérez Gómez",
                holder_date_of_birth=today - timedelta(days=12000),
                issued_on=today,
                valid_until=today + timedelta(days=365),
                created_at=clock.now(),
            )
        )
    db.session.commit()
    db.session.commit()  # set up as the requests that made it would have
    return application.id


def _reader(client, user) -> ApiClient:
    _, raw = issue_token(SYSTEM, user_email=user.email)
    db.session.commit()
    return ApiClient(client, raw)


@pytest.mark.parametrize("reader_role", ["supervisor", "case_officer"])
def test_the_case_file_runs_the_same_statements_for_one_or_ten_of_everything(
    client, staff, count_queries, reader_role
):
    small, large = _case_with(staff, 1), _case_with(staff, 10)
    reader = _reader(client, staff[reader_role])
    counts = {}
    for application_id, n in ((small, 1), (large, 10)):
        # Nothing cached from building the case: each read starts cold, as a request does, the
        # token's look-up included (cached for up to a second otherwise).
        db.session.remove()
        forget_principals()
        with count_queries() as queries:
            response = reader.get(f"/api/v1/applications/{application_id}")
        assert response.status_code == 200, response.json
        assert len(response.json["dependants"]) == n and len(response.json["inquiries"]) == n
        # n of the applicant's, and one of each of the n children
        assert (
            len(response.json["relevant_states"]) == 2 * n and len(response.json["documents"]) == n
        )
        assert len(response.json["persons"]) == n + 1
        counts[n] = queries
    assert len(counts[1]) == len(counts[10]), f"one row:\n{counts[1]}\n\nten rows:\n{counts[10]}"
    assert len(counts[10].selects) == CASE_READ_SELECTS, str(counts[10])
    assert len(counts[10]) - len(counts[10].selects) == case_read_writes(), str(counts[10])


def test_the_case_file_is_read_once_and_the_read_is_still_audited(client, staff, count_queries):
    application_id = _case_with(staff, 2)
    reader = _reader(client, staff["supervisor"])
    db.session.remove()
    with count_queries() as queries:
        response = reader.get(f"/api/v1/applications/{application_id}")
    assert response.status_code == 200
    loads = [
        statement for statement in queries.selects if statement.startswith("SELECT applications.")
    ]
    assert len(loads) == 1, "the case was loaded again after the audit commit expired it:\n" + str(
        queries
    )
    reads = db.session.execute(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.case_id == application_id, AuditEvent.action == "case.read"
        )
    ).scalar_one()
    assert reads == 1


# The tables under a case that ONE_CASE reads only when the request touches them.
ROWS_UNDER_A_CASE = (
    "dependants",
    "relevant_states",
    "inquiries",
    "interviews",
    "evidence",
    "recommendations",
    "decisions",
    "appeals",
    "determinations",
    "proceedings",
)


def test_an_action_refused_before_it_starts_reads_nothing_under_the_case(
    client, staff, count_queries
):
    """A stale If-Match (409) is answered from the case's own row: the rows under it are not read
    (they were, ten SELECTs, when a single case was loaded with the lists' ``selectin``)."""
    application_id = _case_with(staff, 10)
    supervisor = _reader(client, staff["supervisor"])
    version = supervisor.get(f"/api/v1/applications/{application_id}").json["version"]
    officer = staff["case_officer"].email
    db.session.remove()
    with count_queries() as queries:
        response = client.post(
            f"/api/v1/applications/{application_id}/assign",
            json={"case_officer": officer},
            headers={**supervisor.headers, "If-Match": f'"{version - 1}"'},
        )
    assert response.status_code == 409, response.json
    read = [table for table in ROWS_UNDER_A_CASE if f" FROM {table} " in f"{queries} "]
    assert read == [], str(queries)
    assert any(statement.startswith("SELECT applications.") for statement in queries.selects)
