"""Each person is examined and decided on their own (domain.md, section 4): pure rules, no Flask.

A family shares a file, not a status. Every person of a case (the applicant, each dependant) has
their own relevant States and findings, their own outcome, appeal, referral and cessation or
cancellation proceeding. The rules here answer, for one person:

- whether an outcome agrees with that person's findings (``outcome_refusal``);
- whether their decision is final, whether they are protected from removal, and which
  documents they may hold (``PersonFacts``).

Where the law is silent the rule is a **proposal of the regulation**, and says so.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from .vocabulary import (
    N_,
    DocumentType,
    Finding,
    PersonOutcome,
    ProceedingKind,
    ProceedingStatus,
    ReferralStatus,
)

ADVERSE_OUTCOMES = frozenset(
    {PersonOutcome.REJECTED, PersonOutcome.EXCLUDED, PersonOutcome.FAMILY_UNITY}
)


def appealable_decision_is_final(
    appeal_due: date | None, appeal_lodged: bool, appeal_decided: bool, today: date
) -> bool:
    """domain.md: an appealable decision is final when its appeal window has passed unused (from
    the day after its last day), or when the appeal lodged against it is decided. The one
    statement of finality for a person's decision, a case's and a cessation's or cancellation's."""
    if appeal_lodged:
        return appeal_decided
    return appeal_due is not None and today > appeal_due


@dataclass(frozen=True)
class ProceedingFacts:
    """A cessation or cancellation proceeding against one person's recognition."""

    kind: ProceedingKind
    status: ProceedingStatus
    reply_due: date | None = None
    reply_received: bool = False
    appeal_due: date | None = None  # after its decision is notified
    appeal_lodged: bool = False
    appeal_decided: bool = False
    appeal_overturned: bool = False
    appeal_decided_on: date | None = None

    def decision_is_final(self, today: date) -> bool:
        """As for a rejection: final when the appeal window passes unused, or the appeal is
        decided."""
        if self.status == ProceedingStatus.PROPOSED or self.appeal_due is None:
            return False
        return appealable_decision_is_final(
            self.appeal_due, self.appeal_lodged, self.appeal_decided, today
        )

    def ends_recognition(self, today: date) -> bool:
        """The recognition ends only when a decision to cease or cancel it is final and stands."""
        return (
            self.status in (ProceedingStatus.CEASED, ProceedingStatus.CANCELLED)
            and self.decision_is_final(today)
            and not self.appeal_overturned
        )

    def final_on(self) -> date | None:
        """The day the decision became final: the end of the appeal window when not appealed, else
        the day the appeal was decided (None while it is pending)."""
        if self.appeal_lodged:
            return self.appeal_decided_on
        return self.appeal_due


@dataclass(frozen=True)
class PersonFacts:
    """What the rules need to know of one person of a case."""

    person_id: int
    name: str = ""
    findings: tuple[
        tuple[str, Finding], ...
    ] = ()  # (country, finding) for each of their relevant States
    outcome: PersonOutcome | None = None
    notified_on: date | None = None
    appeal_due: date | None = None
    appeal_lodged: bool = False
    appeal_decided: bool = False
    referral: ReferralStatus | None = None
    proceeding: ProceedingFacts | None = None
    case_pending: bool = True  # the case is open (not withdrawn or closed)

    # --- where the person stands ------------------------------------------------------

    def in_procedure(self) -> bool:
        """Awaits or has a decision here: not someone whose referral is pending or confirmed."""
        return self.referral not in (ReferralStatus.PENDING, ReferralStatus.CONFIRMED_PERUVIAN)

    def decision_is_final(self, today: date) -> bool:
        """domain.md: final when the appeal window passes with no appeal, or the appeal is decided.
        A recognition is not adverse to the person, so it is final on notification."""
        if self.outcome is None:
            return False
        if self.outcome == PersonOutcome.REFERRED:
            return True
        if self.outcome == PersonOutcome.RECOGNIZED:
            return True
        return appealable_decision_is_final(
            self.appeal_due, self.appeal_lodged, self.appeal_decided, today
        )

    def recognized(self, today: date) -> bool:
        """Recognised as stateless, and no cessation or cancellation of it is final."""
        return self.outcome == PersonOutcome.RECOGNIZED and not (
            self.proceeding and self.proceeding.ends_recognition(today)
        )

    def recognition_is_final(self, today: date) -> bool:
        return self.recognized(today) and self.decision_is_final(today)

    def awaits_decision(self) -> bool:
        return self.case_pending and self.outcome is None and self.in_procedure()

    def protected_from_removal(self, today: date, residence_until: date | None = None) -> bool:
        """Applicants, appellants, referred persons awaiting the registry and recognised stateless
        persons may not be removed; a person whose status ceased keeps lawful residence for the
        grace period (``residence_until``, a proposal of the regulation)."""
        if self.referral == ReferralStatus.PENDING:
            return self.case_pending
        if self.referral == ReferralStatus.CONFIRMED_PERUVIAN:
            return False  # a Peruvian: outside this procedure
        if self.outcome is None:
            return self.case_pending
        if self.outcome == PersonOutcome.RECOGNIZED:
            if self.proceeding and self.proceeding.ends_recognition(today):
                return residence_until is not None and today <= residence_until
            return True
        if self.outcome == PersonOutcome.FAMILY_UNITY:
            return True  # residence for family unity
        return not self.decision_is_final(today)

    def document_refusal(self, document_type: str, today: date) -> str | None:
        """Why this person may not be issued the document now, or None."""
        if document_type == DocumentType.PROVISIONAL_CERTIFICATE:
            if self.decision_is_final(today) or not self.protected_from_removal(today):
                return N_(
                    "A provisional certificate is for a person whose own decision is not final "
                    "yet; %(name)s's outcome is %(outcome)s."
                )
            return None
        if document_type in (DocumentType.IDENTITY_DOCUMENT, DocumentType.TRAVEL_DOCUMENT):
            if not self.recognition_is_final(today):
                return N_(
                    "Identity and travel documents are only for a person whose own recognition as "
                    "stateless is final; %(name)s's outcome is %(outcome)s."
                )
        return None

    def provisional_certificate_superseded(self, today: date) -> bool:
        """A person's provisional certificate is superseded the day their own decision is final."""
        return self.decision_is_final(today) and self.outcome != PersonOutcome.REFERRED


