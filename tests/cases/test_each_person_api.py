"""Each person decided on their own, end to end through the API (contract.md, "Each person")."""

from datetime import timedelta

import pytest

from tests.cases.helpers import TODAY, Office, days_ago, person, register


@pytest.fixture
def office(api_as):
    return Office(api_as)


def _family_under_examination(office: Office) -> tuple[dict, dict]:
    """An applicant with a Colombian spouse and a child born in Lima, under examination."""
    case = register(
        office.intake,
        applicant=person(),
        dependants=[
            {**person("Luis", "Pérez Gómez", "1988-01-02", "CO"), "relationship": "spouse"},
            {**person("Sofía", "Pérez Pérez", "2022-05-06", "PE"), "relationship": "child"},
        ],
    )
    cid = case["id"]
    assert (
        office.supervisor.post(
            f"/api/v1/applications/{cid}/assign", json={"case_officer": office.officer.user.email}
        ).status_code
        == 200
    )
    persons = {
        p["relationship"]: p
        for p in office.officer.get(f"/api/v1/applications/{cid}").json["persons"]
    }
    return case, persons


def _state(office, cid, country, finding, person_id=None):
    body = {"country": country, "links": ["birth"]}
    if person_id is not None:
        body["person_id"] = person_id
    rs = office.officer.post(f"/api/v1/applications/{cid}/relevant-states", json=body)
    assert rs.status_code == 201, rs.json
    assert rs.json["person_id"] == (person_id or rs.json["person_id"])
    put = office.officer.put(
        f"/api/v1/applications/{cid}/relevant-states/{rs.json['id']}",
        json={"finding": finding, "reasoning": f"{country}: law and practice examined."},
    )
    assert put.status_code == 200


def _recommend(office, cid):
    response = office.officer.post(
        f"/api/v1/applications/{cid}/recommendation",
        json={"outcome": "recognized", "reasons": "Established to a reasonable degree."},
    )
    assert response.status_code == 200, response.json


def test_a_family_is_decided_person_by_person_and_documents_follow_each_persons_outcome(office):
    case, persons = _family_under_examination(office)
    cid, spouse, child = case["id"], persons["spouse"]["id"], persons["child"]["id"]
    _state(office, cid, "VE", "not_national")
    _state(office, cid, "CO", "national", spouse)
    # The Peru-born child is referred, not decided: protected until RENIEC answers.
    referred = office.officer.post(
        f"/api/v1/applications/{cid}/referral",
        json={
            "person_id": child,
            "target": "late_birth_registration",
            "reasons": "Born in Lima, never registered.",
        },
    )
    assert referred.status_code == 200 and referred.json["state"] == "under_examination"
    child_status = next(p for p in referred.json["persons"] if p["id"] == child)
    assert (
        child_status["referral"]["status"] == "pending"
        and child_status["protected_from_removal"] is True
    )
    _recommend(office, cid)

    decision = {"outcome": "recognized", "reasons": "Per person.", "notified_on": TODAY.isoformat()}
    missing = office.decider.post(f"/api/v1/applications/{cid}/decision", json=decision)
    assert missing.status_code == 422 and "Luis Pérez Gómez" in missing.json["errors"]["persons"][0]
    wrong = office.decider.post(
        f"/api/v1/applications/{cid}/decision",
        json={**decision, "persons": [{"person_id": spouse, "outcome": "recognized"}]},
    )
    assert wrong.status_code == 409
    assert "Luis Pérez Gómez" in wrong.json["message"] and "CO" in wrong.json["message"]

    decided = office.decider.post(
        f"/api/v1/applications/{cid}/decision",
        json={**decision, "persons": [{"person_id": spouse, "outcome": "family_unity"}]},
    )
    assert decided.status_code == 200, decided.json
    assert decided.json["state"] == "recognized"
    outcomes = {p["relationship"]: (p["outcome"], p["final"]) for p in decided.json["persons"]}
    assert outcomes == {
        "applicant": ("recognized", True),
        "spouse": ("family_unity", False),
        "child": (None, False),
    }

    # Identity documents: the applicant yes; the Colombian spouse and the referred child never.
    issue = office.supervisor.post
    assert (
        issue(
            f"/api/v1/applications/{cid}/documents", json={"type": "identity_document"}
        ).status_code
        == 201
    )
    for someone in (spouse, child):
        refused = issue(
            f"/api/v1/applications/{cid}/documents",
            json={"type": "travel_document", "person_id": someone},
        )
        assert refused.status_code == 409, refused.json
        assert "own recognition" in refused.json["message"]
    # The referred child keeps a valid provisional certificate.
    certificate = issue(
        f"/api/v1/applications/{cid}/documents",
        json={"type": "provisional_certificate", "person_id": child},
    )
    assert certificate.status_code == 201 and certificate.json["status"] == "valid"


