"""The procedure, defined once, as data.

States, the actions between them, who may take each action, the conditions (guards)
under which it is allowed, its time limit and its legal basis. The services enforce
it (``check``), the web forms ask it which actions to offer (``available_actions``),
``GET /api/v1/procedure`` and the legislators' page render it (``as_dict``), and a test
holds ``docs/procedure.md`` to it. To change the procedure, change this file.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .determination import (
    ADVERSE_OUTCOMES,
    OUTCOME_RULES,
    OutcomeRule,
    PersonFacts,
    appealable_decision_is_final,
    outcome_refusal,
)
from .vocabulary import (
    N_,
    DecisionOutcome,
    DocumentType,
    Finding,
    PersonOutcome,
    ProceedingStatus,
    Role,
    State,
)

# --- What the rules look at -------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    """The person (or system) acting. Four-eyes rules compare ``id``, not roles."""

    id: int | None
    roles: frozenset[Role]


@dataclass(frozen=True)
class CaseFacts:
    """The facts of one case that the rules need, taken from the database by the caller."""

    state: State | None  # None before registration
    case_officer_id: int | None = None
    decided_by_id: int | None = None  # the first-instance decision-maker
    findings: tuple[Finding, ...] = ()
    decision_extended: bool = False
    decision_outcome: DecisionOutcome | None = None
    appeal_due: date | None = None
    appeal_lodged: bool = False
    notified_on: date | None = None
    # Each person's own facts (domain.md, section 4); the person an action concerns comes in
    # ``Context.params["person"]``.
    persons: tuple[PersonFacts, ...] = ()
    proposed_by_id: int | None = None  # the proposer of the person's cessation or cancellation
    proceeding_decided_by_id: int | None = (
        None  # who decided it (not the one who decides its appeal)
    )

    def decision_is_final(self, today: date) -> bool:
        """domain.md: final when the appeal window passes with no appeal, or the appeal is decided.

        A recognition is not appealable by the applicant (it is not adverse to them), so it is
        final on notification; a rejection is final once its appeal window has passed unused.
        """
        if self.state == State.RECOGNIZED:
            return True
        if self.state == State.REJECTED:
            # A rejected case whose appeal was lodged is back here only once the appeal is decided.
            return appealable_decision_is_final(
                self.appeal_due, self.appeal_lodged, appeal_decided=True, today=today
            )
        return self.state in (State.CEASED, State.CANCELLED)

    def is_pending(self, today: date) -> bool:
        """Whether the case awaits a final decision (the applicant is protected meanwhile)."""
        if self.state in PENDING_STATES:
            return True
        return self.state == State.REJECTED and not self.decision_is_final(today)

    def protected_from_removal(self, today: date) -> bool:
        """Applicants, appellants and recognised stateless persons may not be removed."""
        return self.is_pending(today) or self.state == State.RECOGNIZED


PENDING_STATES = frozenset(
    {State.REGISTERED, State.UNDER_EXAMINATION, State.PENDING_DECISION, State.UNDER_APPEAL}
)
TERMINAL_STATES = frozenset(
    {State.WITHDRAWN, State.CLOSED, State.REFERRED, State.CEASED, State.CANCELLED}
)


@dataclass(frozen=True)
class Context:
    today: date
    params: Mapping[str, Any] = field(default_factory=dict)


# Why a guard refuses: a message, or a message and its parameters (the person, the State it
# names); None when the guard is satisfied.
Refusal = str | tuple[str, dict[str, Any]] | None
PersonRefusal = Callable[[PersonFacts, Context], Refusal]


@dataclass(frozen=True)
class Guard:
    """A condition an action needs, in words a legislator reads and as a check."""

    description: str
    refusal: Callable[[CaseFacts, Context], Refusal]  # None when satisfied, else why not


@dataclass(frozen=True)
class Conflict:
    """A four-eyes rule: the person who did ``fact`` may not take the action."""

    fact: str  # an attribute of CaseFacts holding a user id
    description: str


@dataclass(frozen=True)
class Action:
    name: str
    title: str
    description: str
    roles: frozenset[Role]
    sources: frozenset[State]  # states it may be taken from; empty: it starts a case
    targets: tuple[State, ...] = ()  # the states it leads to; empty: the state stays
    assigned_only: frozenset[Role] = frozenset()  # roles that may act only on their own cases
    conflicts: tuple[Conflict, ...] = ()
    guards: tuple[Guard, ...] = ()
    time_limit: str | None = None  # name of the PolicySettings field that bounds it
    legal_basis: tuple[str, ...] = ()


@dataclass(frozen=True)
class StateSpec:
    state: State
    description: str
    time_limit: str | None = None  # the deadline running while a case is in this state
    protected: bool = True  # the person may not be removed while here


class ProcedureError(Exception):
    """The procedure forbids an action. ``message`` is a translatable template."""

    status = 409

    def __init__(self, message: str, **params: Any) -> None:
        self.message, self.params = message, params
        super().__init__(message % params if params else message)


class InvalidField(ProcedureError):
    """A value the procedure cannot accept (for example a date in the future): HTTP 422."""

    status = 422

    def __init__(self, field_name: str, message: str, **params: Any) -> None:
        self.field = field_name
        super().__init__(message, **params)


class Forbidden(ProcedureError):
    """This person may not take the action (role, assignment or four-eyes): HTTP 403."""

    status = 403


class NotAllowedNow(ProcedureError):
    """The procedure does not allow the action in the case's present state: HTTP 409."""

    status = 409


# --- Guards -------------------------------------------------------------------------


