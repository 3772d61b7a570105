"""Every change to a case, one function each, checked against the procedure and audited
in the same transaction. Views and the CLI call these; nothing else changes a case."""

from datetime import date
from typing import Any

from sqlalchemy import select

from .. import clock
from ..audit import services as audit
from ..auth.models import User
from ..auth.principal import Principal
from ..domain import deadlines, procedure
from ..domain.calendar import age_on
from ..domain.confidentiality import AsylumClaim, may_contact
from ..domain.procedure import Context, Forbidden, InvalidField, NotAllowedNow
from ..domain.vocabulary import (
    N_,
    AppealOutcome,
    AsylumStatus,
    DecisionOutcome,
    Finding,
    Role,
    State,
)
from ..extensions import db
from .models import (
    Appeal,
    Application,
    Decision,
    Dependant,
    Evidence,
    Inquiry,
    Interview,
    Person,
    Recommendation,
    RelevantState,
)
from .numbering import next_case_number


def _policy():
    from flask import current_app

    return current_app.config["POLICY"]


def _check(action: str, application: Application | None, actor: Principal, today: date, **params: Any) -> None:
    facts = application.facts(today) if application is not None else procedure.CaseFacts(state=None)
    procedure.check(action, facts, actor.actor, Context(today=today, params=params))


def _finish(actor: Principal, action: str, application: Application, changes: dict | None = None,
            entity: str = "application", entity_id: Any = None) -> None:
    db.session.flush()
    audit.record(actor, f"case.{action}", entity, entity_id if entity_id is not None else application.id,
                 case_id=application.id, changes=changes)
    db.session.commit()


def _transition(application: Application, action: str, outcome: str | None = None) -> dict:
    before = application.state
    application.state = procedure.target_state(action, outcome).value
    return {"state": [before, application.state]}


# --- Intake ------------------------------------------------------------------------------


def _new_person(data: dict) -> Person:
    asylum = data.get("asylum") or {}
    person = Person(
        sex=data["sex"], date_of_birth=data["date_of_birth"],
        birth_country=data["place_of_birth"]["country"], birth_locality=data["place_of_birth"].get("locality"),
        languages=list(data.get("languages") or []),
        asylum_status=asylum.get("status", AsylumStatus.NONE.value), asylum_country=asylum.get("country"),
    )
    person.set_names(data["given_names"], data["family_names"])
    return person


def register_application(actor: Principal, data: dict) -> Application:
    """Register an application (by the person or ex officio) with its dependants."""
    today = clock.today()
    _check("register", None, actor, today)
    registered_on = data.get("registered_on") or today
    if registered_on > today:
        raise InvalidField("registered_on", N_("The registration date may not be in the future."))
    policy = _policy()
    applicant = _new_person(data["applicant"])
    is_child = age_on(applicant.date_of_birth, registered_on) < policy.priority_age_years
    application = Application(
        case_number=next_case_number(registered_on.year),
        route=data["route"], referring_authority=data.get("referring_authority"),
        state=State.REGISTERED.value, registered_on=registered_on,
        decision_due=deadlines.decision_due(registered_on, policy),
        priority=is_child, applicant=applicant, registered_by_id=actor.id, created_at=clock.now(),
    )
    for dependant in data.get("dependants") or []:
        application.dependants.append(Dependant(person=_new_person(dependant),
                                                relationship_to_applicant=dependant["relationship"]))
    db.session.add(application)
    _finish(actor, "register", application, {
        "case_number": application.case_number, "route": application.route, "state": application.state,
        "registered_on": registered_on, "dependants": len(application.dependants), "priority": is_child,
    })
    return application


# --- Examination -------------------------------------------------------------------------


def assign(actor: Principal, application: Application, officer_email: str) -> Application:
    today = clock.today()
    action = "assign" if application.state == State.REGISTERED else "reassign"
    _check(action, application, actor, today)
    officer = db.session.execute(select(User).where(User.email == officer_email.strip().lower())).scalar_one_or_none()
    if officer is None or not officer.active or Role.CASE_OFFICER not in officer.roles:
        raise InvalidField("case_officer", N_("There is no active case officer with this email address."))
    changes = {"case_officer": [application.case_officer.email if application.case_officer else None, officer.email]}
    application.case_officer_id = officer.id
    application.case_officer = officer
    if action == "assign":
        changes.update(_transition(application, action))
    _finish(actor, action, application, changes)
    return application