def test_a_referred_child_confirmed_peruvian_leaves_and_refused_resumes(office, partner_api):
    case, persons = _family_under_examination(office)
    cid, child = case["id"], persons["child"]["id"]
    office.officer.post(
        f"/api/v1/applications/{cid}/referral",
        json={"person_id": child, "target": "late_birth_registration", "reasons": "Born in Lima."},
    )
    registry = partner_api("registry:read")
    check = registry.get(
        "/api/v1/registry/persons?given_names=Sofia&family_names=Perez%20Perez&date_of_birth=2022-05-06"
    )
    assert check.json["matches"] == [
        {
            "case_number": case["case_number"],
            "status": "under_examination",
            "protected_from_removal": True,
        }
    ]
    url = f"/api/v1/applications/{cid}/persons/{child}/referral-outcome"
    no_reference = office.officer.post(
        url, json={"outcome": "confirmed_peruvian", "on": TODAY.isoformat()}
    )
    assert no_reference.status_code == 422 and "reference" in no_reference.json["errors"]
    refused = office.officer.post(url, json={"outcome": "refused", "on": TODAY.isoformat()})
    assert refused.status_code == 200
    child_status = next(p for p in refused.json["persons"] if p["id"] == child)
    assert (
        child_status["referral"]["status"] == "refused"
        and child_status["protected_from_removal"] is True
    )
    # Her examination resumes: she may be referred again, and this time confirmed.
    office.officer.post(
        f"/api/v1/applications/{cid}/referral",
        json={
            "person_id": child,
            "target": "late_birth_registration",
            "reasons": "New evidence of birth in Lima.",
        },
    )
    confirmed = office.officer.post(
        url,
        json={
            "outcome": "confirmed_peruvian",
            "on": TODAY.isoformat(),
            "reference": "CUI 81234567",
        },
    )
    assert (
        confirmed.status_code == 200 and confirmed.json["state"] == "under_examination"
    )  # the others go on
    child_status = next(p for p in confirmed.json["persons"] if p["id"] == child)
    assert child_status["outcome"] == "referred" and child_status["protected_from_removal"] is False


def test_a_person_of_another_case_is_422(office):
    first, _ = _family_under_examination(office)
    other = register(office.intake)
    response = office.officer.post(
        f"/api/v1/applications/{first['id']}/relevant-states",
        json={"country": "CO", "links": ["birth"], "person_id": other["applicant"]["id"]},
    )
    assert response.status_code == 422 and "person_id" in response.json["errors"]


def test_an_inquiry_needs_the_persons_consent(office):
    case, _ = _family_under_examination(office)
    response = office.officer.post(
        f"/api/v1/applications/{case['id']}/inquiries",
        json={"country": "CO", "authority": "Registraduría", "sent_on": days_ago(1)},
    )
    assert response.status_code == 422 and "consent_on" in response.json["errors"]
    response = office.officer.post(
        f"/api/v1/applications/{case['id']}/inquiries",
        json={
            "country": "CO",
            "authority": "Registraduría",
            "sent_on": days_ago(0),
            "consent_on": days_ago(1),
        },
    )
    assert response.status_code == 201 and response.json["consent_on"] == days_ago(1)


