"""Every change to a case, one function each, checked against the procedure and audited
in the same transaction. Views and the CLI call these; nothing else changes a case."""

from datetime import date
from typing import Any

from sqlalchemy import select

from .. import clock
from ..audit import services as audit
from ..auth.models import User
from ..auth.principal import Principal
from ..domain import dates, deadlines, procedure
from ..domain.confidentiality import AsylumClaim, may_contact
from ..domain.determination import nobody_remains
from ..domain.procedure import Context, Forbidden, InvalidField, NotAllowedNow, ProcedureError
from ..domain.vocabulary import (
    N_,
    AppealOutcome,
    AsylumStatus,
    DecisionOutcome,
    Finding,
    PersonOutcome,
    ProceedingKind,
    ProceedingStatus,
    ReferralStatus,
    Role,
    State,
)
from ..extensions import db
from . import locking
from .models import (
    ONE_CASE,
    Appeal,
    Application,
    Decision,
    Dependant,
    Determination,
    Evidence,
    Inquiry,
    Interview,
    Person,
    Proceeding,
    Recommendation,
    RelevantState,
)
from .numbering import next_case_number


def _policy():
    # Could move to the top (no cycle needs it here): left for the package's owners.
    from flask import current_app

    return current_app.config["POLICY"]


def _check(
    action: str,
    application: Application | None,
    actor: Principal,
    today: date,
    person: Person | None = None,
    **params: Any,
) -> None:
    """The procedure's check; ``person``: the person of the case the action concerns."""
    if application is None:
        facts = procedure.CaseFacts(state=None)
    else:
        facts = application.facts(today, person.id if person is not None else None)
        if person is not None:
            params["person"] = application.person_facts(person)
    procedure.check(action, facts, actor.actor, Context(today=today, params=params))


def person_of(application: Application, person_id: int | None) -> Person:
    """The person of this case an action concerns: the applicant by default; 422 for anyone else."""
    person = application.person(person_id)
    if person is None:
        raise InvalidField(
            "person_id", N_("This person is neither the applicant nor a dependant of this case.")
        )
    return person


def _finish(
    actor: Principal,
    action: str,
    application: Application,
    changes: dict | None = None,
    entity: str = "application",
    entity_id: Any = None,
) -> None:
    db.session.flush()
    audit.record(
        actor,
        f"case.{action}",
        entity,
        entity_id if entity_id is not None else application.id,
        case_id=application.id,
        changes=changes,
    )
    db.session.flush()


def _transition(application: Application, action: str, outcome: str | None = None) -> dict:
    target = procedure.target_state(action, outcome)
    if target is None:
        raise ValueError(f"{action} leaves the case in its state: it has no transition")
    before = application.state
    application.state = target.value
    return {"state": [before, application.state]}


# --- Intake ------------------------------------------------------------------------------


def _new_person(data: dict) -> Person:
    asylum = data.get("asylum") or {}
    detention = data.get("detention") or {}
    person = Person(
        sex=data["sex"],
        date_of_birth=data["date_of_birth"],
        birth_country=data["place_of_birth"]["country"],
        birth_locality=data["place_of_birth"].get("locality"),
        languages=list(data.get("languages") or []),
        asylum_status=asylum.get("status", AsylumStatus.NONE.value),
        asylum_country=asylum.get("country"),
        detention_place=detention.get("place"),
        detention_since=detention.get("since"),
        vulnerabilities=sorted(set(data.get("vulnerabilities") or [])),
        guardian=data.get("guardian"),
    )
    person.set_names(data["given_names"], data["family_names"])
    return person


def is_priority(persons: list[Person], on: date, policy) -> bool:
    """domain.md, section 4: a case is a priority when anyone in it is a child, an unaccompanied
    child, detained, or recorded as vulnerable (older person, disability, survivor of violence)."""
    return any(
        person.is_child_on(on, policy.priority_age_years)
        or person.detained
        or person.vulnerabilities
        for person in persons
    )


