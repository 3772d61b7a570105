"""docs/procedure.md and GET /api/v1/procedure come from the one definition the services enforce."""

import subprocess
import sys

import pytest
from babel.messages.pofile import read_po

from sdp import PROJECT_ROOT
from sdp.domain import procedure
from sdp.domain.policy import DEFAULT_POLICY
from sdp.review.procedure_doc import FILES, in_every_language, render


def test_docs_procedure_md_matches_the_definition():
    written = (PROJECT_ROOT / "docs" / "procedure.md").read_text()
    assert written == render(DEFAULT_POLICY), (
        "docs/procedure.md is stale: run `flask --app sdp procedure-doc`"
    )


@pytest.mark.parametrize(
    "locale, title",
    [
        ("en", "# The statelessness determination procedure of Peru (proposal)"),
        ("es", "# El procedimiento de determinación de la apatridia del Perú (propuesta)"),
        ("pt", "# O procedimento de determinação da apatridia do Peru (proposta)"),
    ],
)
def test_the_document_in_each_language_matches_the_definition(locale, title):
    name = FILES[locale]
    written = (PROJECT_ROOT / "docs" / name).read_text()
    assert written == in_every_language(DEFAULT_POLICY)[name], (
        f"docs/{name} is stale: run `flask --app sdp procedure-doc`"
    )
    assert written.startswith(title + "\n")
    for other in FILES.values():
        assert f"({other})" in written, "each language links to the others"


def test_every_string_of_the_document_is_in_the_catalogues():
    # A string the document passes to the translator but Babel never extracted would stay in
    # English in procedure.es.md and procedure.pt.md without any catalogue test noticing.
    with (PROJECT_ROOT / "sdp" / "translations" / "es" / "LC_MESSAGES" / "messages.po").open(
        "rb"
    ) as source:
        catalogued = {message.id for message in read_po(source) if message.id}
    asked: list[str] = []
    render(DEFAULT_POLICY, lambda text: asked.append(text) or text)
    missing = sorted(set(asked) - catalogued)
    assert asked and not missing, f"mark these with N_ or _ and run `make messages`: {missing[:5]}"


def test_the_spanish_document_cites_the_law_in_spanish():
    text = (PROJECT_ROOT / "docs" / FILES["es"]).read_text()
    assert (
        "Manual del ACNUR (2014), párrs. 68-71" in text
        and "Constitución Política del Perú, art. 52" in text
    )
    assert "6 meses" in text and "15 días hábiles" in text
    assert "UNHCR Handbook" not in text and "working days" not in text


@pytest.mark.parametrize("imported_first", ["sdp.documents", "sdp.births", "sdp.review"])
def test_the_document_is_the_same_whichever_feature_is_imported_first(imported_first):
    # a fresh interpreter: in this one every feature is imported already
    program = (
        f"import {imported_first}\n"
        "from sdp.domain.policy import DEFAULT_POLICY\n"
        "from sdp.review.procedure_doc import render\n"
        "print(render(DEFAULT_POLICY), end='')"
    )
    written = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT_ROOT,
    ).stdout
    assert written == (PROJECT_ROOT / "docs" / "procedure.md").read_text()
    assert "## Birth registration" in written and "## Documents and their verification" in written


def test_the_document_names_every_action_with_its_legal_basis():
    text = render(DEFAULT_POLICY)
    for action in procedure.ACTIONS:
        assert f"(`{action.name}`)" in text
        for basis in action.legal_basis:
            assert basis in text


def test_procedure_endpoint_is_open_and_generated_from_the_definition(client):
    response = client.get("/api/v1/procedure")
    assert response.status_code == 200
    assert response.json["actions"] == procedure.as_dict()["actions"]
    assert {s["name"] for s in response.json["time_limits"]} >= {
        "appeal_window_working_days",
        "decision_due_months",
    }


def test_changed_policy_shows_in_the_procedure_endpoint(app, client):
    from dataclasses import replace

    original = app.config["POLICY"]
    app.config["POLICY"] = replace(original, appeal_window_working_days=20)
    try:
        limits = {s["name"]: s for s in client.get("/api/v1/procedure").json["time_limits"]}
        assert limits["appeal_window_working_days"]["value"] == 20
        assert limits["appeal_window_working_days"]["default"] == 15
    finally:
        app.config["POLICY"] = original


def test_the_birth_section_names_the_roles_the_procedure_lets_register_a_birth():
    """The section's words (sdp/births/procedure_section.py) must say what OTHER_ACTS enforces."""
    section = render(DEFAULT_POLICY).split("## Birth registration", 1)[1].split("\n## ", 1)[0]
    registering = procedure.OTHER_ACTS_BY_NAME["register_birth"].roles
    assert {role.value for role in registering} == {"registrar"}
    assert "A registrar (`registrar`) registers the birth" in section
