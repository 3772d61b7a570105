"""A case as the API and the pages show it (the schemas pick the fields each may see)."""

from datetime import date

from flask import current_app

from ..auth.principal import Principal
from ..births.services import with_birth_links
from ..documents import services as documents
from ..domain import deadlines
from . import standing
from .models import Application, Person


def person_dict(person: Person, relationship: str | None = None) -> dict:
    data = {
        "id": person.id,
        "given_names": person.given_names,
        "family_names": person.family_names,
        "sex": person.sex,
        "date_of_birth": person.date_of_birth,
        "place_of_birth": {"country": person.birth_country, "locality": person.birth_locality},
        "languages": person.languages or [],
        "asylum": {"status": person.asylum_status, "country": person.asylum_country},
        "detention": (
            {"place": person.detention_place, "since": person.detention_since}
            if person.detention_since
            else None
        ),
        "vulnerabilities": person.vulnerabilities or [],
        "guardian": person.guardian,
    }
    if relationship:
        data["relationship"] = relationship
    return data


def naturalization_eligible_from(application: Application) -> date | None:
    decision, appeal = application.decision, application.appeal
    return deadlines.naturalization_eligible_from(
        application.state,
        deadlines.recognition_date(
            decision.notified_on if decision else None, appeal.decided_on if appeal else None
        ),
        current_app.config["POLICY"],
    )


def case_dict(application: Application, actor: Principal, today: date) -> dict:
    decision, appeal = application.decision, application.appeal
    facts = application.facts(today)
    recommendation = application.recommendation
    return with_birth_links(
        {
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
            "detained": application.detained,
            # The applicant's own protection; each person's is in ``persons`` (domain.md, section
            # 4).
            "protected_from_removal": standing.protected_from_removal(
                application.person_facts(application.applicant), today
            ),
            "case_officer": application.case_officer.email if application.case_officer else None,
            "applicant": person_dict(application.applicant),
            "dependants": [
                person_dict(d.person, d.relationship_to_applicant) for d in application.dependants
            ],
            "relevant_states": [relevant_state_dict(rs) for rs in application.relevant_states],
            "evidence": [
                {
                    "id": e.id,
                    "person_id": e.person_id,
                    "kind": e.kind,
                    "description": e.description,
                    "received_on": e.received_on,
                    "country": e.country,
                }
                for e in application.evidence
            ],
            "inquiries": [inquiry_dict(inquiry, today) for inquiry in application.inquiries],
            "interviews": [
                {
                    "id": i.id,
                    "person_id": i.person_id,
                    "held_on": i.held_on,
                    "interpreter_language": i.interpreter_language,
                    "legal_representative": i.legal_representative,
                    "summary": i.summary,
                    "read_back": i.read_back,
                }
                for i in application.interviews
            ],
            "persons": [
                person_status(application, person, today) for person in application.persons()
            ],
            "recommendation": None
            if recommendation is None
            else {
                "outcome": recommendation.outcome,
                "exclusion_ground": recommendation.exclusion_ground,
                "reasons": recommendation.reasons,
                "made_on": recommendation.made_on,
            },
            "decision": None
            if decision is None
            else {
                "outcome": decision.outcome,
                "exclusion_ground": decision.exclusion_ground,
                "reasons": decision.reasons,
                "findings": decision.findings,
                "decided_on": decision.decided_on,
                "notified_on": decision.notified_on,
                "notification_language": decision.notification_language,
                "appeal_due": decision.appeal_due,
                "final": facts.decision_is_final(today),
            },
            "appeal": None
            if appeal is None
            else {
                "lodged_on": appeal.lodged_on,
                "grounds": appeal.grounds,
                "decision_due": appeal.decision_due,
                "outcome": appeal.outcome,
                "reasons": appeal.reasons,
                "decided_on": appeal.decided_on,
            },
            "documents": documents.case_documents(application.id, today),
            "ended_on": application.ended_on,
            "end_reasons": application.end_reasons,
            "referral_target": application.referral_target,
            "naturalization_eligible_from": naturalization_eligible_from(application),
            **actions_dict(application.action_choices(actor.actor, today)),
        },
        application,
        today,
    )


def actions_dict(choices) -> dict:
    """What the caller may do now (``available_actions``, names as before) and, for every other
    action, why not: 409 the case is not ready for it, 403 it is not this caller's to take."""
    return {
        "available_actions": [choice.action.name for choice in choices if choice.allowed],
        "refused_actions": [
            {
                "name": choice.action.name,
                "status": choice.refusal.status,
                "reason": str(choice.refusal),
            }
            for choice in choices
            if not choice.allowed
        ],
    }


def relevant_state_dict(rs) -> dict:
    return {
        "id": rs.id,
        "person_id": rs.person_id,
        "country": rs.country,
        "links": rs.links,
        "finding": rs.finding,
        "reasoning": rs.reasoning,
        "found_on": rs.found_on,
    }


def person_status(application: Application, person: Person, today: date) -> dict:
    """One person's own examination and outcome (contract.md, "Each person")."""
    facts = application.person_facts(person)
    determination = application.determination(person.id)
    proceeding = application.proceeding(person.id)
    residence_until = None if facts.recognized(today) else standing.residence_until(facts)
    data = {
        "id": person.id,
        "relationship": application.relationship_of(person.id),
        "given_names": person.given_names,
        "family_names": person.family_names,
        "date_of_birth": person.date_of_birth,
        "relevant_states": [
            relevant_state_dict(rs)
            for rs in application.relevant_states
            if rs.person_id == person.id
        ],
        "outcome": determination.outcome,
        "final": facts.decision_is_final(today),
        "protected_from_removal": facts.protected_from_removal(today, residence_until),
        "appeal": None
        if determination.appeal_lodged_on is None
        else {
            "lodged_on": determination.appeal_lodged_on,
            "decision_due": determination.appeal_decision_due,
            "outcome": determination.appeal_outcome,
            "decided_on": determination.appeal_decided_on,
        },
        "appeal_due": determination.appeal_due,
    }
    if determination.referral_status:
        data["referral"] = {
            "target": determination.referral_target,
            "status": determination.referral_status,
            "referred_on": determination.referred_on,
            "answered_on": determination.referral_answered_on,
            "reference": determination.referral_reference,
        }
    if proceeding is not None:
        data[proceeding.kind] = {
            "status": proceeding.status,
            "reply_due": proceeding.reply_due,
            "notified_on": proceeding.notified_on,
            "nationality_acquired": proceeding.nationality_acquired,
            "reply_received_on": proceeding.reply_received_on,
            "appeal_due": proceeding.appeal_due,
            "appeal": None
            if proceeding.appeal_lodged_on is None
            else {
                "lodged_on": proceeding.appeal_lodged_on,
                "outcome": proceeding.appeal_outcome,
                "decided_on": proceeding.appeal_decided_on,
            },
            "final": proceeding.facts().decision_is_final(today),
            "residence_until": residence_until,
        }
    return data


def inquiry_dict(inquiry, today: date) -> dict:
    return {
        "id": inquiry.id,
        "person_id": inquiry.person_id,
        "consent_on": inquiry.consent_on,
        "country": inquiry.country,
        "authority": inquiry.authority,
        "sent_on": inquiry.sent_on,
        "response_due": inquiry.response_due,
        "received_on": inquiry.received_on,
        "outcome": inquiry.outcome,
        "status": inquiry.status(today).value,
    }