def add_relevant_state(actor: Principal, application: Application, country: str, links: list[str]) -> RelevantState:
    _check("add_relevant_state", application, actor, clock.today())
    if any(rs.country == country for rs in application.relevant_states):
        raise NotAllowedNow(N_("This State is already among the relevant States of the case."))
    relevant_state = RelevantState(country=country, links=sorted(set(links)), finding=Finding.UNDETERMINED.value)
    application.relevant_states.append(relevant_state)
    db.session.flush()
    _finish(actor, "add_relevant_state", application, {"country": country, "links": relevant_state.links},
            entity="relevant_state", entity_id=relevant_state.id)
    return relevant_state


def record_finding(actor: Principal, relevant_state: RelevantState, finding: str, reasoning: str) -> RelevantState:
    application = relevant_state.application
    today = clock.today()
    _check("record_finding", application, actor, today)
    changes = audit.diff(relevant_state, ("finding", "reasoning"), {"finding": finding, "reasoning": reasoning})
    relevant_state.found_on, relevant_state.found_by_id = today, actor.id
    _finish(actor, "record_finding", application, changes, entity="relevant_state", entity_id=relevant_state.id)
    return relevant_state


def record_evidence(actor: Principal, application: Application, data: dict) -> Evidence:
    _check("record_evidence", application, actor, clock.today())
    evidence = Evidence(kind=data["kind"], description=data["description"], received_on=data["received_on"],
                        country=data.get("country"), recorded_by_id=actor.id)
    application.evidence.append(evidence)
    db.session.flush()
    _finish(actor, "record_evidence", application, {"kind": evidence.kind, "country": evidence.country},
            entity="evidence", entity_id=evidence.id)
    return evidence


def asylum_claims(application: Application) -> list[AsylumClaim]:
    return [AsylumClaim(AsylumStatus(person.asylum_status), person.asylum_country) for person in application.persons()]


def send_inquiry(actor: Principal, application: Application, country: str, authority: str, sent_on: date) -> Inquiry:
    _check("send_inquiry", application, actor, clock.today())
    if not may_contact(country, asylum_claims(application)):
        # Refused, not warned: contacting the State of feared persecution can endanger the person.
        raise NotAllowedNow(N_("Confidentiality: the authorities of the State of an asylum claim on this case may not be contacted."))
    if sent_on < application.registered_on:
        raise InvalidField("sent_on", N_("An inquiry cannot be sent before the application was registered."))
    inquiry = Inquiry(country=country, authority=authority, sent_on=sent_on,
                      response_due=deadlines.inquiry_response_due(sent_on, _policy()), sent_by_id=actor.id)
    application.inquiries.append(inquiry)
    db.session.flush()
    _finish(actor, "send_inquiry", application, {"country": country, "sent_on": sent_on, "response_due": inquiry.response_due},
            entity="inquiry", entity_id=inquiry.id)
    return inquiry


def record_inquiry_response(actor: Principal, inquiry: Inquiry, received_on: date, outcome: str) -> Inquiry:
    application = inquiry.application
    _check("record_inquiry_response", application, actor, clock.today())
    if inquiry.outcome is not None:
        raise NotAllowedNow(N_("This inquiry's response is already recorded."))
    if received_on < inquiry.sent_on:
        raise InvalidField("received_on", N_("A response cannot be received before the inquiry was sent."))
    changes = audit.diff(inquiry, ("received_on", "outcome"), {"received_on": received_on, "outcome": outcome})
    _finish(actor, "record_inquiry_response", application, changes, entity="inquiry", entity_id=inquiry.id)
    return inquiry


def record_interview(actor: Principal, application: Application, data: dict) -> Interview:
    _check("record_interview", application, actor, clock.today())
    interview = Interview(held_on=data["held_on"], interpreter_language=data.get("interpreter_language"),
                          legal_representative=data.get("legal_representative"), summary=data["summary"],
                          read_back=data.get("read_back", True), interviewer_id=actor.id)
    application.interviews.append(interview)
    db.session.flush()
    _finish(actor, "record_interview", application,
            {"held_on": interview.held_on, "interpreter_language": interview.interpreter_language,
             "legal_representative": bool(interview.legal_representative)},
            entity="interview", entity_id=interview.id)
    return interview


def extend_decision_due(actor: Principal, application: Application, reasons: str) -> Application:
    _check("extend_decision_due", application, actor, clock.today())
    new_due = deadlines.decision_due(application.registered_on, _policy(), extended=True)
    changes = audit.diff(application, ("decision_due", "decision_due_extended", "extension_reasons"),
                         {"decision_due": new_due, "decision_due_extended": True, "extension_reasons": reasons})
    _finish(actor, "extend_decision_due", application, changes)
    return application


