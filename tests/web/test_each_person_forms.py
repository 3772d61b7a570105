"""Each person decided on their own, through the case page's forms (the web twin of
tests/cases/test_each_person_api.py)."""

from datetime import timedelta

import pytest

from sdp import clock
from tests.cases.helpers import Office, person, register

from .conftest import text_of
from .test_case_page import action_path, application, post_action

TODAY = clock.today()


@pytest.fixture
def office(api_as):
    return Office(api_as)


def family(office) -> tuple[int, int, int]:
    case = register(
        office.intake,
        applicant=person(),
        dependants=[
            {**person("Luis", "Pérez Gómez", "1988-01-02", "CO"), "relationship": "spouse"},
            {**person("Sofía", "Pérez Pérez", "2022-05-06", "PE"), "relationship": "child"},
        ],
    )
    office.supervisor.post(
        f"/api/v1/applications/{case['id']}/assign",
        json={"case_officer": office.officer.user.email},
    )
    ids = {d["relationship"]: d["id"] for d in case["dependants"]}
    return case["id"], ids["spouse"], ids["child"]


def test_a_family_is_examined_referred_and_decided_person_by_person_on_the_page(
    office, web_as, api_as
):
    cid, spouse, child = family(office)
    officer, decider = web_as(office.officer.user), web_as(office.decider.user)
    page = text_of(officer.get(f"/cases/{cid}"))
    assert (
        "Luis Pérez Gómez" in page and "Sofía Pérez Pérez" in page
    )  # the persons are chosen by name
    assert (
        post_action(officer, cid, "add_relevant_state", country="VE", links=["birth"]).status_code
        == 302
    )
    assert (
        post_action(
            officer, cid, "add_relevant_state", person_id=spouse, country="CO", links=["birth"]
        ).status_code
        == 302
    )
    findings = {rs.person_id: rs.id for rs in application(cid).relevant_states}
    assert set(findings) == {application(cid).applicant_id, spouse}
    for person_id, finding in (
        (application(cid).applicant_id, "not_national"),
        (spouse, "national"),
    ):
        assert (
            post_action(
                officer,
                cid,
                "record_finding",
                target=findings[person_id],
                finding=finding,
                reasoning="Law and practice examined.",
            ).status_code
            == 302
        )
    # An inquiry without the consent date is refused beside that field, with what was typed kept.
    response = post_action(
        officer,
        cid,
        "send_inquiry",
        person_id=spouse,
        country="CO",
        authority="Registraduría",
        sent_on=TODAY.isoformat(),
    )
    assert (
        response.status_code == 422
        and 'id="send_inquiry-consent_on-error"' in response.get_data(as_text=True)
    )
    # The child born in Lima is referred on her own; the case goes on.
    assert (
        post_action(
            officer,
            cid,
            "refer",
            person_id=child,
            referral_target="late_birth_registration",
            reasons="Born in Lima, never registered.",
        ).status_code
        == 302
    )
    assert application(cid).state == "under_examination"
    assert (
        post_action(
            officer, cid, "recommend", outcome="recognized", reasons="Established."
        ).status_code
        == 302
    )

    page = decider.get(action_path(cid, "decide")).get_data(as_text=True)
    assert (
        f'name="decide-outcome_of_{spouse}"' in page
        and f'name="decide-outcome_of_{child}"' not in page
    )
    wrong = post_action(
        decider,
        cid,
        "decide",
        outcome="recognized",
        reasons="Per person.",
        notified_on=TODAY.isoformat(),
        **{f"outcome_of_{spouse}": "recognized"},
    )
    assert wrong.status_code == 409 and "Luis Pérez Gómez" in text_of(wrong)
    assert (
        post_action(
            decider,
            cid,
            "decide",
            outcome="recognized",
            reasons="Per person.",
            notified_on=TODAY.isoformat(),
            **{f"outcome_of_{spouse}": "family_unity"},
        ).status_code
        == 302
    )
    outcomes = {d.person_id: d.outcome for d in application(cid).determinations}
    assert outcomes == {
        application(cid).applicant_id: "recognized",
        spouse: "family_unity",
        child: None,
    }

    # The registry confirms the child Peruvian: she leaves; the reference is asked for.
    refused = post_action(
        officer,
        cid,
        "record_referral_outcome",
        target=child,
        outcome="confirmed_peruvian",
        on=TODAY.isoformat(),
    )
    assert refused.status_code == 422 and 'id="record_referral_outcome-' in refused.get_data(
        as_text=True
    )
    assert (
        post_action(
            officer,
            cid,
            "record_referral_outcome",
            target=child,
            outcome="confirmed_peruvian",
            on=TODAY.isoformat(),
            reference="CUI 81234567",
        ).status_code
        == 302
    )
    assert {d.person_id: d.outcome for d in application(cid).determinations}[child] == "referred"
    page = text_of(officer.get(f"/cases/{cid}"))
    assert "Confirmed Peruvian" in page or "Confirmado peruano" in page or "CUI 81234567" in page


