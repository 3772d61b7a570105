"""GET /api/v1/registry/persons: the person check of contract.md, and each of its errors."""

from datetime import timedelta

import pytest

from sdp import clock
from tests.cases.helpers import Office, days_ago, person, register
from tests.registry.helpers import assert_contract_error, persons_url


@pytest.fixture
def reniec(partner_api):
    return partner_api("registry:read", name="RENIEC")


def test_finds_the_applicants_case_whatever_the_accents_case_and_spaces(api_as, reniec):
    case = register(api_as("intake_officer"))  # María José Pérez Gómez, 1990-04-12
    for given, family in [
        ("María José", "Pérez Gómez"),
        ("MARIA JOSE", "perez gomez"),
        ("  maría   josé ", "PÉREZ  GÓMEZ  "),
        ("Maria-Jose", "Perez Gomez"),
    ]:
        response = reniec.get(persons_url(given, family, "1990-04-12"))
        assert response.status_code == 200, response.json
        assert response.json == {
            "matches": [
                {
                    "case_number": case["case_number"],
                    "status": "registered",
                    "protected_from_removal": True,
                }
            ]
        }, (given, family)


def test_finds_a_dependant_of_a_case(api_as, reniec):
    child = {
        **person(given="Ángel", family="Pérez Gómez", dob="2016-09-01"),
        "relationship": "child",
    }
    case = register(api_as("intake_officer"), dependants=[child])
    response = reniec.get(persons_url("angel", "perez gomez", "2016-09-01"))
    assert response.json["matches"] == [
        {"case_number": case["case_number"], "status": "registered", "protected_from_removal": True}
    ]


def test_someone_else_matches_nothing(api_as, reniec):
    register(api_as("intake_officer"))
    for given, family, born in [
        ("María José", "Pérez Gómez", "1990-04-13"),  # another birthday
        ("María", "Pérez Gómez", "1990-04-12"),  # part of the given names
        ("María José", "Pérez", "1990-04-12"),
        ("Juan", "Quispe", "1980-01-01"),
    ]:
        response = reniec.get(persons_url(given, family, born))
        assert response.status_code == 200
        assert response.json == {"matches": []}, (given, family, born)


def test_every_case_of_the_person_is_listed_in_order(api_as, reniec):
    intake = api_as("intake_officer")
    first = register(intake)
    second = register(intake, route="ex_officio", referring_authority="Migraciones")
    numbers = [
        match["case_number"]
        for match in reniec.get(persons_url("María José", "Pérez Gómez", "1990-04-12")).json[
            "matches"
        ]
    ]
    assert numbers == sorted([first["case_number"], second["case_number"]])


def test_status_and_protection_follow_the_procedure(api_as, reniec):
    """A rejection inside its appeal window still protects; once final, it does not;
    a recognition does. The answer is the domain's ``protected_from_removal``."""
    office = Office(api_as)
    recognised = office.decided(
        outcome="recognized", applicant=person(given="Rosa", dob="1980-01-01")
    )
    in_window = office.decided(outcome="rejected", applicant=person(given="Inés", dob="1981-01-01"))
    long_ago = (clock.today() - timedelta(days=120)).isoformat()
    final = office.decided(
        outcome="rejected",
        notified_on=long_ago,
        registered_on=days_ago(150),
        applicant=person(given="Olga", dob="1982-01-01"),
    )

    def answer(given, born):
        return reniec.get(persons_url(given, "Pérez Gómez", born)).json["matches"][0]

    assert answer("Rosa", "1980-01-01") == {
        "case_number": recognised["case_number"],
        "status": "recognized",
        "protected_from_removal": True,
    }
    assert answer("Inés", "1981-01-01") == {
        "case_number": in_window["case_number"],
        "status": "rejected",
        "protected_from_removal": True,
    }
    assert answer("Olga", "1982-01-01") == {
        "case_number": final["case_number"],
        "status": "rejected",
        "protected_from_removal": False,
    }


@pytest.mark.parametrize("missing", ["given_names", "family_names", "date_of_birth"])
def test_each_parameter_is_required_and_named_when_missing(reniec, missing):
    query = {"given_names": "Ana", "family_names": "Quispe", "date_of_birth": "2001-02-03"}
    del query[missing]
    body = assert_contract_error(reniec.get(persons_url(**query)), 422)
    assert list(body["errors"]) == [missing]
    assert missing in body["message"]


@pytest.mark.parametrize(
    "date_of_birth, fragment",
    [
        ("2001-02-30", "Not a valid date"),  # impossible
        ("2001-13-01", "Not a valid date"),
        ("03/02/2001", "Not a valid date"),  # not ISO 8601
        ("yesterday", "Not a valid date"),
        ("", "Not a valid date"),
        ((clock.today() + timedelta(days=1)).isoformat(), "future"),
    ],
)
def test_an_impossible_date_of_birth_is_422(reniec, date_of_birth, fragment):
    body = assert_contract_error(reniec.get(persons_url("Ana", "Quispe", date_of_birth)), 422)
    assert fragment in " ".join(body["errors"]["date_of_birth"])


@pytest.mark.parametrize(
    "field, value",
    [
        ("given_names", "   "),
        ("family_names", ""),
        ("given_names", "---"),
        ("family_names", "x" * 201),
        ("given_names", "An\x00a"),
    ],
)
def test_a_name_that_cannot_match_anyone_is_422(reniec, field, value):
    query = {
        "given_names": "Ana",
        "family_names": "Quispe",
        "date_of_birth": "2001-02-03",
        field: value,
    }
    body = assert_contract_error(reniec.get(persons_url(**query)), 422)
    assert list(body["errors"]) == [field]


def test_an_unknown_parameter_is_422_naming_it(reniec):
    body = assert_contract_error(
        reniec.get(persons_url("Ana", "Quispe", "2001-02-03", middle_name="Luz")), 422
    )
    assert list(body["errors"]) == ["middle_name"]


def test_answers_are_not_cached(reniec):
    assert (
        reniec.get(persons_url("Ana", "Quispe", "2001-02-03")).headers["Cache-Control"]
        == "no-store"
    )
