"""A person's standing in the procedure read in one statement, without loading the case file.

The registry's checks (documents and persons) answer at national scale: they read the holder's
determination and their latest cessation or cancellation proceeding as columns of the same query,
and rebuild the pure ``PersonFacts`` the rules in ``sdp.domain.determination`` judge.
"""

from datetime import date

from flask import current_app
from sqlalchemy import ColumnElement, Row, func, select

from ..domain import deadlines
from ..domain.determination import PersonFacts, ProceedingFacts
from ..domain.vocabulary import (
    PersonOutcome,
    ProceedingKind,
    ProceedingStatus,
    ReferralStatus,
    State,
)
from .models import Application, Determination, Proceeding

# The columns of a person's standing: select them beside a join of Application and Determination
# (and ``latest_proceeding_join``).
COLUMNS = (
    Application.state,
    Determination.person_id.label("standing_person_id"),
    Determination.outcome,
    Determination.notified_on,
    Determination.appeal_due,
    Determination.appeal_lodged_on,
    Determination.appeal_decided_on,
    Determination.referral_status,
    Proceeding.kind.label("proceeding_kind"),
    Proceeding.status.label("proceeding_status"),
    Proceeding.reply_due,
    Proceeding.reply_received_on,
    Proceeding.appeal_due.label("proceeding_appeal_due"),
    Proceeding.appeal_lodged_on.label("proceeding_appeal_lodged_on"),
    Proceeding.appeal_decided_on.label("proceeding_appeal_decided_on"),
    Proceeding.appeal_outcome.label("proceeding_appeal_outcome"),
)


def latest_proceeding_join() -> ColumnElement[bool]:
    """The ON clause joining a Determination to its person's latest proceeding (if any)."""
    latest = (
        select(func.max(Proceeding.id))
        .where(
            Proceeding.application_id == Determination.application_id,
            Proceeding.person_id == Determination.person_id,
        )
        .correlate(Determination)
        .scalar_subquery()
    )
    return Proceeding.id == latest


def facts_of_row(row: Row) -> PersonFacts | None:
    if row.state is None or row.standing_person_id is None:
        return None
    proceeding = None
    if row.proceeding_kind is not None:
        proceeding = ProceedingFacts(
            kind=ProceedingKind(row.proceeding_kind),
            status=ProceedingStatus(row.proceeding_status),
            reply_due=row.reply_due,
            reply_received=row.reply_received_on is not None,
            appeal_due=row.proceeding_appeal_due,
            appeal_lodged=row.proceeding_appeal_lodged_on is not None,
            appeal_decided=row.proceeding_appeal_decided_on is not None,
            appeal_overturned=row.proceeding_appeal_outcome == "overturned",
            appeal_decided_on=row.proceeding_appeal_decided_on,
        )
    return PersonFacts(
        person_id=row.standing_person_id,
        outcome=PersonOutcome(row.outcome) if row.outcome else None,
        notified_on=row.notified_on,
        appeal_due=row.appeal_due,
        appeal_lodged=row.appeal_lodged_on is not None,
        appeal_decided=row.appeal_decided_on is not None,
        referral=ReferralStatus(row.referral_status) if row.referral_status else None,
        proceeding=proceeding,
        case_pending=row.state not in (State.WITHDRAWN, State.CLOSED, State.REFERRED),
    )


def residence_until(facts: PersonFacts) -> date | None:
    """The last day of lawful residence after a final cessation (a proposal of the regulation)."""
    proceeding = facts.proceeding
    if proceeding is None or proceeding.kind != ProceedingKind.CESSATION:
        return None
    final_on = proceeding.final_on()
    if final_on is None:
        return None
    return deadlines.residence_after_cessation_until(final_on, current_app.config["POLICY"])


def protected_from_removal(facts: PersonFacts, today: date) -> bool:
    return facts.protected_from_removal(today, residence_until(facts))
