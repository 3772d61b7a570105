"""The procedure as legislators read it: diagram, steps, settings, from the one definition."""

import html
import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from sdp.domain import procedure
from sdp.domain.vocabulary import Role, State
from sdp.review import diagram
from tests.review.helpers import sign_in

SVG = "{http://www.w3.org/2000/svg}"


def _svg_of(page: str) -> ET.Element:
    match = re.search(r"<svg .*?</svg>", page, re.S)
    assert match, "no inline SVG"
    return ET.fromstring(match.group(0))


def _titles(svg: ET.Element) -> list[str]:
    return [element.text or "" for element in svg.iter(f"{SVG}title")]


@pytest.mark.parametrize("role", list(Role))
def test_every_staff_role_may_read_the_procedure(client, make_user, role):
    sign_in(client, make_user(role.value))
    assert client.get("/review/procedure").status_code == 200


def test_each_request_loads_its_own_user_and_language(client, make_user):
    """Nothing of one request's sign-in or language is left for the next (each runs in its own
    context, tests/conftest.py), so the tests need not clear Flask-Login's or Flask-Babel's
    cache between requests."""
    sign_in(client, make_user("reviewer"))
    page = client.get("/review/procedure?lang=pt").get_data(as_text=True)
    assert '<html lang="pt"' in page
    with client.session_transaction() as session:
        session.clear()  # signed out, and the language chosen forgotten
    assert client.get("/review/procedure").status_code in (302, 401)
    sign_in(client, make_user("supervisor"))
    assert '<html lang="es"' in client.get("/review/procedure").get_data(as_text=True)


def test_signing_in_is_needed(client):
    assert client.get("/review/procedure").status_code in (302, 401)
    assert client.get("/review/statistics").status_code in (302, 401)


def test_the_diagram_contains_every_state_and_every_step_of_the_definition(client, make_user):
    sign_in(client, make_user("reviewer"))
    page = client.get("/review/procedure?lang=en").get_data(as_text=True)
    svg = _svg_of(page)
    drawn_states = {g.get("data-state") for g in svg.iter(f"{SVG}g") if g.get("data-state")}
    drawn_actions = {g.get("data-action") for g in svg.iter(f"{SVG}g") if g.get("data-action")}
    assert drawn_states == {spec.state.value for spec in procedure.STATES}
    assert drawn_actions == {action.name for action in procedure.ACTIONS}
    titles = " ".join(_titles(svg))
    for number, action in enumerate(procedure.ACTIONS, start=1):
        assert f"{number}. {action.title}" in titles
    # every transition of the definition is an arrow with its step
    arrows = {
        (g.get("data-action"), (g.find(f"{SVG}title").text or ""))
        for g in svg.iter(f"{SVG}g")
        if g.get("class") == "transition"
    }
    expected = sum(
        len(a.sources) * len(a.targets) if a.sources else len(a.targets)
        for a in procedure.ACTIONS
        if not a.sources or set(a.sources) != set(State)
    )
    assert len(arrows) == expected


def test_the_diagram_is_accessible_and_needs_no_script(client, make_user):
    sign_in(client, make_user("reviewer"))
    page = client.get("/review/procedure").get_data(as_text=True)
    assert "<script" not in page
    svg = _svg_of(page)
    assert svg.get("role") == "img"
    ids = svg.get("aria-labelledby").split()
    found = {element.get("id"): element for element in svg.iter() if element.get("id") in ids}
    assert {found[i].tag for i in ids} == {f"{SVG}title", f"{SVG}desc"}
    assert all((found[i].text or "").strip() for i in ids)
    # The text alternative: the table of transitions links each arrow to its step.
    for number in range(1, len(procedure.ACTIONS) + 1):
        assert f'id="step-{number}"' in page


def test_the_standalone_svg_is_a_valid_document(client, make_user):
    sign_in(client, make_user("supervisor"))
    response = client.get("/review/procedure.svg")
    assert response.mimetype == "image/svg+xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{SVG}svg"
    assert {g.get("data-state") for g in root.iter(f"{SVG}g") if g.get("data-state")} == {
        s.value for s in State
    }


def test_the_page_says_what_the_api_and_the_document_say(client, make_user):
    sign_in(client, make_user("reviewer"))
    page = html.unescape(client.get("/review/procedure?lang=en").get_data(as_text=True))
    document = client.get("/api/v1/procedure").json
    for action in document["actions"]:
        assert action["title"] in page and action["description"] in page
        for basis in action["legal_basis"]:
            assert basis in page
        for condition in action["conditions"] + action["four_eyes"]:
            assert condition in page
    for setting in document["time_limits"]:
        assert setting["description"] in page and setting["source"] in page
        row = re.search(rf'id="setting-{setting["name"]}">(.*?)</tr>', page, re.S).group(1)
        assert (
            f"{setting['value']} {setting['unit']}" in row
            and f"{setting['default']} {setting['unit']}" in row
        )
    assert page.count("proposal") >= len(document["time_limits"])


def test_a_changed_setting_shows_on_the_page_with_its_default(app, client, make_user):
    sign_in(client, make_user("reviewer"))
    original = app.config["POLICY"]
    app.config["POLICY"] = replace(original, appeal_window_working_days=20)
    try:
        page = client.get("/review/procedure?lang=en").get_data(as_text=True)
    finally:
        app.config["POLICY"] = original
    row = re.search(r'id="setting-appeal_window_working_days">(.*?)</tr>', page, re.S).group(1)
    assert (
        "20 working days" in row and "15 working days" in row and "changed from the default" in row
    )
    # and the step bounded by it says so
    number = [action.name for action in procedure.ACTIONS].index("lodge_appeal") + 1
    step = re.search(rf'id="step-{number}".*?</li>', page, re.S).group(0)
    assert "20 working days" in step


def test_the_page_is_in_the_readers_language(client, make_user):
    sign_in(client, make_user("reviewer"))
    for language in ("es", "en", "pt"):
        page = client.get(f"/review/procedure?lang={language}").get_data(as_text=True)
        assert f'<html lang="{language}"' in page
    # the legal bases, units and sources are translated too, not left in English
    assert "Manual do ACNUR (2014), parágs. 68-71" in page and "dias úteis" in page
    assert "UNHCR Handbook" not in page and "working days" not in page


def test_the_layout_puts_states_in_columns_by_distance_from_registration():
    layout = diagram.compute_layout()
    assert layout.column[State.REGISTERED] == 0
    assert layout.column[State.UNDER_EXAMINATION] == 1
    assert layout.column[State.PENDING_DECISION] == 2
    assert layout.column[State.RECOGNIZED] == layout.column[State.REJECTED] == 3
    assert layout.column[State.UNDER_APPEAL] == 4
    # withdrawn, closed and referred, reached from several states, stand in the row below
    assert set(layout.exits) == {State.WITHDRAWN, State.CLOSED, State.REFERRED}
    bottom = {layout.row[s] for s in layout.exits}
    assert len(bottom) == 1 and bottom.pop() > max(
        layout.row[s] for s in layout.row if s not in layout.exits
    )
    positions = [(layout.column[s], layout.row[s]) for s in State]
    assert len(set(positions)) == len(positions), "two states drawn in one place"
