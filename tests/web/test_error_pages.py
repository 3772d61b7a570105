"""Error pages in words (issue 13, point 4): a 404 says what kind of thing was not found and
which reference was asked for; a 403 says which role or assignment would open the page; neither
ever calls itself an error 500."""

import re

import pytest

from sdp import create_app  # noqa: F401 - the app fixture builds it
from tests.cases.helpers import Office, register

from .conftest import text_of


@pytest.fixture
def office(api_as):
    return Office(api_as)


def heading(response) -> str:
    found = re.search(r'<h1 class="govuk-heading-l">(.*?)</h1>', response.get_data(as_text=True))
    return found.group(1) if found else ""


def never_500(response) -> None:
    html = response.get_data(as_text=True)
    assert "500" not in re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "problem with the service" not in html


def test_a_404_names_what_was_not_found(office, web_as):
    case = register(office.intake)
    cid = case["id"]
    supervisor = web_as(office.supervisor.user)
    registrar = web_as("registrar")
    admin = web_as("admin")
    expected = [
        (
            registrar.get("/births/NAC-2026-0000999-9"),
            "Birth registration not found",
            "NAC-2026-0000999-9",
        ),
        (
            registrar.get("/births/NAC-2026-0000999-9/documents"),
            "Birth registration not found",
            "NAC-2026-0000999-9",
        ),
        (supervisor.get("/documents/ZZZZ-ZZZZ-ZZZZ.pdf"), "Document not found", "ZZZZ-ZZZZ-ZZZZ"),
        (
            supervisor.post("/documents/ZZZZ-ZZZZ-ZZZZ/revoke", data={"reason": "x"}),
            "Document not found",
            "ZZZZ-ZZZZ-ZZZZ",
        ),
        (
            admin.post("/admin/users/987654", data={"action": "deactivate"}),
            "User not found",
            "987654",
        ),
        (admin.get("/admin/grants/987654"), "Role request not found", "987654"),
        (
            supervisor.get(f"/cases/{cid}/record-finding/987654"),
            "Relevant State not found",
            "987654",
        ),
        (
            supervisor.get(f"/cases/{cid}/record-inquiry-response/987654"),
            "Inquiry not found",
            "987654",
        ),
        (supervisor.get(f"/cases/{cid}/decide-proceeding/987654"), "Person not found", "987654"),
        (supervisor.get(f"/cases/{cid}/evidence/1/files/987654"), "File not found", ""),
        (supervisor.get(f"/cases/{cid}/fly-to-the-moon"), "Step not found", ""),
        (supervisor.get(f"/cases/{cid}/documents/new/fly"), "Step not found", ""),
        (supervisor.get("/help/roles/astronaut"), "Role not found", "astronaut"),
        (supervisor.get("/nothing/here"), "Page not found", ""),
        (supervisor.get("/cases/987654"), "Case not found", "987654"),
    ]
    for response, title, reference in expected:
        assert response.status_code == 404, (title, response.status_code)
        assert heading(response) == title, (title, heading(response))
        assert reference in text_of(response), title
        never_500(response)


@pytest.mark.parametrize(
    ("role", "path", "title", "names"),
    [
        (
            "registrar",
            "/cases/",
            "You do not have access to this case",
            ["Intake officer", "Supervisor"],
        ),
        (
            "case_officer",
            "/births/",
            "You do not have access to birth registrations",
            ["Registrar", "Supervisor"],
        ),
        ("intake_officer", "/births/new", "You may not register births", ["Registrar"]),
        (
            "intake_officer",
            "/review/statistics",
            "You do not have access to the statistics",
            ["Reviewer", "Supervisor"],
        ),
        (
            "supervisor",
            "/admin/users",
            "You do not have access to the administration",
            ["Administrator"],
        ),
    ],
)
def test_a_403_says_which_role_would_open_the_page(web_as, role, path, title, names):
    response = web_as(role).get(path)
    assert response.status_code == 403
    assert heading(response) == title
    for name in names:
        assert name in text_of(response), name
    never_500(response)


ROLE_NAMES = (
    "Intake officer",
    "Case officer",
    "Decision-maker",
    "Appeals officer",
    "Registrar",
    "Supervisor",
    "Reviewer",
    "Administrator",
)


def test_every_feature_s_403_names_the_roles_that_open_it(app, web_as):
    """Every page that answers 403 to some role says which roles open it, never a bare refusal."""
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and not rule.arguments
        and not rule.rule.startswith(("/api", "/static", "/sign", "/V", "/v/"))
    ]
    refused = 0
    for role in ("reviewer", "registrar", "intake_officer", "admin"):
        client = web_as(role)
        for rule in rules:
            response = client.get(rule.rule)
            if response.status_code == 403:
                refused += 1
                assert heading(response) != "You may not do this", (role, rule.rule)
                named = [name for name in ROLE_NAMES if name in text_of(response)]
                assert named, (role, rule.rule, text_of(response)[:400])
                never_500(response)
    assert refused >= 5
