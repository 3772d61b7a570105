"""The date and time in Peru: every legal time limit counts in Lima's calendar."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

PERU = ZoneInfo("America/Lima")


def now() -> datetime:
    return datetime.now(PERU)


def today() -> date:
    return now().date()
