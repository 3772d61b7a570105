"""Bad input gets a clear error in the contract's format, never a 500."""

import pytest

from tests.cases.helpers import person


def assert_contract_error(response, code):
    assert response.status_code == code, response.json
    body = response.json
    assert body["code"] == code and isinstance(body["status"], str) and body["message"]
    return body


def test_no_token_is_401(client):
    assert_contract_error(client.get("/api/v1/applications/1"), 401)


def test_unknown_token_is_401(client):
    assert_contract_error(
        client.get("/api/v1/applications/1", headers={"Authorization": "Bearer sdp_nope"}), 401
    )


def test_unknown_case_is_404(api_as):
    assert_contract_error(api_as("supervisor").get("/api/v1/applications/424242"), 404)


def test_malformed_json_is_400(api_as):
    intake = api_as("intake_officer")
    response = intake.client.post(
        "/api/v1/applications",
        data="{not json",
        headers={**intake.headers, "Content-Type": "application/json"},
    )
    assert_contract_error(response, 400)


def test_wrong_content_type_is_refused(api_as):
    intake = api_as("intake_officer")
    response = intake.client.post(
        "/api/v1/applications",
        data="route=application",
        headers={**intake.headers, "Content-Type": "application/x-www-form-urlencoded"},
    )
    body = assert_contract_error(response, 415)
    assert "_body" in body["errors"]


def test_too_large_body_is_413(api_as):
    intake = api_as("intake_officer")
    huge = {"route": "application", "applicant": person(given="x" * 300_000)}
    assert_contract_error(intake.post("/api/v1/applications", json=huge), 413)


@pytest.mark.parametrize(
    "body, field",
    [
        ({"route": "application"}, "applicant"),
        ({"route": "by_post", "applicant": person()}, "route"),
        ({"route": "application", "applicant": person(), "colour": "blue"}, "colour"),
        (
            {"route": "application", "applicant": person(dob="2026-02-30")},
            "applicant.date_of_birth",
        ),
        ({"route": "application", "applicant": person(dob=12)}, "applicant.date_of_birth"),
        (
            {"route": "application", "applicant": person(country="XX")},
            "applicant.place_of_birth.country",
        ),
        ({"route": "application", "applicant": person(given="   ")}, "applicant.given_names"),
        (
            {"route": "application", "applicant": person(languages=["not a language!"])},
            "applicant.languages.0",
        ),
        (
            {"route": "application", "applicant": person(asylum={"status": "refugee"})},
            "applicant.asylum.country",
        ),
        (
            {"route": "application", "applicant": person(), "dependants": [person()]},
            "dependants.0.relationship",
        ),
    ],
)
def test_invalid_fields_are_422_naming_the_field(api_as, body, field):
    response = api_as("intake_officer").post("/api/v1/applications", json=body)
    errors = assert_contract_error(response, 422)["errors"]
    assert field in errors, errors


def test_json_that_is_not_an_object_is_refused(api_as):
    response = api_as("intake_officer").post("/api/v1/applications", json=["a", "list"])
    assert response.status_code in (400, 422)
    assert response.json["code"] == response.status_code


def test_openapi_describes_the_contract(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    for path in [
        "/api/v1/applications",
        "/api/v1/applications/{application_id}",
        "/api/v1/applications/{application_id}/assign",
        "/api/v1/applications/{application_id}/relevant-states/{relevant_state_id}",
        "/api/v1/inquiries/{inquiry_id}/response",
        "/api/v1/applications/{application_id}/appeal/decision",
        "/api/v1/procedure",
    ]:
        assert path in spec["paths"], path
    assert "bearerAuth" in spec["components"]["securitySchemes"]
