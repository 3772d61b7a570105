"""The suite runs on one day of Lima's calendar (tests/conftest.py, ``clock_setback``): a run that
starts late in the evening sets the app's clock back to 21:00, so that "today" taken once by a
test and "today" read by the app at each request are the same date."""

from datetime import UTC, datetime, timedelta

from sdp import clock
from tests.conftest import RUN_DATE, clock_setback


def lima(hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 12, 7, hour, minute, second, tzinfo=clock.PERU)


def test_a_run_started_before_21_h_keeps_the_real_clock():
    assert clock_setback(lima(0, 0, 1)) == timedelta(0)
    assert clock_setback(lima(20, 59, 59)) == timedelta(0)
    assert clock_setback(lima(21)) == timedelta(0)


def test_a_run_started_late_in_the_evening_runs_from_21_h_on_the_same_date():
    for started in (lima(21, 0, 1), lima(23, 59, 57)):
        assert started - clock_setback(started) == lima(21)
    # Still an evening when Lima's date and UTC's differ (21:00 in Lima is 02:00 UTC next day).
    assert lima(21).astimezone(UTC).date() == lima(21).date() + timedelta(days=1)


def test_the_app_reads_the_date_the_run_started_on():
    assert clock.today() == RUN_DATE