def _every_state_found(case: CaseFacts, ctx: Context) -> str | None:
    if not case.findings:
        return N_("At least one relevant State must be examined before a recommendation.")
    if Finding.UNDETERMINED in case.findings:
        return N_(
            "Every relevant State needs a finding other than undetermined before a recommendation."
        )
    return None


def _not_extended_before(case: CaseFacts, ctx: Context) -> str | None:
    if case.decision_extended:
        return N_("The decision period has already been extended once.")
    return None


def _concerned(case: CaseFacts, ctx: Context) -> tuple[PersonFacts, ...]:
    """The person an action concerns (``params["person"]``), or, to offer the action, everyone."""
    person = ctx.params.get("person")
    return (person,) if person is not None else case.persons


def _person_refusal(case: CaseFacts, ctx: Context, refusal: PersonRefusal) -> Refusal:
    """Apply a per-person refusal to the concerned person; offered when anyone qualifies."""
    concerned = _concerned(case, ctx)
    if not concerned:
        return N_("This action concerns a person of the case.")
    refusals = [refusal(person, ctx) for person in concerned]
    if any(r is None for r in refusals):
        return None
    return refusals[0]


def _named(message: str, person: PersonFacts, **params: Any) -> tuple[str, dict[str, Any]]:
    return message, {"name": person.name, **params}


def _may_be_referred(case: CaseFacts, ctx: Context) -> Refusal:
    def refusal(person: PersonFacts, ctx: Context) -> Refusal:
        if person.referral is not None and person.referral != "refused":
            return _named(N_("%(name)s is already referred to the civil registry."), person)
        if person.outcome is not None:
            return _named(N_("%(name)s is already decided."), person)
        return None

    return _person_refusal(case, ctx, refusal)


def _referral_pending(case: CaseFacts, ctx: Context) -> Refusal:
    def refusal(person: PersonFacts, ctx: Context) -> Refusal:
        if person.referral != "pending":
            return _named(
                N_("%(name)s has no referral awaiting the civil registry's answer."), person
            )
        return None

    return _person_refusal(case, ctx, refusal)


def _someone_awaits_decision(case: CaseFacts, ctx: Context) -> str | None:
    if case.state == State.PENDING_DECISION:
        return None
    if any(person.awaits_decision() for person in case.persons):
        return None  # a person whose referral was refused: their examination resumed
    return N_("Nobody of this case awaits a decision.")


def _outcome_rule(rule: OutcomeRule) -> Callable[[CaseFacts, Context], Refusal]:
    """A guard for one outcome rule: each person given that outcome (``params["outcomes"]``:
    ``(PersonFacts, outcome, exclusion ground)`` triples) must have the findings it needs."""

    def refusal(case: CaseFacts, ctx: Context) -> Refusal:
        outcomes = ctx.params.get("outcomes") or ()
        recognized = any(outcome == PersonOutcome.RECOGNIZED for _, outcome, _ in outcomes)
        for person, outcome, ground in outcomes:
            if outcome == rule.outcome:
                found = outcome_refusal(
                    person,
                    PersonOutcome(outcome),
                    exclusion_ground=ground,
                    family_member_recognized=recognized,
                )
                if found:
                    return found
        return None

    return refusal


def _may_appeal(case: CaseFacts, ctx: Context) -> Refusal:
    lodged_on = ctx.params.get("lodged_on", ctx.today)

    def refusal(person: PersonFacts, ctx: Context) -> Refusal:
        if person.outcome not in ADVERSE_OUTCOMES:
            return _named(N_("%(name)s has no adverse decision to appeal."), person)
        if person.appeal_lodged:
            return _named(N_("The decision on %(name)s has already been appealed."), person)
        if person.appeal_due is None or lodged_on > person.appeal_due:
            return _named(
                N_("The appeal window closed on %(appeal_due)s."),
                person,
                appeal_due=person.appeal_due.isoformat() if person.appeal_due else "",
            )
        if person.notified_on and lodged_on < person.notified_on:
            return _named(
                N_("An appeal cannot be lodged before the decision was notified."), person
            )
        return None

    return _person_refusal(case, ctx, refusal)


def _appeal_pending(case: CaseFacts, ctx: Context) -> Refusal:
    def refusal(person: PersonFacts, ctx: Context) -> Refusal:
        if not person.appeal_lodged or person.appeal_decided:
            return _named(N_("%(name)s has no appeal awaiting a decision."), person)
        return None

    return _person_refusal(case, ctx, refusal)


def _recognition_final_without_proceeding(case: CaseFacts, ctx: Context) -> Refusal:
    def refusal(person: PersonFacts, ctx: Context) -> Refusal:
        if not person.recognition_is_final(ctx.today):
            return _named(N_("%(name)s's recognition is not final."), person)
        if person.proceeding and person.proceeding.status == ProceedingStatus.PROPOSED:
            return _named(N_("A proceeding on %(name)s's recognition is already open."), person)
        return None

    return _person_refusal(case, ctx, refusal)


def _proceeding_open(case: CaseFacts, ctx: Context) -> Refusal:
    def refusal(person: PersonFacts, ctx: Context) -> Refusal:
        if person.proceeding is None or person.proceeding.status != ProceedingStatus.PROPOSED:
            return _named(
                N_("%(name)s has no proposal of cessation or cancellation awaiting a decision."),
                person,
            )
        return None

    return _person_refusal(case, ctx, refusal)


def _reply_heard(case: CaseFacts, ctx: Context) -> Refusal:
    def refusal(person: PersonFacts, ctx: Context) -> Refusal:
        proceeding = person.proceeding
        if proceeding is None:
            return None  # _proceeding_open refuses it
        if (
            not proceeding.reply_received
            and proceeding.reply_due
            and ctx.today <= proceeding.reply_due
        ):
            return _named(
                N_(
                    "%(name)s may reply until %(reply_due)s: decide after that day or once the "
                    "reply is recorded."
                ),
                person,
                reply_due=proceeding.reply_due.isoformat(),
            )
        return None

    return _person_refusal(case, ctx, refusal)


