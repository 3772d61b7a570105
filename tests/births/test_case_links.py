"""A birth to a parent with an SDP case appears on that case; a dependant born in Peru on a
pending case is flagged for referral."""

import pytest
from sqlalchemy import select

from sdp.audit.models import AuditEvent
from sdp.births.models import BirthRegistration
from sdp.births.services import births_for_case, referral_candidates
from sdp.cases.models import Application, Person
from sdp.extensions import db

from ..cases.helpers import Office, person, register
from .helpers import birth, child, days_ago


@pytest.fixture
def office(api_as):
    return Office(api_as)


def mother_on_case(case_number, **changes):
    """The applicant of ``tests.cases.helpers.person()`` as a parent, with her case number."""
    data = person(
        asylum={"status": "asylum_seeker", "country": "VE"},
        nationality="VE",
        case_number=case_number,
    )
    data.pop("languages")
    data.update(changes)
    return data


def test_a_birth_to_a_parent_with_a_case_appears_on_the_case(office, api_as):
    case = register(
        office.intake, applicant=person(asylum={"status": "asylum_seeker", "country": "VE"})
    )
    registrar = api_as("registrar")
    response = registrar.post(
        "/api/v1/births",
        json=birth(
            child=child(given="Mateo", family="Pérez Gómez", sex="M"),
            mother=mother_on_case(
                case["case_number"].lower(), given_names="MARIA JOSE", family_names="Perez"
            ),
        ),
    )
    assert response.status_code == 201, response.json
    saved = db.session.execute(select(BirthRegistration)).scalar_one()
    application = db.session.get(Application, case["id"])
    assert saved.mother_case_id == case["id"]
    assert saved.mother_id == application.applicant_id  # the person on the case, not a copy
    assert db.session.execute(select(db.func.count(Person.id))).scalar_one() == 1

    shown = office.intake.get(f"/api/v1/applications/{case['id']}").json
    assert shown["births"] == [
        {
            "registration_number": response.json["registration_number"],
            "child": {
                "given_names": "Mateo",
                "family_names": "Pérez Gómez",
                "sex": "M",
                "date_of_birth": days_ago(10),
            },
            "registered_on": days_ago(0),
            "late_registration": False,
            "nationality": {"country": "PE", "basis": "ius_soli"},
            "parents_on_case": ["mother"],
        }
    ]
    assert (
        births_for_case(case["id"])[0]["registration_number"]
        == response.json["registration_number"]
    )
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "birth.register")
    ).scalar_one()
    assert event.case_id == case["id"]  # in the case's timeline


def test_a_case_number_that_does_not_hold_the_parent_is_refused(office, api_as):
    case = register(office.intake)
    response = api_as("registrar").post(
        "/api/v1/births",
        json=birth(
            mother=mother_on_case(case["case_number"], given_names="Rosa", family_names="Quispe")
        ),
    )
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["mother.case_number"]
    unknown = api_as("registrar").post(
        "/api/v1/births", json=birth(mother=mother_on_case("SDP-2020-999999"))
    )
    assert unknown.status_code == 422 and list(unknown.json["errors"]) == ["mother.case_number"]


def test_a_dependant_born_in_peru_on_a_pending_case_is_flagged_for_referral(office, api_as):
    born_in_peru = person(
        given="Sofía", family="Pérez Gómez", dob=days_ago(400), country="PE", relationship="child"
    )
    born_abroad = person(
        given="Diego", family="Pérez Gómez", dob="2015-05-05", country="VE", relationship="child"
    )
    case = register(office.intake, dependants=[born_in_peru, born_abroad])
    shown = office.intake.get(f"/api/v1/applications/{case['id']}").json
    sofia, diego = shown["dependants"]
    assert sofia["referral_suggested"] is True
    assert sofia["suggested_referral_target"] == "late_birth_registration"
    assert sofia["birth_registration_number"] is None
    assert diego["referral_suggested"] is False and diego["suggested_referral_target"] is None
    assert [
        p.given_names for p in referral_candidates(db.session.get(Application, case["id"]))
    ] == ["Sofía"]

    # Her birth is registered (late): the question of her nationality is closed; confirm it instead.
    registered = api_as("registrar").post(
        "/api/v1/births",
        json=birth(
            child=child(given="Sofia", family="Perez Gomez", born=days_ago(400)),
            mother=mother_on_case(case["case_number"]),
            late_registration_evidence="Hospital record of the birth.",
        ),
    )
    assert registered.status_code == 201, registered.json
    sofia = office.intake.get(f"/api/v1/applications/{case['id']}").json["dependants"][0]
    assert sofia["birth_registration_number"] == registered.json["registration_number"]
    assert sofia["suggested_referral_target"] == "nationality_confirmation"


def test_no_referral_once_the_case_is_no_longer_pending(office):
    child_in_peru = person(given="Sofía", dob=days_ago(400), country="PE", relationship="child")
    case = register(office.intake, dependants=[child_in_peru])
    office.supervisor.post(
        f"/api/v1/applications/{case['id']}/closure", json={"reasons": "The family left Peru."}
    )
    shown = office.supervisor.get(f"/api/v1/applications/{case['id']}").json
    assert shown["state"] == "closed"
    assert shown["dependants"][0]["referral_suggested"] is False
