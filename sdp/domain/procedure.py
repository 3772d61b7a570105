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

from .vocabulary import N_, DecisionOutcome, DocumentType, Finding, Role, State

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
    pending_inquiries: int = 0
    decision_extended: bool = False
    decision_outcome: DecisionOutcome | None = None
    appeal_due: date | None = None
    appeal_lodged: bool = False
    notified_on: date | None = None

    def decision_is_final(self, today: date) -> bool:
        """domain.md: final when the appeal window passes with no appeal, or the appeal is decided.

        A recognition is not appealable by the applicant (it is not adverse to them), so it is
        final on notification; a rejection is final once its appeal window has passed unused.
        """
        if self.state == State.RECOGNIZED:
            return True
        if self.state == State.REJECTED:
            return self.appeal_lodged or (self.appeal_due is not None and today > self.appeal_due)
        return self.state in (State.CEASED, State.CANCELLED)

    def is_pending(self, today: date) -> bool:
        """Whether the case awaits a final decision (the applicant is protected meanwhile)."""
        if self.state in PENDING_STATES:
            return True
        return self.state == State.REJECTED and not self.decision_is_final(today)

    def protected_from_removal(self, today: date) -> bool:
        """Applicants, appellants and recognised stateless persons may not be removed."""
        return self.is_pending(today) or self.state == State.RECOGNIZED


PENDING_STATES = frozenset({State.REGISTERED, State.UNDER_EXAMINATION, State.PENDING_DECISION, State.UNDER_APPEAL})
TERMINAL_STATES = frozenset({State.WITHDRAWN, State.CLOSED, State.REFERRED, State.CEASED, State.CANCELLED})


@dataclass(frozen=True)
class Context:
    today: date
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Guard:
    """A condition an action needs, in words a legislator reads and as a check."""

    description: str
    refusal: Callable[[CaseFacts, Context], str | None]  # None when satisfied, else why not


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
        return N_("Every relevant State needs a finding other than undetermined before a recommendation.")
    return None


def _inquiry_pending(case: CaseFacts, ctx: Context) -> str | None:
    if case.decision_extended:
        return N_("The decision period has already been extended once.")
    if not case.pending_inquiries:
        return N_("The decision period can be extended only while an inquiry to a State is pending.")
    return None


def _within_appeal_window(case: CaseFacts, ctx: Context) -> str | None:
    lodged_on = ctx.params.get("lodged_on", ctx.today)
    if case.appeal_due is None or lodged_on > case.appeal_due:
        return N_("The appeal window closed on %(appeal_due)s.") if case.appeal_due else N_("There is no decision to appeal.")
    if case.notified_on and lodged_on < case.notified_on:
        return N_("An appeal cannot be lodged before the decision was notified.")
    return None


def _rejection_appealable(case: CaseFacts, ctx: Context) -> str | None:
    if case.appeal_lodged:
        return N_("This decision has already been appealed.")
    return None


def _decision_final(case: CaseFacts, ctx: Context) -> str | None:
    return None if case.decision_is_final(ctx.today) else N_("The decision is not final yet.")


EVERY_STATE_FOUND = Guard(N_("every relevant State has a finding (national or not a national)"), _every_state_found)
INQUIRY_PENDING = Guard(N_("an inquiry to a State is pending, and the period was not extended before"), _inquiry_pending)
WITHIN_APPEAL_WINDOW = Guard(N_("lodged within the appeal window, after notification"), _within_appeal_window)
NOT_YET_APPEALED = Guard(N_("the decision has not been appealed before"), _rejection_appealable)
DECISION_FINAL = Guard(N_("the recognition is final"), _decision_final)

CASE_OFFICER_CONFLICT = Conflict("case_officer_id", N_("not the officer who examined the case"))
DECIDER_CONFLICT = Conflict("decided_by_id", N_("not the first-instance decision-maker"))

# --- The procedure ------------------------------------------------------------------

INTAKE, OFFICER, DECIDER, APPEALS, SUPERVISOR = (
    Role.INTAKE_OFFICER, Role.CASE_OFFICER, Role.DECISION_MAKER, Role.APPEALS_OFFICER, Role.SUPERVISOR)
EXAMINATION = frozenset({State.UNDER_EXAMINATION})
BEFORE_DECISION = frozenset({State.REGISTERED, State.UNDER_EXAMINATION, State.PENDING_DECISION})

