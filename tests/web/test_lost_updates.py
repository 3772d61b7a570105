"""No lost update through the web forms: a form carries the version of the case it was opened on;
a save over a later version is refused (409) with the other person's change shown (who, when,
what) and what this person typed kept."""

import re

import pytest
from sqlalchemy import func, select

from sdp.audit.models import AuditEvent
from sdp.cases.models import Application, RelevantState
from sdp.extensions import db
from tests.cases.helpers import Office, days_ago

from .conftest import text_of


@pytest.fixture
def office(api_as):
    return Office(api_as)


def opened(client, path: str) -> dict:
    """The hidden fields of an action's page: the version of the case and the last change seen."""
    html = client.get(path).get_data(as_text=True)
    return {
        name: re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', html).group(1)
        for name in ("version", "seen")
    }


def case_now(case_id: int) -> Application:
    db.session.expire_all()
    return db.session.get(Application, case_id)


def test_a_save_over_another_persons_change_is_refused_and_shows_it(office, web_as):
    """The supervisor extends the decision period while the case officer is writing the same
    extension: the officer's save is refused, shows the supervisor's change, keeps the text."""
    case = office.examined_case()
    path = f"/cases/{case['id']}/extend-decision-due"
    officer, supervisor = web_as(office.officer.user), web_as(office.supervisor.user)
    officers_page = opened(officer, path)
    assert officers_page["version"] == str(case_now(case["id"]).version)

    supervisors_page = opened(supervisor, path)
    saved = supervisor.post(
        path, data={**supervisors_page, "extend_decision_due-reasons": "Inquiry unanswered."}
    )
    assert saved.status_code == 302
    extended = case_now(case["id"])
    events = db.session.execute(select(func.count(AuditEvent.id))).scalar_one()

    refused = officer.post(
        path, data={**officers_page, "extend_decision_due-reasons": "Interview to repeat."}
    )
    assert refused.status_code == 409
    page = text_of(refused)
    assert "Someone else changed this case while you were working on it" in page
    assert "What changed since you opened this page" in page
    assert "Extend the decision period" in page  # what
    assert office.supervisor.user.email in page  # who
    # what this person typed is kept, not saved
    html = refused.get_data(as_text=True)
    assert "Interview to repeat." in html
    now = case_now(case["id"])
    assert now.extension_reasons == "Inquiry unanswered." and now.version == extended.version
    assert db.session.execute(select(func.count(AuditEvent.id))).scalar_one() == events
    # The page now carries the version it has just shown: saving again is a decision taken knowing
    # the change, and the procedure answers it (the period can be extended once).
    assert f'name="version" value="{now.version}"' in html
    again = officer.post(
        path,
        data={
            "version": str(now.version),
            "seen": re.search(r'name="seen" value="(\d+)"', html).group(1),
            "extend_decision_due-reasons": "Interview to repeat.",
        },
    )
    assert again.status_code == 409
    assert "What changed since you opened this page" not in text_of(again)
    assert case_now(case["id"]).extension_reasons == "Inquiry unanswered."


def test_the_refusal_shows_the_values_of_the_fields_both_people_answered(office, web_as):
    """One officer, two tabs: the finding saved in the second is shown in the first, by name."""
    case = office.examined_case(finding="not_national")
    state = db.session.execute(
        select(RelevantState).where(RelevantState.application_id == case["id"])
    ).scalar_one()
    path = f"/cases/{case['id']}/record-finding/{state.id}"
    first, second = web_as(office.officer.user), web_as(office.officer.user)
    first_page, second_page = opened(first, path), opened(second, path)
    prefix = f"record_finding-{state.id}"
    assert (
        second.post(
            path,
            data={
                **second_page,
                f"{prefix}-finding": "national",
                f"{prefix}-reasoning": "A passport was found.",
            },
        ).status_code
        == 302
    )

    typed = {f"{prefix}-finding": "undetermined", f"{prefix}-reasoning": "The registry is silent."}
    refused = first.post(path, data={**first_page, **typed})
    assert refused.status_code == 409
    page = text_of(refused)
    assert "Finding Now: National (before: Not a national)" in page
    # the reasoning is not kept in the audit trail: the page says where to read it
    assert "Reasoning (law and practice of this State) Changed: the case page shows" in page
    assert "The registry is silent." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(RelevantState, state.id).finding == "national"

    # Saved again from the refusal's page, knowingly: it is recorded.
    html = refused.get_data(as_text=True)
    shown = {
        name: re.search(rf'name="{name}" value="(\d+)"', html).group(1)
        for name in ("version", "seen")
    }
    assert first.post(path, data={**shown, **typed}).status_code == 302
    db.session.expire_all()
    assert db.session.get(RelevantState, state.id).finding == "undetermined"


def test_a_form_sent_back_to_be_corrected_keeps_the_version_it_was_opened_on(office, web_as):
    case = office.examined_case()
    path = f"/cases/{case['id']}/extend-decision-due"
    officer = web_as(office.officer.user)
    page = opened(officer, path)
    incomplete = officer.post(path, data={**page, "extend_decision_due-reasons": ""})
    assert incomplete.status_code == 422
    assert f'name="version" value="{page["version"]}"' in incomplete.get_data(as_text=True)
    evidence = office.officer.post(  # the case changes (the API, another tab) meanwhile
        f"/api/v1/applications/{case['id']}/evidence",
        json={"kind": "testimony", "description": "Her account.", "received_on": days_ago(0)},
    )
    assert evidence.status_code == 201
    refused = officer.post(path, data={**page, "extend_decision_due-reasons": "Interview."})
    assert refused.status_code == 409 and "Record evidence" in text_of(refused)


def test_a_form_without_a_version_is_saved_as_before(office, web_as):
    """A post that names no version (a list's quick form) is checked by the procedure only."""
    case = office.examined_case()
    officer = web_as(office.officer.user)
    response = officer.post(
        f"/cases/{case['id']}/extend-decision-due",
        data={"extend_decision_due-reasons": "Inquiry unanswered."},
    )
    assert response.status_code == 302


def test_an_action_page_answers_head_as_get_without_a_body(office, web_as):
    """HEAD is a GET whose body is not sent (it answered 500: the page built its form for GET
    only)."""
    case = office.examined_case()
    path = f"/cases/{case['id']}/extend-decision-due"
    officer = web_as(office.officer.user)
    answer = officer.head(path)
    assert answer.status_code == officer.get(path).status_code == 200
    assert answer.get_data() == b""
