"""A date typed as day, month and year (GOV.UK "date input"): what is a date, and which part is
wrong when it is not (``sdp.domain.dates.parse_date_parts``, pure Python)."""

from datetime import date

import pytest

from sdp.domain.dates import PartsFault, parse_date_parts


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("27", "3", "2007"), date(2007, 3, 27)),
        (("07", "03", "2007"), date(2007, 3, 7)),  # leading zeros
        ((" 7 ", "\t3", "2007 "), date(2007, 3, 7)),  # spaces around a part
        (("29", "2", "2024"), date(2024, 2, 29)),  # a leap day
        (("0031", "012", "1990"), date(1990, 12, 31)),
    ],
)
def test_a_real_date_is_read(parts, expected):
    assert parse_date_parts(*parts) == (expected, None, ())


@pytest.mark.parametrize(
    ("parts", "missing"),
    [
        (("", "3", "2007"), ("day",)),
        (("27", "", "2007"), ("month",)),
        (("27", "3", ""), ("year",)),
        (("", "", "2007"), ("day", "month")),
        (("", "3", ""), ("day", "year")),
        (("27", " ", None), ("month", "year")),
    ],
)
def test_each_part_left_empty_is_named(parts, missing):
    assert parse_date_parts(*parts) == (None, PartsFault.MISSING, missing)


def test_nothing_typed_is_empty_not_missing():
    assert parse_date_parts("", " ", None)[1] == PartsFault.EMPTY


@pytest.mark.parametrize(
    ("parts", "wrong"),
    [
        (("x", "3", "2007"), ("day",)),
        (("27", "marzo", "2007"), ("month",)),
        (("27", "3", "20o7"), ("year",)),
        (("2 7", "3", "2007"), ("day",)),
        (("-1", "3", "2007"), ("day",)),
        (("27", "3.0", "2007"), ("month",)),
        (("٢٧", "3", "2007"), ("day",)),  # Arabic-Indic digits: isdigit() but not 0-9
        (("²", "3", "2007"), ("day",)),
        (("1" * 30, "3", "2007"), ("day",)),  # no int() of a long string
        (("a", "b", "2007"), ("day", "month")),
    ],
)
def test_a_part_that_is_not_a_number_is_named(parts, wrong):
    assert parse_date_parts(*parts) == (None, PartsFault.NOT_A_NUMBER, wrong)


@pytest.mark.parametrize("year", ["07", "207", "20070", "0"])
def test_a_year_of_other_than_four_digits_is_refused(year):
    assert parse_date_parts("27", "3", year) == (None, PartsFault.YEAR_DIGITS, ("year",))


@pytest.mark.parametrize(
    ("parts", "wrong"),
    [
        (("30", "2", "2007"), ("day",)),  # 30 February
        (("29", "2", "2023"), ("day",)),  # not a leap year
        (("31", "4", "2007"), ("day",)),
        (("0", "4", "2007"), ("day",)),
        (("32", "1", "2007"), ("day",)),
        (("27", "13", "2007"), ("month",)),
        (("27", "0", "2007"), ("month",)),
        (("27", "3", "0000"), ("year",)),
    ],
)
def test_an_impossible_date_names_the_wrong_part(parts, wrong):
    assert parse_date_parts(*parts) == (None, PartsFault.NOT_REAL, wrong)
