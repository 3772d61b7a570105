"""When a running time limit is overdue or due soon: one rule (sdp.domain.deadlines) for every
list."""

from datetime import date, timedelta

from sdp.domain.deadlines import (
    DUE_SOON_DAYS,
    DeadlineKind,
    RunningDeadline,
    is_due_soon,
    is_overdue,
)

TODAY = date(2026, 12, 6)


def test_the_last_day_is_still_in_time_and_the_next_is_overdue():
    assert not is_overdue(TODAY, TODAY)
    assert is_overdue(TODAY - timedelta(days=1), TODAY)
    assert not is_overdue(None, TODAY)


def test_due_soon_is_from_today_to_the_due_soon_days_ahead():
    assert is_due_soon(TODAY, TODAY)
    assert is_due_soon(TODAY + timedelta(days=DUE_SOON_DAYS), TODAY)
    assert not is_due_soon(TODAY + timedelta(days=DUE_SOON_DAYS + 1), TODAY)
    assert not is_due_soon(TODAY - timedelta(days=1), TODAY)  # overdue, not due soon


def test_an_appeal_window_that_closes_is_not_overdue_work():
    """The office misses a decision's or an appeal decision's due date; an appeal window that
    closes only makes the decision final."""
    past = TODAY - timedelta(days=3)
    assert RunningDeadline(DeadlineKind.DECISION, past).is_overdue(TODAY)
    assert RunningDeadline(DeadlineKind.APPEAL_DECISION, past).is_overdue(TODAY)
    assert not RunningDeadline(DeadlineKind.APPEAL_WINDOW, past).is_overdue(TODAY)
