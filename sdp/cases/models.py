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
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..crypto import EncryptedJSON, EncryptedText
from ..domain import procedure
from ..domain.names import name_key
from ..domain.procedure import CaseFacts
from ..domain.vocabulary import DecisionOutcome, Finding, InquiryStatus, State
from ..extensions import db
from ..timestamps import LimaDateTime


class Person(db.Model):
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
    # Asylum details are encrypted at rest (sdp.crypto); the confidentiality rule reads them in Python.
    asylum_status: Mapped[str] = mapped_column(EncryptedText("persons.asylum_status"), default="none")
    asylum_country: Mapped[str | None] = mapped_column(EncryptedText("persons.asylum_country"))

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


class CaseNumberCounter(db.Model):
    """The last case number of each year: one row locked per intake, so numbers have no gaps."""

    __tablename__ = "case_number_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class Application(db.Model):
    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_number: Mapped[str] = mapped_column(String(20), unique=True)
    route: Mapped[str] = mapped_column(String(16))
    referring_authority: Mapped[str | None] = mapped_column(String(120))
    state: Mapped[str] = mapped_column(String(24), index=True)
    registered_on: Mapped[date] = mapped_column(Date, index=True)
    decision_due: Mapped[date] = mapped_column(Date, index=True)
    decision_due_extended: Mapped[bool] = mapped_column(default=False)
    extension_reasons: Mapped[str | None] = mapped_column(EncryptedText("applications.extension_reasons"))
    priority: Mapped[bool] = mapped_column(default=False)  # a child or vulnerable applicant
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
        back_populates="application", cascade="all, delete-orphan", lazy="selectin", order_by="Dependant.id")
    relevant_states: Mapped[list["RelevantState"]] = relationship(
        back_populates="application", cascade="all, delete-orphan", lazy="selectin", order_by="RelevantState.id")
    inquiries: Mapped[list["Inquiry"]] = relationship(
        back_populates="application", cascade="all, delete-orphan", lazy="selectin", order_by="Inquiry.id")
    interviews: Mapped[list["Interview"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="Interview.id")
    evidence: Mapped[list["Evidence"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="Evidence.id")
    recommendations: Mapped[list["Recommendation"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="Recommendation.id")
    decision: Mapped["Decision | None"] = relationship(cascade="all, delete-orphan", lazy="selectin", uselist=False)
    appeal: Mapped["Appeal | None"] = relationship(cascade="all, delete-orphan", lazy="selectin", uselist=False)

    __table_args__ = (Index("ix_applications_state_decision_due", "state", "decision_due"),)
    __mapper_args__ = {"version_id_col": version}

    @property
    def recommendation(self) -> "Recommendation | None":
        return self.recommendations[-1] if self.recommendations else None

    def persons(self) -> list[Person]:
        return [self.applicant, *(dependant.person for dependant in self.dependants)]

    def facts(self, today: date) -> CaseFacts:
        """The facts the procedure's rules look at."""
        decision = self.decision
        return CaseFacts(
            state=State(self.state),
            case_officer_id=self.case_officer_id,
            decided_by_id=decision.decided_by_id if decision else None,
            findings=tuple(Finding(rs.finding) for rs in self.relevant_states),
            pending_inquiries=sum(1 for i in self.inquiries if i.status(today) == InquiryStatus.PENDING),
            decision_extended=self.decision_due_extended,
            decision_outcome=DecisionOutcome(decision.outcome) if decision else None,
            appeal_due=decision.appeal_due if decision else None,
            appeal_lodged=self.appeal is not None,
            notified_on=decision.notified_on if decision else None,
        )

    def protected_from_removal(self, today: date) -> bool:
        return self.facts(today).protected_from_removal(today)

    def is_pending(self, today: date) -> bool:
        return self.facts(today).is_pending(today)

    def current_deadline(self, today: date) -> date | None:
        """The time limit running now, for lists sorted by the nearest deadline."""
        if self.state in (State.REGISTERED, State.UNDER_EXAMINATION, State.PENDING_DECISION):
            return self.decision_due
        if self.state == State.REJECTED and self.decision and not self.facts(today).decision_is_final(today):
            return self.decision.appeal_due
        if self.state == State.UNDER_APPEAL and self.appeal:
            return self.appeal.decision_due
        return None

    def available_actions(self, actor, today: date) -> list[procedure.Action]:
        return procedure.available_actions(self.facts(today), actor, procedure.Context(today=today))


class Dependant(db.Model):
    __tablename__ = "dependants"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    relationship_to_applicant: Mapped[str] = mapped_column("relationship", String(16))

    application: Mapped[Application] = relationship(back_populates="dependants")
    person: Mapped[Person] = relationship(lazy="joined")


class RelevantState(db.Model):
    """A State the person has a relevant link with, and the finding on it."""

    __tablename__ = "relevant_states"
    __table_args__ = (UniqueConstraint("application_id", "country"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    country: Mapped[str] = mapped_column(String(2))
    links: Mapped[list[str]] = mapped_column(JSON)
    finding: Mapped[str] = mapped_column(String(16), default=Finding.UNDETERMINED.value)
    reasoning: Mapped[str | None] = mapped_column(EncryptedText("relevant_states.reasoning"))
    found_on: Mapped[date | None] = mapped_column(Date)
    found_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    application: Mapped[Application] = relationship(back_populates="relevant_states")


class Evidence(db.Model):
    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    country: Mapped[str | None] = mapped_column(String(2))  # the relevant State it concerns, if any
    kind: Mapped[str] = mapped_column(String(24))
    description: Mapped[str] = mapped_column(EncryptedText("evidence.description"))
    received_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Inquiry(db.Model):
    """A written inquiry to a State's authorities, with the applicant's consent."""

    __tablename__ = "inquiries"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    country: Mapped[str] = mapped_column(String(2), index=True)
    authority: Mapped[str] = mapped_column(String(200))
    sent_on: Mapped[date] = mapped_column(Date)
    response_due: Mapped[date] = mapped_column(Date, index=True)
    received_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(24))
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    application: Mapped[Application] = relationship(back_populates="inquiries")

    def status(self, today: date) -> InquiryStatus:
        if self.outcome is not None:
            return InquiryStatus.ANSWERED
        return InquiryStatus.UNANSWERED if today > self.response_due else InquiryStatus.PENDING


class Interview(db.Model):
    __tablename__ = "interviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    interpreter_language: Mapped[str | None] = mapped_column(String(35))
    legal_representative: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(EncryptedText("interviews.summary"))
    read_back: Mapped[bool] = mapped_column(default=True)
    interviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Recommendation(db.Model):
    __tablename__ = "recommendations"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    exclusion_ground: Mapped[str | None] = mapped_column(String(32))
    reasons: Mapped[str] = mapped_column(EncryptedText("recommendations.reasons"))
    made_on: Mapped[date] = mapped_column(Date)
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Decision(db.Model):
    """The first-instance decision, with a snapshot of the per-State findings it rests on."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), unique=True)
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


class Appeal(db.Model):
    __tablename__ = "appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), unique=True)
    lodged_on: Mapped[date] = mapped_column(Date)
    grounds: Mapped[str] = mapped_column(EncryptedText("appeals.grounds"))
    decision_due: Mapped[date] = mapped_column(Date, index=True)
    lodged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str | None] = mapped_column(String(16))
    reasons: Mapped[str | None] = mapped_column(EncryptedText("appeals.reasons"))
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
