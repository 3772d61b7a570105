"""Every legal time limit of the procedure, computed from the facts it depends on.

Due dates are derived from the dates of the acts (registration, sending, notification,
lodging), never stored alone as reminders: a changed setting or a corrected date gives
the right answer everywhere.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .calendar import add_days, add_months, add_working_days, add_years
from .policy import PolicySettings


class DeadlineKind(StrEnum):
    """Which time limit of a case is running: the lists name it ("Decision due 12 Jan 2027")."""

    DECISION = "decision"  # first-instance decision, from registration
    APPEAL_WINDOW = "appeal_window"  # the person may still appeal the decision
    APPEAL_DECISION = "appeal_decision"  # the appeal must be decided


@dataclass(frozen=True)
class RunningDeadline:
    kind: DeadlineKind
    due: date

    def is_overdue(self, today: date) -> bool:
        # An appeal window that ends is not missed by the office: the decision becomes final.
        return self.kind != DeadlineKind.APPEAL_WINDOW and is_overdue(self.due, today)

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


def naturalization_eligible_from(recognized_on: date, policy: PolicySettings) -> date:
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
