"""What each role sees first on its home page (a user with several roles sees each part)."""

from dataclasses import dataclass, field
from datetime import datetime, time

from sqlalchemy import select

from .. import clock
from ..auth.models import User
from ..domain.vocabulary import Role, State
from ..extensions import db
from .models import Appeal, Application
from .queries import case_officers, due_soon, overdue_condition

LIMIT = 50
OPEN_FOR_OFFICER = (State.UNDER_EXAMINATION.value, State.PENDING_DECISION.value, State.REJECTED.value,
                    State.UNDER_APPEAL.value, State.REGISTERED.value)


@dataclass
class CaseRow:
    application: Application
    deadline: object = None
    overdue: bool = False
    due_soon: bool = False


@dataclass
class Section:
    role: Role
    rows: list[CaseRow] = field(default_factory=list)
    extra_rows: list[CaseRow] = field(default_factory=list)
    officers: list[User] = field(default_factory=list)


def _rows(applications, today) -> list[CaseRow]:
    rows = []
    for application in applications:
        deadline = application.current_deadline(today)
        rows.append(CaseRow(application, deadline, deadline is not None and deadline < today, due_soon(deadline, today)))
    return rows


def _scalars(statement):
    return db.session.execute(statement.limit(LIMIT)).scalars().all()


def home_sections(user: User) -> list[Section]:
    today = clock.today()
    roles = user.roles
    sections: list[Section] = []
    if Role.INTAKE_OFFICER in roles:
        start = datetime.combine(today, time.min, tzinfo=clock.PERU)
        todays = _scalars(select(Application).where(Application.registered_by_id == user.id,
                                                    Application.created_at >= start).order_by(Application.id.desc()))
        sections.append(Section(Role.INTAKE_OFFICER, _rows(todays, today)))
    if Role.CASE_OFFICER in roles:
        mine = db.session.execute(select(Application).where(
            Application.case_officer_id == user.id, Application.state.in_(OPEN_FOR_OFFICER))
            .order_by(Application.decision_due).limit(500)).scalars().all()
        rows = sorted(_rows(mine, today), key=lambda row: (row.deadline is None, row.deadline or today))
        sections.append(Section(Role.CASE_OFFICER, rows[:LIMIT * 2]))
    if Role.DECISION_MAKER in roles:
        pending = _scalars(select(Application).where(Application.state == State.PENDING_DECISION.value)
                           .order_by(Application.decision_due, Application.id))
        sections.append(Section(Role.DECISION_MAKER, _rows(pending, today)))
    if Role.APPEALS_OFFICER in roles:
        appeals = _scalars(select(Application).join(Appeal, Appeal.application_id == Application.id)
                           .where(Application.state == State.UNDER_APPEAL.value).order_by(Appeal.decision_due, Application.id))
        sections.append(Section(Role.APPEALS_OFFICER, _rows(appeals, today)))
    if Role.SUPERVISOR in roles:
        unassigned = _scalars(select(Application).where(Application.state == State.REGISTERED.value)
                              .order_by(Application.detained.desc(), Application.priority.desc(),
                                        Application.registered_on, Application.id))
        overdue = _scalars(select(Application).where(overdue_condition(today)).order_by(Application.decision_due, Application.id))
        sections.append(Section(Role.SUPERVISOR, _rows(unassigned, today), _rows(overdue, today), case_officers()))
    for role in (Role.REGISTRAR, Role.REVIEWER, Role.ADMIN):
        if role in roles:
            sections.append(Section(role))
    return sections
