"""The case page: each action's form, its validation, refusals, and the audit of reads."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from sdp import clock
from sdp.audit.models import AuditEvent
from sdp.extensions import db
from tests.cases.helpers import Office, person, register

from .conftest import text_of

TODAY = clock.today()


@pytest.fixture
def office(api_as):
    return Office(api_as)


def assigned_case(office):
    case = register(office.intake, applicant=person(asylum={"status": "refugee", "country": "VE"}))
    response = office.supervisor.post(f"/api/v1/applications/{case['id']}/assign", json={"case_officer": office.officer.user.email})
    assert response.status_code == 200
    return case


def test_a_case_officer_examines_the_case_through_the_forms(office, web_as):
    case = assigned_case(office)
    officer = web_as(office.officer.user)
    url = f"/cases/{case['id']}"
    response = officer.post(url, data={"_action": "add_relevant_state", "add_relevant_state-country": "CO",
                                       "add_relevant_state-links": ["birth", "habitual_residence"]})
    assert response.status_code == 302, text_of(response)[:3000]
    page = officer.get(url)
    assert page.status_code == 200, text_of(page)[-3000:]
    assert "Colombia" in text_of(page)
