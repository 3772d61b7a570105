"""GET /api/v1/openapi.json describes every endpoint: bodies, answers, errors, security."""

import re

import pytest

from sdp.api import ERROR_MEANINGS

SERVED_ELSEWHERE = {"/api/v1/openapi.json", "/api/v1/docs"}


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json


def api_operations(app):
    """(method, OpenAPI path) of every API route the app serves, from its URL map."""
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") and rule.rule not in SERVED_ELSEWHERE:
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            found |= {(method.lower(), path) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return found


def operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                yield method, path, operation


def test_every_api_route_is_described(app, spec):
    described = {(method, path) for method, path, _ in operations(spec)}
    assert api_operations(app) - described == set()
    assert ("get", "/api/v1/registry/persons") in described


def test_the_error_schema_is_the_contracts(spec):
    error = spec["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"code", "status", "message", "errors"}
    assert set(error["required"]) == {"code", "status", "message"}
    assert error["additionalProperties"] is False
    assert error["properties"]["errors"]["additionalProperties"] == {
        "type": "array",
        "items": {"type": "string"},
    }


def _error_schema_of(response, spec):
    if "$ref" in response:
        response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
    return response["content"]["application/json"]["schema"]


def test_every_operation_documents_its_errors_with_the_error_schema(spec):
    for method, path, operation in operations(spec):
        responses = operation["responses"]
        expected = {"429"}
        if operation.get("security", spec["security"]):
            expected |= {"401", "403"}
        if "{" in path:
            expected.add("404")
        if "requestBody" in operation:
            expected |= {"400", "413", "415", "422"}
        assert expected <= set(responses), (method, path, expected - set(responses))
        for code, response in responses.items():
            if code.startswith(("4", "5")) or code == "default":
                assert _error_schema_of(response, spec) == {"$ref": "#/components/schemas/Error"}, (
                    method,
                    path,
                    code,
                )
        assert responses["429"]["headers"]["Retry-After"]["schema"]["type"] == "integer"
        assert responses["429"]["description"] == ERROR_MEANINGS[429]


def test_every_operation_has_a_success_answer_with_a_schema(spec):
    for method, path, operation in operations(spec):
        successes = [
            response for code, response in operation["responses"].items() if code.startswith("2")
        ]
        assert len(successes) == 1, (method, path)
        # JSON, except a file download (binary, each of its media types with a schema)
        content = successes[0]["content"]
        assert content and all("schema" in media for media in content.values()), (method, path)
        assert "application/json" in content or all(
            media["schema"] == {"type": "string", "format": "binary"} for media in content.values()
        ), (method, path)
        assert operation.get("summary"), (method, path)


def test_bodies_are_described_as_strict_json_objects(spec):
    schemas = spec["components"]["schemas"]
    for method, path, operation in operations(spec):
        if "requestBody" in operation:
            # JSON, or multipart/form-data for an upload: strict either way
            content = operation["requestBody"]["content"]
            assert set(content) in ({"application/json"}, {"multipart/form-data"}), (method, path)
            body = next(iter(content.values()))["schema"]
            if "$ref" in body:
                body = schemas[body["$ref"].rsplit("/", 1)[-1]]
            assert body["additionalProperties"] is False, (method, path)
            assert body.get("required"), (method, path)


def test_security_bearer_by_default_and_open_only_where_meant(spec):
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": spec["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    assert spec["security"] == [{"bearerAuth": []}]
    open_operations = {
        (method, path)
        for method, path, operation in operations(spec)
        if operation.get("security") == []
    }
    assert open_operations == {("get", "/api/v1/procedure"), ("get", "/api/v1/documents/keys")}


def test_the_person_check_is_fully_described(spec):
    operation = spec["paths"]["/api/v1/registry/persons"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert set(parameters) == {"given_names", "family_names", "date_of_birth"}
    assert all(p["required"] and p["in"] == "query" for p in parameters.values())
    assert parameters["date_of_birth"]["schema"]["format"] == "date"
    answer = spec["components"]["schemas"]["PersonMatchOut"]
    assert (
        set(answer["properties"])
        == set(answer["required"])
        == {"case_number", "status", "protected_from_removal"}
    )
    assert "recognized" in answer["properties"]["status"]["enum"]
    assert {"401", "403", "422", "429"} <= set(operation["responses"])


def test_ids_in_paths_are_bounded(spec):
    for path, item in spec["paths"].items():
        for parameter in item.get("parameters", []):
            if parameter["schema"]["type"] == "integer":
                assert parameter["schema"] == {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 2**31 - 1,
                }, path


def test_the_description_is_valid_openapi_3(spec):
    # The official OpenAPI 3.0 JSON Schema, as schemathesis ships it.
    import jsonschema_rs
    from schemathesis.specs.openapi.definitions import OPENAPI_30

    assert spec["openapi"].startswith("3.0")
    assert [
        str(error) for error in jsonschema_rs.Draft4Validator(OPENAPI_30).iter_errors(spec)
    ] == []