EVERY_STATE_FOUND = Guard(
    N_("every relevant State has a finding (national or not a national)"), _every_state_found
)
NOT_EXTENDED_BEFORE = Guard(
    N_(
        "a reasoned act stating why (for example an inquiry pending or unanswered, an interview to "
        "repeat), once only"
    ),
    _not_extended_before,
)
MAY_APPEAL = Guard(
    N_(
        "the person's own outcome is adverse (rejected, excluded or family unity), not appealed "
        "before, and the appeal is lodged within the window, after notification"
    ),
    _may_appeal,
)
APPEAL_PENDING = Guard(N_("the person's appeal awaits a decision"), _appeal_pending)
MAY_BE_REFERRED = Guard(N_("the person is not decided and not already referred"), _may_be_referred)
REFERRAL_PENDING = Guard(
    N_("the person's referral awaits the civil registry's answer"), _referral_pending
)
SOMEONE_AWAITS_DECISION = Guard(
    N_("the case awaits its decision, or a person whose referral was refused awaits theirs"),
    _someone_awaits_decision,
)
# Each person's outcome agrees with that person's own findings (domain.md, section 4).
OUTCOME_GUARDS = tuple(Guard(rule.description, _outcome_rule(rule)) for rule in OUTCOME_RULES)
RECOGNITION_FINAL = Guard(
    N_("the person's recognition is final and no proceeding on it is open"),
    _recognition_final_without_proceeding,
)
PROCEEDING_OPEN = Guard(
    N_("a proposal of cessation or cancellation awaits a decision"), _proceeding_open
)


def _proceeding_appealable(case: CaseFacts, ctx: Context) -> Refusal:
    lodged_on = ctx.params.get("lodged_on", ctx.today)

    def refusal(person: PersonFacts, ctx: Context) -> Refusal:
        proceeding = person.proceeding
        if proceeding is None or proceeding.status not in (
            ProceedingStatus.CEASED,
            ProceedingStatus.CANCELLED,
        ):
            return _named(
                N_("%(name)s has no decision of cessation or cancellation to appeal."), person
            )
        if proceeding.appeal_lodged:
            return _named(N_("The decision on %(name)s has already been appealed."), person)
        if proceeding.appeal_due is None or lodged_on > proceeding.appeal_due:
            return _named(
                N_("The appeal window closed on %(appeal_due)s."),
                person,
                appeal_due=proceeding.appeal_due.isoformat() if proceeding.appeal_due else "",
            )
        return None

    return _person_refusal(case, ctx, refusal)


def _proceeding_appeal_pending(case: CaseFacts, ctx: Context) -> Refusal:
    def refusal(person: PersonFacts, ctx: Context) -> Refusal:
        proceeding = person.proceeding
        if proceeding is None or not proceeding.appeal_lodged or proceeding.appeal_decided:
            return _named(
                N_(
                    "%(name)s has no appeal against a cessation or cancellation awaiting a "
                    "decision."
                ),
                person,
            )
        return None

    return _person_refusal(case, ctx, refusal)


PROCEEDING_APPEALABLE = Guard(
    N_("a decision of cessation or cancellation, not appealed before, within the appeal window"),
    _proceeding_appealable,
)
PROCEEDING_APPEAL_PENDING = Guard(
    N_("the person's appeal against a cessation or cancellation awaits a decision"),
    _proceeding_appeal_pending,
)
REPLY_HEARD = Guard(
    N_("the person's reply is recorded, or the reply period has ended"), _reply_heard
)

CASE_OFFICER_CONFLICT = Conflict("case_officer_id", N_("not the officer who examined the case"))
DECIDER_CONFLICT = Conflict("decided_by_id", N_("not the first-instance decision-maker"))
PROPOSER_CONFLICT = Conflict("proposed_by_id", N_("not the person who proposed it"))
PROCEEDING_DECIDER_CONFLICT = Conflict(
    "proceeding_decided_by_id", N_("not the person who decided the cessation or cancellation")
)

# --- The procedure ------------------------------------------------------------------

INTAKE, OFFICER, DECIDER, APPEALS, SUPERVISOR = (
    Role.INTAKE_OFFICER,
    Role.CASE_OFFICER,
    Role.DECISION_MAKER,
    Role.APPEALS_OFFICER,
    Role.SUPERVISOR,
)
EXAMINATION = frozenset({State.UNDER_EXAMINATION})
BEFORE_DECISION = frozenset({State.REGISTERED, State.UNDER_EXAMINATION, State.PENDING_DECISION})

