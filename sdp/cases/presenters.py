"""A case as the API and the pages show it (the schemas pick the fields each may see)."""

from datetime import date

from flask import current_app
from sqlalchemy import select

from ..auth.principal import Principal
from ..births.services import with_birth_links
from ..domain import deadlines
from ..domain.vocabulary import State
from ..extensions import db
from .models import Application, Person


def person_dict(person: Person, relationship: str | None = None) -> dict:
    data = {
        "id": person.id, "given_names": person.given_names, "family_names": person.family_names,
        "sex": person.sex, "date_of_birth": person.date_of_birth,
        "place_of_birth": {"country": person.birth_country, "locality": person.birth_locality},
        "languages": person.languages or [],
        "asylum": {"status": person.asylum_status, "country": person.asylum_country},
    }
    if relationship:
        data["relationship"] = relationship
    return data


def naturalization_eligible_from(application: Application) -> date | None:
    if application.state != State.RECOGNIZED:
        return None
    recognized_on = application.decision.notified_on
    if application.appeal and application.appeal.decided_on:
        recognized_on = application.appeal.decided_on
    return deadlines.naturalization_eligible_from(recognized_on, current_app.config["POLICY"])


def case_documents(application: Application, today: date) -> list[dict]:
    from ..documents.models import Document
    from ..documents.presenters import document_dict

    documents = db.session.execute(
        select(Document).where(Document.application_id == application.id).order_by(Document.id)).scalars()
    return [document_dict(document, today) for document in documents]


def case_dict(application: Application, actor: Principal, today: date) -> dict:
    decision, appeal = application.decision, application.appeal
    facts = application.facts(today)
    recommendation = application.recommendation
    return with_birth_links({
        "id": application.id,
        "case_number": application.case_number,
        "version": application.version,
        "route": application.route,
        "referring_authority": application.referring_authority,
        "state": application.state,
        "registered_on": application.registered_on,
        "decision_due": application.decision_due,
        "decision_due_extended": application.decision_due_extended,
        "priority": application.priority,
        "protected_from_removal": facts.protected_from_removal(today),
        "case_officer": application.case_officer.email if application.case_officer else None,
        "applicant": person_dict(application.applicant),
        "dependants": [person_dict(d.person, d.relationship_to_applicant) for d in application.dependants],
        "relevant_states": [
            {"id": rs.id, "country": rs.country, "links": rs.links, "finding": rs.finding,
             "reasoning": rs.reasoning, "found_on": rs.found_on}
            for rs in application.relevant_states
        ],
        "evidence": [
            {"id": e.id, "kind": e.kind, "description": e.description, "received_on": e.received_on, "country": e.country}
            for e in application.evidence
        ],
        "inquiries": [inquiry_dict(inquiry, today) for inquiry in application.inquiries],
        "interviews": [
            {"id": i.id, "held_on": i.held_on, "interpreter_language": i.interpreter_language,
             "legal_representative": i.legal_representative, "summary": i.summary, "read_back": i.read_back}
            for i in application.interviews
        ],
        "recommendation": None if recommendation is None else {
            "outcome": recommendation.outcome, "exclusion_ground": recommendation.exclusion_ground,
            "reasons": recommendation.reasons, "made_on": recommendation.made_on},
        "decision": None if decision is None else {
            "outcome": decision.outcome, "exclusion_ground": decision.exclusion_ground, "reasons": decision.reasons,
            "findings": decision.findings, "decided_on": decision.decided_on, "notified_on": decision.notified_on,
            "notification_language": decision.notification_language, "appeal_due": decision.appeal_due,
            "final": facts.decision_is_final(today)},
        "appeal": None if appeal is None else {
            "lodged_on": appeal.lodged_on, "grounds": appeal.grounds, "decision_due": appeal.decision_due,
            "outcome": appeal.outcome, "reasons": appeal.reasons, "decided_on": appeal.decided_on},
        "documents": case_documents(application, today),
        "ended_on": application.ended_on,
        "end_reasons": application.end_reasons,
        "referral_target": application.referral_target,
        "naturalization_eligible_from": naturalization_eligible_from(application),
        "available_actions": [action.name for action in application.available_actions(actor.actor, today)],
    }, application, today)


def inquiry_dict(inquiry, today: date) -> dict:
    return {"id": inquiry.id, "country": inquiry.country, "authority": inquiry.authority, "sent_on": inquiry.sent_on,
            "response_due": inquiry.response_due, "received_on": inquiry.received_on, "outcome": inquiry.outcome,
            "status": inquiry.status(today).value}
