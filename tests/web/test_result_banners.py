"""Results in words (issue 13, point 4): every banner says what happened and to whom, in the
page's language, never only the action's name and the case's state."""

import html
import re
from datetime import timedelta

import pytest

from sdp import clock
from tests.cases.helpers import Office, register

from .test_case_page import application, post_action

TODAY = clock.today()
MARIA = "María José Pérez Gómez"


@pytest.fixture
def office(api_as):
    return Office(api_as)


def banner(client, response) -> str:
    assert response.status_code in (302, 303), (
        response.status_code,
        re.findall(
            r'govuk-(?:error-message|error-summary__list|body)"?[^>]*>(.*?)</', response.text
        ),
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    found = re.search(r'<p class="govuk-notification-banner__heading">(.*?)</p>', page, re.S)
    assert found, "no banner"
    return html.unescape(found.group(1))


def test_a_decision_names_each_person_and_their_outcome_in_three_languages(office, web_as):
    case = office.pending_decision()
    decider = web_as(office.decider.user)
    answers = {
        "outcome": "recognized",
        "reasons": "Established to a reasonable degree.",
        "notified_on": TODAY.isoformat(),
        "notification_language": "es",
    }
    done = post_action(decider, case["id"], "decide", **answers)
    words = banner(decider, done)
    assert f"Decision recorded: {MARIA} recognised as stateless." in words
    assert "is now" not in words
    for language, words in (
        ("es", f"Decisión registrada: se reconoce a {MARIA} como apátrida."),
        ("pt", f"Decisão registrada: reconhece-se a condição de apátrida de {MARIA}."),
    ):
        decider.get(f"/language/{language}")
        again = office.pending_decision()
        done = post_action(decider, again["id"], "decide", **answers)
        assert words in banner(decider, done), language
    decider.get("/language/en")


def test_withdrawal_closure_referral_and_appeal_banners_name_the_person(office, web_as):
    supervisor = web_as(office.supervisor.user)
    withdrawn = register(office.intake)
    intake = web_as(office.intake.user)
    done = post_action(intake, withdrawn["id"], "withdraw", reasons="She asked to withdraw.")
    assert (
        f"Withdrawal recorded: {MARIA} withdrew the application; case "
        f"{withdrawn['case_number']} is closed." in banner(intake, done)
    )
    closed = register(office.intake)
    done = post_action(supervisor, closed["id"], "close", reasons="No contact for a year.")
    assert f"Case {closed['case_number']} of {MARIA} closed." in banner(supervisor, done)
    referred = register(office.intake)
    done = post_action(
        supervisor,
        referred["id"],
        "refer",
        referral_target="late_birth_registration",
        reasons="Born in Tumbes, never registered.",
    )
    assert f"{MARIA} referred to" in banner(supervisor, done)
    applicant = application(referred["id"]).applicant_id
    done = post_action(
        supervisor,
        referred["id"],
        "record_referral_outcome",
        target=applicant,
        outcome="confirmed_peruvian",
        on=TODAY.isoformat(),
        reference="RENIEC-1",
    )
    assert f"Civil registry's answer for {MARIA} recorded:" in banner(supervisor, done)
    rejected = office.decided("rejected")
    post_action(
        intake,
        rejected["id"],
        "lodge_appeal",
        lodged_on=TODAY.isoformat(),
        grounds="New evidence.",
    )
    appeals = web_as(office.appeals.user)
    done = post_action(
        appeals, rejected["id"], "decide_appeal", outcome="overturned", reasons="Stateless."
    )
    assert (
        f"Appeal of {MARIA} decided: the first decision is overturned; {MARIA} recognised as "
        "stateless." in banner(appeals, done)
    )


def test_a_cessation_s_banners_say_what_happened_to_whom(office, web_as, api_as):
    case = office.examined_case(registered_on=(TODAY - timedelta(days=60)).isoformat())
    cid = case["id"]
    office.officer.post(
        f"/api/v1/applications/{cid}/recommendation", json={"outcome": "recognized", "reasons": "x"}
    )
    office.decider.post(
        f"/api/v1/applications/{cid}/decision",
        json={
            "outcome": "recognized",
            "reasons": "x",
            "notified_on": (TODAY - timedelta(days=30)).isoformat(),
        },
    )
    proposer = web_as(office.decider.user)
    done = post_action(
        proposer,
        cid,
        "propose_cessation",
        reasons="Naturalised in Colombia.",
        nationality_acquired="CO",
        notified_on=(TODAY - timedelta(days=1)).isoformat(),
    )
    assert f"Cessation of the recognition of {MARIA} proposed; the reply is due on" in banner(
        proposer, done
    )
    applicant = application(cid).applicant_id
    officer = web_as(office.officer.user)
    done = post_action(
        officer,
        cid,
        "record_proceeding_reply",
        target=applicant,
        received_on=TODAY.isoformat(),
        summary="I never applied for it.",
    )
    assert f"Reply of {MARIA} to the cessation recorded" in banner(officer, done)
    other = web_as(api_as("decision_maker").user)
    done = post_action(
        other,
        cid,
        "decide_proceeding",
        target=applicant,
        outcome="ceased",
        reasons="Nationality acquired.",
        notified_on=TODAY.isoformat(),
    )
    assert f"Cessation decided: {MARIA} is no longer recognised as stateless" in banner(other, done)


def test_the_intake_banner_names_the_applicant(office, web_as):
    from .test_intake import applicant_fields

    intake = web_as(office.intake.user)
    done = intake.post("/cases/new", data={**applicant_fields(), "duplicates_dismissed": "y"})
    words = banner(intake, done)
    assert "Application SDP-" in words and f"of {MARIA} registered" in words