def test_the_period_is_extended_once_after_an_unanswered_inquiry(office):
    case = register(office.intake, registered_on=days_ago(120))
    cid = case["id"]
    office.supervisor.post(
        f"/api/v1/applications/{cid}/assign", json={"case_officer": office.officer.user.email}
    )
    inquiry = office.officer.post(
        f"/api/v1/applications/{cid}/inquiries",
        json={
            "country": "CO",
            "authority": "Registraduría",
            "sent_on": days_ago(100),
            "consent_on": days_ago(101),
        },
    )
    assert inquiry.status_code == 201, inquiry.json
    assert (
        office.officer.get(f"/api/v1/applications/{cid}").json["inquiries"][0]["status"]
        == "unanswered"
    )
    first = office.officer.post(
        f"/api/v1/applications/{cid}/extension", json={"reasons": "Colombia has not answered."}
    )
    assert first.status_code == 200 and first.json["decision_due_extended"] is True
    second = office.officer.post(
        f"/api/v1/applications/{cid}/extension", json={"reasons": "Still no answer."}
    )
    assert second.status_code == 409 and "already been extended once" in second.json["message"]


def _recognised_applicant(office) -> dict:
    case = office.examined_case(registered_on=days_ago(60))
    _recommend(office, case["id"])
    decided = office.decider.post(
        f"/api/v1/applications/{case['id']}/decision",
        json={
            "outcome": "recognized",
            "reasons": "Not a national of Colombia.",
            "notified_on": days_ago(20),
        },
    )
    assert decided.status_code == 200, decided.json
    return decided.json


def test_cessation_is_a_proceeding_with_a_hearing_and_a_second_person(office, api_as):
    case = _recognised_applicant(office)
    cid = case["id"]
    document = office.supervisor.post(
        f"/api/v1/applications/{cid}/documents", json={"type": "identity_document"}
    )
    assert document.status_code == 201
    no_nationality = office.decider.post(
        f"/api/v1/applications/{cid}/cessation",
        json={"reasons": "Naturalised.", "notified_on": days_ago(2)},
    )
    assert (
        no_nationality.status_code == 422
        and "nationality_acquired" in no_nationality.json["errors"]
    )
    proposed = office.decider.post(
        f"/api/v1/applications/{cid}/cessation",
        json={
            "reasons": "Acquired Colombian nationality by naturalisation.",
            "notified_on": days_ago(2),
            "nationality_acquired": "CO",
        },
    )
    assert proposed.status_code == 200, proposed.json
    applicant = proposed.json["persons"][0]
    assert applicant["cessation"]["status"] == "proposed" and applicant["outcome"] == "recognized"
    assert applicant["cessation"]["reply_due"] > TODAY.isoformat()
    assert proposed.json["documents"][0]["status"] == "valid"  # documents stay valid meanwhile

    decision = {
        "outcome": "ceased",
        "reasons": "Nationality acquired.",
        "notified_on": TODAY.isoformat(),
    }
    by_proposer = office.decider.post(
        f"/api/v1/applications/{cid}/cessation/decision", json=decision
    )
    assert by_proposer.status_code == 403
    other = api_as("decision_maker")
    too_early = other.post(f"/api/v1/applications/{cid}/cessation/decision", json=decision)
    assert too_early.status_code == 409 and "may reply until" in too_early.json["message"]
    reply = office.officer.post(
        f"/api/v1/applications/{cid}/cessation/reply",
        json={"received_on": TODAY.isoformat(), "summary": "I never asked for it."},
    )
    assert reply.status_code == 200, reply.json
    decided = other.post(f"/api/v1/applications/{cid}/cessation/decision", json=decision)
    assert decided.status_code == 200, decided.json
    applicant = decided.json["persons"][0]
    assert applicant["cessation"]["status"] == "ceased" and applicant["cessation"]["final"] is False
    assert applicant["protected_from_removal"] is True  # the appeal window is open: suspensive
    assert (
        decided.json["documents"][0]["status"] == "valid"
    )  # lapses only when the decision is final