# --- Outcomes that agree with the findings ---------------------------------------------


@dataclass(frozen=True)
class OutcomeRule:
    """What an outcome needs of that person's findings, in words a legislator reads."""

    outcome: PersonOutcome
    description: str  # the legal bases are the decide action's (sdp/domain/procedure.py)


OUTCOME_RULES: tuple[OutcomeRule, ...] = (
    OutcomeRule(
        PersonOutcome.RECOGNIZED,
        N_(
            "recognised only when every relevant State of that person is found not to consider "
            "them a national"
        ),
    ),
    OutcomeRule(
        PersonOutcome.REJECTED,
        N_(
            "rejected only when at least one relevant State of that person is found to consider "
            "them a national"
        ),
    ),
    OutcomeRule(PersonOutcome.EXCLUDED, N_("excluded only with the ground of Art. 1(2) recorded")),
    OutcomeRule(
        PersonOutcome.FAMILY_UNITY,
        N_(
            "family unity only for a person found to hold a nationality, with a family member "
            "recognised in the same decision (proposal of the regulation)"
        ),
    ),
)


def outcome_refusal(
    person: PersonFacts,
    outcome: PersonOutcome,
    *,
    exclusion_ground: str | None,
    family_member_recognized: bool,
) -> tuple[str, dict[str, Any]] | None:
    """Why ``outcome`` disagrees with this person's findings (a message and its parameters), or
    None."""
    params = {"name": person.name, "country": ""}
    if outcome == PersonOutcome.RECOGNIZED:
        if not person.findings:
            return N_(
                "%(name)s has no relevant State examined: a recognition needs every relevant State "
                "found."
            ), params
        for country, finding in person.findings:
            if finding != Finding.NOT_NATIONAL:
                return (
                    N_(
                        "%(name)s cannot be recognised: the finding on %(country)s is %(finding)s, "
                        "and a recognition needs every relevant State found not to consider them a "
                        "national."
                    ),
                    {**params, "country": country, "finding": finding.value},
                )
    elif outcome == PersonOutcome.REJECTED:
        if not any(finding == Finding.NATIONAL for _, finding in person.findings):
            return (
                N_(
                    "%(name)s cannot be rejected: no relevant State of theirs is found to consider "
                    "them a national."
                ),
                params,
            )
    elif outcome == PersonOutcome.EXCLUDED:
        if not exclusion_ground:
            return N_(
                "%(name)s cannot be excluded without the ground of Art. 1(2) recorded."
            ), params
    elif outcome == PersonOutcome.FAMILY_UNITY:
        national = next(
            (country for country, finding in person.findings if finding == Finding.NATIONAL), None
        )
        if national is None:
            return (
                N_(
                    "Family unity is for a person who holds a nationality: no relevant State of "
                    "%(name)s is found to consider them a national."
                ),
                params,
            )
        if not family_member_recognized:
            return (
                N_(
                    "Family unity for %(name)s needs a family member recognised in the same "
                    "decision."
                ),
                {**params, "country": national},
            )
    else:
        return N_("%(name)s: this outcome is not decided here."), params
    return None


def undecided_persons(persons: list[PersonFacts]) -> list[PersonFacts]:
    """Those whom a decision must name: in the procedure, with no outcome yet."""
    return [person for person in persons if person.awaits_decision()]


def nobody_remains(persons: list[PersonFacts]) -> bool:
    """A case ends when every person of it has left the procedure by a confirmed referral."""
    return all(person.referral == ReferralStatus.CONFIRMED_PERUVIAN for person in persons)
