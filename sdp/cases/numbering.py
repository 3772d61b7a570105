"""Case numbers ``SDP-<year>-<6 digits>``: unique and without gaps.

One counter row per year (``sdp.counters``), incremented in the intake's own transaction: a
concurrent intake waits for it, and a rollback returns the number, so two intakes never
share a number and none is skipped.
"""

from ..counters import next_value
from .models import CaseNumberCounter


def next_case_number(year: int) -> str:
    value = next_value(CaseNumberCounter, year)
    if value > 999_999:
        raise OverflowError(f"case numbers of {year} are exhausted")
    return f"SDP-{year}-{value:06d}"
