"""Birth registration numbers (``sdp.domain.birth_registration``): unique, never reused.

One counter row per year (``sdp.counters``), incremented in the registering transaction. A
number is only ever seen once its registration is committed, and registrations are never
deleted, so no number is ever given to a second child.
"""

from ..counters import next_value
from ..domain.birth_registration import format_registration_number
from .models import BirthNumberCounter


def next_registration_number(year: int) -> str:
    return format_registration_number(year, next_value(BirthNumberCounter, year))
