"""The case's timeline (issue 13, point 2): the dates the officer entered lead and order it; when
each was recorded follows."""

import re
from datetime import timedelta

import pytest
from babel.dates import format_date

from sdp import clock
from sdp.extensions import db
from tests.cases.helpers import Office, register

from .test_case_page import post_action

TODAY = clock.today()


@pytest.fixture
def office(api_as):
    return Office(api_as)


def timeline_items(html: str) -> list[str]:
    block = html[html.index('id="timeline-events"') :]
    block = block[: block.index("</ol>")]
    return [
        " ".join(re.sub(r"<[^>]+>", " ", item).split())
        for item in re.findall(r"<li[^>]*>(.*?)</li>", block, re.S)
    ]


def test_events_are_dated_and_ordered_by_the_dates_entered_not_by_their_recording(office, web_as):
    registered = TODAY - timedelta(days=60)
    case = register(office.intake, registered_on=registered.isoformat())
    office.supervisor.post(
        f"/api/v1/applications/{case['id']}/assign",
        json={"case_officer": office.officer.user.email},
    )
    officer = web_as(office.officer.user)
    interviewed, sent = TODAY - timedelta(days=10), TODAY - timedelta(days=40)
    # Recorded in this order: the interview first, then an inquiry sent a month before it.
    assert (
        post_action(
            officer,
            case["id"],
            "record_interview",
            held_on=interviewed.isoformat(),
            summary="She told her story; the record was read back.",
        ).status_code
        == 302
    )
    assert (
        post_action(
            officer,
            case["id"],
            "send_inquiry",
            country="CO",
            authority="Registraduría Nacional",
            consent_on=sent.isoformat(),
            sent_on=sent.isoformat(),
        ).status_code
        == 302
    )
    office.officer.user.name = "Jorge Huamán Torres"
    db.session.commit()
    items = timeline_items(officer.get(f"/cases/{case['id']}").get_data(as_text=True))
    titles = [item.split(" — ")[0] for item in items]
    interview = next(i for i, t in enumerate(titles) if "interview" in t.lower())
    inquiry = next(i for i, t in enumerate(titles) if "inquiry" in t.lower())
    registration = next(i for i, t in enumerate(titles) if "register" in t.lower())
    assert interview < inquiry < registration, items  # newest first, by the dates entered
    for index, day in ((interview, interviewed), (inquiry, sent), (registration, registered)):
        shown = format_date(day, "medium", locale="en")
        # The entered date leads; "recorded on" (today, when the row was written) follows.
        assert items[index].index(shown) < items[index].index("recorded on"), items[index]
    # Who acted, by name (the audit row keeps the email, which the timeline does not show).
    assert "recorded on" in items[interview] and "Jorge Huamán Torres" in items[interview]
    assert office.officer.user.email not in items[interview]
