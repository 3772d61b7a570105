"""The whole procedure in a real browser, as the pilot staff do it, in Spanish and in English."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from sdp import clock

from .conftest import fill_date, sign_in, sign_out

pytestmark = pytest.mark.browser

TODAY = clock.today()


def choose_language(page, lang: str) -> None:
    if lang != "es":
        page.locator(f".govuk-language-navigation a[lang={lang}]").click()
        page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == lang


def submit(page, form_id: str) -> None:
    page.locator(f"#{form_id} button[type=submit]").click()
    page.wait_for_load_state()


def open_action(page, name: str) -> None:
    """From the case overview, the action's own page (a step of the task list, or another
    action)."""
    page.locator(f"#action-{name}").click()
    page.wait_for_load_state()
    assert page.locator(".govuk-back-link").count() == 1


def walk_the_procedure(page, check_page, office, lang: str, texts: dict) -> str:
    # 1. The intake officer registers a family: the applicant and her daughter.
    sign_in(page, office["intake"])
    choose_language(page, lang)
    check_page(page, "home-intake")
    page.goto("/cases/new")
    check_page(page, "intake-empty")
    page.fill("#applicant-given_names", "María José")
    page.fill("#applicant-family_names", "Pérez Gómez")
    page.check("#applicant-sex")  # the first choice: female
    fill_date(page, "#applicant-date_of_birth", "1990-04-12")
    page.select_option("#applicant-birth_country", "VE")
    page.fill("#applicant-birth_locality", "Maracaibo")
    page.check("input[name=applicant-languages][value=es]")  # chosen by name: Español / Spanish
    page.locator("button[name=add_dependant]").click()
    page.wait_for_load_state()
    page.fill("#dependants-0-given_names", "Sofía")
    page.fill("#dependants-0-family_names", "Pérez Gómez")
    page.select_option("#dependants-0-relationship", "child")
    page.check("#dependants-0-sex")
    fill_date(page, "#dependants-0-date_of_birth", (TODAY - timedelta(days=700)).isoformat())
    page.select_option("#dependants-0-birth_country", "PE")
    check_page(page, "intake-filled")
    page.locator("button.govuk-button[name=register]").click()
    page.wait_for_load_state()
    assert "/cases/" in page.url and "/new" not in page.url
    case_url = urlsplit(page.url).path
    assert page.locator("h1").inner_text() == "María José Pérez Gómez"
    assert "Sofía Pérez Gómez" in page.locator("#persons").evaluate(
        "h => h.nextElementSibling.innerText"
    )
    check_page(page, "case-registered")
    sign_out(page)

    # 2. The supervisor assigns it to a case officer.
    sign_in(page, office["supervisor"])
    assert page.locator("#unassigned").count() == 1
    check_page(page, "home-supervisor")
    page.goto(case_url)
    open_action(page, "assign")
    page.select_option("#assign-case_officer", office["officer"].email)
    submit(page, "form-assign")
    assert office["officer"].name in page.locator("#case-header").inner_text()
    sign_out(page)

    # 3. The case officer examines: a relevant State, an inquiry, an interview, a finding, a
    # recommendation.
    sign_in(page, office["officer"])
    check_page(page, "home-case-officer")
    page.goto(case_url)
    assert (
        page.locator("#next-step-link").inner_text()
        == page.locator("#action-add_relevant_state").inner_text()
    )
    check_page(page, "case-overview-officer")
    page.set_viewport_size({"width": 390, "height": 800})
    check_page(page, "case-overview-officer-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1100, "height": 900})
    open_action(page, "add_relevant_state")
    check_page(page, "action-page")
    page.select_option("#add_relevant_state-country", "CO")
    page.check("#add_relevant_state-links")  # birth
    page.check("#form-add_relevant_state input[value=habitual_residence]")
    submit(page, "form-add_relevant_state")
    open_action(page, "send_inquiry")
    page.select_option("#send_inquiry-country", "CO")
    page.fill("#send_inquiry-authority", "Registraduría Nacional del Estado Civil")
    fill_date(page, "#send_inquiry-consent_on", TODAY.isoformat())
    fill_date(page, "#send_inquiry-sent_on", TODAY.isoformat())
    submit(page, "form-send_inquiry")
    assert page.locator("#inquiries-table").count() == 1
    open_action(page, "record_interview")
    page.select_option("#record_interview-interpreter_language", "es")
    page.fill(
        "#record_interview-summary", "La solicitante explicó su historia; el acta se leyó y firmó."
    )
    submit(page, "form-record_interview")
    open_action(page, "record_finding")
    finding_form = page.locator("form[id^=form-record_finding-]")
    finding_form.locator("input[value=not_national]").check()
    finding_form.locator("textarea").fill(
        "Colombia no la registró al nacer; la Registraduría no tiene registro."
    )
    finding_form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    check_page(page, "case-examined")
    # Sofía was born in Lima: she is Peruvian, so she is referred to late birth registration, not
    # decided.
    open_action(page, "refer")
    page.select_option(
        "#refer-person_id", index=1
    )  # the persons by name: the applicant, then Sofía
    assert (
        page.locator("#refer-person_id option:checked").inner_text().startswith("Sofía Pérez Gómez")
    )
    page.check("#refer-referral_target")  # late birth registration
    page.fill("#refer-reasons", "Nacida en Lima, nunca inscrita.")
    submit(page, "form-refer")
    assert "Sofía Pérez Gómez" in page.locator("#persons-standing").inner_text()
    open_action(page, "recommend")
    page.check("#recommend-outcome")  # recognized
    page.fill("#recommend-reasons", "Ningún Estado la considera nacional.")
    submit(page, "form-recommend")
    assert page.locator("#action-recommend").count() == 0
    sign_out(page)

    # 4. A decision-maker who did not examine the case recognises her.
    sign_in(page, office["decider"])
    check_page(page, "home-decision-maker")
    page.goto(case_url)
    open_action(page, "decide")
    assert "Colombia" in page.locator("#decision-findings").inner_text()
    page.check("#decide-outcome")  # recognized
    page.fill("#decide-reasons", "Apatridia establecida en grado razonable.")
    page.select_option("#decide-notification_language", "es")
    submit(page, "form-decide")
    check_page(page, "decision-check-answers")
    page.locator("button[name=confirm]").click()
    page.wait_for_load_state()

    # 5. The case page shows every step.
    body = page.locator("main").inner_text()
    for expected in (
        "Colombia",
        "Registraduría Nacional del Estado Civil",
        "el acta se leyó y firmó",
        "Ningún Estado la considera nacional.",
        "Apatridia establecida en grado razonable.",
        "Colombia no la registró al nacer",
    ):
        assert expected in body, expected
    assert texts["recognized"] in page.locator("main p .govuk-tag").first.inner_text()
    timeline = page.locator(".sdp-timeline").inner_text()
    for title in texts["timeline"]:
        assert title in timeline, title
    assert page.locator("#action-decide").count() == 0
    check_page(page, "case-recognized")
    page.set_viewport_size({"width": 375, "height": 800})
    check_page(page, "case-recognized-phone")
    return case_url


def test_the_whole_procedure_in_spanish(page, check_page, office):
    walk_the_procedure(
        page,
        check_page,
        office,
        "es",
        {
            "recognized": "Reconocido como apátrida",
            "timeline": [
                "Registrar una solicitud",
                "Asignar un oficial de caso",
                "Añadir un Estado pertinente",
                "Enviar una consulta a un Estado",
                "Registrar una entrevista",
                "Registrar una determinación sobre un Estado",
                "Recomendar un resultado",
                "Decidir",
            ],
        },
    )


# The same steps as the Spanish walk, on the same database work: what this one checks is the
# pages' language, which the database does not change (CI's PostgreSQL suite leaves it to the
# SQLite suite, as pyproject.toml's markers say).
@pytest.mark.same_on_every_database
def test_the_whole_procedure_in_english(page, check_page, office):
    walk_the_procedure(
        page,
        check_page,
        office,
        "en",
        {
            "recognized": "Recognized as stateless",
            "timeline": [
                "Register an application",
                "Assign a case officer",
                "Add a relevant State",
                "Send an inquiry to a State",
                "Record an interview",
                "Record a finding on a State",
                "Recommend an outcome",
                "Decide",
            ],
        },
    )
