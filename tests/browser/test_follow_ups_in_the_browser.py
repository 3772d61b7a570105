"""Conditional questions without JavaScript, at 390 px (issue 13, point 3): on the intake and on
the birth form, a question that follows an answer is its own page when it applies, its heading
naming the person (in Spanish, the default language), its error beside it; "Back" returns the form
with the question shown under the answer it follows. axe checks each page; none scrolls sideways.
"""

from datetime import timedelta

import pytest

from sdp import clock

from .conftest import fill_date, sign_in

pytestmark = pytest.mark.browser

TODAY = clock.today()


def _scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def _heading(page) -> str:
    return " ".join(page.locator("main h1").inner_text().split())


def _continue(page) -> None:
    page.locator("form#follow-up button.govuk-button").click()
    page.wait_for_load_state()


def test_the_intake_asks_each_conditional_question_on_its_own_page_without_javascript(
    page_without_javascript, make_user, check_page
):
    page = page_without_javascript
    sign_in(page, make_user("intake_officer"))
    page.goto("/cases/new")
    for hidden in ("asylum_country", "guardian", "detention_place", "detention_since-day"):
        assert page.locator(f"#applicant-{hidden}").count() == 0, hidden  # not asked yet
    page.fill("#applicant-given_names", "Wilmer Antonio")
    page.fill("#applicant-family_names", "Rojas Pérez")
    page.check("#applicant-sex")
    fill_date(page, "#applicant-date_of_birth", "1988-02-27")
    page.select_option("#applicant-birth_country", "VE")
    page.check("input[name=applicant-asylum_status][value=refugee]")
    page.check("input[name=applicant-detained][value=yes]")
    page.locator("button.govuk-button[name=register]").click()
    page.wait_for_load_state()

    # The claim's country: its own page, naming the applicant.
    assert page.locator("form#follow-up #applicant-asylum_country").is_visible()
    assert _heading(page) == "¿De qué país solicitó asilo Wilmer Antonio Rojas Pérez?"
    assert page.locator(".govuk-caption-l").inner_text() == "Registrar una solicitud"
    check_page(page, "intake-asylum-country")
    assert _scroll_width(page) <= 390
    _continue(page)  # nothing chosen: the error beside the field, on the same page
    assert page.locator("#applicant-asylum_country-error").is_visible()
    assert page.locator(".govuk-error-summary a[href='#applicant-asylum_country']").is_visible()
    check_page(page, "intake-asylum-country-error")
    assert _scroll_width(page) <= 390
    page.select_option("#applicant-asylum_country", "CO")
    _continue(page)

    assert _heading(page) == "¿Cuál es el lugar de detención de Wilmer Antonio Rojas Pérez?"
    page.fill("#applicant-detention_place", "Comisaría de Tumbes")
    _continue(page)
    assert _heading(page) == "¿Desde qué fecha dura la detención de Wilmer Antonio Rojas Pérez?"
    assert page.locator("#applicant-detention_since-day").is_visible()
    check_page(page, "intake-detained-since")
    assert _scroll_width(page) <= 390

    # Back: the first page as it was, each answer shown under the one it follows.
    page.locator("button[name=_back]").click()
    page.wait_for_load_state()
    assert page.input_value("#applicant-given_names") == "Wilmer Antonio"
    assert page.is_checked("input[name=applicant-detained][value=yes]")
    assert page.input_value("#applicant-asylum_country") == "CO"
    assert page.input_value("#applicant-detention_place") == "Comisaría de Tumbes"
    check_page(page, "intake-back-with-answers")
    assert _scroll_width(page) <= 390
    page.locator("button.govuk-button[name=register]").click()
    page.wait_for_load_state()
    assert _heading(page) == "¿Desde qué fecha dura la detención de Wilmer Antonio Rojas Pérez?"
    fill_date(page, "#applicant-detention_since", TODAY - timedelta(days=3))
    _continue(page)
    assert "/cases/new" not in page.url, page.locator("main").inner_text()[:1000]
    assert "Comisaría de Tumbes" in page.locator("main").inner_text()


def test_the_birth_form_asks_each_parents_conditional_question_on_its_own_page_without_javascript(
    page_without_javascript, make_user, check_page
):
    page = page_without_javascript
    sign_in(page, make_user("registrar"))
    page.goto("/births/new")
    for hidden in ("mother-nationality_basis", "father-asylum_country"):
        assert page.locator(f"#{hidden}").count() == 0, hidden  # not asked yet
    page.fill("#child-given_names", "Lucía")
    page.fill("#child-family_names", "Rojas Blanco")
    page.select_option("#child-sex", "F")
    fill_date(page, "#child-date_of_birth", TODAY - timedelta(days=12))
    page.select_option("#child-birth_country", "AR")  # born abroad: the basis decides
    page.fill("#child-birth_locality", "Buenos Aires")
    page.fill("#mother-given_names", "Rosa")
    page.fill("#mother-family_names", "Blanco Quispe")
    fill_date(page, "#mother-date_of_birth", "1990-02-11")
    page.select_option("#mother-birth_country", "PE")
    page.select_option("#mother-nationality", "PE")
    page.fill("#father-given_names", "Esteban")
    page.fill("#father-family_names", "Rojas Huanca")
    fill_date(page, "#father-date_of_birth", "1985-04-05")
    page.select_option("#father-birth_country", "VE")
    page.select_option("#father-nationality", "VE")
    page.select_option("#father-asylum_status", "asylum_seeker")
    page.fill("#declarant_name", "Rosa Blanco Quispe")
    page.locator("main form button.govuk-button[type=submit]").click()
    page.wait_for_load_state()

    assert page.locator("form#follow-up #mother-nationality_basis").is_visible()
    assert _heading(page) == "¿Por qué vía tiene Rosa Blanco Quispe la nacionalidad peruana?"
    assert page.locator(".govuk-caption-l").inner_text() == "Inscribir un nacimiento"
    check_page(page, "birth-nationality-basis")
    assert _scroll_width(page) <= 390
    _continue(page)  # unanswered, and the child was born abroad: the rule, beside the radios
    assert page.locator("#mother-nationality_basis-error").is_visible()
    assert page.locator(".govuk-error-summary a[href='#mother-nationality_basis']").is_visible()
    check_page(page, "birth-nationality-basis-error")
    assert _scroll_width(page) <= 390
    page.check("input[name=mother-nationality_basis][value=birth]")
    _continue(page)

    assert _heading(page) == "¿De qué país solicitó asilo Esteban Rojas Huanca?"
    check_page(page, "birth-father-asylum-country")
    assert _scroll_width(page) <= 390
    page.locator("button[name=_back]").click()  # back: the form, the basis under the nationality
    page.wait_for_load_state()
    assert page.is_checked("input[name=mother-nationality_basis][value=birth]")
    assert page.input_value("#father-asylum_country") == ""
    check_page(page, "birth-back-with-answers")
    assert _scroll_width(page) <= 390
    page.select_option("#father-asylum_country", "VE")  # answered here: not asked again
    page.locator("main form button.govuk-button[type=submit]").click()
    page.wait_for_load_state()
    assert "/births/NAC-" in page.url, page.locator("main").inner_text()[:1000]
