from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    and_,
    exists,
    or_,
)
from sqlalchemy import (
    false as sa_false,
)
from sqlalchemy.orm import Mapped, joinedload, lazyload, mapped_column, relationship

from ..crypto import EncryptedJSON, EncryptedText
from ..domain import deadlines, procedure
from ..domain.calendar import age_on
from ..domain.deadlines import RunningDeadline, is_overdue
from ..domain.determination import PersonFacts, ProceedingFacts, undecided_persons
from ..domain.names import name_key
from ..domain.procedure import CaseFacts
from ..domain.vocabulary import (
    DecisionOutcome,
    Finding,
    InquiryStatus,
    PersonOutcome,
    ProceedingKind,
    ProceedingStatus,
    ReferralStatus,
    State,
    Vulnerability,
)
from ..extensions import Base
from ..timestamps import LimaDateTime


class Person(Base):
    """An applicant or a dependant. ``*_key`` columns hold names folded for search."""

    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    given_names: Mapped[str] = mapped_column(String(200))
    family_names: Mapped[str] = mapped_column(String(200))
    given_key: Mapped[str] = mapped_column(String(200))
    family_key: Mapped[str] = mapped_column(String(200))
    sex: Mapped[str] = mapped_column(String(1))
    date_of_birth: Mapped[date] = mapped_column(Date)
    birth_country: Mapped[str] = mapped_column(String(2))
    birth_locality: Mapped[str | None] = mapped_column(String(200))
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Asylum details are encrypted at rest (sdp.crypto); the confidentiality rule reads them in
    # Python.
    asylum_status: Mapped[str] = mapped_column(
        EncryptedText("persons.asylum_status"), default="none"
    )
    asylum_country: Mapped[str | None] = mapped_column(EncryptedText("persons.asylum_country"))
    # Priority facts (domain.md, section 4): detention (place encrypted, like every personal detail
    # beyond the name), vulnerabilities, and the guardian or representative of an unaccompanied
    # child.
    detention_place: Mapped[str | None] = mapped_column(EncryptedText("persons.detention_place"))
    detention_since: Mapped[date | None] = mapped_column(Date)
    vulnerabilities: Mapped[list[str]] = mapped_column(JSON, default=list)
    guardian: Mapped[str | None] = mapped_column(EncryptedText("persons.guardian"))

    __table_args__ = (
        # Registry checks and duplicate detection: date of birth, then folded names.
        Index("ix_persons_dob_family_given", "date_of_birth", "family_key", "given_key"),
        # The case lists' search by name. The person's id rides along (PostgreSQL: INCLUDE; SQLite's
        # indexes carry the rowid anyway), so a search reads the index alone, never the table: a
        # common surname (50,000 persons in a million) costs milliseconds, not a heap scan.
        Index("ix_persons_family_given", "family_key", "given_key", postgresql_include=["id"]),
        Index("ix_persons_given", "given_key", postgresql_include=["id"]),
    )

    def set_names(self, given_names: str, family_names: str) -> None:
        self.given_names, self.family_names = given_names.strip(), family_names.strip()
        self.given_key, self.family_key = name_key(given_names), name_key(family_names)

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_names}"

    @property
    def detained(self) -> bool:
        return self.detention_since is not None

    def is_child_on(self, day: date, priority_age_years: int) -> bool:
        return age_on(self.date_of_birth, day) < priority_age_years

    def needs_guardian(self) -> bool:
        """An unaccompanied child needs a guardian or representative recorded before the
        interview."""
        return (
            Vulnerability.UNACCOMPANIED_CHILD in (self.vulnerabilities or []) and not self.guardian
        )