STATES: tuple[StateSpec, ...] = (
    StateSpec(
        State.REGISTERED,
        N_(
            "The application is registered and the applicant holds a provisional certificate; it "
            "waits for a case officer."
        ),
        "decision_due_months",
    ),
    StateSpec(
        State.UNDER_EXAMINATION,
        N_(
            "A case officer examines the relevant States with the applicant: evidence, inquiries, "
            "interview, findings."
        ),
        "decision_due_months",
    ),
    StateSpec(
        State.PENDING_DECISION,
        N_(
            "The case officer has recommended an outcome; a decision-maker who did not examine the "
            "case decides."
        ),
        "decision_due_months",
    ),
    StateSpec(
        State.RECOGNIZED,
        N_(
            "The person is recognised as stateless: identity and travel documents, residence, "
            "facilitated naturalization."
        ),
        "naturalization_years",
    ),
    StateSpec(
        State.REJECTED,
        N_(
            "The application is rejected or the person excluded; the applicant may appeal within "
            "the window and stays protected meanwhile."
        ),
        "appeal_window_working_days",
    ),
    StateSpec(
        State.UNDER_APPEAL,
        N_("An independent appeals officer reviews the decision; the appeal is suspensive."),
        "appeal_decision_working_days",
    ),
    StateSpec(State.WITHDRAWN, N_("The applicant withdrew the application."), protected=False),
    StateSpec(
        State.CLOSED,
        N_(
            "The case was closed by a reasoned act (for example the applicant's death or "
            "departure)."
        ),
        protected=False,
    ),
    StateSpec(
        State.REFERRED,
        N_(
            "The person appears to be Peruvian and is referred to late birth registration or "
            "nationality confirmation instead."
        ),
        protected=False,
    ),
    StateSpec(
        State.CEASED,
        N_("Recognition ceased because the person acquired or recovered a nationality."),
        protected=False,
    ),
    StateSpec(
        State.CANCELLED,
        N_("Recognition was cancelled because it was obtained by fraud."),
        protected=False,
    ),
)

