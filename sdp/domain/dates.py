"""Every date bounded by the facts (issue 15): one place for the lower and upper bounds of the
dates people type, so a newcomer finds them in one step.

An attacker registered a case on 0001-01-01; the statistics then spanned 2,025 years of months
(a 12 MB page). No fact of this procedure can be dated like that:

- a registration (of an application or a birth) happens during the pilot: not before its first
  day (the policy setting ``pilot_start``), and not before the birth of anyone it registers;
- every event of a case (evidence, inquiry, interview, decision, appeal, proceeding)
  happens on or after the case's registration;
- a date of birth is in the past and within a human lifetime (``OLDEST_AGE_YEARS``);
- "no date after today where the past is meant" is the API's ``PastDate`` and the forms'
  ``not_in_future``; the services check it again for registrations, which default to today.

The services call these before changing anything and the errors name the field (422 in the API,
beside the field on a page).
"""

from collections.abc import Iterable
from datetime import date

from .procedure import InvalidField
from .vocabulary import N_

# Nobody alive was born before this many years ago (the oldest verified person lived to 122).
OLDEST_AGE_YEARS = 130


def earliest_birth(today: date) -> date:
    return date(today.year - OLDEST_AGE_YEARS, 1, 1)


def check_date_of_birth(field: str, born: date, today: date) -> None:
    if born > today:
        raise InvalidField(field, N_("The date of birth may not be in the future."))
    if born < earliest_birth(today):
        raise InvalidField(
            field,
            N_("The date of birth may not be before %(date)s."),
            date=earliest_birth(today).isoformat(),
        )


def check_registration(
    registered_on: date, *, today: date, pilot_start: date, births: Iterable[tuple[str, date]] = ()
) -> None:
    """A registration date: not in the future, not before the pilot's first day, and not before
    the birth of anyone registered (``births``: the field of each date of birth, and the date)."""
    if registered_on > today:
        raise InvalidField("registered_on", N_("The registration date may not be in the future."))
    if registered_on < pilot_start:
        raise InvalidField(
            "registered_on",
            N_("The registration date may not be before the pilot started, on %(date)s."),
            date=pilot_start.isoformat(),
        )
    for field, born in births:
        check_date_of_birth(field, born, today)
        if born > registered_on:
            raise InvalidField(
                field, N_("The date of birth may not be after the registration date.")
            )


def check_case_event(field: str, day: date, registered_on: date) -> None:
    """An event of a case (evidence received, inquiry sent, interview, decision notified,
    appeal lodged, proceeding notified) happens on or after the case's registration."""
    if day < registered_on:
        raise InvalidField(
            field,
            N_("This date may not be before the case was registered, on %(date)s."),
            date=registered_on.isoformat(),
        )


# --- A date typed as three parts (GOV.UK "date input"): day, month, year ----------------------

DATE_PARTS = ("day", "month", "year")
# More digits than this is no date at all (and int() of a long string is work for nothing).
_MAX_PART_LENGTH = 8


class PartsFault:
    """Why three typed parts are not a date (the form says it in words)."""

    EMPTY = "empty"  # nothing typed in any part
    MISSING = "missing"  # some parts left empty (``wrong`` names them)
    NOT_A_NUMBER = "not_a_number"  # a part that is not digits
    YEAR_DIGITS = "year_digits"  # a year of other than 4 digits
    NOT_REAL = "not_real"  # numbers, but no such day (30 February, month 13)


def parse_date_parts(
    day: str | None, month: str | None, year: str | None
) -> tuple[date | None, str | None, tuple[str, ...]]:
    """``(date, None, ())`` for a real date; else ``(None, fault, wrong parts)``.

    Spaces around a part are ignored and leading zeros allowed ("07"); only the digits 0-9 count
    (not "٣" nor "³", which ``str.isdigit`` would take)."""
    typed = {
        "day": (day or "").strip(),
        "month": (month or "").strip(),
        "year": (year or "").strip(),
    }
    missing = tuple(part for part in DATE_PARTS if not typed[part])
    if len(missing) == len(DATE_PARTS):
        return None, PartsFault.EMPTY, DATE_PARTS
    if missing:
        return None, PartsFault.MISSING, missing
    not_numbers = tuple(
        part
        for part in DATE_PARTS
        if len(typed[part]) > _MAX_PART_LENGTH
        or not all("0" <= character <= "9" for character in typed[part])
    )
    if not_numbers:
        return None, PartsFault.NOT_A_NUMBER, not_numbers
    if len(typed["year"]) != 4:
        return None, PartsFault.YEAR_DIGITS, ("year",)
    numbers = {part: int(text) for part, text in typed.items()}
    if numbers["year"] < 1:
        return None, PartsFault.NOT_REAL, ("year",)
    if not 1 <= numbers["month"] <= 12:
        return None, PartsFault.NOT_REAL, ("month",)
    try:
        return date(numbers["year"], numbers["month"], numbers["day"]), None, ()
    except ValueError:  # day 0, 32, or 30 February: the day is what is wrong
        return None, PartsFault.NOT_REAL, ("day",)
