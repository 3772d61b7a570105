"""The independent attack of issue 15 on input, replayed: no input is a 500, and bad input is
refused in the contract's format naming the field."""

import json
from datetime import timedelta

import pytest

from tests.cases.helpers import Office, days_ago, person, register
from tests.registry.helpers import assert_contract_error

HUGE = "1" * 5000  # more digits than Python's int() accepts by default (4,300)


def _raw(api, path, text):
    return api.client.post(path, data=text, content_type="application/json", headers=api.headers)


@pytest.mark.parametrize(
    "path, role",
    [
        ("/api/v1/applications", "intake_officer"),
        ("/api/v1/births", "registrar"),
        ("/api/v1/applications/1/documents", "intake_officer"),
    ],
)
def test_a_huge_json_integer_is_400_not_500(api_as, path, role):
    api = api_as(role)
    body = assert_contract_error(_raw(api, path, '{"route": ' + HUGE + "}"), 400)
    assert "_body" in body["errors"]


def test_a_huge_json_integer_to_the_registry_is_400(partner_api):
    partner = partner_api("registry:read")
    body = assert_contract_error(
        _raw(partner, "/api/v1/registry/documents/verify", '{"qr": ' + HUGE + "}"), 400
    )
    assert "_body" in body["errors"]


@pytest.mark.parametrize("bad", ["\ud800", "a\udfffb", "x\x00y"])
def test_lone_surrogates_and_nul_in_names_are_422_naming_the_field(api_as, bad):
    intake = api_as("intake_officer")
    text = json.dumps(
        {"route": "application", "applicant": person(given=bad)}
    )  # json escapes \ud800 as is
    body = assert_contract_error(_raw(intake, "/api/v1/applications", text), 422)
    assert "applicant.given_names" in body["errors"] or "applicant" in body["errors"], body


def test_a_lone_surrogate_in_every_kind_of_stored_text_is_422(api_as):
    office = Office(api_as)
    case = office.examined_case()
    cid = case["id"]
    bad = "\ud800"
    attempts = [
        (
            office.officer,
            f"/api/v1/applications/{cid}/interviews",
            {"held_on": case["registered_on"], "summary": bad},
            "summary",
        ),
        (
            office.officer,
            f"/api/v1/applications/{cid}/inquiries",
            {
                "country": "CO",
                "authority": bad,
                "sent_on": case["registered_on"],
                "consent_on": case["registered_on"],
            },
            "authority",
        ),
    ]
    for api, path, payload, field in attempts:
        body = assert_contract_error(_raw(api, path, json.dumps(payload)), 422)
        assert field in body["errors"], body


def test_basic_format_dates_and_string_booleans_are_refused(api_as):
    intake = api_as("intake_officer")
    body = assert_contract_error(
        intake.post(
            "/api/v1/applications",
            json={"route": "application", "applicant": person(dob="19900101")},
        ),
        422,
    )
    assert "applicant.date_of_birth" in body["errors"] or "applicant" in body["errors"], body
    registrar = api_as("registrar")
    body = assert_contract_error(
        registrar.post(
            "/api/v1/births",
            json={
                "child": {
                    "given_names": "Ana",
                    "family_names": "Pérez",
                    "sex": "F",
                    "date_of_birth": "2026-01-02",
                    "place_of_birth": {"country": "PE"},
                },
                "foundling": "yes",
            },
        ),
        422,
    )
    assert "foundling" in body["errors"], body


# --- Every date bounded by the facts ----------------------------------------------------------


def test_a_registration_on_0001_01_01_is_refused(api_as):
    """The attack: ``registered_on: "0001-01-01"`` was accepted (case SDP-1-000001) and the
    statistics then spanned 2,025 years of months."""
    intake = api_as("intake_officer")
    body = assert_contract_error(
        intake.post(
            "/api/v1/applications",
            json={"route": "application", "registered_on": "0001-01-01", "applicant": person()},
        ),
        422,
    )
    assert (
        set(body["errors"]) == {"registered_on"} and "pilot" in body["errors"]["registered_on"][0]
    )


def test_no_registration_before_the_pilot_or_before_a_birth(app, api_as):
    intake = api_as("intake_officer")
    pilot_start = app.config["POLICY"].pilot_start
    the_day_before = (pilot_start - timedelta(days=1)).isoformat()
    body = assert_contract_error(
        intake.post(
            "/api/v1/applications",
            json={"route": "application", "registered_on": the_day_before, "applicant": person()},
        ),
        422,
    )
    assert set(body["errors"]) == {"registered_on"}
    assert (
        register(intake, registered_on=pilot_start.isoformat())["registered_on"]
        == pilot_start.isoformat()
    )
    registered = days_ago(30)
    body = assert_contract_error(
        intake.post(
            "/api/v1/applications",
            json={
                "route": "application",
                "registered_on": registered,
                "applicant": person(),
                "dependants": [{**person(given="Ana", dob=days_ago(10)), "relationship": "child"}],
            },
        ),
        422,
    )
    assert set(body["errors"]) == {"dependants.0.date_of_birth"}, body
    body = assert_contract_error(
        intake.post(
            "/api/v1/applications",
            json={"route": "application", "applicant": person(dob="1850-01-01")},
        ),
        422,
    )
    assert set(body["errors"]) == {"applicant.date_of_birth"}, body


def test_no_event_of_a_case_before_its_registration(api_as):
    office = Office(api_as)
    case = office.examined_case(registered_on=days_ago(20))
    cid, before = case["id"], days_ago(21)
    attempts = [
        (
            f"/api/v1/applications/{cid}/interviews",
            {"held_on": before, "summary": "Held."},
            "held_on",
        ),
        (
            f"/api/v1/applications/{cid}/evidence",
            {"kind": "testimony", "description": "Her account.", "received_on": before},
            "received_on",
        ),
        (
            f"/api/v1/applications/{cid}/inquiries",
            {
                "country": "CO",
                "authority": "Registraduría",
                "sent_on": before,
                "consent_on": before,
            },
            "sent_on",
        ),
    ]
    for path, payload, field in attempts:
        body = assert_contract_error(office.officer.post(path, json=payload), 422)
        assert field in body["errors"], (path, body)


def test_births_are_registered_on_or_after_the_birth_and_not_before_the_pilot(app, api_as):
    registrar = api_as("registrar")
    child = {
        "given_names": "Ana",
        "family_names": "Pérez",
        "sex": "F",
        "date_of_birth": days_ago(3),
        "place_of_birth": {"country": "PE"},
    }
    body = assert_contract_error(
        registrar.post("/api/v1/births", json={"child": child, "registered_on": days_ago(4)}), 422
    )
    assert set(body["errors"]) == {"child.date_of_birth"}
    old = {**child, "date_of_birth": "2000-01-01"}
    before_pilot = (app.config["POLICY"].pilot_start - timedelta(days=1)).isoformat()
    body = assert_contract_error(
        registrar.post("/api/v1/births", json={"child": old, "registered_on": before_pilot}), 422
    )
    assert set(body["errors"]) == {"registered_on"}
