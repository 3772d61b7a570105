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
    case = register(
        office.intake,
        registered_on=days_ago(10),
        applicant=person(asylum={"status": "asylum_seeker", "country": "VE"}),
        dependants=[child],
    )
    cid = case["id"]
    assert case["state"] == "registered"
    assert case["case_number"].startswith(f"SDP-{(TODAY - timedelta(days=10)).year}-")
    assert (
        case["decision_due"]
        == deadlines.decision_due(TODAY - timedelta(days=10), DEFAULT_POLICY).isoformat()
    )
    assert case["protected_from_removal"] is True
    assert case["dependants"][0]["relationship"] == "child"

    assigned = office.supervisor.post(
        f"/api/v1/applications/{cid}/assign", json={"case_officer": office.officer.user.email}
    )
    assert assigned.json["state"] == "under_examination"

    rs = office.officer.post(
        f"/api/v1/applications/{cid}/relevant-states",
        json={"country": "CO", "links": ["birth", "habitual_residence"]},
    )
    assert rs.status_code == 201 and rs.json["finding"] == "undetermined"

    inquiry = office.officer.post(
        f"/api/v1/applications/{cid}/inquiries",
        json={
            "country": "CO",
            "authority": "Registraduría Nacional",
            "sent_on": days_ago(5),
            "consent_on": days_ago(5),
        },
    )
    assert inquiry.status_code == 201
    assert inquiry.json["status"] == "pending"
    assert (
        inquiry.json["response_due"] == (TODAY - timedelta(days=5) + timedelta(days=90)).isoformat()
    )
    answered = office.officer.post(
        f"/api/v1/inquiries/{inquiry.json['id']}/response",
        json={"received_on": days_ago(1), "outcome": "no_record"},
    )
    assert answered.status_code == 200 and answered.json["status"] == "answered"

    interview = office.officer.post(
        f"/api/v1/applications/{cid}/interviews",
        json={
            "held_on": days_ago(2),
            "interpreter_language": "es",
            "legal_representative": "ENCUENTROS",
            "summary": "Read back and signed.",
        },
    )
    assert interview.status_code == 201

    found = office.officer.put(
        f"/api/v1/applications/{cid}/relevant-states/{rs.json['id']}",
        json={"finding": "not_national", "reasoning": "No record in Colombia's registry."},
    )
    assert found.json["finding"] == "not_national"
    # A second relevant State, found to consider her a national: the rejection below agrees with her
    # findings.
    ec = office.officer.post(
        f"/api/v1/applications/{cid}/relevant-states",
        json={"country": "EC", "links": ["descent_father"]},
    )
    assert ec.status_code == 201
    assert (
        office.officer.put(
            f"/api/v1/applications/{cid}/relevant-states/{ec.json['id']}",
            json={"finding": "national", "reasoning": "Ecuador's registry lists her father."},
        ).json["finding"]
        == "national"
    )

    # The child, born in Peru, is referred to late birth registration on their own: the case goes
    # on.
    child_id = next(p["id"] for p in case["persons"] if p["relationship"] == "child")
    referred = office.officer.post(
        f"/api/v1/applications/{cid}/referral",
        json={
            "person_id": child_id,
            "target": "late_birth_registration",
            "reasons": "Born in Peru, never registered.",
        },
    )
    assert referred.status_code == 200, referred.json
    assert referred.json["state"] == "under_examination"
    referred_child = next(p for p in referred.json["persons"] if p["id"] == child_id)
    assert (
        referred_child["referral"]["status"] == "pending"
        and referred_child["protected_from_removal"] is True
    )

    recommended = office.officer.post(
        f"/api/v1/applications/{cid}/recommendation",
        json={"outcome": "recognized", "reasons": "No State considers her a national."},
    )
    assert recommended.json["state"] == "pending_decision"

    # Recognition disagrees with the Ecuadorian finding: a 409 naming the State.
    disagrees = office.decider.post(
        f"/api/v1/applications/{cid}/decision",
        json={"outcome": "recognized", "reasons": "x", "notified_on": days_ago(1)},
    )
    assert disagrees.status_code == 409 and "EC" in disagrees.json["message"]
    # The child's referral is pending: they are not decided here, and need not be named.
    decided = office.decider.post(
        f"/api/v1/applications/{cid}/decision",
        json={
            "outcome": "rejected",
            "reasons": "Ecuador considers her a national.",
            "notified_on": days_ago(1),
        },
    )
    assert decided.status_code == 200, decided.json
    assert decided.json["state"] == "rejected"
    assert (
        decided.json["decision"]["appeal_due"]
        == deadlines.appeal_due(TODAY - timedelta(days=1), DEFAULT_POLICY).isoformat()
    )
    assert decided.json["decision"]["findings"][0]["finding"] == "not_national"
    assert decided.json["protected_from_removal"] is True  # appeal window open

    appeal = office.officer.post(
        f"/api/v1/applications/{cid}/appeal",
        json={"lodged_on": TODAY.isoformat(), "grounds": "The evidence shows statelessness."},
    )
    assert appeal.status_code == 201 and appeal.json["state"] == "under_appeal"
    assert appeal.json["protected_from_removal"] is True

    final = office.appeals.post(
        f"/api/v1/applications/{cid}/appeal/decision",
        json={"outcome": "overturned", "reasons": "Statelessness established."},
    )
    assert final.status_code == 200
    assert final.json["state"] == "recognized"
    assert final.json["decision"]["final"] is True
    assert (
        final.json["naturalization_eligible_from"]
        == deadlines.naturalization_eligible_from(TODAY, DEFAULT_POLICY).isoformat()
    )

    read = office.supervisor.get(f"/api/v1/applications/{cid}")
    assert read.status_code == 200 and read.json["appeal"]["outcome"] == "overturned"
    actions = (
        db.session.execute(
            select(AuditEvent.action).where(AuditEvent.case_id == cid).order_by(AuditEvent.id)
        )
        .scalars()
        .all()
    )
    assert actions[:3] == ["case.register", "case.assign", "case.add_relevant_state"]
    assert "case.decide_appeal" in actions and actions[-1] == "case.read"

    child = next(p for p in read.json["persons"] if p["id"] == child_id)
    assert child["referral"]["status"] == "pending" and child["protected_from_removal"] is True

    confirmed = office.officer.post(
        f"/api/v1/applications/{cid}/persons/{child_id}/referral-outcome",
        json={
            "outcome": "confirmed_peruvian",
            "on": TODAY.isoformat(),
            "reference": "CUI 12345678",
        },
    )
    assert confirmed.status_code == 200, confirmed.json
    assert confirmed.json["state"] == "recognized"  # the applicant's recognition stands
    child = next(p for p in confirmed.json["persons"] if p["id"] == child_id)
    assert (
        child["referral"]["status"] == "confirmed_peruvian"
        and child["protected_from_removal"] is False
    )


