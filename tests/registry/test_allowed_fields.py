"""The registry checks answer with the allowed fields only (sdp/registry/fields.py):
as the OpenAPI description declares them, and as the endpoints answer."""

import pytest

from sdp.registry.fields import (
    DOCUMENT_CHECK,
    PERSON_CHECK,
    REGISTRY_PREFIX,
    REGISTRY_RESPONSES,
    allowed_paths,
    schema_fields,
    unexpected_fields,
)
from tests.cases.helpers import register
from tests.registry.helpers import persons_url

FORBIDDEN = (
    "reason",
    "asylum",
    "evidence",
    "address",
    "officer",
    "locality_of_residence",
    "interview",
    "inquir",
    "relevant_state",
    "finding",
    "grounds",
    "summary",
    "email",
)


def registry_operations(app):
    """(METHOD, OpenAPI path) of every registry endpoint the app serves, from its URL map."""
    import re

    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(REGISTRY_PREFIX):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            found |= {(method, path) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return found


def test_every_registry_endpoint_has_an_allow_list(app):
    served = registry_operations(app)
    assert ("GET", "/api/v1/registry/persons") in served
    missing = served - set(REGISTRY_RESPONSES)
    assert not missing, (
        f"registry endpoints without an allow-list in sdp/registry/fields.py: {missing}"
    )


def test_the_allow_lists_hold_nothing_the_contract_forbids():
    for shape in REGISTRY_RESPONSES.values():
        for path in allowed_paths(shape):
            assert not any(word in path for word in FORBIDDEN), path


def test_the_openapi_description_of_each_registry_answer_declares_only_allowed_fields(client, app):
    spec = client.get("/api/v1/openapi.json").json
    components = spec["components"]["schemas"]
    for method, path in registry_operations(app):
        operation = spec["paths"][path][method.lower()]
        successes = {
            code: response
            for code, response in operation["responses"].items()
            if code.startswith("2")
        }
        assert successes, (method, path)
        allowed = allowed_paths(REGISTRY_RESPONSES[(method, path)])
        for response in successes.values():
            schema = response["content"]["application/json"]["schema"]
            declared = set(schema_fields(schema, components))
            assert declared <= allowed, (method, path, declared - allowed)
            # additionalProperties: false on every object, so nothing else may appear either
            assert not any(field.endswith("*") for field in declared), (method, path)


def test_the_person_check_answers_with_allowed_fields_only(api_as, partner_api):
    child = {
        "given_names": "Ángel",
        "family_names": "Pérez Gómez",
        "sex": "M",
        "date_of_birth": "2016-09-01",
        "place_of_birth": {"country": "PE", "locality": "Lima"},
        "relationship": "child",
    }
    register(
        api_as("intake_officer"),
        dependants=[child],
        applicant={
            "given_names": "María José",
            "family_names": "Pérez Gómez",
            "sex": "F",
            "date_of_birth": "1990-04-12",
            "place_of_birth": {"country": "VE", "locality": "Maracaibo"},
            "asylum": {"status": "refugee", "country": "VE"},
        },
    )
    reniec = partner_api("registry:read")
    for url in (
        persons_url("María José", "Pérez Gómez", "1990-04-12"),
        persons_url("Ángel", "Pérez Gómez", "2016-09-01"),
    ):
        body = reniec.get(url).json
        assert body["matches"], url
        assert unexpected_fields(body, PERSON_CHECK) == []
        text = str(body).lower()
        assert "refugee" not in text and "maracaibo" not in text and "@" not in text


@pytest.mark.parametrize(
    "body, shape, expected",
    [
        (
            {
                "matches": [
                    {"case_number": "X", "status": "registered", "protected_from_removal": True}
                ]
            },
            PERSON_CHECK,
            [],
        ),
        (
            {"matches": [{"case_number": "X", "reasons": "..."}]},
            PERSON_CHECK,
            ["matches[0].reasons"],
        ),
        ({"matches": [], "asylum": {"country": "VE"}}, PERSON_CHECK, ["asylum"]),
        (
            {"matches": [{"case_number": {"officer": "a@b"}}]},
            PERSON_CHECK,
            ["matches[0].case_number"],
        ),
        ({"matches": "all"}, PERSON_CHECK, ["matches"]),
        (
            {"serial": "D1", "holder": {"given_names": "A", "address": "Av. Arequipa 1"}},
            DOCUMENT_CHECK,
            ["holder.address"],
        ),
        ({"serial": "D1", "holder": None, "valid_until": None}, DOCUMENT_CHECK, []),
    ],
)
def test_the_checker_finds_what_is_not_allowed(body, shape, expected):
    assert unexpected_fields(body, shape) == expected
