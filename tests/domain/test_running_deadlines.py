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


def test_which_time_limit_runs_in_which_state_comes_from_the_procedure():
    """deadlines.running_deadline is the one rule; its states are the procedure's own data."""
    from sdp.domain import procedure
    from sdp.domain.deadlines import (
        APPEAL_DECISION_RUNNING_STATES,
        DECISION_RUNNING_STATES,
        OFFICE_DEADLINE_STATES,
        running_deadline,
    )
    from sdp.domain.vocabulary import State

    by_state = {spec.state: spec.time_limit for spec in procedure.STATES}
    assert DECISION_RUNNING_STATES == {
        state for state, limit in by_state.items() if limit == "decision_due_months"
    }
    assert APPEAL_DECISION_RUNNING_STATES == {State.UNDER_APPEAL}
    assert OFFICE_DEADLINE_STATES == (
        State.REGISTERED,
        State.UNDER_EXAMINATION,
        State.PENDING_DECISION,
        State.UNDER_APPEAL,
    )
    dates = {
        "decision_due": TODAY,
        "appeal_due": TODAY + timedelta(days=1),
        "appeal_decision_due": TODAY + timedelta(days=2),
    }
    kinds = {state: running_deadline(state, **dates) for state in State}
    for state in DECISION_RUNNING_STATES:
        assert kinds[state] == RunningDeadline(DeadlineKind.DECISION, TODAY)
    assert kinds[State.REJECTED] == RunningDeadline(DeadlineKind.APPEAL_WINDOW, dates["appeal_due"])
    assert kinds[State.UNDER_APPEAL] == RunningDeadline(
        DeadlineKind.APPEAL_DECISION, dates["appeal_decision_due"]
    )
    assert {state for state, kind in kinds.items() if kind is None} == set(State) - (
        DECISION_RUNNING_STATES | {State.REJECTED, State.UNDER_APPEAL}
    )
    # A rejection that is final runs no time limit; a state given as its text value is the same.
    assert running_deadline(State.REJECTED, decision_final=True, **dates) is None
    assert running_deadline("under_appeal", **dates) == kinds[State.UNDER_APPEAL]


def test_only_the_office_s_own_time_limits_are_ever_overdue():
    past = TODAY - timedelta(days=1)
    overdue_kinds = {kind for kind in DeadlineKind if RunningDeadline(kind, past).is_overdue(TODAY)}
    assert overdue_kinds == {DeadlineKind.DECISION, DeadlineKind.APPEAL_DECISION}
    assert RunningDeadline(DeadlineKind.REPLY, TODAY).is_due_soon(TODAY)