ACTIONS: tuple[Action, ...] = (
    Action(
        "register",
        N_("Register an application"),
        N_(
            "Anyone in Peru may apply, orally or in writing, at no cost, with no deadline and "
            "whatever their migration status; an authority may start a case ex officio. Dependants "
            "may be included. The applicant receives a provisional certificate."
        ),
        roles=frozenset({INTAKE}),
        sources=frozenset(),
        targets=(State.REGISTERED,),
        time_limit="decision_due_months",
        legal_basis=(
            N_("Legislative Decree 1725 (2026)"),
            N_("UNHCR Handbook (2014), paras. 68-71"),
            N_("Brazil Plan of Action (2014), ch. 6"),
        ),
    ),
    Action(
        "assign",
        N_("Assign a case officer"),
        N_(
            "A supervisor assigns the case to a case officer, who starts the examination. "
            "Children's and vulnerable applicants' cases come first."
        ),
        roles=frozenset({SUPERVISOR}),
        sources=frozenset({State.REGISTERED}),
        targets=(State.UNDER_EXAMINATION,),
        legal_basis=(N_("UNHCR Handbook (2014), paras. 72-74"),),
    ),
    Action(
        "reassign",
        N_("Reassign the case"),
        N_("A supervisor hands an ongoing case to another case officer."),
        roles=frozenset({SUPERVISOR}),
        sources=frozenset({State.UNDER_EXAMINATION, State.PENDING_DECISION}),
    ),
    Action(
        "record_detention",
        N_("Record detention"),
        N_(
            "A person of the case is detained (place, since when): the case becomes a priority, "
            "and detained cases come first. No penalty for irregular entry or stay ever follows "
            "from applying."
        ),
        roles=frozenset({INTAKE, OFFICER, SUPERVISOR}),
        sources=frozenset(State) - TERMINAL_STATES,
        assigned_only=frozenset({OFFICER}),
        # The law is silent on detention in this procedure: a proposal of the regulation (domain.md,
        # section 4).
        legal_basis=(N_("Proposal of the regulation"),),
    ),
    Action(
        "record_guardian",
        N_("Record a guardian or representative"),
        N_(
            "An unaccompanied child needs a guardian or representative recorded before the "
            "interview."
        ),
        roles=frozenset({INTAKE, OFFICER, SUPERVISOR}),
        sources=frozenset(State) - TERMINAL_STATES,
        assigned_only=frozenset({OFFICER}),
        legal_basis=(
            N_("Convention on the Rights of the Child, Art. 3"),
            N_("Proposal of the regulation"),
        ),
    ),
    Action(
        "add_relevant_state",
        N_("Add a relevant State"),
        N_(
            "Each person of the case is examined on their own. The examination looks only at "
            "States with which that person has a relevant link: birth, descent, marriage, "
            "adoption, habitual residence or former nationality."
        ),
        roles=frozenset({OFFICER}),
        sources=EXAMINATION,
        assigned_only=frozenset({OFFICER}),
        legal_basis=(N_("1954 Convention, Art. 1(1)"), N_("UNHCR Handbook (2014), paras. 18-19")),
    ),
    Action(
        "record_evidence",
        N_("Record evidence"),
        N_(
            "Applicant and examiner share the burden of proof: testimony, documents and expert "
            "information on a State's law and practice are recorded."
        ),
        roles=frozenset({OFFICER}),
        sources=EXAMINATION,
        assigned_only=frozenset({OFFICER}),
        legal_basis=(N_("UNHCR Handbook (2014), paras. 83-90"),),
    ),
    Action(
        "send_inquiry",
        N_("Send an inquiry to a State"),
        N_(
            "With the consent of the person concerned (its date is recorded), a written inquiry "
            "asks a State's authorities whether they consider the person a national. It is refused "
            "for the State of an asylum claim of anyone in the case. Silence after the response "
            "period is recorded as unanswered and is never held against the applicant."
        ),
        roles=frozenset({OFFICER}),
        sources=EXAMINATION,
        assigned_only=frozenset({OFFICER}),
        time_limit="inquiry_response_days",
        legal_basis=(N_("UNHCR Handbook (2014), paras. 96-101"),),
    ),
    Action(
        "record_inquiry_response",
        N_("Record a State's response"),
        N_("The answer of the foreign authority is recorded with its outcome."),
        roles=frozenset({OFFICER}),
        sources=EXAMINATION,
        assigned_only=frozenset({OFFICER}),
        legal_basis=(N_("UNHCR Handbook (2014), paras. 96-101"),),
    ),
    Action(
        "record_interview",
        N_("Record an interview"),
        N_(
            "An interview in person, with a free interpreter and a legal representative if the "
            "person wishes; child-sensitive for children, and an unaccompanied child only with a "
            "guardian or representative recorded; the record is read back to the person."
        ),
        roles=frozenset({OFFICER}),
        sources=EXAMINATION,
        assigned_only=frozenset({OFFICER}),
        legal_basis=(N_("UNHCR Handbook (2014), paras. 71, 86-87"),),
    ),
    Action(
        "record_finding",
        N_("Record a finding on a State"),
        N_(
            "For each relevant State, the case officer finds whether that State considers the "
            "person a national under the operation of its law, in law and in practice, with "
            "reasons."
        ),
        roles=frozenset({OFFICER}),
        sources=EXAMINATION,
        assigned_only=frozenset({OFFICER}),
        legal_basis=(
            N_("1954 Convention, Art. 1(1)"),
            N_("UNHCR Handbook (2014), paras. 22-24, 91-93"),
        ),
    ),
    Action(
        "extend_decision_due",
        N_("Extend the decision period"),
        N_(
            "Once, by a reasoned act stating why (an inquiry pending or unanswered, an interview "
            "to repeat, or any other stated reason), the decision period may be extended."
        ),
        roles=frozenset({OFFICER, SUPERVISOR}),
        sources=BEFORE_DECISION,
        assigned_only=frozenset({OFFICER}),
        guards=(NOT_EXTENDED_BEFORE,),
        time_limit="extended_decision_due_months",
        legal_basis=(
            N_("UNHCR Handbook (2014), para. 75"),
            N_("Uruguay Law 19.682, art. 31 (model)"),
        ),
    ),
    Action(
        "recommend",
        N_("Recommend an outcome"),
        N_(
            "The case officer recommends recognition, rejection or exclusion, with reasons, once "
            "every relevant State has a finding."
        ),
        roles=frozenset({OFFICER}),
        sources=EXAMINATION,
        targets=(State.PENDING_DECISION,),
        assigned_only=frozenset({OFFICER}),
        guards=(EVERY_STATE_FOUND,),
        legal_basis=(N_("UNHCR Handbook (2014), paras. 91-93"),),
    ),
    Action(
        "return_to_examination",
        N_("Return for further examination"),
        N_(
            "The decision-maker sends the case back to the case officer when the examination is "
            "incomplete."
        ),
        roles=frozenset({DECIDER}),
        sources=frozenset({State.PENDING_DECISION}),
        targets=(State.UNDER_EXAMINATION,),
        conflicts=(CASE_OFFICER_CONFLICT,),
    ),
    Action(
        "decide",
        N_("Decide"),
        N_(
            "A decision-maker who did not examine the case decides in writing, with a finding and "
            "reasons per relevant State, and has it notified in a language the applicant "
            "understands. The decision names an outcome for every person still in the procedure: "
            "recognised, rejected, excluded (only on the grounds of Art. 1(2)) or family unity; a "
            "person whose referral awaits the civil registry is not decided here."
        ),
        roles=frozenset({DECIDER}),
        sources=frozenset(
            {State.PENDING_DECISION, State.RECOGNIZED, State.REJECTED, State.UNDER_APPEAL}
        ),
        targets=(State.RECOGNIZED, State.REJECTED),
        conflicts=(CASE_OFFICER_CONFLICT,),
        guards=(SOMEONE_AWAITS_DECISION, *OUTCOME_GUARDS),
        time_limit="decision_due_months",
        legal_basis=(
            N_("1954 Convention, Art. 1(1) and 1(2)"),
            N_("UNHCR Handbook (2014), paras. 76-78"),
        ),
    ),
    Action(
        "lodge_appeal",
        N_("Lodge an appeal"),
        N_(
            "Each person may appeal their own rejection, exclusion or family-unity outcome within "
            "the appeal window. The appeal is suspensive: the person stays protected until it is "
            "decided. Under TUO Ley 27444, Art. 226.1 an appeal does not suspend the act unless a "
            "norm says so: the suspensive effect is a rule of the proposed regulation."
        ),
        roles=frozenset({OFFICER, INTAKE}),
        sources=frozenset({State.REJECTED, State.RECOGNIZED, State.UNDER_APPEAL}),
        targets=(State.UNDER_APPEAL,),
        assigned_only=frozenset({OFFICER}),
        guards=(MAY_APPEAL,),
        time_limit="appeal_window_working_days",
        legal_basis=(
            N_("TUO Ley 27444, Arts. 218-220 (appeal and its time limits)"),
            N_(
                "Proposal of the regulation: suspensive effect (TUO Ley 27444, Art. 226.1 needs an "
                "express norm)"
            ),
            N_("UNHCR Handbook (2014), paras. 76-78"),
        ),
    ),
    Action(
        "decide_appeal",
        N_("Decide the appeal"),
        N_(
            "An appeals officer other than the first-instance decision-maker upholds or overturns "
            "the decision; the result is final."
        ),
        roles=frozenset({APPEALS}),
        sources=frozenset({State.UNDER_APPEAL, State.RECOGNIZED, State.REJECTED}),
        targets=(State.RECOGNIZED, State.REJECTED),
        conflicts=(DECIDER_CONFLICT, CASE_OFFICER_CONFLICT),
        guards=(APPEAL_PENDING,),
        time_limit="appeal_decision_working_days",
        legal_basis=(N_("TUO Ley 27444, Arts. 218-220"), N_("UNHCR Handbook (2014), para. 77")),
    ),
    Action(
        "withdraw",
        N_("Record a withdrawal"),
        N_(
            "The applicant withdraws the application; the withdrawal is recorded with the "
            "applicant's words."
        ),
        roles=frozenset({INTAKE, OFFICER}),
        sources=BEFORE_DECISION,
        targets=(State.WITHDRAWN,),
        assigned_only=frozenset({OFFICER}),
    ),
    Action(
        "close",
        N_("Close the case"),
        N_(
            "A supervisor closes a case by a reasoned act, for example on the applicant's death or "
            "departure from Peru."
        ),
        roles=frozenset({SUPERVISOR}),
        sources=BEFORE_DECISION,
        targets=(State.CLOSED,),
    ),
    Action(
        "refer",
        N_("Refer a person to birth registration or nationality confirmation"),
        N_(
            "A person who appears to be Peruvian (for example born in Peru but never registered) "
            "is referred to late birth registration or nationality confirmation, not recognised as "
            "stateless. The referral is per person: they stay protected, with a valid provisional "
            "certificate, until the civil registry answers, and the case goes on for the others."
        ),
        roles=frozenset({OFFICER, SUPERVISOR}),
        sources=BEFORE_DECISION,
        guards=(MAY_BE_REFERRED,),
        assigned_only=frozenset({OFFICER}),
        legal_basis=(
            N_("Constitution of Peru, Art. 52"),
            N_("Law 32421 (2025)"),
            N_("Brazil Plan of Action (2014), ch. 6"),
        ),
    ),
    Action(
        "record_referral_outcome",
        N_("Record the civil registry's answer to a referral"),
        N_(
            "Confirmed Peruvian (with the registry's reference, such as the CUI): the person "
            "leaves the procedure, and the case ends when nobody remains in it. Refused: the "
            "person's examination resumes."
        ),
        roles=frozenset({OFFICER, SUPERVISOR}),
        sources=frozenset(State) - frozenset({State.WITHDRAWN, State.CLOSED, State.REFERRED}),
        targets=(State.REFERRED,),
        guards=(REFERRAL_PENDING,),
        assigned_only=frozenset({OFFICER}),
        legal_basis=(N_("Constitution of Peru, Art. 52"), N_("Law 32421 (2025)")),
    ),
)

