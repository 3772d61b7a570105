"""The generated data set is data the application could have made: every state, consistent
dates and decisions, the same name keys, gap-free case numbers, readable through the API."""

from collections import Counter, defaultdict

import pytest
from sqlalchemy import select

from bench.common import staff_email
from bench.generate import load
from bench.synth import STATE_MIX
from sdp import clock
from sdp.auth.principal import SYSTEM
from sdp.auth.services import issue_token
from sdp.births.models import BirthRegistration
from sdp.cases.models import Application, CaseNumberCounter, Inquiry, Person
from sdp.documents.models import Document
from sdp.domain import deadlines
from sdp.domain.calendar import age_on
from sdp.domain.confidentiality import may_contact
from sdp.domain.names import name_key
from sdp.domain.policy import DEFAULT_POLICY
from sdp.extensions import db

from ..conftest import ApiClient


@pytest.fixture
def generated(app):
    return load(db.engine, 400, 150, seed=7, rebuild_indexes=False, log=lambda *_: None)


def test_every_state_is_generated_with_gap_free_case_numbers(generated):
    applications = db.session.execute(select(Application)).scalars().all()
    assert len(applications) == 400 and generated["counts"]["applications"] == 400
    assert set(Counter(a.state for a in applications)) == set(STATE_MIX)
    numbers = defaultdict(list)
    for application in applications:
        prefix, year, value = application.case_number.split("-")
        assert prefix == "SDP" and int(year) == application.registered_on.year and len(value) == 6
        numbers[int(year)].append(int(value))
    counters = dict(
        db.session.execute(select(CaseNumberCounter.year, CaseNumberCounter.last_value)).all()
    )
    for year, values in numbers.items():
        assert sorted(values) == list(range(1, len(values) + 1))
        assert counters[year] == len(values)


def test_names_have_accents_and_their_keys_are_the_apps(generated):
    persons = db.session.execute(select(Person)).scalars().all()
    assert any(not p.family_names.isascii() for p in persons) and any(
        not p.given_names.isascii() for p in persons
    )
    for person in persons:
        assert person.given_key == name_key(person.given_names) and person.family_key == name_key(
            person.family_names
        )
    for birth in db.session.execute(select(BirthRegistration)).scalars():
        assert birth.child_family_key == name_key(birth.child_family_names)


def test_each_case_is_consistent_with_the_procedure(generated):
    today = clock.today()
    for application in db.session.execute(select(Application)).scalars():
        facts, decision, appeal = application.facts(today), application.decision, application.appeal
        assert application.registered_on <= today
        assert application.priority == (
            age_on(application.applicant.date_of_birth, application.registered_on) < 18
        )
        assert application.decision_due == deadlines.decision_due(
            application.registered_on, DEFAULT_POLICY, extended=application.decision_due_extended
        )
        if application.state != "registered" and application.ended_on is None:
            assert application.case_officer_id is not None
        if application.state in ("pending_decision", "recognized", "rejected", "under_appeal"):
            assert facts.findings and "undetermined" not in facts.findings
            assert application.recommendation is not None
        if application.state in ("recognized", "rejected", "under_appeal", "ceased", "cancelled"):
            assert (
                decision is not None
                and application.registered_on
                <= decision.decided_on
                <= decision.notified_on
                <= today
            )
            assert decision.appeal_due == deadlines.appeal_due(decision.notified_on, DEFAULT_POLICY)
            assert decision.decided_by_id != application.case_officer_id
        if appeal is not None:
            assert decision.notified_on <= appeal.lodged_on <= decision.appeal_due
            assert appeal.decision_due == deadlines.appeal_decision_due(
                appeal.lodged_on, DEFAULT_POLICY
            )
            assert (appeal.outcome is None) == (application.state == "under_appeal")
        if application.state == "recognized":
            recognized = (
                decision.outcome == "recognized"
                if appeal is None
                else appeal.outcome == "overturned"
            )
            assert recognized and facts.decision_is_final(today)
        if application.state == "rejected":
            assert decision.outcome in ("rejected", "excluded") and (
                appeal is None or appeal.outcome == "upheld"
            )
        if application.state in ("withdrawn", "closed", "referred", "ceased", "cancelled"):
            assert application.ended_on is not None and application.ended_on <= today
            assert (application.referral_target is not None) == (application.state == "referred")
        claims = [(p.asylum_status, p.asylum_country) for p in application.persons()]
        for inquiry in application.inquiries:
            from sdp.cases.services import asylum_claims

            assert may_contact(inquiry.country, asylum_claims(application)), claims
            assert inquiry.response_due == deadlines.inquiry_response_due(
                inquiry.sent_on, DEFAULT_POLICY
            )
            assert inquiry.received_on is None or inquiry.sent_on <= inquiry.received_on <= today


def test_documents_follow_the_case(generated):
    today = clock.today()
    documents = defaultdict(list)
    for document in db.session.execute(
        select(Document).where(Document.application_id.is_not(None))
    ).scalars():
        documents[document.application_id].append(document)
    for application in db.session.execute(select(Application)).scalars():
        types = Counter(d.type for d in documents[application.id])
        assert types["provisional_certificate"] == 1
        recognized_final = application.state == "recognized" and application.facts(
            today
        ).decision_is_final(today)
        if recognized_final:
            assert types["identity_document"] == 1 and types["travel_document"] == 1
        elif application.state not in ("ceased", "cancelled"):
            assert not types["identity_document"]
        assert types["decision_letter"] == (application.decision is not None) + bool(
            application.appeal and application.appeal.decided_on
        )
    births = db.session.execute(select(BirthRegistration)).scalars().all()
    assert len(births) == 150
    for birth in births:
        assert birth.late_registration == deadlines.is_late_birth_registration(
            birth.child_date_of_birth, birth.registered_on, DEFAULT_POLICY
        )
        if birth.mother_case_id is not None:
            assert db.session.get(Application, birth.mother_case_id).applicant_id == birth.mother_id
    assert db.session.execute(select(Inquiry.id).limit(1)).first() is not None


def test_generated_cases_are_read_through_the_api(client, generated):
    _, raw = issue_token(SYSTEM, user_email=staff_email("supervisor", 1))
    supervisor = ApiClient(client, raw)
    by_state = {}
    for application_id, state in db.session.execute(
        select(Application.id, Application.state)
    ).all():
        by_state.setdefault(state, application_id)
    for state, application_id in by_state.items():
        response = supervisor.get(f"/api/v1/applications/{application_id}")
        assert response.status_code == 200, response.json
        assert response.json["state"] == state