def register_application(actor: Principal, data: dict) -> Application:
    """Register an application (by the person or ex officio) with its dependants."""
    today = clock.today()
    _check("register", None, actor, today)
    registered_on = data.get("registered_on") or today
    policy = _policy()
    births = [("applicant.date_of_birth", data["applicant"]["date_of_birth"])]
    births += [
        (f"dependants.{index}.date_of_birth", dependant["date_of_birth"])
        for index, dependant in enumerate(data.get("dependants") or [])
    ]
    dates.check_registration(
        registered_on, today=today, pilot_start=policy.pilot_start, births=births
    )
    applicant = _new_person(data["applicant"])
    application = Application(
        case_number=next_case_number(registered_on.year),
        route=data["route"],
        referring_authority=data.get("referring_authority"),
        state=State.REGISTERED.value,
        registered_on=registered_on,
        decision_due=deadlines.decision_due(registered_on, policy),
        applicant=applicant,
        registered_by_id=actor.id,
        created_at=clock.now(),
    )
    for dependant in data.get("dependants") or []:
        application.dependants.append(
            Dependant(
                person=_new_person(dependant), relationship_to_applicant=dependant["relationship"]
            )
        )
    application.priority = is_priority(application.persons(), registered_on, policy)
    application.detained = any(person.detained for person in application.persons())
    for person in application.persons():  # each person's own track through the procedure
        application.determinations.append(Determination(person=person))
    db.session.add(application)
    _finish(
        actor,
        "register",
        application,
        {
            "case_number": application.case_number,
            "route": application.route,
            "state": application.state,
            "registered_on": registered_on,
            "dependants": len(application.dependants),
            "priority": application.priority,
            "detained": application.detained,
        },
    )
    return application


def record_detention(
    actor: Principal, application: Application, person_id: int | None, place: str, since: date
) -> Person:
    """Record that a person of the case is detained (place, since when): the case becomes a
    priority."""
    person = person_of(application, person_id)
    _check("record_detention", application, actor, clock.today(), person)
    if since < person.date_of_birth:
        raise InvalidField("since", N_("Detention cannot start before the person's birth."))
    changes = audit.diff(person, ("detention_since",), {"detention_since": since})
    person.detention_place = place
    application.priority = is_priority(application.persons(), application.registered_on, _policy())
    application.detained = True
    changes.update({"priority": application.priority, "detained": True})
    _finish(actor, "record_detention", application, changes, entity="person", entity_id=person.id)
    return person


def record_guardian(
    actor: Principal, application: Application, person_id: int | None, guardian: str
) -> Person:
    """Record the guardian or representative of an unaccompanied child (needed before the
    interview)."""
    person = person_of(application, person_id)
    _check("record_guardian", application, actor, clock.today(), person)
    person.guardian = guardian
    _finish(
        actor,
        "record_guardian",
        application,
        {"guardian": True},
        entity="person",
        entity_id=person.id,
    )
    return person


# --- Examination -------------------------------------------------------------------------


def assign(actor: Principal, application: Application, officer_email: str) -> Application:
    today = clock.today()
    action = "assign" if application.state == State.REGISTERED else "reassign"
    _check(action, application, actor, today)
    officer = db.session.execute(
        select(User).where(User.email == officer_email.strip().lower())
    ).scalar_one_or_none()
    if officer is None or not officer.active or Role.CASE_OFFICER not in officer.roles:
        raise InvalidField(
            "case_officer", N_("There is no active case officer with this email address.")
        )
    changes = {
        "case_officer": [
            application.case_officer.email if application.case_officer else None,
            officer.email,
        ]
    }
    application.case_officer_id = officer.id
    application.case_officer = officer
    if action == "assign":
        changes.update(_transition(application, action))
    _finish(actor, action, application, changes)
    return application


def add_relevant_state(
    actor: Principal,
    application: Application,
    country: str,
    links: list[str],
    person_id: int | None = None,
) -> RelevantState:
    person = person_of(application, person_id)
    _check("add_relevant_state", application, actor, clock.today(), person)
    if any(
        rs.country == country and rs.person_id == person.id for rs in application.relevant_states
    ):
        raise NotAllowedNow(N_("This State is already among the relevant States of this person."))
    relevant_state = RelevantState(
        country=country,
        links=sorted(set(links)),
        finding=Finding.UNDETERMINED.value,
        person_id=person.id,
    )
    application.relevant_states.append(relevant_state)
    db.session.flush()
    _finish(
        actor,
        "add_relevant_state",
        application,
        {"country": country, "links": relevant_state.links, "person_id": person.id},
        entity="relevant_state",
        entity_id=relevant_state.id,
    )
    return relevant_state