def recommend(actor: Principal, application: Application, data: dict) -> Recommendation:
    today = clock.today()
    _check("recommend", application, actor, today)
    recommendation = Recommendation(outcome=data["outcome"], exclusion_ground=data.get("exclusion_ground"),
                                    reasons=data["reasons"], made_on=today, made_by_id=actor.id)
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


# --- Decision and appeal -----------------------------------------------------------------


def decide(actor: Principal, application: Application, data: dict) -> Decision:
    today = clock.today()
    _check("decide", application, actor, today)
    notified_on = data["notified_on"]
    if notified_on < application.registered_on:
        raise InvalidField("notified_on", N_("A decision cannot be notified before the application was registered."))
    decision = Decision(
        outcome=data["outcome"], exclusion_ground=data.get("exclusion_ground"), reasons=data["reasons"],
        findings=[{"country": rs.country, "links": rs.links, "finding": rs.finding, "reasoning": rs.reasoning}
                  for rs in application.relevant_states],
        decided_on=today, notified_on=notified_on, notification_language=data.get("notification_language"),
        appeal_due=deadlines.appeal_due(notified_on, _policy()), decided_by_id=actor.id,
    )
    application.decision = decision
    changes = _transition(application, "decide", decision.outcome)
    changes.update({"outcome": decision.outcome, "notified_on": notified_on, "appeal_due": decision.appeal_due})
    _finish(actor, "decide", application, changes)
    return decision


def lodge_appeal(actor: Principal, application: Application, grounds: str, lodged_on: date | None = None) -> Appeal:
    today = clock.today()
    lodged_on = lodged_on or today
    _check("lodge_appeal", application, actor, today, lodged_on=lodged_on)
    appeal = Appeal(lodged_on=lodged_on, grounds=grounds, lodged_by_id=actor.id,
                    decision_due=deadlines.appeal_decision_due(lodged_on, _policy()))
    application.appeal = appeal
    changes = _transition(application, "lodge_appeal")
    changes.update({"lodged_on": lodged_on, "decision_due": appeal.decision_due})
    _finish(actor, "lodge_appeal", application, changes)
    return appeal


def decide_appeal(actor: Principal, application: Application, outcome: str, reasons: str) -> Appeal:
    today = clock.today()
    _check("decide_appeal", application, actor, today)
    appeal = application.appeal
    first_instance_recognized = application.decision.outcome == DecisionOutcome.RECOGNIZED
    recognized = first_instance_recognized == (outcome == AppealOutcome.UPHELD)
    appeal.outcome, appeal.reasons, appeal.decided_on, appeal.decided_by_id = outcome, reasons, today, actor.id
    changes = _transition(application, "decide_appeal",
                          DecisionOutcome.RECOGNIZED if recognized else DecisionOutcome.REJECTED)
    changes["outcome"] = outcome
    _finish(actor, "decide_appeal", application, changes)
    return appeal


# --- Ending a case -----------------------------------------------------------------------


def _end(actor: Principal, application: Application, action: str, reasons: str, **extra: Any) -> Application:
    today = clock.today()
    _check(action, application, actor, today)
    changes = _transition(application, action)
    application.ended_on, application.end_reasons, application.ended_by_id = today, reasons, actor.id
    for name, value in extra.items():
        setattr(application, name, value)
        changes[name] = value
    _finish(actor, action, application, changes)
    return application


def withdraw(actor: Principal, application: Application, reasons: str) -> Application:
    return _end(actor, application, "withdraw", reasons)


def close(actor: Principal, application: Application, reasons: str) -> Application:
    return _end(actor, application, "close", reasons)


def refer(actor: Principal, application: Application, target: str, reasons: str) -> Application:
    return _end(actor, application, "refer", reasons, referral_target=target)


def cease(actor: Principal, application: Application, reasons: str) -> Application:
    return _end(actor, application, "cease", reasons)


def cancel(actor: Principal, application: Application, reasons: str) -> Application:
    return _end(actor, application, "cancel", reasons)


# --- Reading -----------------------------------------------------------------------------


def record_read(actor: Principal, application: Application, channel: str) -> None:
    """Every read of a case file is audited (who looked at whom, when, through what)."""
    audit.record(actor, "case.read", "application", application.id, case_id=application.id,
                 changes={"channel": channel})
    db.session.commit()


def require_case_reader(actor: Principal, application: Application) -> None:
    from ..domain.access import may_read_case

    if not may_read_case(actor.roles, actor.id, application.case_officer_id):
        raise Forbidden(N_("Your role may not see this case."))
