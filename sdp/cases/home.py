"""What each role sees first on its home page (a user with several roles sees each part).

Every row says which time limit runs and when it ends, what the next step of the procedure is
(the procedure's own title of the action), which inquiries to States are awaited, and why the
case is a priority. The time-limit rules are the case's own (``Application.running_deadline``,
``sdp.domain.deadlines``); this module only picks the cases and arranges them.
"""

from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import case, func, select

from .. import clock
from ..auth.models import User
from ..domain.deadlines import RunningDeadline
from ..domain.vocabulary import Finding, InquiryStatus, ReferralStatus, Role, State, Vulnerability
from ..extensions import db
from .models import Appeal, Application, Inquiry
from .queries import case_officers, overdue_condition

# Rows per list on a home page; a longer list ends with a link to all of it on the case list.
LIMIT = 20
OPEN_FOR_OFFICER = (
    State.UNDER_EXAMINATION.value,
    State.PENDING_DECISION.value,
    State.REJECTED.value,
    State.UNDER_APPEAL.value,
    State.REGISTERED.value,
)


@dataclass
class CaseRow:
    application: Application
    deadline: RunningDeadline | None = None
    overdue: bool = False
    due_soon: bool = False
    next_action: str | None = None  # a name of sdp.domain.procedure.ACTIONS
    inquiries: list[Inquiry] = field(
        default_factory=list
    )  # awaited answers, the earliest due first
    markers: list[str] = field(
        default_factory=list
    )  # why the case is a priority (see ``markers_of``)


@dataclass
class CaseList:
    rows: list[CaseRow]
    total: int  # how many cases the whole list holds; more than ``len(rows)`` means it was cut

    @property
    def cut(self) -> bool:
        return self.total > len(self.rows)


@dataclass
class Workload:
    officer: User
    open_cases: int
    overdue: int


@dataclass
class Section:
    role: Role
    lists: dict[str, CaseList] = field(default_factory=dict)
    officers: list[User] = field(default_factory=list)
    workload: list[Workload] = field(default_factory=list)


# Priority markers, most urgent first (domain.md, section 4: detained cases come first).
DETAINED, UNACCOMPANIED_CHILD, CHILD, VULNERABLE = (
    "detained",
    "unaccompanied_child",
    "child",
    "vulnerable",
)


def markers_of(application: Application, today: date) -> list[str]:
    """Why the case is a priority: someone detained, an unaccompanied child, a child, someone
    recorded as vulnerable (the same facts ``sdp.cases.services.is_priority`` looks at)."""
    persons = application.persons()
    age = current_app.config["POLICY"].priority_age_years
    vulnerabilities = {v for person in persons for v in (person.vulnerabilities or [])}
    found = []
    if application.detained or any(person.detained for person in persons):
        found.append(DETAINED)
    if Vulnerability.UNACCOMPANIED_CHILD in vulnerabilities:
        found.append(UNACCOMPANIED_CHILD)
    elif any(person.is_child_on(today, age) for person in persons):
        found.append(CHILD)
    if vulnerabilities - {Vulnerability.UNACCOMPANIED_CHILD}:
        found.append(VULNERABLE)
    return found


def awaited_inquiries(application: Application, today: date) -> list[Inquiry]:
    return sorted(
        (
            inquiry
            for inquiry in application.inquiries
            if inquiry.status(today) != InquiryStatus.ANSWERED
        ),
        key=lambda inquiry: inquiry.response_due,
    )


def next_action(application: Application, today: date) -> str | None:
    """The next step of the procedure on this case, as the name of the procedure's action.

    The order is the examination's own: the States first, then their answers, then a finding on
    each, then the recommendation; after it, the decision and the appeal."""
    state = application.state
    if any(
        d.referral_status == ReferralStatus.PENDING for d in application.determinations
    ) and state in (State.REGISTERED, State.UNDER_EXAMINATION):
        pending_referral = "record_referral_outcome"
    else:
        pending_referral = None
    if state == State.REGISTERED:
        return "assign" if application.case_officer_id is None else "add_relevant_state"
    if state == State.UNDER_EXAMINATION:
        if not application.relevant_states:
            return pending_referral or "add_relevant_state"
        if any(
            inquiry.status(today) == InquiryStatus.UNANSWERED for inquiry in application.inquiries
        ):
            return "record_inquiry_response"
        if any(rs.finding == Finding.UNDETERMINED for rs in application.relevant_states):
            return "record_finding"
        return pending_referral or "recommend"
    if state == State.PENDING_DECISION:
        return "decide"
    if state == State.REJECTED and application.running_deadline(today):
        return "lodge_appeal"
    if state == State.UNDER_APPEAL:
        return "decide_appeal"
    return None