def test_a_recognition_against_a_national_finding_is_409_naming_the_state(office):
    case = office.pending_decision(recommendation="rejected", finding="national")
    response = office.decider.post(
        f"/api/v1/applications/{case['id']}/decision",
        json={"outcome": "recognized", "reasons": "x", "notified_on": TODAY.isoformat()},
    )
    assert response.status_code == 409
    assert "CO" in response.json["message"] and "national" in response.json["message"]


def test_priority_covers_detention_and_a_childs_dependant(office):
    detained = register(
        office.intake,
        applicant=person(detention={"place": "Comisaría de Tumbes", "since": days_ago(3)}),
    )
    assert detained["priority"] is True
    assert detained["applicant"]["detention"] == {
        "place": "Comisaría de Tumbes",
        "since": days_ago(3),
    }
    with_child = register(
        office.intake,
        dependants=[
            {
                **person("Ana", "Pérez", (TODAY - timedelta(days=800)).isoformat()),
                "relationship": "child",
            }
        ],
    )
    assert with_child["priority"] is True
    adult = register(office.intake)
    assert adult["priority"] is False


def test_an_unaccompanied_child_needs_a_guardian_before_the_interview(office):
    child = register(
        office.intake,
        applicant=person(
            "Ana",
            "Pérez",
            (TODAY - timedelta(days=4000)).isoformat(),
            vulnerabilities=["unaccompanied_child"],
        ),
    )
    cid = child["id"]
    office.supervisor.post(
        f"/api/v1/applications/{cid}/assign", json={"case_officer": office.officer.user.email}
    )
    interview = {"held_on": TODAY.isoformat(), "summary": "Child-sensitive interview."}
    refused = office.officer.post(f"/api/v1/applications/{cid}/interviews", json=interview)
    assert refused.status_code == 409 and "guardian" in refused.json["message"]
    assert (
        office.officer.post(
            f"/api/v1/applications/{cid}/guardian", json={"guardian": "Defensoría del Niño, Tumbes"}
        ).status_code
        == 200
    )
    assert (
        office.officer.post(f"/api/v1/applications/{cid}/interviews", json=interview).status_code
        == 201
    )


def _ceased(office, api_as, notified_days_ago: int) -> tuple[int, object]:
    """A recognised applicant with an identity document, whose cessation was decided (after the
    reply period)."""
    case = office.examined_case(registered_on=days_ago(200))
    cid = case["id"]
    _recommend(office, cid)
    assert (
        office.decider.post(
            f"/api/v1/applications/{cid}/decision",
            json={"outcome": "recognized", "reasons": "x", "notified_on": days_ago(150)},
        ).status_code
        == 200
    )
    assert (
        office.supervisor.post(
            f"/api/v1/applications/{cid}/documents", json={"type": "identity_document"}
        ).status_code
        == 201
    )
    assert (
        office.decider.post(
            f"/api/v1/applications/{cid}/cessation",
            json={
                "reasons": "Acquired Colombian nationality.",
                "notified_on": days_ago(notified_days_ago + 30),
                "nationality_acquired": "CO",
            },
        ).status_code
        == 200
    )
    other = api_as("decision_maker")
    decided = other.post(
        f"/api/v1/applications/{cid}/cessation/decision",
        json={
            "outcome": "ceased",
            "reasons": "Nationality acquired.",
            "notified_on": days_ago(notified_days_ago),
        },
    )
    assert decided.status_code == 200, decided.json
    return cid, other


