"""Helpers for the registry checks' tests."""

from urllib.parse import urlencode

PERSONS = "/api/v1/registry/persons"


def persons_url(given_names=None, family_names=None, date_of_birth=None, **extra) -> str:
    query = {
        key: value
        for key, value in (
            ("given_names", given_names),
            ("family_names", family_names),
            ("date_of_birth", date_of_birth),
        )
        if value is not None
    }
    return f"{PERSONS}?{urlencode({**query, **extra})}"


def assert_contract_error(response, code: int) -> dict:
    assert response.status_code == code, (response.status_code, response.get_data(as_text=True))
    body = response.json
    assert body["code"] == code and isinstance(body["status"], str) and body["message"]
    assert set(body) <= {"code", "status", "message", "errors"}
    return body
