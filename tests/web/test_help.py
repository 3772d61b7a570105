"""Help (issue 13, point 9): a guidance page per role, in the procedure's words, reached from the
header, and a glossary of the procedure's terms in Spanish, English and Portuguese."""

import re

import pytest
from flask_babel import force_locale, gettext

from sdp.domain import procedure
from sdp.domain.vocabulary import Role
from sdp.guidance import ROLE_SUMMARIES

from .conftest import text_of


def test_the_header_links_to_help_on_every_page(web_as):
    for role in ("intake_officer", "reviewer", "admin"):
        client = web_as(role)
        page = client.get("/account/password").get_data(as_text=True)
        assert re.search(r'<a href="/help/"[^>]*id="help-link"[^>]*>Help</a>', page), role
        assert (
            client.get("/help/").status_code == 200
        )  # the reviewer's fence lets it through: no case data


@pytest.mark.parametrize("role", list(Role))
def test_each_roles_page_lists_the_steps_it_takes_in_the_procedures_words(web_as, role):
    page = text_of(web_as("case_officer").get(f"/help/roles/{role.value}"))
    assert ROLE_SUMMARIES[role] in page
    numbers = {action.name: number for number, action in enumerate(procedure.ACTIONS, start=1)}
    for action in procedure.ACTIONS:
        heading = f"{numbers[action.name]}. {action.title}"
        assert (heading in page) == (role in action.roles), (role, action.name)
        if role in action.roles:
            assert action.description in page


def test_the_roles_page_is_in_the_readers_language(web_as):
    page = text_of(web_as("case_officer", lang="es").get("/help/roles/case_officer"))
    with force_locale("es"):
        assert gettext(procedure.ACTIONS_BY_NAME["record_finding"].title) in page
        assert gettext(ROLE_SUMMARIES[Role.CASE_OFFICER]) in page
    assert web_as("case_officer").get("/help/roles/nobody").status_code == 404


def test_the_glossary_names_each_term_in_three_languages_with_its_meaning(web_as):
    response = web_as("reviewer", lang="pt").get("/help/glossary")
    assert response.status_code == 200, response.get_data(as_text=True)[:3000]
    html = response.get_data(as_text=True)
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", html, re.S)
    cells = [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in rows
    ]
    under_examination = next(row for row in cells if row and row[-1] == "under_examination")
    assert under_examination[:3] == ["En examen", "Under examination", "Em exame"]
    with force_locale("pt"):
        meaning = gettext(
            next(spec.description for spec in procedure.STATES if spec.state == "under_examination")
        )
    assert under_examination[3] == meaning.replace("'", "&#39;")
    assert {row[-1] for row in cells if row} >= {
        "not_national",
        "unanswered",
        "travel_document",
        "unaccompanied_child",
        "case_officer",
        "family_unity",
    }
    assert 'lang="pt"' in html and 'lang="es"' in html
