"""The one date field of every web form (``sdp.forms.DateInputField``) and its macro: day, month
and year, an error per part, only the wrong parts highlighted, what was typed kept."""

import re
from datetime import date, timedelta

import pytest
from flask import render_template_string
from werkzeug.datastructures import MultiDict

from sdp import clock
from sdp.domain.dates import earliest_birth
from sdp.forms import DateInputField, GuardedSubForm, earliest_date_of_birth, pilot_start

TODAY = clock.today()


class BirthForm(GuardedSubForm):
    born = DateInputField(
        "Date of birth",
        subject="The date of birth",
        required_message="Enter the date of birth.",
        earliest=earliest_date_of_birth,
        birth=True,
    )


class EventForm(GuardedSubForm):
    on = DateInputField("Registered on", subject="The date", optional=True, earliest=pilot_start)


def typed(day="", month="", year="", name="born") -> MultiDict:
    return MultiDict({f"{name}-day": day, f"{name}-month": month, f"{name}-year": year})


def check(form_class, formdata):
    form = form_class(formdata)
    ok = form.validate()
    return form, ok


@pytest.fixture
def en(app):
    with app.test_request_context("/?lang=en"):
        yield


def test_a_real_date_is_the_fields_data(en):
    form, ok = check(BirthForm, typed(" 07", "03 ", "1990"))
    assert ok and form.born.data == date(1990, 3, 7) and form.born.errors == []


@pytest.mark.parametrize(
    ("parts", "message", "wrong"),
    [
        (("", "3", "1990"), "The date of birth must include a day", ("day",)),
        (("7", "", "1990"), "The date of birth must include a month", ("month",)),
        (("7", "3", ""), "The date of birth must include a year", ("year",)),
        (("", "", "1990"), "The date of birth must include a day and month", ("day", "month")),
        (("", "3", ""), "The date of birth must include a day and year", ("day", "year")),
        (("7", "", ""), "The date of birth must include a month and year", ("month", "year")),
    ],
)
def test_each_missing_part_is_named_and_linked(en, parts, message, wrong):
    form, ok = check(BirthForm, typed(*parts))
    assert not ok and form.born.errors == [message]
    assert form.born.wrong_parts == wrong
    assert form.born.error_id == f"born-{wrong[0]}"  # the summary links to the first wrong part
    assert [part for part in ("day", "month", "year") if form.born.highlighted(part)] == list(wrong)


def test_nothing_typed_asks_for_the_date_unless_optional(en):
    form, ok = check(BirthForm, typed())
    assert not ok and form.born.errors == ["Enter the date of birth."]
    assert form.born.error_id == "born-day"
    form, ok = check(EventForm, typed(name="on"))
    assert ok and form.on.data is None


@pytest.mark.parametrize(
    ("parts", "wrong"),
    [
        (("30", "2", "2007"), "day"),
        (("x", "3", "2007"), "day"),
        (("7", "13", "2007"), "month"),
        (("7", "marzo", "2007"), "month"),
    ],
)
def test_an_impossible_or_non_numeric_date_must_be_a_real_date(en, parts, wrong):
    form, ok = check(BirthForm, typed(*parts))
    assert not ok and form.born.errors == ["The date of birth must be a real date"]
    assert form.born.wrong_parts == (wrong,) and form.born.error_id == f"born-{wrong}"


def test_a_two_digit_year_is_refused_on_the_year(en):
    form, ok = check(BirthForm, typed("7", "3", "90"))
    assert not ok and form.born.errors == ["The year must include 4 numbers"]
    assert form.born.error_id == "born-year"


def test_a_date_after_today_highlights_the_whole_date(en):
    tomorrow = TODAY + timedelta(days=1)
    form, ok = check(BirthForm, typed(str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)))
    assert not ok and form.born.errors == ["The date of birth must be today or in the past"]
    assert all(form.born.highlighted(part) for part in ("day", "month", "year"))
    today = check(BirthForm, typed(str(TODAY.day), str(TODAY.month), str(TODAY.year)))
    assert today[1]


def test_the_bounds_of_the_domain_are_the_fields(app, en):
    first = earliest_birth(TODAY)
    too_old = first - timedelta(days=1)
    form, ok = check(BirthForm, typed(str(too_old.day), str(too_old.month), str(too_old.year)))
    assert not ok and form.born.errors[0].startswith("The date of birth must be on or after ")
    assert str(first.year) in form.born.errors[0]
    assert check(BirthForm, typed(str(first.day), str(first.month), str(first.year)))[1]
    start = app.config["POLICY"].pilot_start
    before = start - timedelta(days=1)
    form, ok = check(
        EventForm, typed(str(before.day), str(before.month), str(before.year), name="on")
    )
    assert not ok and "must be on or after" in form.on.errors[0]
    assert check(EventForm, typed(str(start.day), str(start.month), str(start.year), name="on"))[1]


def test_an_iso_date_under_the_bare_name_is_read(en):
    form, ok = check(BirthForm, MultiDict({"born": "1990-03-07"}))
    assert ok and form.born.data == date(1990, 3, 7)
    assert form.born.parts == {"day": "7", "month": "3", "year": "1990"}
    form, ok = check(BirthForm, MultiDict({"born": "1990-02-30"}))
    assert not ok and form.born.errors == ["The date of birth must be a real date"]


def test_the_macro_renders_a_gov_uk_date_input_filled_with_what_was_typed(en):
    form, _ = check(BirthForm, typed(" 7", "", "1990"))
    html = render_template_string(
        '{% import "macros/forms.html" as f with context %}{{ f.date(form.born) }}', form=form
    )
    assert html.count('type="text" inputmode="numeric"') == 3 and 'type="date"' not in html
    assert '<fieldset class="govuk-fieldset" role="group"' in html
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Date of birth' in html
    assert "For example, 27 3 2007" in html
    for part, width in (("day", 2), ("month", 2), ("year", 4)):
        tag = re.search(rf'<input [^>]*id="born-{part}"[^>]*>', html).group(0)
        assert f'name="born-{part}"' in tag and f"govuk-input--width-{width}" in tag
        assert f'autocomplete="bday-{part}"' in tag
        # Only the month, the part left empty, is highlighted.
        assert ("govuk-input--error" in tag) == (part == "month"), tag
    assert 'value=" 7"' in html and 'value="1990"' in html
    assert 'id="born-error"' in html and "must include a month" in html


def test_a_date_that_is_not_of_birth_does_not_offer_the_users_own(en):
    form, _ = check(EventForm, typed("1", "1", "2026", name="on"))
    html = render_template_string(
        '{% import "macros/forms.html" as f with context %}{{ f.date(form.on) }}', form=form
    )
    assert "bday" not in html and html.count('autocomplete="off"') == 3


def test_the_messages_are_in_the_pages_language(app):
    with app.test_request_context("/?lang=es"):
        from flask_babel import lazy_gettext

        class Spanish(GuardedSubForm):
            born = DateInputField(
                lazy_gettext("Date of birth"), subject=lazy_gettext("The date of birth")
            )

        form, ok = check(Spanish, typed("27", "", "2007"))
        assert form.born.errors == ["La fecha de nacimiento debe incluir un mes"]