def test_a_cessation_is_final_only_after_the_appeal_window_and_then_the_documents_lapse(
    office, api_as
):
    cid, _ = _ceased(office, api_as, notified_days_ago=40)
    case = office.officer.get(f"/api/v1/applications/{cid}").json
    applicant = case["persons"][0]
    assert applicant["cessation"]["final"] is True
    assert case["documents"][0]["status"] == "expired"
    # Lawful residence for the grace period after a final cessation (proposal of the regulation).
    assert applicant["cessation"]["residence_until"] > TODAY.isoformat()
    assert applicant["protected_from_removal"] is True
    late = office.officer.post(
        f"/api/v1/applications/{cid}/cessation/appeal", json={"grounds": "Too late."}
    )
    assert late.status_code == 409 and "appeal window closed" in late.json["message"]


@pytest.mark.parametrize(
    ("outcome", "document_status"), [("upheld", "expired"), ("overturned", "valid")]
)
def test_an_appeal_against_a_cessation_is_suspensive_and_decided_by_someone_else(
    office, api_as, outcome, document_status
):
    cid, cessation_decider = _ceased(office, api_as, notified_days_ago=0)
    lodged = office.officer.post(
        f"/api/v1/applications/{cid}/cessation/appeal", json={"grounds": "I hold no nationality."}
    )
    assert lodged.status_code == 201, lodged.json
    applicant = lodged.json["persons"][0]
    assert applicant["cessation"]["appeal"]["lodged_on"] == TODAY.isoformat()
    assert (
        applicant["cessation"]["final"] is False
        and lodged.json["documents"][0]["status"] == "valid"
    )
    appeals_officer = api_as("appeals_officer", "decision_maker")
    decided = appeals_officer.post(
        f"/api/v1/applications/{cid}/cessation/appeal/decision",
        json={"outcome": outcome, "reasons": "Reviewed."},
    )
    assert decided.status_code == 200, decided.json
    assert decided.json["persons"][0]["cessation"]["final"] is True
    assert decided.json["documents"][0]["status"] == document_status
    assert (
        decided.json["persons"][0]["protected_from_removal"] is True
    )  # recognised, or within the grace period


def test_a_family_unity_spouse_gets_her_own_decision_letter_and_never_a_statelessness_document(
    office,
):
    from tests.documents.helpers import pdf_bytes, pdf_text

    case, persons = _family_under_examination(office)
    cid, spouse, child = case["id"], persons["spouse"]["id"], persons["child"]["id"]
    _state(office, cid, "VE", "not_national")
    _state(office, cid, "CO", "national", spouse)
    office.officer.post(
        f"/api/v1/applications/{cid}/referral",
        json={"person_id": child, "target": "late_birth_registration", "reasons": "Born in Lima."},
    )
    _recommend(office, cid)
    assert (
        office.decider.post(
            f"/api/v1/applications/{cid}/decision",
            json={
                "outcome": "recognized",
                "reasons": "Per person.",
                "notified_on": TODAY.isoformat(),
                "persons": [{"person_id": spouse, "outcome": "family_unity"}],
            },
        ).status_code
        == 200
    )
    letter = office.supervisor.post(
        f"/api/v1/applications/{cid}/documents",
        json={"type": "decision_letter", "person_id": spouse},
    )
    assert letter.status_code == 201, letter.json
    text = " ".join(pdf_text(pdf_bytes(office.supervisor, letter.json)).split())
    assert (
        "Luis" in text and "unidad familiar" in text and "no es un documento de apatridia" in text
    )
    assert "Colombia" in text and "Venezuela" not in text  # his own findings, not the applicant's
    no_decision = office.supervisor.post(
        f"/api/v1/applications/{cid}/documents",
        json={"type": "decision_letter", "person_id": child},
    )
    assert (
        no_decision.status_code == 409 and "decision on the person" in no_decision.json["message"]
    )