# Cessation and cancellation are proceedings, not clicks (domain.md, section 4): a reasoned
# proposal is notified, the person may reply, someone who did not propose it decides, and the
# decision is appealable like a rejection. The hearing and the reply period follow TUO Ley 27444;
# the rest is a proposal of the regulation.
_PROCEEDING_BASIS = {
    "cessation": (
        N_("UNHCR Handbook (2014), paras. 161-163"),
        N_("TUO Ley 27444 (hearing before an unfavourable act)"),
        N_("Brazil Decree 9.199, arts. 95-96 and 107 (model)"),
    ),
    "cancellation": (
        N_("UNHCR Handbook (2014), paras. 161-163"),
        N_("TUO Ley 27444, Art. 213"),
        N_("TUO Ley 27444 (hearing before an unfavourable act)"),
    ),
}
RECOGNITION_STANDS = frozenset(State) - frozenset(
    {
        State.WITHDRAWN,
        State.CLOSED,
        State.REFERRED,
        State.REGISTERED,
        State.UNDER_EXAMINATION,
        State.PENDING_DECISION,
    }
)
ACTIONS += (
    Action(
        "propose_cessation",
        N_("Propose cessation"),
        N_(
            "A reasoned proposal that a person's recognition has ceased because they acquired or "
            "recovered a nationality (named, with its evidence) is notified to them; they may "
            "reply within the reply period. Their documents stay valid meanwhile."
        ),
        roles=frozenset({DECIDER, SUPERVISOR}),
        sources=RECOGNITION_STANDS,
        guards=(RECOGNITION_FINAL,),
        time_limit="cessation_reply_working_days",
        legal_basis=_PROCEEDING_BASIS["cessation"],
    ),
    Action(
        "propose_cancellation",
        N_("Propose cancellation"),
        N_(
            "A reasoned proposal that a person's recognition be cancelled because it was obtained "
            "by fraud is notified to them; they may reply within the reply period. Their documents "
            "stay valid meanwhile."
        ),
        roles=frozenset({DECIDER, SUPERVISOR}),
        sources=RECOGNITION_STANDS,
        guards=(RECOGNITION_FINAL,),
        time_limit="cessation_reply_working_days",
        legal_basis=_PROCEEDING_BASIS["cancellation"],
    ),
    Action(
        "record_proceeding_reply",
        N_("Record the person's reply"),
        N_(
            "The person's reply to a proposal of cessation or cancellation is recorded for the "
            "decision-maker."
        ),
        roles=frozenset({OFFICER, SUPERVISOR}),
        sources=RECOGNITION_STANDS,
        guards=(PROCEEDING_OPEN,),
        assigned_only=frozenset({OFFICER}),
        legal_basis=(N_("TUO Ley 27444 (hearing before an unfavourable act)"),),
    ),
    Action(
        "decide_proceeding",
        N_("Decide on cessation or cancellation"),
        N_(
            "A decision-maker who did not propose it decides, after the reply or the end of the "
            "reply period: ceased, cancelled or maintained. The decision is notified and may be "
            "appealed like a rejection, suspensively; documents lapse only when it is final, and a "
            "person whose status ceased keeps lawful residence for the grace period (proposal of "
            "the regulation)."
        ),
        roles=frozenset({DECIDER}),
        sources=RECOGNITION_STANDS,
        targets=(State.CEASED, State.CANCELLED),
        guards=(PROCEEDING_OPEN, REPLY_HEARD),
        conflicts=(PROPOSER_CONFLICT,),
        time_limit="residence_after_cessation_days",
        legal_basis=(
            N_("UNHCR Handbook (2014), paras. 161-163"),
            N_(
                "Proposal of the regulation: appeal with suspensive effect; residence after "
                "cessation as in Brazil Decree 9.199, art. 107"
            ),
        ),
    ),
    Action(
        "lodge_proceeding_appeal",
        N_("Lodge an appeal against a cessation or cancellation"),
        N_(
            "The person may appeal a decision of cessation or cancellation within the appeal "
            "window, like a rejection. The appeal is suspensive (a rule of the proposed "
            "regulation): the recognition and its documents stand until it is decided."
        ),
        roles=frozenset({OFFICER, INTAKE}),
        sources=RECOGNITION_STANDS,
        assigned_only=frozenset({OFFICER}),
        guards=(PROCEEDING_APPEALABLE,),
        time_limit="appeal_window_working_days",
        legal_basis=(
            N_("TUO Ley 27444, Arts. 218-220 (appeal and its time limits)"),
            N_(
                "Proposal of the regulation: suspensive effect (TUO Ley 27444, Art. 226.1 needs an "
                "express norm)"
            ),
        ),
    ),
    Action(
        "decide_proceeding_appeal",
        N_("Decide the appeal against a cessation or cancellation"),
        N_(
            "An appeals officer other than the decision-maker who decided it upholds or overturns "
            "the cessation or cancellation; the result is final."
        ),
        roles=frozenset({APPEALS}),
        sources=RECOGNITION_STANDS,
        conflicts=(PROCEEDING_DECIDER_CONFLICT,),
        guards=(PROCEEDING_APPEAL_PENDING,),
        time_limit="appeal_decision_working_days",
        legal_basis=(
            N_("TUO Ley 27444, Arts. 218-220 (appeal and its time limits)"),
            N_("UNHCR Handbook (2014), para. 77"),
        ),
    ),
)