def test_upheld_appeal_leaves_the_rejection_final(office):
    case = office.decided("rejected")
    office.intake.post(f"/api/v1/applications/{case['id']}/appeal", json={"grounds": "Disagree."})
    final = office.appeals.post(
        f"/api/v1/applications/{case['id']}/appeal/decision",
        json={"outcome": "upheld", "reasons": "Correct."},
    )
    assert final.json["state"] == "rejected"
    assert final.json["decision"]["final"] is True
    assert final.json["protected_from_removal"] is False


def test_confidentiality_refuses_an_inquiry_to_the_state_of_the_asylum_claim(office):
    case = office.examined_case(applicant=person(asylum={"status": "refugee", "country": "VE"}))
    response = office.officer.post(
        f"/api/v1/applications/{case['id']}/inquiries",
        json={
            "country": "VE",
            "authority": "SAIME",
            "sent_on": TODAY.isoformat(),
            "consent_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 409
    assert "Confidentiality" in response.json["message"]
    assert response.json["code"] == 409 and response.json["status"] == "Conflict"


def test_confidentiality_covers_a_dependants_asylum_claim(office):
    spouse = person(
        given="Luis", relationship="spouse", asylum={"status": "asylum_seeker", "country": "NI"}
    )
    case = office.examined_case(dependants=[spouse])
    response = office.officer.post(
        f"/api/v1/applications/{case['id']}/inquiries",
        json={
            "country": "NI",
            "authority": "Registro Civil",
            "sent_on": TODAY.isoformat(),
            "consent_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 409


def test_an_inquiry_past_its_due_date_with_no_response_shows_as_unanswered(office):
    case = office.examined_case(registered_on=days_ago(120))
    office.officer.post(
        f"/api/v1/applications/{case['id']}/inquiries",
        json={
            "country": "CO",
            "authority": "Registraduría",
            "sent_on": days_ago(91),
            "consent_on": days_ago(91),
        },
    )
    inquiry = office.officer.get(f"/api/v1/applications/{case['id']}").json["inquiries"][0]
    assert inquiry["status"] == "unanswered"


def test_the_case_officer_cannot_decide_their_own_case(api_as, office):
    both = api_as("case_officer", "decision_maker")
    office.officer = both
    case = office.pending_decision()
    response = both.post(
        f"/api/v1/applications/{case['id']}/decision",
        json={"outcome": "recognized", "reasons": "x", "notified_on": TODAY.isoformat()},
    )
    assert response.status_code == 403
    assert "Four-eyes" in response.json["message"]


def test_the_first_instance_decider_cannot_decide_the_appeal(api_as, office):
    both = api_as("decision_maker", "appeals_officer")
    office.decider = both
    case = office.decided("rejected")
    office.intake.post(f"/api/v1/applications/{case['id']}/appeal", json={"grounds": "Disagree."})
    response = both.post(
        f"/api/v1/applications/{case['id']}/appeal/decision",
        json={"outcome": "overturned", "reasons": "x"},
    )
    assert response.status_code == 403


def test_recommendation_refused_while_a_state_is_undetermined(office):
    case = register(office.intake)
    cid = case["id"]
    office.supervisor.post(
        f"/api/v1/applications/{cid}/assign", json={"case_officer": office.officer.user.email}
    )
    office.officer.post(
        f"/api/v1/applications/{cid}/relevant-states", json={"country": "CO", "links": ["birth"]}
    )
    response = office.officer.post(
        f"/api/v1/applications/{cid}/recommendation", json={"outcome": "recognized", "reasons": "x"}
    )
    assert response.status_code == 409 and "undetermined" in response.json["message"]


def test_appeal_after_the_window_is_refused(office):
    case = office.decided("rejected", notified_on=days_ago(40), registered_on=days_ago(60))
    response = office.intake.post(
        f"/api/v1/applications/{case['id']}/appeal", json={"grounds": "Late."}
    )
    assert response.status_code == 409
    assert "appeal window closed" in response.json["message"]
    assert (
        office.intake.get(f"/api/v1/applications/{case['id']}").json["protected_from_removal"]
        is False
    )


def test_exclusion_is_recorded_with_its_ground(office):
    case = office.pending_decision(recommendation="rejected")
    missing = office.decider.post(
        f"/api/v1/applications/{case['id']}/decision",
        json={"outcome": "excluded", "reasons": "UNRWA", "notified_on": TODAY.isoformat()},
    )
    assert missing.status_code == 422 and "exclusion_ground" in missing.json["errors"]
    decided = office.decider.post(
        f"/api/v1/applications/{case['id']}/decision",
        json={
            "outcome": "excluded",
            "exclusion_ground": "un_agency_protection",
            "reasons": "Assisted by UNRWA.",
            "notified_on": TODAY.isoformat(),
        },
    )
    assert decided.json["state"] == "rejected"
    assert decided.json["decision"]["outcome"] == "excluded"
    assert decided.json["decision"]["exclusion_ground"] == "un_agency_protection"


def test_an_inquiry_needs_the_persons_consent(office):
    case = office.examined_case()
    response = office.officer.post(
        f"/api/v1/applications/{case['id']}/inquiries",
        json={"country": "CO", "authority": "Registraduría", "sent_on": TODAY.isoformat()},
    )
    assert response.status_code == 422 and "consent_on" in response.json["errors"]


def test_extension_once_for_any_stated_reason(office):
    case = office.examined_case()
    cid = case["id"]
    # No inquiry is pending: a stated reason is enough, once.
    extended = office.officer.post(
        f"/api/v1/applications/{cid}/extension",
        json={"reasons": "The interview must be repeated with an interpreter."},
    )
    assert extended.status_code == 200
    registered_on = TODAY
    assert (
        extended.json["decision_due"]
        == deadlines.decision_due(registered_on, DEFAULT_POLICY, extended=True).isoformat()
    )
    assert (
        office.officer.post(
            f"/api/v1/applications/{cid}/extension", json={"reasons": "Again."}
        ).status_code
        == 409
    )


@pytest.mark.parametrize(
    "endpoint, actor, body, state",
    [
        ("withdrawal", "intake", {"reasons": "The applicant withdrew in writing."}, "withdrawn"),
        ("closure", "supervisor", {"reasons": "The applicant died."}, "closed"),
    ],
)
def test_ending_a_pending_case(office, endpoint, actor, body, state):
    case = register(office.intake)
    response = getattr(office, actor).post(
        f"/api/v1/applications/{case['id']}/{endpoint}", json=body
    )
    assert response.status_code == 200, response.json
    assert response.json["state"] == state and response.json["end_reasons"] == body["reasons"]
    assert response.json["protected_from_removal"] is False


def test_a_referral_keeps_the_case_going_and_the_person_protected(office):
    case = register(office.intake)
    applicant_id = case["persons"][0]["id"]
    response = office.supervisor.post(
        f"/api/v1/applications/{case['id']}/referral",
        json={"target": "late_birth_registration", "reasons": "Born in Peru, never registered."},
    )
    assert response.status_code == 200, response.json
    assert response.json["state"] == "registered"  # the case goes on
    applicant = next(p for p in response.json["persons"] if p["id"] == applicant_id)
    assert applicant["referral"] == {"target": "late_birth_registration", "status": "pending"} or (
        applicant["referral"]["status"] == "pending"
        and applicant["referral"]["target"] == "late_birth_registration"
    )
    assert (
        applicant["protected_from_removal"] is True
        and response.json["protected_from_removal"] is True
    )
    again = office.supervisor.post(
        f"/api/v1/applications/{case['id']}/referral",
        json={"target": "late_birth_registration", "reasons": "Twice."},
    )
    assert again.status_code == 409  # already referred
    confirmed = office.supervisor.post(
        f"/api/v1/applications/{case['id']}/persons/{applicant_id}/referral-outcome",
        json={
            "outcome": "confirmed_peruvian",
            "on": TODAY.isoformat(),
            "reference": "CUI 87654321",
        },
    )
    assert confirmed.status_code == 200, confirmed.json
    applicant = next(p for p in confirmed.json["persons"] if p["id"] == applicant_id)
    assert applicant["referral"]["status"] == "confirmed_peruvian"
    assert applicant["protected_from_removal"] is False


def _propose(actor, cid, kind, notified_on, reasons="Acquired nationality.", **extra):
    return actor.post(
        f"/api/v1/applications/{cid}/{kind}",
        json={"reasons": reasons, "notified_on": notified_on, **extra},
    )


def test_cessation_and_cancellation_after_recognition(office, api_as):
    recognized = office.decided("recognized")
    cid = recognized["id"]
    proposed = _propose(
        office.decider, cid, "cessation", TODAY.isoformat(), nationality_acquired="CO"
    )
    assert proposed.status_code == 200, proposed.json
    applicant = proposed.json["persons"][0]
    assert proposed.json["state"] == "recognized" and applicant["outcome"] == "recognized"
    assert (
        applicant["cessation"]["status"] == "proposed"
        and applicant["protected_from_removal"] is True
    )
    # Before the reply is recorded or the reply period (10 working days) ends: not yet
    early = api_as("decision_maker").post(
        f"/api/v1/applications/{cid}/cessation/decision",
        json={"outcome": "ceased", "reasons": "x", "notified_on": TODAY.isoformat()},
    )
    assert early.status_code == 409
    # The proposer may not decide it
    office.officer.post(
        f"/api/v1/applications/{cid}/cessation/reply",
        json={
            "received_on": TODAY.isoformat(),
            "summary": "I never applied for Colombian nationality.",
        },
    )
    own = office.decider.post(
        f"/api/v1/applications/{cid}/cessation/decision",
        json={"outcome": "ceased", "reasons": "x", "notified_on": TODAY.isoformat()},
    )
    assert own.status_code == 403
    ceased = api_as("decision_maker").post(
        f"/api/v1/applications/{cid}/cessation/decision",
        json={
            "outcome": "ceased",
            "reasons": "Colombia confirms the naturalisation.",
            "notified_on": TODAY.isoformat(),
        },
    )
    assert ceased.status_code == 200, ceased.json
    assert ceased.json["persons"][0]["cessation"]["status"] == "ceased"

    # Registered and recognised before the proposal was notified (no event precedes registration).
    other = office.decided("recognized", registered_on=days_ago(60), notified_on=days_ago(40))
    # The reply period ended unanswered: a decision-maker other than the proposer may decide
    proposer = api_as("decision_maker")
    long_ago = (TODAY - timedelta(days=30)).isoformat()
    assert (
        _propose(
            proposer, other["id"], "cancellation", long_ago, reasons="Forged birth certificate."
        ).status_code
        == 200
    )
    own = proposer.post(
        f"/api/v1/applications/{other['id']}/cancellation/decision",
        json={"outcome": "cancelled", "reasons": "Fraud.", "notified_on": TODAY.isoformat()},
    )
    assert own.status_code == 403
    cancelled = office.decider.post(
        f"/api/v1/applications/{other['id']}/cancellation/decision",
        json={
            "outcome": "cancelled",
            "reasons": "Forged birth certificate.",
            "notified_on": TODAY.isoformat(),
        },
    )
    assert cancelled.status_code == 200, cancelled.json
    assert cancelled.json["persons"][0]["cancellation"]["status"] == "cancelled"


def test_recognized_case_shows_when_naturalization_is_possible(office):
    case = office.decided("recognized", notified_on=days_ago(3), registered_on=days_ago(30))
    expected = deadlines.naturalization_eligible_from(TODAY - timedelta(days=3), DEFAULT_POLICY)
    assert case["naturalization_eligible_from"] == expected.isoformat()


def test_wrong_role_is_forbidden_and_wrong_state_conflicts(office):
    case = register(office.intake)
    assert (
        office.officer.post(
            f"/api/v1/applications/{case['id']}/assign",
            json={"case_officer": office.officer.user.email},
        ).status_code
        == 403
    )
    assert (
        office.decider.post(
            f"/api/v1/applications/{case['id']}/decision",
            json={"outcome": "recognized", "reasons": "x", "notified_on": TODAY.isoformat()},
        ).status_code
        == 409
    )


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
    reads = db.session.execute(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "case.read", AuditEvent.case_id == case["id"])
    ).scalar_one()
    assert reads == 1


def test_registration_date_may_not_be_in_the_future(office):
    tomorrow = (TODAY + timedelta(days=2)).isoformat()
    response = office.intake.post(
        "/api/v1/applications",
        json={"route": "application", "registered_on": tomorrow, "applicant": person()},
    )
    assert response.status_code == 422 and "registered_on" in response.json["errors"]


def test_a_child_applicant_is_prioritised(office):
    case = register(office.intake, applicant=person(dob=days_ago(365 * 10)))
    assert case["priority"] is True
    assert register(office.intake)["priority"] is False


def test_the_case_says_what_the_caller_may_do_and_why_not_the_rest(office):
    case = office.examined_case(finding="undetermined")
    as_officer = office.officer.get(f"/api/v1/applications/{case['id']}").json
    refused = {entry["name"]: entry for entry in as_officer["refused_actions"]}
    assert "add_relevant_state" in as_officer["available_actions"]
    assert "recommend" not in as_officer["available_actions"]
    assert refused["recommend"]["status"] == 409
    assert "undetermined" in refused["recommend"]["reason"]
    assert refused["decide"]["status"] == 409  # not ready, whoever asks
    assert refused["close"]["status"] == 403 and "role" in refused["close"]["reason"]
    assert not set(refused) & set(as_officer["available_actions"])
    as_supervisor = office.supervisor.get(f"/api/v1/applications/{case['id']}").json
    assert "close" in as_supervisor["available_actions"]
    assert {e["name"]: e["status"] for e in as_supervisor["refused_actions"]}[
        "add_relevant_state"
    ] == 403