STATES: tuple[StateSpec, ...] = (
    StateSpec(State.REGISTERED, N_("The application is registered and the applicant holds a provisional certificate; it waits for a case officer."), "decision_due_months"),
    StateSpec(State.UNDER_EXAMINATION, N_("A case officer examines the relevant States with the applicant: evidence, inquiries, interview, findings."), "decision_due_months"),
    StateSpec(State.PENDING_DECISION, N_("The case officer has recommended an outcome; a decision-maker who did not examine the case decides."), "decision_due_months"),
    StateSpec(State.RECOGNIZED, N_("The person is recognised as stateless: identity and travel documents, residence, facilitated naturalization."), "naturalization_years"),
    StateSpec(State.REJECTED, N_("The application is rejected or the person excluded; the applicant may appeal within the window and stays protected meanwhile."), "appeal_window_working_days"),
    StateSpec(State.UNDER_APPEAL, N_("An independent appeals officer reviews the decision; the appeal is suspensive."), "appeal_decision_working_days"),
    StateSpec(State.WITHDRAWN, N_("The applicant withdrew the application."), protected=False),
    StateSpec(State.CLOSED, N_("The case was closed by a reasoned act (for example the applicant's death or departure)."), protected=False),
    StateSpec(State.REFERRED, N_("The person appears to be Peruvian and is referred to late birth registration or nationality confirmation instead."), protected=False),
    StateSpec(State.CEASED, N_("Recognition ceased because the person acquired or recovered a nationality."), protected=False),
    StateSpec(State.CANCELLED, N_("Recognition was cancelled because it was obtained by fraud."), protected=False),
)

