"""No input is a 500 (issue 15, point 3): generated requests to every API operation with a JSON
body and to every web form, built mostly valid with a few hostile values in them (lone
surrogates, NUL, huge integers, odd dates, strings for booleans), and 0 server errors.

The API operations come from the OpenAPI description and the web forms from the URL map and the
form classes, so an operation or a form added later is fuzzed without changing this file.
Deterministic (``derandomize``) and bounded (``max_examples``) to keep ``make test`` quick;
tests/api/test_schemathesis.py covers the description's own conformance.
"""

import json
import re
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    RadioField,
    SelectField,
    SelectMultipleField,
)

from sdp import clock
from sdp.domain.vocabulary import Role, values
from tests.api.openapi_description import SCHEMAS, SPEC, WITH_BODY

TODAY = clock.today()
HUGE = "9" * 5000  # past the 4,300 digits Python's int() accepts
HUGE_TOKEN = "__huge_integer__"

HOSTILE_TEXT = [
    "\ud800",
    "a\udfffb",
    "x\x00y",
    "\x00",
    "",
    " ",
    "\u202e\u0000",
    "é" * 300,
    "<script>",
    "'; --",
    "\ud83d\ude00",
    "%00",
    "\\u0000",
]
ODD_DATES = [
    "0001-01-01",
    "9999-12-31",
    "19900101",
    "2026-02-30",
    "2026-13-01",
    "+2026-01-01",
    "2026-1-1",
    "2026-01-01T00:00:00",
    " 2026-01-01",
    "1850-01-01",
    "0000-00-00",
]
ODD_NUMBERS = [HUGE_TOKEN, -1, 0, 2**31, 2**63, 10**30, 1.5, "1", "yes"]

hostile_text = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=12),
)
hostile_scalar = st.one_of(
    hostile_text,
    st.sampled_from(ODD_DATES),
    st.sampled_from(ODD_NUMBERS),
    st.sampled_from([True, False, None, [], {}]),
)


BODY_OPERATIONS = sorted(WITH_BODY)


def _resolve(node: dict) -> dict:
    while "$ref" in node:
        node = SCHEMAS[node["$ref"].rsplit("/", 1)[-1]]
    if "allOf" in node and len(node["allOf"]) == 1:
        return _resolve(node["allOf"][0])
    return node


def _plausible(node: dict, name: str):
    """A value of the shape the description asks for: most fields valid, so the body gets past
    the schema to the services."""
    node = _resolve(node)
    if "enum" in node:
        return st.sampled_from(node["enum"])
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        return _body(node)
    if kind == "array":
        return st.lists(_plausible(node.get("items", {}), name), max_size=2)
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.sampled_from([1, 2])
    if node.get("format") == "date":
        return st.sampled_from(
            [(TODAY - timedelta(days=days)).isoformat() for days in (0, 1, 10, 400, 9000)]
        )
    if "alpha-2" in node.get("description", ""):
        return st.sampled_from(["VE", "CO", "PE", "ve"])
    if name == "qr":
        return st.sampled_from(["SDP1.x.y", "{}", ""])
    if name in ("case_officer", "email"):
        return st.sampled_from(["fuzz@test.sdp.pe", "nobody@test.sdp.pe"])
    return st.sampled_from(["Texto válido", "Registraduría Nacional", "es"])


def _body(node: dict):
    node = _resolve(node)
    properties = node.get("properties", {})
    required = set(node.get("required", []))

    def value(name):
        # now and then a hostile value instead of a plausible one, in any field
        return st.one_of(
            _plausible(properties[name], name), _plausible(properties[name], name), hostile_scalar
        )

    return st.fixed_dictionaries(
        {name: value(name) for name in sorted(required)},
        optional={name: value(name) for name in sorted(set(properties) - required)},
    )


def _encode(body) -> str:
    return json.dumps(body).replace(f'"{HUGE_TOKEN}"', HUGE)


