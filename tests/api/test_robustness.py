"""No input breaks the API: every endpoint with a body, every id in a path, every method,
answers bad input with a 4xx in the contract's format that names the field, never a 500.

The endpoints are read from the OpenAPI description, so a new endpoint is covered as soon
as it exists."""

import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sdp.auth.principal import SYSTEM
from sdp.auth.services import create_user, issue_token
from sdp.domain.vocabulary import Role, values
from tests.api.openapi_description import OPERATIONS, SCHEMAS, SPEC, WITH_BODY
from tests.conftest import PASSWORD, bearer, data_for_the_module, keep_the_modules_data
from tests.registry.helpers import assert_contract_error

OTHER_BODIES = [
    (method, path)
    for method, path, operation in OPERATIONS
    if "requestBody" in operation and (method, path) not in WITH_BODY
]
WITH_IDS = sorted({path for _, path, _ in OPERATIONS if "{" in path})


# A value that can be each kind of id (a document's serial has a check symbol), of nothing that
# exists.
SAMPLE_IDS = {"serial": "0000-0000-0000"}


def url(path: str, value=None) -> str:
    import re

    return re.sub(
        r"\{([^}]+)\}",
        lambda m: str(value if value is not None else SAMPLE_IDS.get(m.group(1), 1)),
        path,
    )


def body_schema(method: str, path: str) -> dict:
    ref = SPEC["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"][
        "$ref"
    ]
    return SCHEMAS[ref.rsplit("/", 1)[-1]]


@pytest.fixture(scope="module")
def callers(app):
    """The bearer headers of a staff user holding every role and of a partner, made once for the
    module (a user and two tokens for each of its 360 tests was a third of its time): its tests
    send input the API must refuse and look only at the answers, so none of them counts rows."""

    def make():
        staff = create_user(SYSTEM, "every-role@test.sdp.pe", "Test User", values(Role), PASSWORD)
        _, staff_token = issue_token(SYSTEM, user_email=staff.email)
        _, partner_token = issue_token(SYSTEM, client_name="RENIEC", scopes=["registry:read"])
        return {"staff": bearer(staff_token), "partner": bearer(partner_token)}

    yield from data_for_the_module(app, make)


@pytest.fixture(autouse=True)
def _empty_database(app, callers):
    yield from keep_the_modules_data(app)


@pytest.fixture
def headers(callers):
    return lambda path: callers["partner"] if "/registry/" in path else callers["staff"]


def send(client, method, path, headers, **kwargs):
    return client.open(
        url(path),
        method=method.upper(),
        headers={**headers(path), **kwargs.pop("extra", {})},
        **kwargs,
    )


def test_every_body_endpoint_is_covered():
    assert ("post", "/api/v1/applications") in WITH_BODY and len(WITH_BODY) >= 19
    assert OTHER_BODIES == [
        ("post", "/api/v1/applications/{application_id}/evidence/{evidence_id}/files")
    ]


@pytest.mark.parametrize("method, path", WITH_BODY)
def test_malformed_json_is_400(client, headers, method, path):
    for text in (
        "{not json",
        '{"a": }',
        "",
        "\x00",
        "{'single': 'quotes'}",
        "[1,]",
        '{"a": "unterminated}',
    ):
        response = send(client, method, path, headers, data=text, content_type="application/json")
        if text == "":
            assert response.status_code == 422  # no body: every required field is missing
            continue
        body = assert_contract_error(response, 400)
        assert "_body" in body["errors"]


@pytest.mark.parametrize("method, path", WITH_BODY)
def test_a_body_that_is_not_json_is_415(client, headers, method, path):
    for content_type, data in (
        ("text/plain", "hello"),
        ("application/x-www-form-urlencoded", "route=application"),
        ("multipart/form-data; boundary=x", "--x--"),
        ("application/xml", "<a/>"),
    ):
        body = assert_contract_error(
            send(client, method, path, headers, data=data, content_type=content_type), 415
        )
        assert "_body" in body["errors"]


@pytest.mark.parametrize("method, path", WITH_BODY)
def test_json_that_is_not_an_object_is_refused_naming_the_body(client, headers, method, path):
    for value in ([], ["a"], "text", 12, None, True):
        response = send(
            client, method, path, headers, data=json.dumps(value), content_type="application/json"
        )
        body = assert_contract_error(response, 422)
        assert "_body" in body["errors"], (value, body)