ACTIONS: tuple[Action, ...] = (
    Action("register", N_("Register an application"),
           N_("Anyone in Peru may apply, orally or in writing, at no cost, with no deadline and whatever their migration status; an authority may start a case ex officio. Dependants may be included. The applicant receives a provisional certificate."),
           roles=frozenset({INTAKE}), sources=frozenset(), targets=(State.REGISTERED,), time_limit="decision_due_months",
           legal_basis=(N_("Legislative Decree 1725 (2026)"), N_("UNHCR Handbook (2014), paras. 68-71"), N_("Brazil Plan of Action (2014), ch. 4"))),
    Action("assign", N_("Assign a case officer"),
           N_("A supervisor assigns the case to a case officer, who starts the examination. Children's and vulnerable applicants' cases come first."),
           roles=frozenset({SUPERVISOR}), sources=frozenset({State.REGISTERED}), targets=(State.UNDER_EXAMINATION,),
           legal_basis=(N_("UNHCR Handbook (2014), paras. 72-74"),)),
    Action("reassign", N_("Reassign the case"),
           N_("A supervisor hands an ongoing case to another case officer."),
           roles=frozenset({SUPERVISOR}), sources=frozenset({State.UNDER_EXAMINATION, State.PENDING_DECISION})),
    Action("add_relevant_state", N_("Add a relevant State"),
           N_("The examination looks only at States with which the person has a relevant link: birth, descent, marriage, adoption, habitual residence or former nationality."),
           roles=frozenset({OFFICER}), sources=EXAMINATION, assigned_only=frozenset({OFFICER}),
           legal_basis=(N_("1954 Convention, Art. 1(1)"), N_("UNHCR Handbook (2014), paras. 18-19"))),
    Action("record_evidence", N_("Record evidence"),
           N_("Applicant and examiner share the burden of proof: testimony, documents and expert information on a State's law and practice are recorded."),
           roles=frozenset({OFFICER}), sources=EXAMINATION, assigned_only=frozenset({OFFICER}),
           legal_basis=(N_("UNHCR Handbook (2014), paras. 83-90"),)),
    Action("send_inquiry", N_("Send an inquiry to a State"),
           N_("With the applicant's consent, a written inquiry asks a State's authorities whether they consider the person a national. It is refused for the State of an asylum claim. Silence after the response period is recorded as unanswered and is never held against the applicant."),
           roles=frozenset({OFFICER}), sources=EXAMINATION, assigned_only=frozenset({OFFICER}), time_limit="inquiry_response_days",
           legal_basis=(N_("UNHCR Handbook (2014), paras. 96-101"),)),
    Action("record_inquiry_response", N_("Record a State's response"),
           N_("The answer of the foreign authority is recorded with its outcome."),
           roles=frozenset({OFFICER}), sources=EXAMINATION, assigned_only=frozenset({OFFICER}),
           legal_basis=(N_("UNHCR Handbook (2014), paras. 96-101"),)),
    Action("record_interview", N_("Record an interview"),
           N_("An interview in person, with a free interpreter and a legal representative if the applicant wishes; child-sensitive for children; the record is read back to the applicant."),
           roles=frozenset({OFFICER}), sources=EXAMINATION, assigned_only=frozenset({OFFICER}),
           legal_basis=(N_("UNHCR Handbook (2014), paras. 71, 86-87"),)),
    Action("record_finding", N_("Record a finding on a State"),
           N_("For each relevant State, the case officer finds whether that State considers the person a national under the operation of its law, in law and in practice, with reasons."),
           roles=frozenset({OFFICER}), sources=EXAMINATION, assigned_only=frozenset({OFFICER}),
           legal_basis=(N_("1954 Convention, Art. 1(1)"), N_("UNHCR Handbook (2014), paras. 22-24, 91-93"))),
    Action("extend_decision_due", N_("Extend the decision period"),
           N_("Once, by a reasoned act, the decision period may be extended while an inquiry to a State is pending."),
           roles=frozenset({OFFICER, SUPERVISOR}), sources=BEFORE_DECISION, assigned_only=frozenset({OFFICER}),
           guards=(INQUIRY_PENDING,), time_limit="extended_decision_due_months",
           legal_basis=(N_("UNHCR Handbook (2014), para. 75"),)),
    Action("recommend", N_("Recommend an outcome"),
           N_("The case officer recommends recognition, rejection or exclusion, with reasons, once every relevant State has a finding."),
           roles=frozenset({OFFICER}), sources=EXAMINATION, targets=(State.PENDING_DECISION,), assigned_only=frozenset({OFFICER}),
           guards=(EVERY_STATE_FOUND,), legal_basis=(N_("UNHCR Handbook (2014), paras. 91-93"),)),
    Action("return_to_examination", N_("Return for further examination"),
           N_("The decision-maker sends the case back to the case officer when the examination is incomplete."),
           roles=frozenset({DECIDER}), sources=frozenset({State.PENDING_DECISION}), targets=(State.UNDER_EXAMINATION,),
           conflicts=(CASE_OFFICER_CONFLICT,)),
    Action("decide", N_("Decide"),
           N_("A decision-maker who did not examine the case decides in writing, with a finding and reasons per relevant State, and has it notified in a language the applicant understands. Exclusion applies only on the grounds of Art. 1(2)."),
           roles=frozenset({DECIDER}), sources=frozenset({State.PENDING_DECISION}), targets=(State.RECOGNIZED, State.REJECTED),
           conflicts=(CASE_OFFICER_CONFLICT,), time_limit="decision_due_months",
           legal_basis=(N_("1954 Convention, Art. 1(1) and 1(2)"), N_("UNHCR Handbook (2014), paras. 76-78"))),
    Action("lodge_appeal", N_("Lodge an appeal"),
           N_("The applicant may appeal a rejection or exclusion within the appeal window, with suspensive effect: they stay protected until the appeal is decided."),
           roles=frozenset({OFFICER, INTAKE}), sources=frozenset({State.REJECTED}), targets=(State.UNDER_APPEAL,), assigned_only=frozenset({OFFICER}),
           guards=(NOT_YET_APPEALED, WITHIN_APPEAL_WINDOW), time_limit="appeal_window_working_days",
           legal_basis=(N_("TUO Ley 27444, Arts. 218-220"), N_("UNHCR Handbook (2014), paras. 76-78"))),
    Action("decide_appeal", N_("Decide the appeal"),
           N_("An appeals officer other than the first-instance decision-maker upholds or overturns the decision; the result is final."),
           roles=frozenset({APPEALS}), sources=frozenset({State.UNDER_APPEAL}), targets=(State.RECOGNIZED, State.REJECTED),
           conflicts=(DECIDER_CONFLICT, CASE_OFFICER_CONFLICT), time_limit="appeal_decision_working_days",
           legal_basis=(N_("TUO Ley 27444, Arts. 218-220"), N_("UNHCR Handbook (2014), para. 77"))),
    Action("withdraw", N_("Record a withdrawal"),
           N_("The applicant withdraws the application; the withdrawal is recorded with the applicant's words."),
           roles=frozenset({INTAKE, OFFICER}), sources=BEFORE_DECISION, targets=(State.WITHDRAWN,), assigned_only=frozenset({OFFICER})),
    Action("close", N_("Close the case"),
           N_("A supervisor closes a case by a reasoned act, for example on the applicant's death or departure from Peru."),
           roles=frozenset({SUPERVISOR}), sources=BEFORE_DECISION, targets=(State.CLOSED,)),
    Action("refer", N_("Refer to birth registration or nationality confirmation"),
           N_("Someone who is in fact Peruvian (for example born in Peru but never registered) is referred to late birth registration or nationality confirmation, not recognised as stateless."),
           roles=frozenset({OFFICER, SUPERVISOR}), sources=frozenset({State.REGISTERED, State.UNDER_EXAMINATION}), targets=(State.REFERRED,),
           assigned_only=frozenset({OFFICER}), legal_basis=(N_("Constitution of Peru, Art. 52"), N_("Law 32421 (2025)"), N_("Brazil Plan of Action (2014), ch. 4"))),
    Action("cease", N_("Declare cessation"),
           N_("Recognition ceases by a reasoned decision when the person acquires or recovers a nationality."),
           roles=frozenset({DECIDER}), sources=frozenset({State.RECOGNIZED}), targets=(State.CEASED,), guards=(DECISION_FINAL,),
           legal_basis=(N_("UNHCR Handbook (2014), paras. 161-163"),)),
    Action("cancel", N_("Cancel the recognition"),
           N_("Recognition is cancelled by a reasoned decision when it was obtained by fraud."),
           roles=frozenset({DECIDER}), sources=frozenset({State.RECOGNIZED}), targets=(State.CANCELLED,), guards=(DECISION_FINAL,),
           conflicts=(DECIDER_CONFLICT,), legal_basis=(N_("UNHCR Handbook (2014), paras. 161-163"), N_("TUO Ley 27444, Art. 213"))),
)