def row_of(application: Application, today: date) -> CaseRow:
    deadline = application.running_deadline(today)
    return CaseRow(
        application,
        deadline,
        overdue=bool(deadline and deadline.is_overdue(today)),
        due_soon=bool(deadline and not deadline.is_overdue(today) and deadline.is_due_soon(today)),
        next_action=next_action(application, today),
        inquiries=awaited_inquiries(application, today),
        markers=markers_of(application, today),
    )


def _list(statement, today: date, *, limit: int | None = None) -> CaseList:
    limit = limit or LIMIT
    total = db.session.execute(
        select(func.count()).select_from(statement.order_by(None).subquery())
    ).scalar_one()
    applications = db.session.execute(statement.limit(limit)).scalars().all()
    return CaseList([row_of(application, today) for application in applications], total)


def _by_nearest_deadline(case_list: CaseList, today: date) -> CaseList:
    case_list.rows.sort(
        key=lambda row: (row.deadline is None, row.deadline.due if row.deadline else today)
    )
    return case_list


def workload(today: date) -> list[Workload]:
    """Each active case officer's open cases and how many of them are overdue: one grouped query."""
    overdue = func.sum(case((overdue_condition(today), 1), else_=0))
    counts = {
        officer_id: (open_cases, late or 0)
        for officer_id, open_cases, late in db.session.execute(
            select(Application.case_officer_id, func.count(Application.id), overdue)
            .where(
                Application.case_officer_id.is_not(None), Application.state.in_(OPEN_FOR_OFFICER)
            )
            .group_by(Application.case_officer_id)
        )
    }
    return [Workload(officer, *counts.get(officer.id, (0, 0))) for officer in case_officers()]


def home_sections(user: User) -> list[Section]:
    today = clock.today()
    roles = user.roles
    sections: list[Section] = []
    if Role.INTAKE_OFFICER in roles:
        todays = (
            select(Application)
            .where(Application.registered_by_id == user.id, Application.registered_on == today)
            .order_by(Application.id.desc())
        )
        sections.append(Section(Role.INTAKE_OFFICER, {"today": _list(todays, today)}))
    if Role.CASE_OFFICER in roles:
        # Nearest decision deadline first in SQL; the running deadline (an appeal's, say) re-sorts
        # them.
        mine = (
            select(Application)
            .where(Application.case_officer_id == user.id, Application.state.in_(OPEN_FOR_OFFICER))
            .order_by(Application.decision_due, Application.id)
        )
        sections.append(
            Section(
                Role.CASE_OFFICER,
                {"mine": _by_nearest_deadline(_list(mine, today, limit=LIMIT * 5), today)},
            )
        )
    if Role.DECISION_MAKER in roles:
        pending = (
            select(Application)
            .where(Application.state == State.PENDING_DECISION.value)
            .order_by(Application.detained.desc(), Application.decision_due, Application.id)
        )
        sections.append(Section(Role.DECISION_MAKER, {"pending": _list(pending, today)}))
    if Role.APPEALS_OFFICER in roles:
        appeals = (
            select(Application)
            .join(Appeal, Appeal.application_id == Application.id)
            .where(Application.state == State.UNDER_APPEAL.value)
            .order_by(Appeal.decision_due, Application.id)
        )
        sections.append(Section(Role.APPEALS_OFFICER, {"appeals": _list(appeals, today)}))
    if Role.SUPERVISOR in roles:
        unassigned = (
            select(Application)
            .where(Application.state == State.REGISTERED.value)
            .order_by(
                Application.detained.desc(),
                Application.priority.desc(),
                Application.registered_on,
                Application.id,
            )
        )
        overdue = (
            select(Application)
            .where(overdue_condition(today))
            .order_by(Application.decision_due, Application.id)
        )
        sections.append(
            Section(
                Role.SUPERVISOR,
                {"unassigned": _list(unassigned, today), "overdue": _list(overdue, today)},
                officers=case_officers(),
                workload=workload(today),
            )
        )
    for role in (Role.REGISTRAR, Role.REVIEWER, Role.ADMIN):
        if role in roles:
            sections.append(Section(role))
    return sections