@pytest.fixture
def world(app, make_user, api_as, partner_api):
    """A user holding every role, a case of theirs with a dependant, an inquiry, a relevant State
    and a document, and a partner token."""
    from tests.cases.helpers import person, register

    user = make_user(*values(Role), email="fuzz@test.sdp.pe")
    staff = api_as(user)
    case = register(
        staff,
        registered_on=(TODAY - timedelta(days=30)).isoformat(),
        dependants=[{**person(given="Ana", dob="2015-01-02"), "relationship": "child"}],
    )
    cid = case["id"]
    staff.post(f"/api/v1/applications/{cid}/assign", json={"case_officer": user.email})
    staff.post(
        f"/api/v1/applications/{cid}/relevant-states", json={"country": "CO", "links": ["birth"]}
    )
    staff.post(
        f"/api/v1/applications/{cid}/inquiries",
        json={
            "country": "CO",
            "authority": "Registraduría",
            "sent_on": TODAY.isoformat(),
            "consent_on": TODAY.isoformat(),
        },
    )
    document = staff.post(
        f"/api/v1/applications/{cid}/documents", json={"type": "provisional_certificate"}
    ).json
    return {
        "user": user,
        "staff": staff,
        "partner": partner_api("registry:read"),
        "case": cid,
        "serial": document.get("serial", "0000-0000-0000"),
    }


def _path(path: str, world) -> str:
    ids = {"application_id": world["case"], "serial": world["serial"]}
    return re.sub(r"\{([^}]+)\}", lambda m: str(ids.get(m.group(1), 1)), path)


@pytest.mark.slow  # hypothesis: 5-12 s
def test_no_body_breaks_an_api_operation(world):
    # One world for all operations: setting it up for each would cost more than the requests.
    for method, path in BODY_OPERATIONS:
        _fuzz_operation(world, method, path)


