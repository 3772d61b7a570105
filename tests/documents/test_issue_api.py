"""Issuing, refusing, revoking and reissuing documents through the API (contract.md)."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from sdp.audit.models import AuditEvent
from sdp.documents.models import Document
from sdp.domain import deadlines
from sdp.domain.calendar import add_months
from sdp.domain.policy import DEFAULT_POLICY
from sdp.extensions import db
from tests.conftest import PUBLIC_URL

from .helpers import ANGELA, JOAO, TODAY, issue, issued, recognized_case, register


def test_a_provisional_certificate_for_a_registered_applicant(office):
    case = register(office.intake, applicant=JOAO)
    document = issued(office.intake, case["id"], "provisional_certificate")
    assert set(document) >= {
        "serial",
        "type",
        "status",
        "issued_on",
        "valid_until",
        "pdf_url",
        "qr",
    }
    assert document["type"] == "provisional_certificate" and document["status"] == "valid"
    assert document["issued_on"] == TODAY.isoformat()
    assert (
        document["valid_until"]
        == deadlines.provisional_certificate_valid_until(TODAY, DEFAULT_POLICY).isoformat()
    )
    assert document["pdf_url"] == f"/documents/{document['serial']}.pdf"
    # the QR code opens the configured verification page, with the signed payload in its path
    assert document["qr"].startswith(PUBLIC_URL.upper() + "/V/SDP1:")
    # The case shows it, and the issue is audited in the same transaction.
    shown = office.intake.get(f"/api/v1/applications/{case['id']}").json["documents"]
    assert [d["serial"] for d in shown] == [document["serial"]]
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "document.issue")
    ).scalar_one()
    assert event.case_id == case["id"] and event.changes["serial"] == document["serial"]


def test_identity_and_travel_documents_after_a_final_recognition(office):
    case = recognized_case(office)
    identity = issued(office.supervisor, case["id"], "identity_document")
    assert (
        identity["valid_until"]
        == deadlines.identity_document_valid_until(TODAY, DEFAULT_POLICY).isoformat()
    )
    travel = issued(
        office.officer, case["id"], "travel_document"
    )  # the case's own officer may issue too
    assert travel["valid_until"] == add_months(TODAY, 24).isoformat()
    short = issued(office.intake, case["id"], "travel_document", valid_months=3)
    assert short["valid_until"] == add_months(TODAY, 3).isoformat()
    letter = issued(office.intake, case["id"], "decision_letter")
    assert letter["valid_until"] is None


@pytest.mark.parametrize("months", [2, 25, 0])
def test_a_travel_document_is_valid_3_to_24_months(office, months):
    case = recognized_case(office)
    response = issue(office.supervisor, case["id"], "travel_document", valid_months=months)
    assert response.status_code == 422 and "valid_months" in response.json["errors"]


def test_only_a_travel_document_takes_a_chosen_validity(office):
    case = register(office.intake)
    response = issue(office.intake, case["id"], "provisional_certificate", valid_months=12)
    assert response.status_code == 422 and "valid_months" in response.json["errors"]


def _refusal(client, case_id, document_type):
    response = issue(client, case_id, document_type)
    assert response.status_code == 409, response.json
    assert response.json["code"] == 409 and response.json["message"]
    return response.json["message"]


def test_identity_and_travel_documents_are_refused_before_recognition(office):
    pending = register(office.intake)
    refusal = _refusal(office.intake, pending["id"], "identity_document")
    assert (
        "own recognition as stateless is final" in refusal and "outcome is not decided" in refusal
    )
    assert "own recognition as stateless is final" in _refusal(
        office.intake, pending["id"], "travel_document"
    )
    rejected = office.decided("rejected")
    refusal = _refusal(office.supervisor, rejected["id"], "travel_document")
    assert "own recognition as stateless is final" in refusal and "outcome is rejected" in refusal


def test_a_provisional_certificate_needs_a_pending_case(office):
    recognized = recognized_case(office)
    refusal = _refusal(office.intake, recognized["id"], "provisional_certificate")
    assert "own decision is not final yet" in refusal and "outcome is recognized (final)" in refusal
    withdrawn = register(office.intake)
    assert (
        office.intake.post(
            f"/api/v1/applications/{withdrawn['id']}/withdrawal",
            json={"reasons": "The applicant withdrew in writing."},
        ).status_code
        == 200
    )
    assert "own decision is not final yet" in _refusal(
        office.intake, withdrawn["id"], "provisional_certificate"
    )


def test_a_provisional_certificate_while_a_rejection_may_still_be_appealed_or_is_under_appeal(
    office,
):
    rejected = office.decided("rejected")
    issued(office.intake, rejected["id"], "provisional_certificate")
    appeal = office.officer.post(
        f"/api/v1/applications/{rejected['id']}/appeal",
        json={"lodged_on": TODAY.isoformat(), "grounds": "New evidence."},
    )
    assert appeal.status_code == 201
    issued(office.intake, rejected["id"], "provisional_certificate")


def test_a_decision_letter_needs_a_decision_and_a_birth_record_is_not_a_case_document(office):
    pending = register(office.intake)
    assert "decision" in _refusal(office.intake, pending["id"], "decision_letter")
    assert "not issued from a case" in _refusal(office.intake, pending["id"], "birth_record")


def test_unknown_types_and_fields_are_422_and_unknown_cases_404(office):
    case = register(office.intake)
    assert issue(office.intake, case["id"], "passport").status_code == 422
    assert (
        issue(office.intake, case["id"], "provisional_certificate", colour="red").status_code == 422
    )
    assert issue(office.intake, 999999, "provisional_certificate").status_code == 404


def test_who_may_issue(office, api_as):
    case = office.examined_case()
    for role in ("decision_maker", "appeals_officer"):  # may read the case, may not issue
        response = issue(api_as(role), case["id"], "provisional_certificate")
        assert response.status_code == 403, role
    for role in ("registrar", "reviewer", "admin"):  # may not even read it
        assert issue(api_as(role), case["id"], "provisional_certificate").status_code == 403, role
    other_officer = api_as("case_officer")
    assert issue(other_officer, case["id"], "provisional_certificate").status_code == 403
    assert issue(office.officer, case["id"], "provisional_certificate").status_code == 201
    assert db.session.execute(select(Document)).scalars().all().__len__() == 1


def test_a_dependant_gets_their_own_certificate(office):
    child = {
        **ANGELA,
        "given_names": "Sofía",
        "date_of_birth": "2020-05-05",
        "relationship": "child",
    }
    case = register(office.intake, applicant=ANGELA, dependants=[child])
    dependant_id = case["dependants"][0]["id"]
    document = issued(office.intake, case["id"], "provisional_certificate", person_id=dependant_id)
    assert document["holder"]["given_names"] == "Sofía"
    assert (
        issue(office.intake, case["id"], "provisional_certificate", person_id=123456).status_code
        == 422
    )


def _registry(partner_api, serial):
    return partner_api("registry:read").get(f"/api/v1/registry/documents/{serial}")


def test_revoke_is_for_supervisors_and_the_registry_then_says_revoked(office, api_as, partner_api):
    case = recognized_case(office)
    document = issued(office.supervisor, case["id"], "identity_document")
    url = f"/api/v1/documents/{document['serial']}/revoke"
    assert office.intake.post(url, json={"reason": "Lost."}).status_code == 403
    assert office.decider.post(url, json={"reason": "Lost."}).status_code == 403
    assert office.supervisor.post(url, json={}).status_code == 422
    assert office.supervisor.post(url, json={"reason": "   "}).status_code == 422
    revoked = office.supervisor.post(url, json={"reason": "The card was reported stolen."})
    assert revoked.status_code == 200 and revoked.json["status"] == "revoked"
    assert revoked.json["revocation_reason"] == "The card was reported stolen."
    assert _registry(partner_api, document["serial"]).json["status"] == "revoked"
    again = office.supervisor.post(url, json={"reason": "Again."})
    assert again.status_code == 409 and again.json["message"] == "This document is already revoked."
    assert (
        office.supervisor.post(
            "/api/v1/documents/0000-0000-0000/revoke", json={"reason": "x"}
        ).status_code
        == 404
    )
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "document.revoke")
    ).scalar_one()
    # reasons are free text: kept (encrypted) on the document, never in the append-only audit trail
    assert event.changes["reason"] == "[redacted]" and event.actor_id == office.supervisor.user.id


def test_reissue_supersedes_the_old_serial(office, partner_api):
    case = recognized_case(office)
    old = issued(office.supervisor, case["id"], "travel_document", valid_months=6)
    response = office.supervisor.post(f"/api/v1/documents/{old['serial']}/reissue", json={})
    assert response.status_code == 201, response.json
    new = response.json
    assert (
        new["serial"] != old["serial"]
        and new["status"] == "valid"
        and new["type"] == "travel_document"
    )
    assert (
        new["valid_until"] == add_months(TODAY, 6).isoformat()
    )  # the same validity as chosen before
    assert _registry(partner_api, old["serial"]).json["status"] == "superseded"
    assert _registry(partner_api, new["serial"]).json["status"] == "valid"
    assert (
        office.supervisor.post(f"/api/v1/documents/{old['serial']}/reissue", json={}).status_code
        == 409
    )
    revoke_old = office.supervisor.post(
        f"/api/v1/documents/{old['serial']}/revoke", json={"reason": "Lost."}
    )
    assert revoke_old.status_code == 409
    assert revoke_old.json["message"] == "This document was already replaced by a newer one."
    stored = db.session.execute(
        select(Document).where(Document.serial == old["serial"])
    ).scalar_one()
    assert (
        stored.superseded_by_id
        == db.session.execute(
            select(Document.id).where(Document.serial == new["serial"])
        ).scalar_one()
    )


def test_a_new_certificate_supersedes_the_previous_one_of_the_same_person(office, partner_api):
    case = register(office.intake)
    first = issued(office.intake, case["id"], "provisional_certificate")
    second = issued(office.intake, case["id"], "provisional_certificate")  # renewal
    assert _registry(partner_api, first["serial"]).json["status"] == "superseded"
    assert _registry(partner_api, second["serial"]).json["status"] == "valid"


def test_a_revoked_document_is_not_reissued(office):
    case = register(office.intake)
    document = issued(office.intake, case["id"], "provisional_certificate")
    office.supervisor.post(
        f"/api/v1/documents/{document['serial']}/revoke", json={"reason": "Issued in error."}
    )
    assert (
        office.supervisor.post(
            f"/api/v1/documents/{document['serial']}/reissue", json={}
        ).status_code
        == 409
    )


def test_a_document_expires_after_its_valid_until(office, partner_api):
    case = register(office.intake)
    document = issued(office.intake, case["id"], "provisional_certificate")
    stored = db.session.execute(
        select(Document).where(Document.serial == document["serial"])
    ).scalar_one()
    stored.valid_until = TODAY  # still valid on its last day
    db.session.commit()
    assert _registry(partner_api, document["serial"]).json["status"] == "valid"
    stored.valid_until = TODAY - timedelta(days=1)
    db.session.commit()
    answer = _registry(partner_api, document["serial"]).json
    assert (
        answer["status"] == "expired"
        and answer["valid_until"] == (TODAY - timedelta(days=1)).isoformat()
    )
    assert (
        stored.current_status(TODAY) == "expired"
        and stored.current_status(date(2000, 1, 1)) == "valid"
    )


def test_a_certificate_lapses_when_the_case_no_longer_protects_the_holder(office, partner_api):
    case = register(office.intake)
    document = issued(office.intake, case["id"], "provisional_certificate")
    office.intake.post(
        f"/api/v1/applications/{case['id']}/withdrawal", json={"reasons": "Withdrawn in writing."}
    )
    assert _registry(partner_api, document["serial"]).json["status"] == "expired"
    shown = office.intake.get(f"/api/v1/applications/{case['id']}").json["documents"][0]
    assert shown["status"] == "expired"


def _ended_by_proceeding(
    office, api_as, kind: str, document_type: str, nationality: str | None = None
):
    """A final recognition, a document, then a proceeding decided long enough ago to be final."""

    def ago(days):
        return (TODAY - timedelta(days=days)).isoformat()

    case = office.decided("recognized", notified_on=ago(150), registered_on=ago(200))
    document = issued(office.supervisor, case["id"], document_type)
    proposal = {"reasons": "Reasons for the proposal.", "notified_on": ago(120)}
    if nationality:
        proposal["nationality_acquired"] = nationality
    proposed = office.decider.post(f"/api/v1/applications/{case['id']}/{kind}", json=proposal)
    assert proposed.status_code == 200, proposed.json
    assert (
        proposed.json["documents"][0]["status"] == "valid"
    )  # still recognised while the proposal runs
    reply = office.officer.post(
        f"/api/v1/applications/{case['id']}/{kind}/reply",
        json={"received_on": ago(110), "summary": "The person replied in writing."},
    )
    assert reply.status_code == 200, reply.json
    outcome = "ceased" if kind == "cessation" else "cancelled"
    decided = api_as("decision_maker").post(
        f"/api/v1/applications/{case['id']}/{kind}/decision",
        json={"outcome": outcome, "reasons": "Reasons for the decision.", "notified_on": ago(100)},
    )
    assert decided.status_code == 200, decided.json
    return document


def test_identity_documents_lapse_on_cessation_and_are_revoked_on_cancellation(
    office, api_as, partner_api
):
    identity = _ended_by_proceeding(
        office, api_as, "cessation", "identity_document", nationality="CO"
    )
    assert _registry(partner_api, identity["serial"]).json["status"] == "expired"
    travel = _ended_by_proceeding(office, api_as, "cancellation", "travel_document")
    assert _registry(partner_api, travel["serial"]).json["status"] == "revoked"


def test_staff_read_a_document_and_the_case_lists_them(office, api_as):
    case = register(office.intake)
    document = issued(office.intake, case["id"], "provisional_certificate")
    read = office.supervisor.get(f"/api/v1/documents/{document['serial']}")
    assert read.status_code == 200 and read.json["serial"] == document["serial"]
    assert api_as("reviewer").get(f"/api/v1/documents/{document['serial']}").status_code == 403
    assert office.supervisor.get("/api/v1/documents/ZZZZ-ZZZZ-ZZZZ").status_code == 404
    listed = office.intake.get(f"/api/v1/applications/{case['id']}/documents")
    assert listed.status_code == 200 and [d["serial"] for d in listed.json] == [document["serial"]]