def test_cessation_through_the_forms_needs_the_reply_and_a_second_decision_maker(
    office, web_as, api_as
):
    case = office.examined_case(registered_on=(TODAY - timedelta(days=60)).isoformat())
    cid = case["id"]
    office.officer.post(
        f"/api/v1/applications/{cid}/recommendation", json={"outcome": "recognized", "reasons": "x"}
    )
    assert (
        office.decider.post(
            f"/api/v1/applications/{cid}/decision",
            json={
                "outcome": "recognized",
                "reasons": "x",
                "notified_on": (TODAY - timedelta(days=30)).isoformat(),
            },
        ).status_code
        == 200
    )
    proposer = web_as(office.decider.user)
    missing = post_action(
        proposer,
        cid,
        "propose_cessation",
        reasons="Naturalised in Colombia.",
        notified_on=(TODAY - timedelta(days=1)).isoformat(),
    )
    assert (
        missing.status_code == 422
        and 'id="propose_cessation-nationality_acquired-error"' in missing.get_data(as_text=True)
    )
    assert (
        post_action(
            proposer,
            cid,
            "propose_cessation",
            reasons="Naturalised in Colombia.",
            nationality_acquired="CO",
            notified_on=(TODAY - timedelta(days=1)).isoformat(),
        ).status_code
        == 302
    )
    applicant = application(cid).applicant_id
    decision = {
        "outcome": "ceased",
        "reasons": "Nationality acquired.",
        "notified_on": TODAY.isoformat(),
    }
    assert (
        post_action(proposer, cid, "decide_proceeding", target=applicant, **decision).status_code
        == 403
    )
    other = web_as(api_as("decision_maker").user)
    early = post_action(other, cid, "decide_proceeding", target=applicant, **decision)
    assert early.status_code == 409
    officer = web_as(office.officer.user)
    assert (
        post_action(
            officer,
            cid,
            "record_proceeding_reply",
            target=applicant,
            received_on=TODAY.isoformat(),
            summary="I never applied for it.",
        ).status_code
        == 302
    )
    assert (
        post_action(other, cid, "decide_proceeding", target=applicant, **decision).status_code
        == 302
    )
    assert application(cid).proceedings[-1].status == "ceased"
    # The person appeals (suspensive); the one who decided the cessation may not decide the appeal.
    assert (
        post_action(
            officer,
            cid,
            "lodge_proceeding_appeal",
            target=applicant,
            lodged_on=TODAY.isoformat(),
            grounds="I hold no nationality.",
        ).status_code
        == 302
    )
    appeal = {"outcome": "overturned", "reasons": "The naturalisation was never completed."}
    judge_and_decider = web_as(api_as("appeals_officer").user)
    assert (
        post_action(
            judge_and_decider, cid, "decide_proceeding_appeal", target=applicant, **appeal
        ).status_code
        == 302
    )
    proceeding = application(cid).proceedings[-1]
    assert proceeding.appeal_outcome == "overturned" and application(cid).state == "recognized"


def test_intake_records_detention_and_the_supervisor_sees_detained_cases_first(office, web_as):
    first = register(office.intake)
    detained = register(
        office.intake,
        applicant=person(
            "Omar",
            "Haddad",
            "1980-03-04",
            "SY",
            detention={
                "place": "Comisaría de Tumbes",
                "since": (TODAY - timedelta(days=2)).isoformat(),
            },
        ),
    )
    supervisor = web_as(office.supervisor.user)
    home = supervisor.get("/").get_data(as_text=True)
    assert home.index(detained["case_number"]) < home.index(first["case_number"])
    case_page = text_of(supervisor.get(f"/cases/{detained['id']}"))
    assert "Comisaría de Tumbes" in case_page