@pytest.mark.parametrize("method, path", WITH_BODY)
def test_a_body_over_the_limit_is_413_declared_or_streamed(client, headers, method, path, app):
    limit = app.config["API_MAX_JSON_BYTES"]
    huge = json.dumps({"reasons": "x" * limit}).encode()
    assert_contract_error(
        send(client, method, path, headers, data=huge, content_type="application/json"), 413
    )
    streamed = send(
        client,
        method,
        path,
        headers,
        input_stream=io.BytesIO(huge),
        content_type="application/json",
        extra={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert_contract_error(streamed, 413)


@pytest.mark.parametrize("method, path", WITH_BODY)
def test_a_body_nested_too_deeply_is_400(client, headers, method, path):
    deep = "[" * 5000 + "]" * 5000
    body = assert_contract_error(
        send(client, method, path, headers, data=deep, content_type="application/json"), 400
    )
    assert "_body" in body["errors"]


@pytest.mark.parametrize("method, path", WITH_BODY)
def test_missing_and_unknown_fields_are_422_naming_each(client, headers, method, path):
    schema = body_schema(method, path)
    body = assert_contract_error(send(client, method, path, headers, json={"colour": "blue"}), 422)
    assert set(body["errors"]) == {"colour", *schema["required"]}, body["errors"]
    assert "colour" in body["message"]


@pytest.mark.parametrize("method, path", WITH_BODY)
def test_wrong_types_are_422_naming_the_field(client, headers, method, path):
    schema = body_schema(method, path)
    for name, field in schema["properties"].items():
        wrong = {"string": 12, "integer": "twelve", "boolean": "maybe", "array": "not a list"}.get(
            field.get("type"), []
        )
        body = assert_contract_error(send(client, method, path, headers, json={name: wrong}), 422)
        assert name in body["errors"], (name, wrong, body["errors"])


@pytest.mark.parametrize("method, path", WITH_BODY)
def test_impossible_dates_and_unknown_countries_are_422_naming_the_field(
    client, headers, method, path
):
    schema = body_schema(method, path)
    dates = [name for name, field in schema["properties"].items() if field.get("format") == "date"]
    countries = [
        name
        for name, field in schema["properties"].items()
        if "alpha-2" in field.get("description", "")
    ]
    for name, value in [
        *((name, "2026-02-30") for name in dates),
        *((name, "2026-13-01") for name in dates),
        *((name, "XX") for name in countries),
        *((name, "VEN") for name in countries),
    ]:
        body = assert_contract_error(send(client, method, path, headers, json={name: value}), 422)
        assert name in body["errors"], (name, value, body["errors"])


def test_the_date_and_country_cases_are_exercised():
    checked = [
        (m, p)
        for m, p in WITH_BODY
        if any(
            f.get("format") == "date" or "alpha-2" in f.get("description", "")
            for f in body_schema(m, p)["properties"].values()
        )
    ]
    assert (
        len(checked) >= 6
    )  # interviews, inquiries, responses, decisions, appeals, relevant States...


@pytest.mark.parametrize("path", WITH_IDS)
def test_an_id_that_cannot_exist_is_404_not_a_database_error(client, headers, path):
    method = next(m for m, p, _ in OPERATIONS if p == path)
    for value in (0, 2**31, 2**63, 10**30, -1, "abc", "%00"):
        response = client.open(
            url(path, value), method=method.upper(), headers=headers(path), json={}
        )
        assert_contract_error(response, 404)


@pytest.mark.parametrize("method, path", sorted({(m, p) for m, p, _ in OPERATIONS}))
def test_a_method_the_endpoint_does_not_have_is_405(client, headers, method, path):
    other = next(
        m for m in ("delete", "patch", "put", "post", "get") if m not in SPEC["paths"][path]
    )
    response = client.open(url(path), method=other.upper(), headers=headers(path))
    assert_contract_error(response, 405)


def test_an_unknown_address_under_the_api_is_a_json_404(client):
    for address in ("/api/v1/nothing", "/api/v2/applications", "/api/v1/applications/1/nothing"):
        assert_contract_error(client.get(address), 404)


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(
    header=st.text(
        alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FFF, exclude_categories=["Cs"]),
        max_size=120,
    )
)
def test_any_authorization_header_is_401_or_403_never_500(client, header):
    for address in (
        "/api/v1/applications/1",
        "/api/v1/registry/persons?given_names=a&family_names=b&date_of_birth=2000-01-01",
    ):
        try:
            response = client.get(
                address,
                headers={"Authorization": header},
                environ_base={"REMOTE_ADDR": "192.0.2.77"},
            )
        except ValueError:
            continue  # the test client itself refuses a header that HTTP cannot carry
        assert response.status_code in (401, 403), (header, response.status_code)
        assert response.json["code"] == response.status_code