def record_finding(
    actor: Principal, relevant_state: RelevantState, finding: str, reasoning: str
) -> RelevantState:
    application = relevant_state.application
    today = clock.today()
    _check("record_finding", application, actor, today)
    changes = audit.diff(
        relevant_state, ("finding", "reasoning"), {"finding": finding, "reasoning": reasoning}
    )
    relevant_state.found_on, relevant_state.found_by_id = today, actor.id
    _finish(
        actor,
        "record_finding",
        application,
        changes,
        entity="relevant_state",
        entity_id=relevant_state.id,
    )
    return relevant_state


def record_evidence(actor: Principal, application: Application, data: dict) -> Evidence:
    person = person_of(application, data.get("person_id"))
    _check("record_evidence", application, actor, clock.today(), person)
    dates.check_case_event("received_on", data["received_on"], application.registered_on)
    evidence = Evidence(
        kind=data["kind"],
        description=data["description"],
        received_on=data["received_on"],
        country=data.get("country"),
        recorded_by_id=actor.id,
        person_id=person.id,
    )
    application.evidence.append(evidence)
    db.session.flush()
    _finish(
        actor,
        "record_evidence",
        application,
        {"kind": evidence.kind, "country": evidence.country, "person_id": person.id},
        entity="evidence",
        entity_id=evidence.id,
    )
    return evidence


def asylum_claims(application: Application) -> list[AsylumClaim]:
    return [
        AsylumClaim(AsylumStatus(person.asylum_status), person.asylum_country)
        for person in application.persons()
    ]


def send_inquiry(
    actor: Principal,
    application: Application,
    country: str,
    authority: str,
    sent_on: date,
    consent_on: date | None = None,
    person_id: int | None = None,
) -> Inquiry:
    person = person_of(application, person_id)
    _check("send_inquiry", application, actor, clock.today(), person)
    if not may_contact(country, asylum_claims(application)):
        # Refused, not warned: contacting the State of feared persecution can endanger the person.
        raise NotAllowedNow(
            N_(
                "Confidentiality: the authorities of the State of an asylum claim on this case may "
                "not be contacted."
            )
        )
    if consent_on is None:
        raise InvalidField(
            "consent_on", N_("An inquiry needs the date the person concerned consented to it.")
        )
    if consent_on > sent_on:
        raise InvalidField("consent_on", N_("The person must consent before the inquiry is sent."))
    if sent_on < application.registered_on:
        raise InvalidField(
            "sent_on", N_("An inquiry cannot be sent before the application was registered.")
        )
    inquiry = Inquiry(
        country=country,
        authority=authority,
        sent_on=sent_on,
        consent_on=consent_on,
        person_id=person.id,
        response_due=deadlines.inquiry_response_due(sent_on, _policy()),
        sent_by_id=actor.id,
    )
    application.inquiries.append(inquiry)
    db.session.flush()
    _finish(
        actor,
        "send_inquiry",
        application,
        {
            "country": country,
            "sent_on": sent_on,
            "consent_on": consent_on,
            "response_due": inquiry.response_due,
            "person_id": person.id,
        },
        entity="inquiry",
        entity_id=inquiry.id,
    )
    return inquiry


def record_inquiry_response(
    actor: Principal, inquiry: Inquiry, received_on: date, outcome: str
) -> Inquiry:
    application = inquiry.application
    _check("record_inquiry_response", application, actor, clock.today())
    if inquiry.outcome is not None:
        raise NotAllowedNow(N_("This inquiry's response is already recorded."))
    if received_on < inquiry.sent_on:
        raise InvalidField(
            "received_on", N_("A response cannot be received before the inquiry was sent.")
        )
    changes = audit.diff(
        inquiry, ("received_on", "outcome"), {"received_on": received_on, "outcome": outcome}
    )
    _finish(
        actor,
        "record_inquiry_response",
        application,
        changes,
        entity="inquiry",
        entity_id=inquiry.id,
    )
    return inquiry