# Which document a person may hold (domain.md, sections 2.2, 2.11 and 4): decided per person.
def _document_allowed(case: CaseFacts, ctx: Context) -> Refusal:
    document_type = ctx.params.get("type")
    person: PersonFacts | None = ctx.params.get("person")
    if document_type == DocumentType.DECISION_LETTER:
        decided = (person,) if person is not None else case.persons
        if not any(p.outcome not in (None, PersonOutcome.REFERRED) for p in decided):
            return N_("A decision letter needs a decision on the person it is addressed to.")
        return None
    if document_type not in (
        DocumentType.PROVISIONAL_CERTIFICATE,
        DocumentType.IDENTITY_DOCUMENT,
        DocumentType.TRAVEL_DOCUMENT,
    ):
        return N_("This document is not issued from a case.")
    concerned = (person,) if person is not None else case.persons
    refusals = [(p, p.document_refusal(document_type, ctx.today)) for p in concerned]
    if not refusals or all(refusal is None for _, refusal in refusals):
        return None if refusals else N_("This document is issued to a person of the case.")
    if any(refusal is None for _, refusal in refusals):
        return None  # offered: someone of the case may hold it
    # Nobody may hold it: the first person's reason.
    holder, reason = next((p, refusal) for p, refusal in refusals if refusal is not None)
    return reason, {"name": holder.name, "outcome": _outcome_words(holder, ctx.today)}


def _outcome_words(person: PersonFacts, today: date) -> str:
    if person.referral == "pending":
        return "referral pending"
    if person.outcome is None:
        return "not decided"
    final = "final" if person.decision_is_final(today) else "not final"
    return f"{person.outcome.value} ({final})"


DOCUMENT_ALLOWED = Guard(
    N_(
        "the person's own status allows the document: a provisional certificate until their own "
        "decision is final, identity and travel documents only after their own final recognition, "
        "a decision letter after a decision"
    ),
    _document_allowed,
)

ACTIONS += (
    Action(
        "issue_document",
        N_("Issue a document"),
        N_(
            "A provisional certificate protects each person until their own decision is final (it "
            "is then superseded); a person whose own recognition as stateless is final receives an "
            "identity document and a travel document, never a person who holds a nationality; "
            "every decision is notified by a letter. Each document carries a signed QR code that "
            "anyone can verify."
        ),
        roles=frozenset({INTAKE, OFFICER, SUPERVISOR}),
        sources=frozenset(State),
        assigned_only=frozenset({OFFICER}),
        guards=(DOCUMENT_ALLOWED,),
        legal_basis=(
            N_("1954 Convention, Arts. 27 and 28 and Schedule"),
            N_("UNHCR Handbook (2014), paras. 145-148"),
        ),
    ),
)

# --- Acts that move no case's state ---------------------------------------------------

# A birth is registered, and its record issued, without a case; a document is revoked whatever
# the state of its case. These acts move no state, but who may take them is part of the procedure
# all the same (a proposal of the regulation: the registrar registers, as RENIEC's registrars do;
# a supervisor may also issue the record, for corrections and reissues, and alone revokes a
# document). ``check_act`` enforces them; the pages ask ``may_take_act`` before they offer them.
OTHER_ACTS: tuple[Action, ...] = (
    Action(
        "register_birth",
        N_("Register a birth"),
        N_("Record a birth with the child's nationality at birth decided by the rule."),
        roles=frozenset({Role.REGISTRAR}),
        sources=frozenset(),
    ),
    Action(
        "issue_birth_record",
        N_("Issue a birth record"),
        N_("Issue the signed extract of a birth registration."),
        roles=frozenset({Role.REGISTRAR, Role.SUPERVISOR}),
        sources=frozenset(),
    ),
    Action(
        "revoke_document",
        N_("Revoke a document"),
        N_("Revoke a document with a reason: it then verifies as revoked."),
        roles=frozenset({Role.SUPERVISOR}),
        sources=frozenset(),
    ),
)

