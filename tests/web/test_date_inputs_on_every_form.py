"""Every form that takes a date asks it as day, month and year: an error names the wrong part,
the summary links to it, and the form comes back as it was typed (issue 13, point 3). Also the
follow-up question of a decision (the exclusion ground), shown with the outcome on the check page.
"""

import re
from datetime import timedelta

import pytest
from werkzeug.datastructures import MultiDict

from sdp import clock
from sdp.cases.views import ACTION_PAGES
from sdp.forms import DateInputField
from tests.births.test_births_web import form as birth_form
from tests.cases.helpers import Office

from .conftest import date_fields, text_of
from .test_case_page import action_path, application, assigned_case
from .test_intake import applicant_fields, count_cases

TODAY = clock.today()


@pytest.fixture
def office(api_as):
    return Office(api_as)


def _date_fields_of(form_class) -> list[str]:
    return [
        name
        for name, unbound in vars(form_class).items()
        if getattr(unbound, "field_class", None) is DateInputField
    ] + [
        name
        for base in form_class.__mro__[1:]
        for name, unbound in vars(base).items()
        if getattr(unbound, "field_class", None) is DateInputField
    ]


ACTION_DATES = sorted(
    {
        (action, field)
        for action, page in ACTION_PAGES.items()
        for field in _date_fields_of(page.form)
    }
)


def test_every_action_with_a_date_is_covered():
    # Every date of every case action: the test below runs on each of them.
    assert len(ACTION_DATES) >= 12, ACTION_DATES
    assert ("record_interview", "held_on") in ACTION_DATES
    assert ("decide", "notified_on") in ACTION_DATES


@pytest.mark.parametrize(("action", "field"), ACTION_DATES)
def test_each_actions_date_names_the_missing_part_and_keeps_what_was_typed(app, action, field):
    with app.test_request_context("/?lang=en", method="POST"):
        prefix = action
        data = MultiDict(
            {
                f"{prefix}-{field}-day": "27",
                f"{prefix}-{field}-month": "",
                f"{prefix}-{field}-year": "2025",
            }
        )
        form = ACTION_PAGES[action].form(formdata=data, prefix=prefix, meta={"csrf": False})
        if hasattr(form, "set_kind"):  # the decision on a proceeding: its choices by its kind
            form.set_kind("cessation")
        form.validate()
        date_field = getattr(form, field)
        assert any("must include a month" in error for error in date_field.errors), (
            date_field.errors
        )
        assert date_field.error_id == f"{prefix}-{field}-month"
        assert date_field.parts == {"day": "27", "month": "", "year": "2025"}


def test_an_interviews_impossible_date_comes_back_on_its_page(office, web_as):
    case = assigned_case(office)
    officer = web_as(office.officer.user)
    response = officer.post(
        action_path(case["id"], "record_interview"),
        data={
            "record_interview-held_on-day": "30",
            "record_interview-held_on-month": "2",
            "record_interview-held_on-year": str(TODAY.year),
            "record_interview-summary": "Read back and signed.",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#record_interview-held_on-day"' in html
    assert "The date of the interview must be a real date" in text_of(response)
    assert 'id="record_interview-held_on-day"' in html and 'value="30"' in html
    day = re.search(r'<input [^>]*id="record_interview-held_on-day"[^>]*>', html).group(0)
    month = re.search(r'<input [^>]*id="record_interview-held_on-month"[^>]*>', html).group(0)
    assert "govuk-input--error" in day and "govuk-input--error" not in month
    assert "Read back and signed." in html and application(case["id"]).interviews == []


def test_an_intake_date_of_birth_without_a_year(web_as):
    intake = web_as("intake_officer")
    data = applicant_fields(**{"applicant-date_of_birth-year": ""})
    response = intake.post("/cases/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and count_cases() == 0
    assert 'href="#applicant-date_of_birth-year"' in html
    assert "Applicant: The date of birth must include a year" in text_of(response)
    assert 'value="12"' in html and 'value="4"' in html  # the day and month as typed


def test_a_birth_date_in_the_future_and_a_two_digit_year(web_as):
    registrar = web_as("registrar")
    soon = TODAY + timedelta(days=5)
    data = birth_form(
        **{
            "child-date_of_birth": None,
            **date_fields("child-date_of_birth", soon),
            "mother-date_of_birth": None,
            "mother-date_of_birth-day": "18",
            "mother-date_of_birth-month": "6",
            "mother-date_of_birth-year": "93",
        }
    )
    response = registrar.post("/births/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#child-date_of_birth-day"' in html
    assert "The date of birth must be today or in the past" in text_of(response)
    assert 'href="#mother-date_of_birth-year"' in html
    assert "The year must include 4 numbers" in text_of(response)
    assert f'value="{soon.year}"' in html and 'value="93"' in html


def test_the_statistics_period_names_the_wrong_part(web_as):
    reviewer = web_as("reviewer")
    response = reviewer.get("/review/statistics?from-day=1&from-month=&from-year=2026&lang=en")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#from-month"' in html and "The start of the period must include a month" in html
    assert 'id="from-year"' in html and 'value="2026"' in html
    ok = reviewer.get(
        f"/review/statistics?from-day=1&from-month={TODAY.month}&from-year={TODAY.year}"
        "&to-day=&to-month=&to-year=&lang=en"
    )
    page = ok.get_data(as_text=True)
    assert ok.status_code == 200
    # The exports keep the period, as ISO dates.
    assert f"from={TODAY.replace(day=1).isoformat()}" in page


def test_a_decision_asks_the_exclusion_ground_on_its_own_page_and_checks_both(office, web_as):
    case = (
        office.pending_decision(recommendation="excluded") if False else office.pending_decision()
    )
    decider = web_as(office.decider.user)
    fields = {
        "decide-outcome": "excluded",
        "decide-reasons": "Art. 1(2)(ii).",
        **date_fields("decide-notified_on", TODAY),
        "decide-notification_language": "es",
    }
    first = decider.post(action_path(case["id"], "decide"), data=fields)
    html = first.get_data(as_text=True)
    assert first.status_code == 200 and 'id="follow-up"' in html
    assert 'id="decide-exclusion_ground"' in html
    ground = re.search(r'<option value="([a-z_]+)"', html.split('id="decide-exclusion_ground"')[1])
    check = decider.post(
        action_path(case["id"], "decide"),
        data={**fields, "_asked": "decide-exclusion_ground", "decide-exclusion_ground": ground[1]},
    )
    page = check.get_data(as_text=True)
    assert check.status_code == 200 and 'id="answers"' in page  # check your answers
    answers = page.split('id="answers"')[1].split("</dl>")[0]
    assert "Outcome" in answers and "Exclusion ground" in answers
    assert "Notified on" in answers
