"""The case's timeline (issue 13, point 2): each event at the date the officer entered (the
interview held on, the inquiry sent on, the answer received on, the decision notified on...), not
the moment the row was written; that moment follows as "recorded on".

An audit event carries the entered date in its changes when the action asks for one; for the
others the date is read from the record the event wrote (the finding, the recommendation, the
decision, the end of the case). An event with neither (an assignment) is dated by its recording.
Events are ordered by the date they happened, then by the order they were recorded.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from ..audit.models import AuditEvent
from ..auth.models import User
from .models import Application, RelevantState

# The entered dates an action's audit changes may carry, the most telling first.
ENTERED_DATE_KEYS = (
    "held_on",
    "sent_on",
    "received_on",
    "lodged_on",
    "notified_on",
    "detention_since",
    "since",
    "on",
    "registered_on",
    "issued_on",
    "revoked_on",
)


@dataclass(frozen=True)
class TimelineEvent:
    action: str
    happened_on: date | None  # the date the officer entered, or the record's own date
    recorded_at: datetime
    actor_label: str
    event_id: int

    @property
    def sort_key(self) -> tuple[date, int]:
        return (self.happened_on or self.recorded_at.date(), self.event_id)


def _as_date(value: Any) -> date | None:
    if isinstance(value, list):  # a diff: [before, after]
        value = value[-1] if value else None
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _from_record(application: Application, event: AuditEvent, session) -> date | None:
    """The date kept on the record an event wrote, for actions whose changes carry none."""
    changes = event.changes or {}
    person_id = changes.get("person_id") or application.applicant_id
    name = event.action.partition(".")[2]
    if name == "record_finding" and event.entity == "relevant_state" and event.entity_id:
        row = session.get(RelevantState, int(event.entity_id))
        return row.found_on if row is not None else None
    if name == "recommend" and application.recommendation is not None:
        return application.recommendation.made_on
    if name == "decide" and application.decision is not None:
        return application.decision.decided_on
    if name in ("withdraw", "close"):
        return application.ended_on
    if name in ("refer", "record_referral_outcome", "decide_appeal"):
        try:
            determination = application.determination(int(person_id))
        except LookupError:
            return None
        return {
            "refer": determination.referred_on,
            "record_referral_outcome": determination.referral_answered_on,
            "decide_appeal": determination.appeal_decided_on,
        }[name]
    return None


def entered_date(application: Application, event: AuditEvent, session) -> date | None:
    changes = event.changes or {}
    for key in ENTERED_DATE_KEYS:
        found = _as_date(changes.get(key))
        if found is not None:
            return found
    return _from_record(application, event, session)


def _staff_names(events: list[AuditEvent], session) -> dict[int, str]:
    """The names of the staff who acted, in one query. An audit row keeps the email the actor
    signed in with (the record never changes); a person reads the timeline by names."""
    ids = {event.actor_id for event in events if event.actor_kind == "user" and event.actor_id}
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.name).where(User.id.in_(ids)))
    return {row.id: row.name for row in rows if row.name}


def timeline(
    application: Application, events: Iterable[AuditEvent], session
) -> list[TimelineEvent]:
    """The case's events, newest first by the date they happened, each with who acted: a staff
    member by name (the email of an account since deleted), a partner system by its label."""
    events = list(events)
    names = _staff_names(events, session)
    rows = [
        TimelineEvent(
            action=event.action,
            happened_on=entered_date(application, event, session),
            recorded_at=event.at,
            actor_label=(
                names.get(event.actor_id, event.actor_label)
                if event.actor_kind == "user" and event.actor_id is not None
                else event.actor_label
            ),
            event_id=event.id,
        )
        for event in events
    ]
    return sorted(rows, key=lambda row: row.sort_key, reverse=True)
