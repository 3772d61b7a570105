"""A reviewer (legislator) never reaches personal data.

The walk is over ``app.url_map``: every route any feature registers, now or later, is tried as
a reviewer signed in on the web and as a reviewer's API token, with every method. Everything
but the explicit list of non-personal endpoints (sdp/review/fence.py) must answer 403: not 401,
not 404 (which would tell a reviewer whether a case exists), not a page.
"""

import pytest
from werkzeug.routing import AnyConverter, IntegerConverter, UUIDConverter

from sdp.auth.principal import SYSTEM
from sdp.auth.services import issue_token
from sdp.converters import SerialConverter
from sdp.domain.vocabulary import Role
from sdp.review.fence import NON_PERSONAL_ENDPOINTS, is_non_personal, is_reviewer_only
from tests.cases.helpers import TODAY, Office
from tests.review.helpers import sign_in

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _url(rule, ids: dict) -> str:
    values = {}
    for name, converter in rule._converters.items():
        if name in ids:
            values[name] = ids[name]
        elif isinstance(converter, IntegerConverter):
            values[name] = 1
        elif isinstance(converter, UUIDConverter):
            values[name] = "00000000-0000-0000-0000-000000000001"
        elif isinstance(converter, SerialConverter):
            values[name] = "0000-0000-0000"  # a well-formed document serial
        elif isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        else:
            values[name] = "x"
    return rule.build(values, append_unknown=False)[1]


@pytest.fixture
def personal_records(api_as):
    """A real case with a relevant State and an inquiry, so that ids in URLs exist."""
    office = Office(api_as)
    case = office.examined_case()
    inquiry = office.officer.post(
        f"/api/v1/applications/{case['id']}/inquiries",
        json={
            "country": "CO",
            "authority": "Registry",
            "sent_on": TODAY.isoformat(),
            "consent_on": TODAY.isoformat(),
        },
    )
    assert inquiry.status_code == 201
    full = office.supervisor.get(f"/api/v1/applications/{case['id']}").json
    return {
        "application_id": case["id"],
        "id": case["id"],
        "relevant_state_id": full["relevant_states"][0]["id"],
        "inquiry_id": inquiry.json["id"],
        "case_number": case["case_number"],
    }


def _personal_routes(app):
    for rule in app.url_map.iter_rules():
        if is_non_personal(rule.endpoint):
            continue
        for method in sorted(set(rule.methods) & set(METHODS)):
            yield rule, method


def test_a_reviewer_gets_403_on_every_route_that_is_not_listed_as_non_personal(
    app, client, make_user, personal_records
):
    reviewer = make_user("reviewer")
    _, token = issue_token(SYSTEM, user_email=reviewer.email)
    checked = []
    for rule, method in _personal_routes(app):
        url = _url(rule, personal_records)
        body = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
        # as a web session
        sign_in(client, reviewer)
        web = client.open(url, method=method, **body)
        with client.session_transaction() as session:
            session.clear()
        # as an API token, with no session
        api = client.open(url, method=method, headers={"Authorization": f"Bearer {token}"}, **body)
        assert web.status_code == 403, (
            f"{method} {url} ({rule.endpoint}) answered {web.status_code} to a reviewer's session"
        )
        assert api.status_code == 403, (
            f"{method} {url} ({rule.endpoint}) answered {api.status_code} to a reviewer's token"
        )
        checked.append(rule.endpoint)
    # The walk reached the case file and its actions (it is not walking an empty map).
    assert {
        "cases_api.ApplicationResource",
        "cases_api.decide",
        "cases_api.record_inquiry_response",
    } <= set(checked)
    assert len(checked) >= 20


def test_the_same_routes_are_open_to_the_staff_who_need_them(api_as, personal_records):
    # The 403 above comes from the reviewer's role, not from the route: a supervisor reads the case.
    supervisor = api_as("supervisor")
    assert (
        supervisor.get(f"/api/v1/applications/{personal_records['application_id']}").status_code
        == 200
    )


def test_the_non_personal_routes_answer_a_reviewer(client, make_user, api_as):
    reviewer = make_user("reviewer")
    sign_in(client, reviewer)
    for url in (
        "/review/",
        "/review/procedure",
        "/review/procedure.svg",
        "/review/statistics",
        "/review/statistics.csv",
        "/review/statistics.xlsx",
        "/api/v1/procedure",
        "/api/v1/openapi.json",
    ):
        assert client.get(url).status_code == 200, url
    assert api_as(reviewer).get("/api/v1/statistics").status_code == 200


def test_the_list_of_non_personal_endpoints_names_no_personal_feature(app):
    personal_features = ("cases", "births", "documents", "registry", "audit")
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0].split("_")[0] in personal_features:
            assert not is_non_personal(rule.endpoint), rule.endpoint
    assert all(reason for reason in NON_PERSONAL_ENDPOINTS.values())


def test_only_a_user_who_is_nothing_but_a_reviewer_is_fenced():
    assert is_reviewer_only(frozenset({Role.REVIEWER}))
    assert not is_reviewer_only(frozenset({Role.REVIEWER, Role.SUPERVISOR}))
    assert not is_reviewer_only(frozenset({Role.CASE_OFFICER}))
    assert not is_reviewer_only(frozenset())
