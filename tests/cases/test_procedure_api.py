"""The whole procedure through the API, and each rule's refusal (contract.md, "Case work")."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from sdp.audit.models import AuditEvent
from sdp.domain import deadlines
from sdp.domain.policy import DEFAULT_POLICY
from sdp.extensions import db

from .helpers import TODAY, Office, days_ago, person, register


@pytest.fixture
def office(api_as):
    return Office(api_as)


def test_the_whole_procedure_from_intake_to_a_final_decision_on_appeal(office):
    child = person(given="Sofía", dob=days_ago(400), country="PE", relationship="child")
    case = register(office.intake, registered_on=days_ago(10),
                    applicant=person(asylum={"status": "asylum_seeker", "country": "VE"}), dependants=[child])
    cid = case["id"]
    assert case["state"] == "registered"
    assert case["case_number"].startswith(f"SDP-{(TODAY - timedelta(days=10)).year}-")
    assert case["decision_due"] == deadlines.decision_due(TODAY - timedelta(days=10), DEFAULT_POLICY).isoformat()
    assert case["protected_from_removal"] is True
    assert case["dependants"][0]["relationship"] == "child"

    assigned = office.supervisor.post(f"/api/v1/applications/{cid}/assign", json={"case_officer": office.officer.user.email})
    assert assigned.json["state"] == "under_examination"

    rs = office.officer.post(f"/api/v1/applications/{cid}/relevant-states", json={"country": "CO", "links": ["birth", "habitual_residence"]})
    assert rs.status_code == 201 and rs.json["finding"] == "undetermined"

    inquiry = office.officer.post(f"/api/v1/applications/{cid}/inquiries",
                                  json={"country": "CO", "authority": "Registraduría Nacional", "sent_on": days_ago(5)})
    assert inquiry.status_code == 201
    assert inquiry.json["status"] == "pending"
    assert inquiry.json["response_due"] == (TODAY - timedelta(days=5) + timedelta(days=90)).isoformat()
    answered = office.officer.post(f"/api/v1/inquiries/{inquiry.json['id']}/response",
                                   json={"received_on": days_ago(1), "outcome": "no_record"})
    assert answered.status_code == 200 and answered.json["status"] == "answered"

    interview = office.officer.post(f"/api/v1/applications/{cid}/interviews",
                                    json={"held_on": days_ago(2), "interpreter_language": "es",
                                          "legal_representative": "ENCUENTROS", "summary": "Read back and signed."})
    assert interview.status_code == 201

    found = office.officer.put(f"/api/v1/applications/{cid}/relevant-states/{rs.json['id']}",
                               json={"finding": "not_national", "reasoning": "No record in Colombia's registry."})
    assert found.json["finding"] == "not_national"

    recommended = office.officer.post(f"/api/v1/applications/{cid}/recommendation",
                                      json={"outcome": "recognized", "reasons": "No State considers her a national."})
    assert recommended.json["state"] == "pending_decision"

    decided = office.decider.post(f"/api/v1/applications/{cid}/decision",
                                  json={"outcome": "rejected", "reasons": "Doubts remain.", "notified_on": days_ago(1)})
    assert decided.json["state"] == "rejected"
    assert decided.json["decision"]["appeal_due"] == deadlines.appeal_due(TODAY - timedelta(days=1), DEFAULT_POLICY).isoformat()
    assert decided.json["decision"]["findings"][0]["finding"] == "not_national"
    assert decided.json["protected_from_removal"] is True  # appeal window open

    appeal = office.officer.post(f"/api/v1/applications/{cid}/appeal", json={"lodged_on": TODAY.isoformat(), "grounds": "The evidence shows statelessness."})
    assert appeal.status_code == 201 and appeal.json["state"] == "under_appeal"
    assert appeal.json["protected_from_removal"] is True

    final = office.appeals.post(f"/api/v1/applications/{cid}/appeal/decision", json={"outcome": "overturned", "reasons": "Statelessness established."})
    assert final.status_code == 200
    assert final.json["state"] == "recognized"
    assert final.json["decision"]["final"] is True
    assert final.json["naturalization_eligible_from"] == deadlines.naturalization_eligible_from(TODAY, DEFAULT_POLICY).isoformat()

    read = office.supervisor.get(f"/api/v1/applications/{cid}")
    assert read.status_code == 200 and read.json["appeal"]["outcome"] == "overturned"
    actions = db.session.execute(select(AuditEvent.action).where(AuditEvent.case_id == cid).order_by(AuditEvent.id)).scalars().all()
    assert actions[:3] == ["case.register", "case.assign", "case.add_relevant_state"]
    assert "case.decide_appeal" in actions and actions[-1] == "case.read"


def test_upheld_appeal_leaves_the_rejection_final(office):
    case = office.decided("rejected")
    office.intake.post(f"/api/v1/applications/{case['id']}/appeal", json={"grounds": "Disagree."})
    final = office.appeals.post(f"/api/v1/applications/{case['id']}/appeal/decision", json={"outcome": "upheld", "reasons": "Correct."})
    assert final.json["state"] == "rejected"
    assert final.json["decision"]["final"] is True
    assert final.json["protected_from_removal"] is False


def test_confidentiality_refuses_an_inquiry_to_the_state_of_the_asylum_claim(office):
    case = office.examined_case(applicant=person(asylum={"status": "refugee", "country": "VE"}))
    response = office.officer.post(f"/api/v1/applications/{case['id']}/inquiries",
                                   json={"country": "VE", "authority": "SAIME", "sent_on": TODAY.isoformat()})
    assert response.status_code == 409
    assert "Confidentiality" in response.json["message"]
    assert response.json["code"] == 409 and response.json["status"] == "Conflict"


def test_confidentiality_covers_a_dependants_asylum_claim(office):
    spouse = person(given="Luis", relationship="spouse", asylum={"status": "asylum_seeker", "country": "NI"})
    case = office.examined_case(dependants=[spouse])
    response = office.officer.post(f"/api/v1/applications/{case['id']}/inquiries",
                                   json={"country": "NI", "authority": "Registro Civil", "sent_on": TODAY.isoformat()})
    assert response.status_code == 409


def test_an_inquiry_past_its_due_date_with_no_response_shows_as_unanswered(office):
    case = office.examined_case(registered_on=days_ago(120))
    office.officer.post(f"/api/v1/applications/{case['id']}/inquiries",
                        json={"country": "CO", "authority": "Registraduría", "sent_on": days_ago(91)})
    inquiry = office.officer.get(f"/api/v1/applications/{case['id']}").json["inquiries"][0]
    assert inquiry["status"] == "unanswered"


def test_the_case_officer_cannot_decide_their_own_case(api_as, office):
    both = api_as("case_officer", "decision_maker")
    office.officer = both
    case = office.pending_decision()
    response = both.post(f"/api/v1/applications/{case['id']}/decision",
                         json={"outcome": "recognized", "reasons": "x", "notified_on": TODAY.isoformat()})
    assert response.status_code == 403
    assert "Four-eyes" in response.json["message"]


def test_the_first_instance_decider_cannot_decide_the_appeal(api_as, office):
    both = api_as("decision_maker", "appeals_officer")
    office.decider = both
    case = office.decided("rejected")
    office.intake.post(f"/api/v1/applications/{case['id']}/appeal", json={"grounds": "Disagree."})
    response = both.post(f"/api/v1/applications/{case['id']}/appeal/decision", json={"outcome": "overturned", "reasons": "x"})
    assert response.status_code == 403


def test_recommendation_refused_while_a_state_is_undetermined(office):
    case = register(office.intake)
    cid = case["id"]
    office.supervisor.post(f"/api/v1/applications/{cid}/assign", json={"case_officer": office.officer.user.email})
    office.officer.post(f"/api/v1/applications/{cid}/relevant-states", json={"country": "CO", "links": ["birth"]})
    response = office.officer.post(f"/api/v1/applications/{cid}/recommendation", json={"outcome": "recognized", "reasons": "x"})
    assert response.status_code == 409 and "undetermined" in response.json["message"]


def test_appeal_after_the_window_is_refused(office):
    case = office.decided("rejected", notified_on=days_ago(40), registered_on=days_ago(60))
    response = office.intake.post(f"/api/v1/applications/{case['id']}/appeal", json={"grounds": "Late."})
    assert response.status_code == 409
    assert "appeal window closed" in response.json["message"]
    assert office.intake.get(f"/api/v1/applications/{case['id']}").json["protected_from_removal"] is False


def test_exclusion_is_recorded_with_its_ground(office):
    case = office.pending_decision(recommendation="rejected")
    missing = office.decider.post(f"/api/v1/applications/{case['id']}/decision",
                                  json={"outcome": "excluded", "reasons": "UNRWA", "notified_on": TODAY.isoformat()})
    assert missing.status_code == 422 and "exclusion_ground" in missing.json["errors"]
    decided = office.decider.post(f"/api/v1/applications/{case['id']}/decision",
                                  json={"outcome": "excluded", "exclusion_ground": "un_agency_protection",
                                        "reasons": "Assisted by UNRWA.", "notified_on": TODAY.isoformat()})
    assert decided.json["state"] == "rejected"
    assert decided.json["decision"]["outcome"] == "excluded"
    assert decided.json["decision"]["exclusion_ground"] == "un_agency_protection"


def test_extension_once_while_an_inquiry_is_pending(office):
    case = office.examined_case()
    cid = case["id"]
    refused = office.officer.post(f"/api/v1/applications/{cid}/extension", json={"reasons": "Waiting."})
    assert refused.status_code == 409
    office.officer.post(f"/api/v1/applications/{cid}/inquiries", json={"country": "CO", "authority": "Registraduría", "sent_on": TODAY.isoformat()})
    extended = office.officer.post(f"/api/v1/applications/{cid}/extension", json={"reasons": "Colombia has not answered yet."})
    assert extended.status_code == 200
    registered_on = TODAY
    assert extended.json["decision_due"] == deadlines.decision_due(registered_on, DEFAULT_POLICY, extended=True).isoformat()
    assert office.officer.post(f"/api/v1/applications/{cid}/extension", json={"reasons": "Again."}).status_code == 409


@pytest.mark.parametrize("endpoint, actor, body, state", [
    ("withdrawal", "intake", {"reasons": "The applicant withdrew in writing."}, "withdrawn"),
    ("closure", "supervisor", {"reasons": "The applicant died."}, "closed"),
    ("referral", "supervisor", {"target": "late_birth_registration", "reasons": "Born in Peru, never registered."}, "referred"),
])
def test_ending_a_pending_case(office, endpoint, actor, body, state):
    case = register(office.intake)
    response = getattr(office, actor).post(f"/api/v1/applications/{case['id']}/{endpoint}", json=body)
    assert response.status_code == 200, response.json
    assert response.json["state"] == state and response.json["end_reasons"] == body["reasons"]
    assert response.json["protected_from_removal"] is False


def test_cessation_and_cancellation_after_recognition(office, api_as):
    recognized = office.decided("recognized")
    ceased = office.decider.post(f"/api/v1/applications/{recognized['id']}/cessation", json={"reasons": "Acquired nationality."})
    assert ceased.json["state"] == "ceased"
    other = office.decided("recognized")
    own = office.decider.post(f"/api/v1/applications/{other['id']}/cancellation", json={"reasons": "Fraud."})
    assert own.status_code == 403  # the decider who recognised may not cancel it
    cancelled = api_as("decision_maker").post(f"/api/v1/applications/{other['id']}/cancellation", json={"reasons": "Forged birth certificate."})
    assert cancelled.json["state"] == "cancelled"


def test_recognized_case_shows_when_naturalization_is_possible(office):
    case = office.decided("recognized", notified_on=days_ago(3), registered_on=days_ago(30))
    expected = deadlines.naturalization_eligible_from(TODAY - timedelta(days=3), DEFAULT_POLICY)
    assert case["naturalization_eligible_from"] == expected.isoformat()


def test_wrong_role_is_forbidden_and_wrong_state_conflicts(office):
    case = register(office.intake)
    assert office.officer.post(f"/api/v1/applications/{case['id']}/assign", json={"case_officer": office.officer.user.email}).status_code == 403
    assert office.decider.post(f"/api/v1/applications/{case['id']}/decision",
                               json={"outcome": "recognized", "reasons": "x", "notified_on": TODAY.isoformat()}).status_code == 409


def test_case_officers_see_only_their_own_cases(office, api_as):
    case = office.examined_case()
    stranger = api_as("case_officer")
    assert stranger.get(f"/api/v1/applications/{case['id']}").status_code == 403
    assert office.officer.get(f"/api/v1/applications/{case['id']}").status_code == 200


@pytest.mark.parametrize("role", ["reviewer", "admin", "registrar"])
def test_roles_without_case_work_never_read_a_case(office, api_as, role):
    case = register(office.intake)
    assert api_as(role).get(f"/api/v1/applications/{case['id']}").status_code == 403


def test_case_numbers_are_consecutive_per_year(office):
    numbers = [register(office.intake)["case_number"] for _ in range(3)]
    sequence = [int(number.rsplit("-", 1)[1]) for number in numbers]
    assert sequence == [1, 2, 3]


def test_every_read_of_a_case_is_audited(office):
    case = register(office.intake)
    office.supervisor.get(f"/api/v1/applications/{case['id']}")
    reads = db.session.execute(select(func.count()).select_from(AuditEvent)
                               .where(AuditEvent.action == "case.read", AuditEvent.case_id == case["id"])).scalar_one()
    assert reads == 1


def test_registration_date_may_not_be_in_the_future(office):
    tomorrow = (TODAY + timedelta(days=2)).isoformat()
    response = office.intake.post("/api/v1/applications", json={"route": "application", "registered_on": tomorrow, "applicant": person()})
    assert response.status_code == 422 and "registered_on" in response.json["errors"]


def test_a_child_applicant_is_prioritised(office):
    case = register(office.intake, applicant=person(dob=days_ago(365 * 10)))
    assert case["priority"] is True
    assert register(office.intake)["priority"] is False