def record_interview(actor: Principal, application: Application, data: dict) -> Interview:
    person = person_of(application, data.get("person_id"))
    _check("record_interview", application, actor, clock.today(), person)
    if person.needs_guardian():
        raise NotAllowedNow(
            N_(
                "%(name)s is an unaccompanied child: record a guardian or representative before "
                "the interview."
            ),
            name=person.full_name,
        )
    dates.check_case_event("held_on", data["held_on"], application.registered_on)
    interview = Interview(
        held_on=data["held_on"],
        interpreter_language=data.get("interpreter_language"),
        legal_representative=data.get("legal_representative"),
        summary=data["summary"],
        read_back=data.get("read_back", True),
        interviewer_id=actor.id,
        person_id=person.id,
    )
    application.interviews.append(interview)
    db.session.flush()
    _finish(
        actor,
        "record_interview",
        application,
        {
            "held_on": interview.held_on,
            "interpreter_language": interview.interpreter_language,
            "legal_representative": bool(interview.legal_representative),
        },
        entity="interview",
        entity_id=interview.id,
    )
    return interview


def extend_decision_due(actor: Principal, application: Application, reasons: str) -> Application:
    _check("extend_decision_due", application, actor, clock.today())
    new_due = deadlines.decision_due(application.registered_on, _policy(), extended=True)
    changes = audit.diff(
        application,
        ("decision_due", "decision_due_extended", "extension_reasons"),
        {"decision_due": new_due, "decision_due_extended": True, "extension_reasons": reasons},
    )
    _finish(actor, "extend_decision_due", application, changes)
    return application


def recommend(actor: Principal, application: Application, data: dict) -> Recommendation:
    today = clock.today()
    _check("recommend", application, actor, today)
    recommendation = Recommendation(
        outcome=data["outcome"],
        exclusion_ground=data.get("exclusion_ground"),
        reasons=data["reasons"],
        made_on=today,
        made_by_id=actor.id,
    )
    application.recommendations.append(recommendation)
    changes = _transition(application, "recommend")
    changes["outcome"] = recommendation.outcome
    _finish(actor, "recommend", application, changes)
    return recommendation


def return_to_examination(actor: Principal, application: Application, reasons: str) -> Application:
    _check("return_to_examination", application, actor, clock.today())
    changes = _transition(application, "return_to_examination")
    changes["reasons"] = reasons
    _finish(actor, "return_to_examination", application, changes)
    return application


# --- Decision and appeal: each person decided on their own ----------------------------


def _outcomes(application: Application, data: dict) -> list[tuple[Person, str, dict]]:
    """(person, outcome, their entry) for everyone the decision must name: the applicant through
    the top-level outcome, every other person through ``persons``. A person whose referral is
    pending or confirmed is not decided here (their referral runs on)."""
    awaiting_persons = application.persons_awaiting_decision()
    awaiting = [person.id for person in awaiting_persons]
    named: dict[int, dict] = {}
    for entry in data.get("persons") or []:
        person = person_of(application, entry["person_id"])
        if person.id not in awaiting:
            raise InvalidField(
                "persons",
                N_("%(name)s is not awaiting a decision in this case."),
                name=person.full_name,
            )
        named[person.id] = entry
    applicant = application.applicant
    if applicant.id in awaiting and applicant.id not in named:
        if not data.get("outcome"):
            raise InvalidField("outcome", N_("The applicant's outcome is missing."))
        named[applicant.id] = {
            "person_id": applicant.id,
            "outcome": data["outcome"],
            "exclusion_ground": data.get("exclusion_ground"),
            "reasons": data.get("reasons"),
        }
    missing = [person.full_name for person in awaiting_persons if person.id not in named]
    if missing:
        raise PersonsMissing(missing)
    return [(person, named[person.id]["outcome"], named[person.id]) for person in awaiting_persons]