class CaseNumberCounter(Base):
    """The last case number of each year: one row locked per intake, so numbers have no gaps."""

    __tablename__ = "case_number_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class Application(Base):
    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_number: Mapped[str] = mapped_column(String(20), unique=True)
    route: Mapped[str] = mapped_column(String(16))
    referring_authority: Mapped[str | None] = mapped_column(String(120))
    state: Mapped[str] = mapped_column(String(24), index=True)
    registered_on: Mapped[date] = mapped_column(Date, index=True)
    decision_due: Mapped[date] = mapped_column(Date, index=True)
    decision_due_extended: Mapped[bool] = mapped_column(default=False)
    extension_reasons: Mapped[str | None] = mapped_column(
        EncryptedText("applications.extension_reasons")
    )
    # domain.md, section 4: anyone in the case a child, unaccompanied, detained or vulnerable;
    # detained cases come first in the supervisors' lists.
    priority: Mapped[bool] = mapped_column(default=False)
    detained: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    applicant_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    case_officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(LimaDateTime())
    # withdrawal, closure, referral, cessation, cancellation
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reasons: Mapped[str | None] = mapped_column(EncryptedText("applications.end_reasons"))
    referral_target: Mapped[str | None] = mapped_column(String(32))
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Optimistic locking (sdp.cases.locking): every change to the case or to a row of it
    # bumps the version; saving over a version someone else changed meanwhile fails (409).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    applicant: Mapped[Person] = relationship(lazy="joined", foreign_keys=[applicant_id])
    case_officer = relationship("User", foreign_keys=[case_officer_id], lazy="joined")
    dependants: Mapped[list["Dependant"]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="Dependant.id",
    )
    relevant_states: Mapped[list["RelevantState"]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="RelevantState.id",
    )
    inquiries: Mapped[list["Inquiry"]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="Inquiry.id",
    )
    interviews: Mapped[list["Interview"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="Interview.id"
    )
    evidence: Mapped[list["Evidence"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="Evidence.id"
    )
    recommendations: Mapped[list["Recommendation"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="Recommendation.id"
    )
    decision: Mapped["Decision | None"] = relationship(
        cascade="all, delete-orphan", lazy="selectin", uselist=False
    )
    appeal: Mapped["Appeal | None"] = relationship(
        cascade="all, delete-orphan", lazy="selectin", uselist=False
    )
    determinations: Mapped[list["Determination"]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="Determination.id",
    )
    proceedings: Mapped[list["Proceeding"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="Proceeding.id"
    )

    __table_args__ = (Index("ix_applications_state_decision_due", "state", "decision_due"),)
    __mapper_args__ = {"version_id_col": version}

    @property
    def recommendation(self) -> "Recommendation | None":
        return self.recommendations[-1] if self.recommendations else None

    def persons(self) -> list[Person]:
        return [self.applicant, *(dependant.person for dependant in self.dependants)]

    def relationship_of(self, person_id: int) -> str:
        if person_id == self.applicant_id:
            return "applicant"
        return next(
            d.relationship_to_applicant for d in self.dependants if d.person_id == person_id
        )

    def person(self, person_id: int | None) -> Person | None:
        """A person of this case (the applicant when ``person_id`` is None), or None."""
        if person_id is None:
            return self.applicant
        return next((person for person in self.persons() if person.id == person_id), None)

    def determination(self, person_id: int) -> "Determination":
        """The person's own track: every person of a case has one (intake and migration 0006 create
        them), so a missing one is a bug, not a case to paper over with a write during a read."""
        found = next((d for d in self.determinations if d.person_id == person_id), None)
        if found is None:
            raise LookupError(f"person {person_id} has no determination in case {self.id}")
        return found

    def proceeding(self, person_id: int, kind: str | None = None) -> "Proceeding | None":
        """The person's latest cessation or cancellation proceeding (of ``kind``, if given)."""
        matching = [
            p
            for p in self.proceedings
            if p.person_id == person_id and (kind is None or p.kind == kind)
        ]
        return matching[-1] if matching else None

    def case_is_open(self) -> bool:
        return self.state not in (State.WITHDRAWN, State.CLOSED, State.REFERRED)

    def person_facts(self, person: Person) -> PersonFacts:
        determination = self.determination(person.id)
        proceeding = self.proceeding(person.id)
        return PersonFacts(
            person_id=person.id,
            name=person.full_name,
            findings=tuple(
                (rs.country, Finding(rs.finding))
                for rs in self.relevant_states
                if rs.person_id == person.id
            ),
            outcome=PersonOutcome(determination.outcome) if determination.outcome else None,
            notified_on=determination.notified_on,
            appeal_due=determination.appeal_due,
            appeal_lodged=determination.appeal_lodged_on is not None,
            appeal_decided=determination.appeal_decided_on is not None,
            referral=ReferralStatus(determination.referral_status)
            if determination.referral_status
            else None,
            proceeding=proceeding.facts() if proceeding else None,
            case_pending=self.case_is_open(),
        )

    def all_person_facts(self) -> list[PersonFacts]:
        return [self.person_facts(person) for person in self.persons()]

    def persons_awaiting_decision(self) -> list[Person]:
        """Those a decision must name: in the procedure, with no outcome yet."""
        awaiting = {facts.person_id for facts in undecided_persons(self.all_person_facts())}
        return [person for person in self.persons() if person.id in awaiting]

    def facts(self, today: date, person_id: int | None = None) -> CaseFacts:
        """The facts the procedure's rules look at (with ``person_id``: that person's proposer of a
        cessation or cancellation, for the four-eyes rule)."""
        decision = self.decision
        proceeding = self.proceeding(person_id) if person_id is not None else None
        return CaseFacts(
            state=State(self.state),
            case_officer_id=self.case_officer_id,
            decided_by_id=decision.decided_by_id if decision else None,
            findings=tuple(Finding(rs.finding) for rs in self.relevant_states),
            decision_extended=self.decision_due_extended,
            decision_outcome=DecisionOutcome(decision.outcome) if decision else None,
            appeal_due=decision.appeal_due if decision else None,
            appeal_lodged=self.appeal is not None,
            notified_on=decision.notified_on if decision else None,
            persons=tuple(self.all_person_facts()),
            proposed_by_id=proceeding.proposed_by_id if proceeding else None,
            proceeding_decided_by_id=proceeding.decided_by_id if proceeding else None,
        )

    def is_pending(self, today: date) -> bool:
        return self.facts(today).is_pending(today)

    def running_deadline(self, today: date) -> RunningDeadline | None:
        """The time limit running now and which one it is (the rule:
        ``deadlines.running_deadline``)."""
        decision, appeal = self.decision, self.appeal
        return deadlines.running_deadline(
            self.state,
            decision_due=self.decision_due,
            appeal_due=decision.appeal_due if decision else None,
            decision_final=bool(decision) and self.facts(today).decision_is_final(today),
            appeal_decision_due=appeal.decision_due if appeal else None,
        )

    @classmethod
    def overdue_condition(cls, today: date):
        """``running_deadline(today).is_overdue(today)`` as SQL, for lists and counts: the office's
        time limit that the state runs (sdp.domain.deadlines) is past its last day. A test holds
        the two to the same answer (tests/web/test_lists_and_home.py)."""
        appeal_overdue = exists().where(
            Appeal.application_id == cls.id,
            Appeal.decision_due < today,
            Appeal.outcome.is_(None),
        )
        return or_(
            and_(
                cls.state.in_(sorted(s.value for s in deadlines.DECISION_RUNNING_STATES)),
                cls.decision_due < today,
            ),
            and_(
                cls.state.in_(sorted(s.value for s in deadlines.APPEAL_DECISION_RUNNING_STATES)),
                appeal_overdue,
            ),
        )

    def current_deadline(self, today: date) -> date | None:
        running = self.running_deadline(today)
        return running.due if running else None

    def available_actions(self, actor, today: date) -> list[procedure.Action]:
        return procedure.available_actions(self.facts(today), actor, procedure.Context(today=today))

    def action_choices(self, actor, today: date) -> list[procedure.ActionChoice]:
        return procedure.action_choices(self.facts(today), actor, procedure.Context(today=today))


class Dependant(Base):
    __tablename__ = "dependants"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    relationship_to_applicant: Mapped[str] = mapped_column("relationship", String(16))

    application: Mapped[Application] = relationship(back_populates="dependants")
    person: Mapped[Person] = relationship(lazy="joined")


class RelevantState(Base):
    """A State the person has a relevant link with, and the finding on it."""

    __tablename__ = "relevant_states"
    __table_args__ = (
        UniqueConstraint(
            "application_id",
            "person_id",
            "country",
            name="uq_relevant_states_application_person_country",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id"), index=True
    )  # whose examination
    country: Mapped[str] = mapped_column(String(2))
    links: Mapped[list[str]] = mapped_column(JSON)
    finding: Mapped[str] = mapped_column(String(16), default=Finding.UNDETERMINED.value)
    reasoning: Mapped[str | None] = mapped_column(EncryptedText("relevant_states.reasoning"))
    found_on: Mapped[date | None] = mapped_column(Date)
    found_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    application: Mapped[Application] = relationship(back_populates="relevant_states")


class Evidence(Base):
    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id"), index=True
    )  # whose examination
    country: Mapped[str | None] = mapped_column(String(2))  # the relevant State it concerns, if any
    kind: Mapped[str] = mapped_column(String(24))
    description: Mapped[str] = mapped_column(EncryptedText("evidence.description"))
    received_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Inquiry(Base):
    """A written inquiry to a State's authorities, with the applicant's consent."""

    __tablename__ = "inquiries"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id"), index=True
    )  # whose examination
    country: Mapped[str] = mapped_column(String(2), index=True)
    authority: Mapped[str] = mapped_column(String(200))
    sent_on: Mapped[date] = mapped_column(Date)
    response_due: Mapped[date] = mapped_column(Date, index=True)
    received_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(24))
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    consent_on: Mapped[date | None] = mapped_column(
        Date
    )  # the person concerned consented (None: recorded before 0006)

    application: Mapped[Application] = relationship(back_populates="inquiries")

    def status(self, today: date) -> InquiryStatus:
        if self.outcome is not None:
            return InquiryStatus.ANSWERED
        return (
            InquiryStatus.UNANSWERED
            if is_overdue(self.response_due, today)
            else InquiryStatus.PENDING
        )


class Interview(Base):
    __tablename__ = "interviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id"), index=True
    )  # whose examination
    held_on: Mapped[date] = mapped_column(Date)
    interpreter_language: Mapped[str | None] = mapped_column(String(35))
    legal_representative: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(EncryptedText("interviews.summary"))
    read_back: Mapped[bool] = mapped_column(default=True)
    interviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Recommendation(Base):
    __tablename__ = "recommendations"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    outcome: Mapped[str] = mapped_column(String(16))
    exclusion_ground: Mapped[str | None] = mapped_column(String(32))
    reasons: Mapped[str] = mapped_column(EncryptedText("recommendations.reasons"))
    made_on: Mapped[date] = mapped_column(Date)
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Decision(Base):
    """The first-instance decision, with a snapshot of the per-State findings it rests on."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), unique=True
    )
    outcome: Mapped[str] = mapped_column(String(16), index=True)
    exclusion_ground: Mapped[str | None] = mapped_column(String(32))
    reasons: Mapped[str] = mapped_column(EncryptedText("decisions.reasons"))
    # a snapshot of the findings with their reasoning: encrypted like the reasoning itself
    findings: Mapped[list[dict[str, Any]]] = mapped_column(EncryptedJSON("decisions.findings"))
    decided_on: Mapped[date] = mapped_column(Date)
    notified_on: Mapped[date] = mapped_column(Date)
    notification_language: Mapped[str | None] = mapped_column(String(35))
    appeal_due: Mapped[date] = mapped_column(Date, index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Appeal(Base):
    __tablename__ = "appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), unique=True
    )
    lodged_on: Mapped[date] = mapped_column(Date)
    grounds: Mapped[str] = mapped_column(EncryptedText("appeals.grounds"))
    decision_due: Mapped[date] = mapped_column(Date, index=True)
    lodged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str | None] = mapped_column(String(16))
    reasons: Mapped[str | None] = mapped_column(EncryptedText("appeals.reasons"))
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Determination(Base):
    """One person's own track through the procedure (domain.md, section 4): their outcome in the
    decision, their appeal, their referral to the civil registry. The case's Decision and Appeal
    rows are the acts; these rows say what each act decided for each person."""

    __tablename__ = "determinations"
    __table_args__ = (
        UniqueConstraint(
            "application_id", "person_id", name="uq_determinations_application_person"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    outcome: Mapped[str | None] = mapped_column(String(16), index=True)
    exclusion_ground: Mapped[str | None] = mapped_column(String(32))
    reasons: Mapped[str | None] = mapped_column(EncryptedText("determinations.reasons"))
    decided_on: Mapped[date | None] = mapped_column(Date)
    notified_on: Mapped[date | None] = mapped_column(Date)
    appeal_due: Mapped[date | None] = mapped_column(Date)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # the person's appeal (suspensive: a proposal of the regulation, not TUO Ley 27444 Art. 226.1)
    appeal_lodged_on: Mapped[date | None] = mapped_column(Date)
    appeal_grounds: Mapped[str | None] = mapped_column(
        EncryptedText("determinations.appeal_grounds")
    )
    appeal_decision_due: Mapped[date | None] = mapped_column(Date)
    appeal_outcome: Mapped[str | None] = mapped_column(String(16))
    appeal_reasons: Mapped[str | None] = mapped_column(
        EncryptedText("determinations.appeal_reasons")
    )
    appeal_decided_on: Mapped[date | None] = mapped_column(Date)
    appeal_decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # referral to late birth registration or nationality confirmation: protected until RENIEC
    # answers
    referral_target: Mapped[str | None] = mapped_column(String(32))
    referral_status: Mapped[str | None] = mapped_column(String(24))
    referral_reasons: Mapped[str | None] = mapped_column(
        EncryptedText("determinations.referral_reasons")
    )
    referred_on: Mapped[date | None] = mapped_column(Date)
    referral_answered_on: Mapped[date | None] = mapped_column(Date)
    referral_reference: Mapped[str | None] = mapped_column(String(64))  # RENIEC's, e.g. the CUI
    referred_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    application: Mapped[Application] = relationship(back_populates="determinations")
    # Set at registration, before the new persons have ids (no extra flush: a new case is version
    # 1).
    person: Mapped[Person] = relationship(foreign_keys=[person_id])


class Proceeding(Base):
    """A cessation (a nationality acquired) or cancellation (fraud) of one person's recognition:
    a reasoned proposal is notified, the person may reply, a decision-maker who did not propose
    it decides, and the decision is appealable like a rejection."""

    __tablename__ = "proceedings"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=ProceedingStatus.PROPOSED.value)
    reasons: Mapped[str] = mapped_column(EncryptedText("proceedings.reasons"))
    nationality_acquired: Mapped[str | None] = mapped_column(String(2))
    notified_on: Mapped[date] = mapped_column(Date)
    reply_due: Mapped[date] = mapped_column(Date)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reply_received_on: Mapped[date | None] = mapped_column(Date)
    reply_summary: Mapped[str | None] = mapped_column(EncryptedText("proceedings.reply_summary"))
    decision_reasons: Mapped[str | None] = mapped_column(
        EncryptedText("proceedings.decision_reasons")
    )
    decided_on: Mapped[date | None] = mapped_column(Date)
    decision_notified_on: Mapped[date | None] = mapped_column(Date)
    appeal_due: Mapped[date | None] = mapped_column(Date)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    appeal_lodged_on: Mapped[date | None] = mapped_column(Date)
    appeal_grounds: Mapped[str | None] = mapped_column(EncryptedText("proceedings.appeal_grounds"))
    appeal_outcome: Mapped[str | None] = mapped_column(String(16))
    appeal_decided_on: Mapped[date | None] = mapped_column(Date)
    appeal_decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    def facts(self) -> ProceedingFacts:
        return ProceedingFacts(
            kind=ProceedingKind(self.kind),
            status=ProceedingStatus(self.status),
            reply_due=self.reply_due,
            reply_received=self.reply_received_on is not None,
            appeal_due=self.appeal_due,
            appeal_lodged=self.appeal_lodged_on is not None,
            appeal_decided=self.appeal_decided_on is not None,
            appeal_overturned=self.appeal_outcome == "overturned",
            appeal_decided_on=self.appeal_decided_on,
        )


# How one case is read by its id (an API action and its answer, the case page, a document's
# reader check): the rows under it (dependants, relevant States, inquiries, determinations...)
# each when the request first touches them, one SELECT per collection, never one per row. The
# mapper's ``lazy="selectin"`` serves lists, where one SELECT ... IN reads a collection for a whole
# page of cases; for a single case it read all ten before the reader was even checked, and an
# action refused (403, 409, a rule of the procedure) touches few or none of them. The applicant
# and the case officer stay joined: almost every reader names them.
# tests/perf/test_query_counts.py pins the case file's statements.
ONE_CASE = (
    lazyload("*"),
    joinedload(Application.applicant),
    joinedload(Application.case_officer),
)
