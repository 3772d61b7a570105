"""Dates as GOV.UK date inputs in Chromium (issue 13, point 3): three inputs per date at desktop
and at 390 px, an error naming the wrong part and linking to it, only that part highlighted, the
form back as typed, axe clean, no sideways scrolling, and no JavaScript needed."""

from datetime import timedelta

import pytest

from sdp import clock

from .conftest import fill_date, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.same_on_every_database]

TODAY = clock.today()


def _scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def _highlighted(page, field: str) -> list[str]:
    return [
        part
        for part in ("day", "month", "year")
        if "govuk-input--error" in (page.get_attribute(f"#{field}-{part}", "class") or "")
    ]


def _intake_missing_a_month(page) -> None:
    page.goto("/cases/new")
    assert page.locator("input[type=date]").count() == 0  # never the browser's own picker
    for part, width in (("day", "2"), ("month", "2"), ("year", "4")):
        field = page.locator(f"#applicant-date_of_birth-{part}")
        assert field.get_attribute("inputmode") == "numeric"
        assert f"govuk-input--width-{width}" in field.get_attribute("class")
        assert field.get_attribute("autocomplete") == f"bday-{part}"
    page.fill("#applicant-given_names", "Wilmer Antonio")
    page.fill("#applicant-family_names", "Rojas Pérez")
    page.check("#applicant-sex")
    page.fill("#applicant-date_of_birth-day", "27")
    page.fill("#applicant-date_of_birth-year", "1988")
    page.select_option("#applicant-birth_country", "VE")
    page.locator("button.govuk-button[name=register]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("width", [1100, 390])
def test_a_date_missing_its_month_names_the_month_and_links_to_it(
    page, check_page, make_user, width
):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, make_user("intake_officer"))
    _intake_missing_a_month(page)
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    link = summary.locator("a[href='#applicant-date_of_birth-month']")
    assert "debe incluir un mes" in link.inner_text()  # Spanish, the default language
    assert _highlighted(page, "applicant-date_of_birth") == ["month"]
    assert page.input_value("#applicant-date_of_birth-day") == "27"
    assert page.input_value("#applicant-date_of_birth-year") == "1988"
    assert page.input_value("#applicant-given_names") == "Wilmer Antonio"
    check_page(page, f"intake-date-error-{width}")
    assert _scroll_width(page) <= max(width, 390)
    link.click()
    assert page.evaluate("document.activeElement.id") == "applicant-date_of_birth-month"
    page.fill("#applicant-date_of_birth-month", "2")
    page.locator("button.govuk-button[name=register]").click()
    page.wait_for_load_state()
    assert "/cases/new" not in page.url, page.locator(".govuk-error-summary").inner_text()


def test_a_date_works_with_javascript_disabled(page_without_javascript, make_user, check_page):
    page = page_without_javascript
    sign_in(page, make_user("intake_officer"))
    _intake_missing_a_month(page)
    assert page.locator("#applicant-date_of_birth-error").is_visible()
    assert _highlighted(page, "applicant-date_of_birth") == ["month"]
    assert _scroll_width(page) <= 390
    check_page(page, "intake-no-javascript")


@pytest.mark.parametrize("width", [1100, 390])
def test_a_birth_registered_in_the_future_highlights_the_whole_date(
    page, check_page, make_user, width
):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, make_user("registrar"))
    page.goto("/births/new")
    assert page.locator("input[type=date]").count() == 0
    page.fill("#child-given_names", "Valentina")
    page.fill("#child-family_names", "Mendoza Rivas")
    fill_date(page, "#child-date_of_birth", TODAY + timedelta(days=2))
    page.fill("#declarant_name", "Daniela Rivas")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary a[href='#child-date_of_birth-day']").is_visible()
    assert _highlighted(page, "child-date_of_birth") == ["day", "month", "year"]
    assert page.input_value("#child-date_of_birth-year") == str((TODAY + timedelta(days=2)).year)
    check_page(page, f"birth-date-error-{width}")
    assert _scroll_width(page) <= max(width, 390)


@pytest.mark.parametrize("width", [1100, 390])
def test_the_statistics_period_is_two_date_inputs(page, check_page, make_user, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, make_user("reviewer"))
    page.goto("/review/statistics")
    assert page.locator("input[type=date]").count() == 0
    page.fill("#from-day", "30")
    page.fill("#from-month", "2")
    page.fill("#from-year", str(TODAY.year))
    page.locator("main form.review-period button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary a[href='#from-day']").is_visible()
    assert _highlighted(page, "from") == ["day"] and _highlighted(page, "to") == []
    assert page.input_value("#from-month") == "2"
    check_page(page, f"statistics-period-error-{width}")
    assert _scroll_width(page) <= max(width, 390)


def test_the_authority_of_an_ex_officio_case_is_its_own_page_without_javascript(
    page_without_javascript, make_user, check_page
):
    page = page_without_javascript
    sign_in(page, make_user("intake_officer"))
    page.goto("/cases/new")
    assert page.locator("#referring_authority").count() == 0  # not asked yet
    page.check("input[name=route][value=ex_officio]")
    page.fill("#applicant-given_names", "Wilmer Antonio")
    page.fill("#applicant-family_names", "Rojas Pérez")
    page.check("#applicant-sex")
    fill_date(page, "#applicant-date_of_birth", "1988-02-27")
    page.select_option("#applicant-birth_country", "VE")
    page.locator("button.govuk-button[name=register]").click()
    page.wait_for_load_state()
    assert page.locator("form#follow-up #referring_authority").is_visible()
    check_page(page, "authority-question")
    assert _scroll_width(page) <= 390
    page.fill("#referring_authority", "Defensoría del Pueblo")
    page.locator("button[name=_back]").click()  # back: the first page, as it was
    page.wait_for_load_state()
    assert page.input_value("#applicant-given_names") == "Wilmer Antonio"
    assert page.is_checked("input[name=route][value=ex_officio]")
    # Answered already (kept, hidden, on the first page): registered at once.
    page.locator("button.govuk-button[name=register]").click()
    page.wait_for_load_state()
    assert "/cases/new" not in page.url