class PersonsMissing(InvalidField):
    """422 under ``errors.persons``: the decision must name every person still in the procedure."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(
            "persons",
            N_("The decision must name every person still in the procedure; missing: %(names)s."),
            names=", ".join(names),
        )


def decide(actor: Principal, application: Application, data: dict) -> Decision:
    today = clock.today()
    notified_on = data["notified_on"]
    if notified_on < application.registered_on:
        raise InvalidField(
            "notified_on",
            N_("A decision cannot be notified before the application was registered."),
        )
    outcomes = _outcomes(application, data)
    _check(
        "decide",
        application,
        actor,
        today,
        outcomes=[
            (application.person_facts(person), outcome, entry.get("exclusion_ground"))
            for person, outcome, entry in outcomes
        ],
    )
    policy = _policy()
    appeal_due = deadlines.appeal_due(notified_on, policy)
    decided = {}
    for person, outcome, entry in outcomes:
        determination = application.determination(person.id)
        determination.outcome, determination.exclusion_ground = (
            outcome,
            entry.get("exclusion_ground"),
        )
        determination.reasons = entry.get("reasons") or data["reasons"]
        determination.decided_on, determination.notified_on, determination.appeal_due = (
            today,
            notified_on,
            appeal_due,
        )
        determination.decided_by_id = actor.id
        decided[person.id] = outcome
    changes: dict[str, Any] = {
        "persons": decided,
        "notified_on": notified_on,
        "appeal_due": appeal_due,
    }
    decision = application.decision
    if decision is None:  # the first decision of the case: the act the letter notifies
        applicant_outcome = decided.get(application.applicant_id) or (
            PersonOutcome.RECOGNIZED
            if PersonOutcome.RECOGNIZED in decided.values()
            else PersonOutcome.REJECTED
        )
        decision = Decision(
            outcome=_case_outcome(applicant_outcome),
            exclusion_ground=data.get("exclusion_ground"),
            reasons=data["reasons"],
            findings=[
                {
                    "country": rs.country,
                    "links": rs.links,
                    "finding": rs.finding,
                    "reasoning": rs.reasoning,
                    "person_id": rs.person_id,
                }
                for rs in application.relevant_states
            ],
            decided_on=today,
            notified_on=notified_on,
            notification_language=data.get("notification_language"),
            appeal_due=appeal_due,
            decided_by_id=actor.id,
        )
        application.decision = decision
        changes.update(_transition(application, "decide", decision.outcome))
        changes["outcome"] = decision.outcome
    _finish(actor, "decide", application, changes)
    return decision


def _case_outcome(person_outcome: str | None) -> str:
    """The case's state follows the applicant's own outcome: recognised, or not."""
    if person_outcome == PersonOutcome.RECOGNIZED:
        return DecisionOutcome.RECOGNIZED.value
    if person_outcome == PersonOutcome.EXCLUDED:
        return DecisionOutcome.EXCLUDED.value
    return DecisionOutcome.REJECTED.value


def lodge_appeal(
    actor: Principal,
    application: Application,
    grounds: str,
    lodged_on: date | None = None,
    person_id: int | None = None,
) -> Determination:
    """A person's appeal against their own adverse outcome; suspensive (a proposal of the
    regulation)."""
    today = clock.today()
    lodged_on = lodged_on or today
    person = person_of(application, person_id)
    _check("lodge_appeal", application, actor, today, person, lodged_on=lodged_on)
    determination = application.determination(person.id)
    if determination.notified_on is not None and lodged_on < determination.notified_on:
        raise InvalidField(
            "lodged_on", N_("An appeal cannot be lodged before the decision was notified.")
        )
    determination.appeal_lodged_on, determination.appeal_grounds = lodged_on, grounds
    determination.appeal_decision_due = deadlines.appeal_decision_due(lodged_on, _policy())
    changes: dict[str, Any] = {
        "person_id": person.id,
        "lodged_on": lodged_on,
        "decision_due": determination.appeal_decision_due,
    }
    if person.id == application.applicant_id:  # the case's own appeal: the case is under appeal
        application.appeal = Appeal(
            lodged_on=lodged_on,
            grounds=grounds,
            lodged_by_id=actor.id,
            decision_due=determination.appeal_decision_due,
        )
        changes.update(_transition(application, "lodge_appeal"))
    _finish(actor, "lodge_appeal", application, changes)
    return determination


def decide_appeal(
    actor: Principal,
    application: Application,
    outcome: str,
    reasons: str,
    person_id: int | None = None,
) -> Determination:
    today = clock.today()
    person = person_of(application, person_id)
    _check("decide_appeal", application, actor, today, person)
    determination = application.determination(person.id)
    determination.appeal_outcome, determination.appeal_reasons = outcome, reasons
    determination.appeal_decided_on, determination.appeal_decided_by_id = today, actor.id
    before = determination.outcome
    if outcome == AppealOutcome.OVERTURNED:
        # An adverse outcome overturned on appeal is a recognition (the appeal body's own finding).
        determination.outcome = PersonOutcome.RECOGNIZED.value
    changes: dict[str, Any] = {
        "person_id": person.id,
        "outcome": outcome,
        "person_outcome": [before, determination.outcome],
    }
    if person.id == application.applicant_id and application.appeal is not None:
        appeal = application.appeal
        appeal.outcome, appeal.reasons, appeal.decided_on, appeal.decided_by_id = (
            outcome,
            reasons,
            today,
            actor.id,
        )
        changes.update(
            _transition(application, "decide_appeal", _case_outcome(determination.outcome))
        )
    _finish(actor, "decide_appeal", application, changes)
    return determination


# --- Referral: per person, protected until the civil registry answers ---------------------


def refer(
    actor: Principal,
    application: Application,
    target: str,
    reasons: str,
    person_id: int | None = None,
) -> Determination:
    """Refer a person who appears to be Peruvian to the civil registry. They stay protected, with
    their provisional certificate, until RENIEC answers; the case goes on for the others."""
    today = clock.today()
    person = person_of(application, person_id)
    _check("refer", application, actor, today, person)
    determination = application.determination(person.id)
    determination.referral_target, determination.referral_status = (
        target,
        ReferralStatus.PENDING.value,
    )
    determination.referral_reasons, determination.referred_on, determination.referred_by_id = (
        reasons,
        today,
        actor.id,
    )
    determination.referral_answered_on = determination.referral_reference = None
    _finish(
        actor,
        "refer",
        application,
        {"person_id": person.id, "target": target, "referral": "pending"},
    )
    return determination


def record_referral_outcome(
    actor: Principal,
    application: Application,
    person_id: int | None,
    outcome: str,
    on: date,
    reference: str | None = None,
) -> Determination:
    """RENIEC's answer: confirmed Peruvian (the person leaves; the case ends when nobody remains)
    or refused (the person's examination resumes)."""
    today = clock.today()
    person = person_of(application, person_id)
    _check("record_referral_outcome", application, actor, today, person)
    determination = application.determination(person.id)
    if determination.referred_on is not None and on < determination.referred_on:
        raise InvalidField("on", N_("The registry cannot answer before the referral was made."))
    if outcome == ReferralStatus.CONFIRMED_PERUVIAN and not reference:
        raise InvalidField(
            "reference", N_("Record the civil registry's reference (for example the CUI).")
        )
    determination.referral_status, determination.referral_answered_on = outcome, on
    determination.referral_reference = reference
    changes: dict[str, Any] = {"person_id": person.id, "referral": outcome}
    if outcome == ReferralStatus.CONFIRMED_PERUVIAN:
        determination.outcome = PersonOutcome.REFERRED.value
        if nobody_remains(application.all_person_facts()):
            before = application.state
            application.state = State.REFERRED.value
            application.ended_on, application.ended_by_id = on, actor.id
            application.referral_target = determination.referral_target
            application.end_reasons = N_(
                "Everyone of the case was confirmed Peruvian by the civil registry."
            )
            changes["state"] = [before, application.state]
    _finish(actor, "record_referral_outcome", application, changes)
    return determination


# --- Cessation and cancellation: proceedings with a hearing --------------------------------


def propose_proceeding(
    actor: Principal, application: Application, kind: str, data: dict
) -> Proceeding:
    """Notify a reasoned proposal of cessation (a nationality acquired) or cancellation (fraud)."""
    today = clock.today()
    person = person_of(application, data.get("person_id"))
    _check(f"propose_{kind}", application, actor, today, person)
    notified_on = data["notified_on"]
    dates.check_case_event("notified_on", notified_on, application.registered_on)
    if kind == ProceedingKind.CESSATION and not data.get("nationality_acquired"):
        raise InvalidField(
            "nationality_acquired", N_("A cessation names the nationality acquired or recovered.")
        )
    proceeding = Proceeding(
        person_id=person.id,
        kind=kind,
        status=ProceedingStatus.PROPOSED.value,
        reasons=data["reasons"],
        nationality_acquired=data.get("nationality_acquired"),
        notified_on=notified_on,
        reply_due=deadlines.cessation_reply_due(notified_on, _policy()),
        proposed_by_id=actor.id,
    )
    application.proceedings.append(proceeding)
    db.session.flush()
    _finish(
        actor,
        f"propose_{kind}",
        application,
        {
            "person_id": person.id,
            "notified_on": notified_on,
            "reply_due": proceeding.reply_due,
            "nationality_acquired": proceeding.nationality_acquired,
        },
        entity="proceeding",
        entity_id=proceeding.id,
    )
    return proceeding


def _open_proceeding(application: Application, person: Person, kind: str) -> Proceeding:
    proceeding = application.proceeding(person.id, kind)
    if proceeding is None or proceeding.status != ProceedingStatus.PROPOSED:
        raise NotAllowedNow(
            N_("%(name)s has no open proposal of %(kind)s."), name=person.full_name, kind=kind
        )
    return proceeding


def record_proceeding_reply(
    actor: Principal, application: Application, kind: str, data: dict
) -> Proceeding:
    person = person_of(application, data.get("person_id"))
    _check("record_proceeding_reply", application, actor, clock.today(), person)
    proceeding = _open_proceeding(application, person, kind)
    if data["received_on"] < proceeding.notified_on:
        raise InvalidField(
            "received_on", N_("A reply cannot be received before the proposal was notified.")
        )
    proceeding.reply_received_on, proceeding.reply_summary = data["received_on"], data["summary"]
    _finish(
        actor,
        "record_proceeding_reply",
        application,
        {"person_id": person.id, "kind": kind, "received_on": data["received_on"]},
        entity="proceeding",
        entity_id=proceeding.id,
    )
    return proceeding


def decide_proceeding(
    actor: Principal, application: Application, kind: str, data: dict
) -> Proceeding:
    """Ceased, cancelled or maintained, by a decision-maker who did not propose it, after the
    reply; appealable like a rejection, so the documents lapse only when it is final."""
    today = clock.today()
    person = person_of(application, data.get("person_id"))
    proceeding = _open_proceeding(application, person, kind)
    _check("decide_proceeding", application, actor, today, person)
    outcome = data["outcome"]
    allowed = {
        ProceedingKind.CESSATION: ProceedingStatus.CEASED,
        ProceedingKind.CANCELLATION: ProceedingStatus.CANCELLED,
    }
    if outcome not in (allowed[ProceedingKind(kind)], ProceedingStatus.MAINTAINED):
        raise InvalidField(
            "outcome",
            N_("A %(kind)s proceeding ends as %(allowed)s or maintained."),
            kind=kind,
            allowed=allowed[ProceedingKind(kind)].value,
        )
    if data["notified_on"] < proceeding.notified_on:
        raise InvalidField(
            "notified_on", N_("The decision cannot be notified before the proposal was.")
        )
    proceeding.status, proceeding.decision_reasons = outcome, data["reasons"]
    proceeding.decided_on, proceeding.decided_by_id = today, actor.id
    proceeding.decision_notified_on = data["notified_on"]
    changes: dict[str, Any] = {"person_id": person.id, "kind": kind, "outcome": outcome}
    if outcome != ProceedingStatus.MAINTAINED:
        proceeding.appeal_due = deadlines.appeal_due(data["notified_on"], _policy())
        changes["appeal_due"] = proceeding.appeal_due
        if person.id == application.applicant_id:  # the case's label follows the applicant
            changes["state"] = [application.state, outcome]
            application.state = outcome
    _finish(
        actor,
        "decide_proceeding",
        application,
        changes,
        entity="proceeding",
        entity_id=proceeding.id,
    )
    return proceeding


def lodge_proceeding_appeal(
    actor: Principal, application: Application, kind: str, data: dict
) -> Proceeding:
    """The person's appeal against a cessation or cancellation: suspensive, like a rejection's."""
    today = clock.today()
    lodged_on = data.get("lodged_on") or today
    person = person_of(application, data.get("person_id"))
    _check("lodge_proceeding_appeal", application, actor, today, person, lodged_on=lodged_on)
    proceeding = application.proceeding(person.id, kind)
    if proceeding is None:
        raise NotAllowedNow(
            N_("%(name)s has no decision of %(kind)s to appeal."), name=person.full_name, kind=kind
        )
    notified_on = proceeding.decision_notified_on
    if notified_on is not None and lodged_on < notified_on:
        raise InvalidField(
            "lodged_on", N_("An appeal cannot be lodged before the decision was notified.")
        )
    proceeding.appeal_lodged_on, proceeding.appeal_grounds = lodged_on, data["grounds"]
    _finish(
        actor,
        "lodge_proceeding_appeal",
        application,
        {"person_id": person.id, "kind": kind, "lodged_on": lodged_on},
        entity="proceeding",
        entity_id=proceeding.id,
    )
    return proceeding


def decide_proceeding_appeal(
    actor: Principal, application: Application, kind: str, data: dict
) -> Proceeding:
    """Upheld: the cessation or cancellation is final. Overturned: the recognition stands."""
    today = clock.today()
    person = person_of(application, data.get("person_id"))
    _check("decide_proceeding_appeal", application, actor, today, person)
    proceeding = application.proceeding(person.id, kind)
    if proceeding is None:
        raise NotAllowedNow(
            N_("%(name)s has no appeal against a %(kind)s awaiting a decision."),
            name=person.full_name,
            kind=kind,
        )
    proceeding.appeal_outcome, proceeding.appeal_decided_on = data["outcome"], today
    proceeding.appeal_decided_by_id = actor.id
    changes: dict[str, Any] = {
        "person_id": person.id,
        "kind": kind,
        "outcome": data["outcome"],
        "reasons": True,
    }
    if data["outcome"] == AppealOutcome.OVERTURNED and person.id == application.applicant_id:
        changes["state"] = [application.state, State.RECOGNIZED.value]
        application.state = State.RECOGNIZED.value
    _finish(
        actor,
        "decide_proceeding_appeal",
        application,
        changes,
        entity="proceeding",
        entity_id=proceeding.id,
    )
    return proceeding


# --- Ending a case -----------------------------------------------------------------------


def _end(
    actor: Principal, application: Application, action: str, reasons: str, **extra: Any
) -> Application:
    today = clock.today()
    _check(action, application, actor, today)
    changes = _transition(application, action)
    application.ended_on, application.end_reasons, application.ended_by_id = (
        today,
        reasons,
        actor.id,
    )
    for name, value in extra.items():
        setattr(application, name, value)
        changes[name] = value
    _finish(actor, action, application, changes)
    return application


def withdraw(actor: Principal, application: Application, reasons: str) -> Application:
    return _end(actor, application, "withdraw", reasons)


def close(actor: Principal, application: Application, reasons: str) -> Application:
    return _end(actor, application, "close", reasons)


# --- Reading -----------------------------------------------------------------------------


def record_read(actor: Principal, application: Application, channel: str) -> None:
    """Every read of a case file is audited (who looked at whom, when, through what)."""
    audit.record(
        actor,
        "case.read",
        "application",
        application.id,
        case_id=application.id,
        changes={"channel": channel},
    )
    db.session.flush()


def record_list_read(actor: Principal, shown: list[Application], searched: bool) -> None:
    """Every list of cases is audited, as every case file is: which cases were shown (their
    names are on the page) and whether it was a search; never what was typed in the search."""
    audit.record(
        actor,
        "case.list",
        "application",
        None,
        changes={"shown": [application.id for application in shown], "searched": searched},
    )
    db.session.flush()


class CaseNotFound(ProcedureError):
    """No case has this id: HTTP 404."""

    status = 404


def case_by_id(application_id: int | None) -> Application | None:
    """The case ``application_id`` as one case is read (``ONE_CASE``: the rows under it when the
    request first touches them), or None when there is none (as for a document's
    ``application_id`` of None: a birth record is issued on no case). Who may read it is the
    caller's check."""
    if application_id is None:
        return None
    return db.session.get(Application, application_id, options=ONE_CASE)


def load_case(actor: Principal, application_id: int, if_match: str | None = None) -> Application:
    """The case ``application_id`` for ``actor`` to read, or to change when ``if_match`` (a
    change's If-Match header, sdp.cases.locking) is given: the API's loader of a case and of the
    rows under it, in this package and others (its documents, its evidence files).

    Raises, in this order, ``CaseNotFound`` (404), ``Forbidden`` (403: their role may not read
    it), ``InvalidField`` (422: ``if_match`` is not a version) and ``EditConflict`` (409: the case
    has moved on from the version ``if_match`` names)."""
    application = case_by_id(application_id)
    if application is None:
        raise CaseNotFound(N_("There is no application %(id)s."), id=application_id)
    require_case_reader(actor, application)
    locking.expect_version(application, locking.version_from_if_match(if_match))
    return application


def require_case_reader(actor: Principal, application: Application) -> None:
    # Could move to the top (no cycle needs it here): left for the package's owners.
    from ..domain.access import may_read_case

    if not may_read_case(actor.roles, actor.id, application.case_officer_id):
        raise Forbidden(N_("Your role may not see this case."))