ACTIONS_BY_NAME: dict[str, Action] = {action.name: action for action in ACTIONS}
OTHER_ACTS_BY_NAME: dict[str, Action] = {action.name: action for action in OTHER_ACTS}
STATES_BY_VALUE: dict[State, StateSpec] = {spec.state: spec for spec in STATES}

# --- Enforcement --------------------------------------------------------------------


def check(action_name: str, case: CaseFacts, actor: Actor, ctx: Context) -> Action:
    """Raise Forbidden (403) or NotAllowedNow (409) unless ``actor`` may take the action now."""
    action = ACTIONS_BY_NAME[action_name]
    _check_person(action, case, actor)
    _check_moment(action, case, ctx)
    return action


def _check_person(action: Action, case: CaseFacts, actor: Actor) -> None:
    qualifying = actor.roles & action.roles
    if not qualifying:
        raise Forbidden(N_("Your role may not take this action: %(action)s."), action=action.name)
    unrestricted = qualifying - action.assigned_only
    if not unrestricted and case.case_officer_id != actor.id:
        raise Forbidden(N_("Only the case officer assigned to this case may take this action."))
    for conflict in action.conflicts:
        if actor.id is not None and getattr(case, conflict.fact) == actor.id:
            raise Forbidden(
                N_("Four-eyes rule: the person taking this action must be %(who)s."),
                who=conflict.description,
            )


def _check_moment(action: Action, case: CaseFacts, ctx: Context) -> None:
    if action.sources and case.state not in action.sources:
        raise NotAllowedNow(
            N_("This action is not allowed while the case is %(state)s."), state=case.state
        )
    for guard in action.guards:
        refusal = guard.refusal(case, ctx)
        if refusal:
            # A refusal names what it is about (the person, the State) as (message, parameters).
            message, params = refusal if isinstance(refusal, tuple) else (refusal, {})
            raise NotAllowedNow(message, **params)


def check_act(action_name: str, actor: Actor) -> Action:
    """Raise Forbidden (403) unless ``actor``'s roles may take this act (``OTHER_ACTS``)."""
    action = OTHER_ACTS_BY_NAME[action_name]
    if not actor.roles & action.roles:
        raise Forbidden(
            N_("Your role may not take this action: %(action)s (it is for: %(roles)s)."),
            action=action.name,
            roles=", ".join(sorted(role.value for role in action.roles)),
        )
    return action


def may_take_act(action_name: str, roles: frozenset[Role]) -> bool:
    """Whether these roles may take the act: what the pages ask before they offer it."""
    return bool(OTHER_ACTS_BY_NAME[action_name].roles & roles)


def is_allowed(action_name: str, case: CaseFacts, actor: Actor, ctx: Context) -> bool:
    try:
        check(action_name, case, actor, ctx)
    except ProcedureError:
        return False
    return True


@dataclass(frozen=True)
class ActionChoice:
    """One action of the procedure as it stands for one person on one case now.

    ``not_now`` is the procedure's reason the case is not ready for it (whoever asks);
    ``not_you`` the reason this person may not take it (role, assignment, four-eyes). The task
    list tells them apart: "cannot start yet" is not "someone else's step"."""

    action: Action
    not_now: NotAllowedNow | None
    not_you: Forbidden | None

    @property
    def allowed(self) -> bool:
        return self.not_now is None and self.not_you is None

    @property
    def refusal(self) -> ProcedureError | None:
        return self.not_now or self.not_you


def action_choices(case: CaseFacts, actor: Actor, ctx: Context) -> list[ActionChoice]:
    """What this person can do on this case now, and why not each of the others, in the
    procedure's order: the one answer the case page, its task list and the API give."""
    choices = []
    for action in ACTIONS:
        if not action.sources:
            continue  # registering starts a case; it is never taken on one
        not_now = not_you = None
        try:
            _check_moment(action, case, ctx)
        except NotAllowedNow as error:
            not_now = error
        try:
            _check_person(action, case, actor)
        except Forbidden as error:
            not_you = error
        choices.append(ActionChoice(action, not_now, not_you))
    return choices


def available_actions(case: CaseFacts, actor: Actor, ctx: Context) -> list[Action]:
    """The actions this person may take on this case now, in the procedure's order."""
    return [choice.action for choice in action_choices(case, actor, ctx) if choice.allowed]


def target_state(action_name: str, outcome: str | None = None) -> State | None:
    """The state an action leads to; for a decision, the one its outcome gives."""
    action = ACTIONS_BY_NAME[action_name]
    if len(action.targets) == 1:
        return action.targets[0]
    if not action.targets:
        return None
    return State.RECOGNIZED if outcome == DecisionOutcome.RECOGNIZED else State.REJECTED


def as_dict() -> dict[str, Any]:
    """The procedure as data for the API and the legislators' documents."""
    return {
        "states": [
            {
                "name": spec.state.value,
                "description": spec.description,
                "time_limit": spec.time_limit,
                "protected_from_removal": spec.protected,
                "terminal": spec.state in TERMINAL_STATES,
            }
            for spec in STATES
        ],
        "actions": [
            {
                "name": action.name,
                "title": action.title,
                "description": action.description,
                "roles": sorted(role.value for role in action.roles),
                "assigned_case_only": sorted(role.value for role in action.assigned_only),
                "from": sorted(state.value for state in action.sources),
                "to": [state.value for state in action.targets],
                "four_eyes": [conflict.description for conflict in action.conflicts],
                "conditions": [guard.description for guard in action.guards],
                "time_limit": action.time_limit,
                "legal_basis": list(action.legal_basis),
            }
            for action in ACTIONS
        ],
    }