def _fuzz_operation(world, method: str, path: str) -> None:
    api = world["partner"] if "/registry/" in path else world["staff"]
    schema = SPEC["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]

    @settings(
        max_examples=12,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(body=_body(schema))
    def run(body):
        response = api.client.open(
            _path(path, world),
            method=method.upper(),
            data=_encode(body),
            content_type="application/json",
            headers=api.headers,
        )
        assert response.status_code < 500, (
            method,
            path,
            body,
            response.get_data(as_text=True)[:300],
        )
        if response.status_code >= 400:
            assert response.json["code"] == response.status_code, (method, path, response.json)

    run()


def test_every_body_operation_is_fuzzed():
    assert (
        len(BODY_OPERATIONS) >= 20
        and ("post", "/api/v1/registry/documents/verify") in BODY_OPERATIONS
    )


# --- Web forms ----------------------------------------------------------------------------------


def _fields(form):
    for field in form:
        if isinstance(field, FormField):
            yield from _fields(field.form)
        elif isinstance(field, FieldList):
            for entry in field.entries:
                yield from _fields(entry.form) if isinstance(entry, FormField) else [entry]
        else:
            yield field


def _plausible_form_value(field) -> str | list[str]:
    if isinstance(field, DateField):
        return (TODAY - timedelta(days=1)).isoformat()
    if isinstance(field, (SelectField, RadioField, SelectMultipleField)):
        options = (
            [str(choice[0]) for choice in field.iter_choices() if str(choice[0])]
            if field.choices
            else []
        )
        if not options:
            return ""
        return [options[0]] if isinstance(field, SelectMultipleField) else options[0]
    if isinstance(field, BooleanField):
        return "y"
    if field.name.endswith("languages") or field.name.endswith("language"):
        return "es"
    if field.name.endswith("email") or field.name.endswith("case_officer"):
        return "fuzz@test.sdp.pe"
    return "Texto válido"


def _has_lone_surrogate(text: str) -> bool:
    return any("\ud800" <= character <= "\udfff" for character in text)


def _form_strategy(names_and_values: dict):
    """The plausible form with up to three fields replaced by hostile values (web forms carry
    text: NUL and odd dates get through a form post; a lone surrogate cannot, as UTF-8)."""
    hostile = st.one_of(
        st.sampled_from([text for text in HOSTILE_TEXT if not _has_lone_surrogate(text)]),
        st.sampled_from(ODD_DATES),
        st.sampled_from([HUGE, "-1", "9" * 30, "yes"]),
    )
    names = sorted(names_and_values)
    return st.dictionaries(st.sampled_from(names), hostile, max_size=3).map(
        lambda spoiled: {**names_and_values, **spoiled}
    )


def _web_forms(app, world):
    """(path, plausible fields) for every staff form: the intake, each action of the case page,
    births, documents, the user administration and the own password; extra keys are harmless."""
    from sdp.auth.views import password as auth_password
    from sdp.auth.views import users as auth_users
    from sdp.births.forms import BirthForm
    from sdp.cases import views
    from sdp.cases.forms import IntakeForm
    from sdp.cases.models import Application
    from sdp.extensions import db

    forms = []
    with app.test_request_context(method="POST", data={"dependants-0-given_names": "Ana"}):
        application = db.session.get(Application, world["case"])
        forms.append(("/cases/new", IntakeForm()))
        forms.append(("/births/new", BirthForm()))
        for action in sorted(views.ACTION_PAGES):
            target = None
            if action in ("record_finding",):
                target = str(application.relevant_states[0].id)
            elif action in ("record_inquiry_response",):
                target = str(application.inquiries[0].id)
            try:
                form = views._build_form(action, application, TODAY, target)
            except Exception:  # noqa: BLE001 - an action that needs a row this case has not: skipped
                continue
            fields = {field.name: _plausible_form_value(field) for field in _fields(form)}
            fields.update({"_action": action, "_target": target or ""})
            forms.append((f"/cases/{world['case']}", fields))
        forms.append(("/admin/users", auth_users.CreateUserForm()))
        forms.append(("/account/password", auth_password.ChangePasswordForm()))
    plain = [
        (
            path,
            form
            if isinstance(form, dict)
            else {
                field.name: _plausible_form_value(field)
                for field in _fields(form)
                if field.name != "csrf_token"
            },
        )
        for path, form in forms
    ]
    plain += [
        (
            f"/cases/{world['case']}/documents",
            {"type": "provisional_certificate", "person_id": "1", "valid_months": "24"},
        ),
        (f"/documents/{world['serial']}/revoke", {"reason": "Lost."}),
        ("/verify", {"qr": "SDP1.x.y"}),
    ]
    return plain


@pytest.mark.slow  # hypothesis: 5-12 s
def test_no_post_breaks_a_web_form(app, world):
    from tests.web.conftest import sign_in

    client = app.test_client()
    client.get("/language/en")
    sign_in(client, world["user"])
    forms = _web_forms(app, world)
    assert len(forms) >= 30
    for path, fields in forms:
        _fuzz_form(client, path, fields)


def _fuzz_form(client, path: str, fields: dict) -> None:
    @settings(
        max_examples=6,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=_form_strategy(fields))
    def run(data):
        response = client.post(path, data=data)
        assert response.status_code < 500, (path, data, response.status_code)

    run()


@pytest.mark.slow  # hypothesis: 5-12 s
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(
    query=st.dictionaries(
        st.sampled_from(
            [
                "q",
                "state",
                "officer",
                "overdue",
                "after",
                "endpoint",
                "_external",
                "_scheme",
                "_anchor",
                "_method",
                "from",
                "to",
                "lang",
                "next",
            ]
        ),
        st.one_of(
            st.sampled_from(ODD_DATES),
            st.sampled_from(HOSTILE_TEXT[2:4]),
            st.sampled_from([HUGE, "1", "x", "https://evil.example"]),
        ),
        max_size=4,
    )
)
def test_no_query_string_breaks_a_list_or_the_statistics(app, query):
    """Query keys each page does not declare are ignored, never passed to url_for."""
    from sqlalchemy import select

    from sdp.auth.models import User
    from sdp.auth.principal import SYSTEM
    from sdp.auth.services import create_user
    from sdp.extensions import db
    from tests.web.conftest import sign_in

    user = db.session.execute(
        select(User).where(User.email == "lists@test.sdp.pe")
    ).scalar_one_or_none() or create_user(
        SYSTEM,
        "lists@test.sdp.pe",
        "Lists",
        ["supervisor", "reviewer"],
        "correct horse battery staple",
    )
    client = app.test_client()
    sign_in(client, user)
    for path in ("/cases/", "/review/statistics", "/review/statistics.csv", "/births/"):
        response = client.get(path, query_string=query)
        assert response.status_code < 500, (path, query, response.status_code)


def test_no_post_breaks_the_forms_before_sign_in(app, make_user):
    """The sign-in steps and the public document check, posted with hostile values, signed out."""
    make_user("intake_officer", email="someone@test.sdp.pe")
    client = app.test_client()
    forms = [
        ("/sign-in", {"email": "someone@test.sdp.pe", "password": "correct horse battery staple"}),
        ("/sign-in/code", {"code": "123456"}),
        ("/sign-in/enrol", {"code": "123456"}),
        ("/verify", {"qr": "SDP1.x.y"}),
    ]
    for path, fields in forms:
        _fuzz_form(client, path, fields)
