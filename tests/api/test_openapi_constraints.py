"""The OpenAPI description states the constraints the server enforces (issue 15, point 6), and
each stated constraint is tried against the server: country codes, strict dates not in the
future, lower date bounds, person ids, and the characters a text may hold."""

import json
import re
from datetime import timedelta

import pytest

from sdp.domain.text import ALLOWED_TEXT_PATTERN
from sdp.schemas import ISO_DATE_PATTERN, NOT_BEFORE, country_codes
from tests.api.test_robustness import SPEC, WITH_BODY, body_schema, send
from tests.cases.helpers import TODAY, Office, days_ago, person, register


def _resolve(node):
    while "$ref" in node:
        node = SPEC["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _request_properties():
    """(schema name, property name, property) of every request body, nested ones included."""
    seen, found = set(), []

    def walk(name):
        if name in seen:
            return
        seen.add(name)
        for prop_name, prop in SPEC["components"]["schemas"][name].get("properties", {}).items():
            found.append((name, prop_name, prop))
            for ref in re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(prop)):
                walk(ref)

    for method, path in WITH_BODY:
        ref = SPEC["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"][
            "$ref"
        ]
        walk(ref.rsplit("/", 1)[-1])
    return found


REQUEST_PROPERTIES = _request_properties()


def test_every_request_text_and_date_states_its_rule():
    for schema, name, prop in REQUEST_PROPERTIES:
        if prop.get("type") == "string" and prop.get("format") == "date":
            assert prop["pattern"] == ISO_DATE_PATTERN, (schema, name)
            assert prop.get("x-not-after") == "today" or schema.endswith("Out"), (schema, name)
        elif prop.get("type") == "string" and "enum" not in prop:
            assert prop.get("pattern"), (schema, name, prop)  # the text rule, or a language tag's
        if name == "person_id":
            assert prop["minimum"] == 1 and "422" in prop["description"], schema
    bounded = {
        (schema, name): prop["x-not-before"]
        for schema, name, prop in REQUEST_PROPERTIES
        if "x-not-before" in prop
    }
    assert bounded[("ApplicationCreate", "registered_on")] == "pilot_start"
    assert bounded[("BirthCreate", "registered_on")] == "pilot_start"
    assert bounded[("InterviewCreate", "held_on")] == "registered_on"
    assert set(bounded.values()) <= set(NOT_BEFORE)
    assert all(
        NOT_BEFORE[bound] in prop["description"]
        for schema, name, prop in REQUEST_PROPERTIES
        if (bound := prop.get("x-not-before"))
    )


def test_the_text_pattern_is_the_servers_rule():
    pattern = re.compile(ALLOWED_TEXT_PATTERN)
    for good in ("María José", "", "\U0001f600", "línea\nnueva"):
        assert pattern.fullmatch(good)
    for bad in ("\ud800", "a\udfffb", "x\x00y"):
        assert not pattern.fullmatch(bad)


def _top_level(kind):
    for method, path in WITH_BODY:
        for name, prop in body_schema(method, path)["properties"].items():
            if kind(prop):
                yield method, path, name, prop


@pytest.fixture
def headers(api_as, partner_api):
    from sdp.domain.vocabulary import Role, values

    staff, partner = api_as(*values(Role)), partner_api("registry:read")
    return lambda path: partner.headers if "/registry/" in path else staff.headers


def _errors(client, headers, method, path, raw_body: str):
    response = send(client, method, path, headers, data=raw_body, content_type="application/json")
    assert response.status_code in (400, 404, 409, 422), (path, response.status_code)
    return (response.json or {}).get("errors", {})


def test_each_text_field_refuses_what_its_pattern_excludes(client, headers):
    texts = list(_top_level(lambda p: p.get("pattern") == ALLOWED_TEXT_PATTERN))
    assert len(texts) >= 15
    for method, path, name, prop in texts:
        for bad in ('"\\ud800"', '"x\\u0000y"'):
            assert name in _errors(client, headers, method, path, f'{{"{name}": {bad}}}'), (
                path,
                name,
                bad,
            )
        if name == "qr":
            continue  # a QR payload has its own form (SDP1:...), checked by its own tests
        good = "someone@test.sdp.pe" if prop.get("format") == "email" else "Texto válido"
        assert name not in _errors(client, headers, method, path, json.dumps({name: good})), (
            path,
            name,
        )


def test_each_date_field_refuses_what_its_pattern_and_bound_exclude(client, headers):
    dates = list(_top_level(lambda p: p.get("format") == "date"))
    assert len(dates) >= 10
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    for method, path, name, prop in dates:
        for bad in ("19900101", "2026-1-5", "2026-01-05T00:00:00"):
            assert name in _errors(client, headers, method, path, json.dumps({name: bad})), (
                path,
                name,
                bad,
            )
        if prop.get("x-not-after") == "today":
            assert name in _errors(client, headers, method, path, json.dumps({name: tomorrow})), (
                path,
                name,
            )
        assert name not in _errors(
            client, headers, method, path, json.dumps({name: TODAY.isoformat()})
        ), (path, name)


def test_each_country_field_accepts_exactly_the_codes_it_lists(client, headers):
    countries = list(_top_level(lambda p: "alpha-2" in p.get("description", "")))
    assert len(countries) >= 5
    for method, path, name, prop in countries:
        assert set(prop["enum"]) == country_codes()
        for code in [*prop["enum"][::40], "XK", "ve"]:
            assert name not in _errors(client, headers, method, path, json.dumps({name: code})), (
                path,
                name,
                code,
            )
        for bad in ("XX", "VEN", "v", "1A"):
            assert name in _errors(client, headers, method, path, json.dumps({name: bad})), (
                path,
                name,
                bad,
            )


def test_the_lower_date_bounds_stated_are_enforced(app, api_as):
    office = Office(api_as)
    before_pilot = (app.config["POLICY"].pilot_start - timedelta(days=1)).isoformat()
    response = office.intake.post(
        "/api/v1/applications",
        json={"route": "application", "registered_on": before_pilot, "applicant": person()},
    )
    assert response.status_code == 422 and "registered_on" in response.json["errors"]
    case = office.examined_case(registered_on=days_ago(10))
    cid, before = case["id"], days_ago(11)
    for path, body, field in [
        (
            f"/api/v1/applications/{cid}/interviews",
            {"held_on": before, "summary": "Held."},
            "held_on",
        ),
        (
            f"/api/v1/applications/{cid}/evidence",
            {"kind": "testimony", "description": "Account.", "received_on": before},
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
    ]:
        response = office.officer.post(path, json=body)
        assert response.status_code == 422 and field in response.json["errors"], (
            path,
            response.json,
        )
    other = register(office.intake)
    response = office.officer.post(
        f"/api/v1/applications/{cid}/interviews",
        json={"held_on": days_ago(1), "summary": "Held.", "person_id": other["persons"][0]["id"]},
    )
    assert response.status_code == 422 and "person_id" in response.json["errors"]