# Which document each case state allows (domain.md, section 2.2 and 2.11).
def _document_allowed(case: CaseFacts, ctx: Context) -> str | None:
    document_type = ctx.params.get("type")
    if document_type == DocumentType.PROVISIONAL_CERTIFICATE:
        if not case.is_pending(ctx.today):
            return N_("A provisional certificate needs a pending case (registered, under examination, pending decision or under appeal).")
    elif document_type in (DocumentType.IDENTITY_DOCUMENT, DocumentType.TRAVEL_DOCUMENT):
        if case.state != State.RECOGNIZED or not case.decision_is_final(ctx.today):
            return N_("Identity and travel documents need a final recognition as a stateless person.")
    elif document_type == DocumentType.DECISION_LETTER:
        if case.decision_outcome is None:
            return N_("A decision letter needs a decision.")
    else:
        return N_("This document is not issued from a case.")
    return None


DOCUMENT_ALLOWED = Guard(N_("the case's state allows the document: a provisional certificate while the case is pending, identity and travel documents after a final recognition, a decision letter after a decision"), _document_allowed)

ACTIONS += (
    Action("issue_document", N_("Issue a document"),
           N_("Provisional certificates protect applicants while the case is pending; a recognised stateless person receives an identity document and a travel document; every decision is notified by a letter. Each document carries a signed QR code that anyone can verify."),
           roles=frozenset({INTAKE, OFFICER, SUPERVISOR}), sources=frozenset(State), assigned_only=frozenset({OFFICER}), guards=(DOCUMENT_ALLOWED,),
           legal_basis=(N_("1954 Convention, Arts. 27 and 28 and Schedule"), N_("UNHCR Handbook (2014), paras. 145-148"))),
)

ACTIONS_BY_NAME: dict[str, Action] = {action.name: action for action in ACTIONS}
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
            raise Forbidden(N_("Four-eyes rule: the person taking this action must be %(who)s."), who=conflict.description)


def _check_moment(action: Action, case: CaseFacts, ctx: Context) -> None:
    if action.sources and case.state not in action.sources:
        raise NotAllowedNow(N_("This action is not allowed while the case is %(state)s."), state=case.state)
    for guard in action.guards:
        refusal = guard.refusal(case, ctx)
        if refusal:
            raise NotAllowedNow(refusal, appeal_due=case.appeal_due.isoformat() if case.appeal_due else "")


def is_allowed(action_name: str, case: CaseFacts, actor: Actor, ctx: Context) -> bool:
    try:
        check(action_name, case, actor, ctx)
    except ProcedureError:
        return False
    return True


def available_actions(case: CaseFacts, actor: Actor, ctx: Context) -> list[Action]:
    """The actions this person may take on this case now, in the procedure's order."""
    return [action for action in ACTIONS if action.sources and is_allowed(action.name, case, actor, ctx)]


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
            {"name": spec.state.value, "description": spec.description, "time_limit": spec.time_limit,
             "protected_from_removal": spec.protected, "terminal": spec.state in TERMINAL_STATES}
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
