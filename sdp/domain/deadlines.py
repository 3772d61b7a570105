"""Every legal time limit of the procedure, computed from the facts it depends on.

Due dates are derived from the dates of the acts (registration, sending, notification,
lodging), never stored alone as reminders: a changed setting or a corrected date gives
the right answer everywhere.

This module is the one place that says which time limit runs in which state (read from the
procedure's own data, ``StateSpec.time_limit``), whose time limit it is, and when it is
"overdue" or "due soon". The case lists, the home pages, the case page and the statistics all
ask it; the one SQL form of "overdue" (``Application.overdue_condition``) is built from the
same state sets and a test holds the two to the same answer.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .calendar import add_days, add_months, add_working_days, add_years
from .policy import PolicySettings
from .procedure import STATES
from .vocabulary import State


class DeadlineKind(StrEnum):
    """Which time limit of a case is running: the lists name it ("Decision due 12 Jan 2027")."""

    DECISION = "decision"  # first-instance decision, from registration
    APPEAL_WINDOW = "appeal_window"  # the person may still appeal the decision
    APPEAL_DECISION = "appeal_decision"  # the appeal must be decided
    REPLY = "reply"  # the person may still reply to a proposed cessation or cancellation


# The office's own time limits: only these can be missed ("overdue"). A window the person holds
# (to appeal, to reply to a proposal) that closes is not missed by anyone: the act becomes final.
OFFICE_DEADLINES = frozenset({DeadlineKind.DECISION, DeadlineKind.APPEAL_DECISION})


def _states_where(time_limit: str) -> frozenset[State]:
    return frozenset(spec.state for spec in STATES if spec.time_limit == time_limit)


# Which time limit runs in which state: the procedure's data (``StateSpec.time_limit``) says it.
DECISION_RUNNING_STATES = _states_where("decision_due_months")
APPEAL_WINDOW_STATES = _states_where("appeal_window_working_days")
APPEAL_DECISION_RUNNING_STATES = _states_where("appeal_decision_working_days")
# The states in which the office owes an act by a date, in the procedure's order (the statistics'
# rows "awaiting the office now, and overdue").
OFFICE_DEADLINE_STATES = tuple(
    spec.state
    for spec in STATES
    if spec.state in DECISION_RUNNING_STATES | APPEAL_DECISION_RUNNING_STATES
)


@dataclass(frozen=True)
class RunningDeadline:
    kind: DeadlineKind
    due: date

    def is_overdue(self, today: date) -> bool:
        return self.kind in OFFICE_DEADLINES and is_overdue(self.due, today)

    def is_due_soon(self, today: date) -> bool:
        return is_due_soon(self.due, today)


# How far ahead a running time limit is marked "due soon" in the staff's lists: a working habit of
# the office (two weeks to prepare an act), not a legal time limit, so not a policy setting.
DUE_SOON_DAYS = 14


def is_overdue(due: date | None, today: date) -> bool:
    """A time limit is missed from the day after its last day: the last day itself is still in
    time."""
    return due is not None and today > due


def is_due_soon(due: date | None, today: date, days: int = DUE_SOON_DAYS) -> bool:
    """Not missed yet, and ending within ``days``: the lists mark it so the act is prepared in
    time."""
    return due is not None and today <= due <= today + timedelta(days=days)


def running_deadline(
    state: State | str | None,
    *,
    decision_due: date | None,
    appeal_due: date | None = None,
    decision_final: bool = False,
    appeal_decision_due: date | None = None,
) -> RunningDeadline | None:
    """The time limit a case's state runs: the decision's before it, the appeal window after a
    rejection that is not final yet, the appeal decision's while under appeal; none otherwise."""
    if state in DECISION_RUNNING_STATES and decision_due is not None:
        return RunningDeadline(DeadlineKind.DECISION, decision_due)
    if state in APPEAL_WINDOW_STATES and appeal_due is not None and not decision_final:
        return RunningDeadline(DeadlineKind.APPEAL_WINDOW, appeal_due)
    if state in APPEAL_DECISION_RUNNING_STATES and appeal_decision_due is not None:
        return RunningDeadline(DeadlineKind.APPEAL_DECISION, appeal_decision_due)
    return None


def decision_due(registered_on: date, policy: PolicySettings, *, extended: bool = False) -> date:
    months = policy.extended_decision_due_months if extended else policy.decision_due_months
    return add_months(registered_on, months)


def inquiry_response_due(sent_on: date, policy: PolicySettings) -> date:
    return add_days(sent_on, policy.inquiry_response_days)


def appeal_due(notified_on: date, policy: PolicySettings) -> date:
    return add_working_days(notified_on, policy.appeal_window_working_days)


def appeal_decision_due(lodged_on: date, policy: PolicySettings) -> date:
    return add_working_days(lodged_on, policy.appeal_decision_working_days)


def provisional_certificate_valid_until(issued_on: date, policy: PolicySettings) -> date:
    return add_months(issued_on, policy.provisional_certificate_months)


def identity_document_valid_until(issued_on: date, policy: PolicySettings) -> date:
    return add_years(issued_on, policy.identity_document_years)


def travel_document_valid_until(issued_on: date, policy: PolicySettings) -> date:
    return add_months(issued_on, policy.travel_document_months)


def recognition_date(notified_on: date | None, appeal_decided_on: date | None) -> date | None:
    """The day a recognition counts from: the decision on the appeal that recognised, when the
    appeal was decided, else the notification of the decision. A proposal of the regulation: the
    law names no day; the identity and travel documents print it and naturalization counts from it.
    """
    return appeal_decided_on or notified_on


def naturalization_eligible_from(
    state: State | str | None, recognized_on: date | None, policy: PolicySettings
) -> date | None:
    """The first day a recognised stateless person may ask for facilitated naturalization: the
    years of ``policy.naturalization_years`` after recognition (a proposal that needs a change of
    law; domain.md, section 3). None unless the case stands recognised (not ceased, cancelled or
    still to be decided)."""
    if state != State.RECOGNIZED or recognized_on is None:
        return None
    return add_years(recognized_on, policy.naturalization_years)


def is_late_birth_registration(
    date_of_birth: date, registered_on: date, policy: PolicySettings
) -> bool:
    return (registered_on - date_of_birth).days > policy.birth_registration_days


def cessation_reply_due(notified_on: date, policy: PolicySettings) -> date:
    """The last day a person may reply to a proposal to declare cessation or cancellation."""
    return add_working_days(notified_on, policy.cessation_reply_working_days)


def residence_after_cessation_until(final_on: date, policy: PolicySettings) -> date:
    """The last day of lawful residence of a person whose recognition ceased (proposal of the
    regulation)."""
    return add_days(final_on, policy.residence_after_cessation_days)
