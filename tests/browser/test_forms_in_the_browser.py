"""Validation that keeps what was typed, a refused action, sign-in pages, lists: in Chromium,
checked by axe."""

from datetime import timedelta

import pytest

from sdp import clock
from tests.cases.helpers import Office, register

from .conftest import fill_date, sign_in

pytestmark = pytest.mark.browser

TODAY = clock.today()


def test_a_validation_error_keeps_what_was_typed(page, check_page, make_user):
    sign_in(page, make_user("intake_officer"))
    page.goto("/cases/new")
    page.fill("#applicant-given_names", "Wilmer Antonio")
    fill_date(
        page, "#applicant-date_of_birth", (TODAY + timedelta(days=10)).isoformat()
    )  # in the future
    page.select_option("#applicant-birth_country", "VE")
    page.check("#applicant-asylum_status-2")  # refugee, without the claim's country
    page.locator("button[name=add_dependant]").click()
    page.fill("#dependants-0-given_names", "Sofía")
    page.locator("button.govuk-button[name=register]").click()
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert summary.evaluate("node => document.activeElement === node")  # focus moves to the summary
    assert page.locator("#applicant-family_names-error").is_visible()
    assert page.locator("#applicant-date_of_birth-error").is_visible()
    # The claim's country follows the status: shown under it now, not an error of a question that
    # was not on the page (asked on its own page if left empty).
    assert page.locator("#applicant-asylum_country").is_visible()
    assert page.locator("#applicant-asylum_country-error").count() == 0
    assert page.locator("#dependants-0-family_names-error").is_visible()
    assert page.input_value("#applicant-given_names") == "Wilmer Antonio"
    assert page.input_value("#applicant-birth_country") == "VE"
    assert page.is_checked("#applicant-asylum_status-2")
    assert page.input_value("#dependants-0-given_names") == "Sofía"
    check_page(page, "intake-errors")
    summary.locator("a[href='#applicant-family_names']").click()
    assert page.evaluate("document.activeElement.id") == "applicant-family_names"
    page.set_viewport_size({"width": 375, "height": 800})
    check_page(page, "intake-errors-phone")


def test_a_forbidden_action_is_refused_with_a_message(
    browser, live_server, page, check_page, api_as
):
    """Two decision-makers open the same case (two pages); the second one's decision comes too
    late: refused as a lost update first, then by the procedure."""
    office = Office(api_as)
    case = office.pending_decision()
    second = api_as("decision_maker")
    sign_in(page, office.decider.user)
    page.goto(f"/cases/{case['id']}")
    page.locator("#next-step-link").click()  # the decision is the decision-maker's next step
    page.wait_for_load_state()
    other = browser.new_context(base_url=live_server.url()).new_page()
    sign_in(other, second.user)
    other.goto(f"/cases/{case['id']}/decide")
    page.check("#decide-outcome")
    page.fill("#decide-reasons", "Statelessness established.")
    page.locator("#form-decide button[type=submit]").click()
    page.wait_for_load_state()
    # Irreversible: the answers are checked first, and can be changed.
    assert "Statelessness established." in page.locator("#answers").inner_text()
    check_page(page, "decision-check-answers")
    page.locator("button[name=change][value=decide-reasons]").click()
    page.wait_for_load_state()
    assert page.input_value("#decide-reasons") == "Statelessness established."
    page.locator("#form-decide button[type=submit]").click()
    page.wait_for_load_state()
    page.locator("button[name=confirm]").click()
    page.wait_for_load_state()
    banner = page.locator(".govuk-notification-banner--success").inner_text()
    assert "Decisión registrada: se reconoce a" in banner and "como apátrida" in banner
    # The second decision-maker's page still shows the form, opened on the version before the
    # decision: their save is refused as a lost update (409), with the first decision shown (what,
    # who, when) and what they typed kept.
    other.check("#decide-outcome-1")
    other.fill("#decide-reasons", "Doubts remain.")
    other.locator("#form-decide button[type=submit]").click()
    other.wait_for_load_state()
    assert "Otra persona modificó este caso" in other.locator(".govuk-error-summary").inner_text()
    conflict = other.locator("#conflict").inner_text()
    assert "Qué cambió desde que abrió esta página" in conflict
    assert office.decider.user.email in conflict
    assert other.input_value("#decide-reasons") == "Doubts remain."
    assert other.is_checked("#decide-outcome-1")
    check_page(other, "decision-conflict")
    # Saved again, knowing the change: the procedure refuses it now, what they typed still there.
    other.locator("#form-decide button[type=submit]").click()
    other.wait_for_load_state()
    summary = other.locator(".govuk-error-summary").inner_text()
    assert (
        "Nadie en este caso está pendiente de decisión." in summary
    )  # everyone was decided a moment ago
    assert other.input_value("#decide-reasons") == "Doubts remain."
    check_page(other, "decision-refused")
    other.set_viewport_size({"width": 390, "height": 800})
    check_page(other, "decision-refused-phone")
    assert other.evaluate("document.documentElement.scrollWidth") <= 390
    other.context.close()


def test_sign_in_pages_and_lists_are_accessible(page, check_page, make_user, api_as):
    office = Office(api_as)
    register(office.intake)
    office.examined_case()
    page.goto("/sign-in")
    check_page(page, "sign-in")
    page.fill("#email", "nobody@test.sdp.pe")
    page.fill("#password", "wrong password")
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.input_value("#email") == "nobody@test.sdp.pe"
    check_page(page, "sign-in-refused")
    sign_in(page, office.supervisor.user)
    page.goto("/cases/?q=perez")
    check_page(page, "case-list")
    page.locator(".govuk-language-navigation a[lang=pt]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "pt"
    check_page(page, "case-list-pt")
    admin = make_user("admin")
    from sdp.auth.grants import propose_role
    from sdp.domain.vocabulary import Role
    from sdp.extensions import db

    grant = propose_role(
        make_user("admin").principal, make_user("reviewer", name="Rosa Huamán"), Role.SUPERVISOR
    )
    db.session.commit()  # the live server's requests run in their own transactions
    page.locator("header form button[type=submit]").click()
    sign_in(page, admin)
    assert page.url.endswith("/admin/users")
    check_page(page, "admin-users")
    page.goto(f"/admin/grants/{grant.id}")  # four eyes on access: check before approving
    assert page.locator("#grant-summary").is_visible()
    check_page(page, "admin-grant")


def test_a_case_that_is_not_yours_says_so_and_what_would_open_it(page, check_page, api_as):
    office = Office(api_as)
    case = office.examined_case()
    sign_in(page, api_as("case_officer").user)
    response = page.goto(f"/cases/{case['id']}")
    assert response.status == 403
    assert page.locator("h1").inner_text() == "No tiene acceso a este caso"
    assert "Un supervisor puede asignárselo." in page.locator("main").inner_text()
    assert "500" not in page.title()
    check_page(page, "case-403")
    page.set_viewport_size({"width": 390, "height": 800})
    check_page(page, "case-403-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
