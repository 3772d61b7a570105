"""Every legal time limit of the procedure, computed from the facts it depends on.

Due dates are derived from the dates of the acts (registration, sending, notification,
lodging), never stored alone as reminders: a changed setting or a corrected date gives
the right answer everywhere.
"""

from datetime import date

from .calendar import add_days, add_months, add_working_days, add_years
from .policy import PolicySettings


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


def is_late_birth_registration(date_of_birth: date, registered_on: date, policy: PolicySettings) -> bool:
    return (registered_on - date_of_birth).days > policy.birth_registration_days


def cessation_reply_due(notified_on: date, policy: PolicySettings) -> date:
    """The last day a person may reply to a proposal to declare cessation or cancellation."""
    return add_working_days(notified_on, policy.cessation_reply_working_days)


def residence_after_cessation_until(final_on: date, policy: PolicySettings) -> date:
    """The last day of lawful residence of a person whose recognition ceased (proposal of the regulation)."""
    return add_days(final_on, policy.residence_after_cessation_days)
