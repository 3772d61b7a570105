"""Every date bounded by the facts, and every text storable, on the web forms (issue 15): the
form comes back filled in, with the error beside the field."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from sdp import clock
from sdp.cases.models import Application
from sdp.domain.policy import PolicySettings
from sdp.extensions import db

from .conftest import date_fields, text_of
from .test_intake import applicant_fields, dependant_fields

TODAY = clock.today()


def _count() -> int:
    return db.session.execute(select(func.count(Application.id))).scalar_one()


def _error_beside(page: str, field_id: str) -> bool:
    # GOV.UK: the field's error message has the id "<field>-error"
    return f'id="{field_id}-error"' in page


def test_a_registration_before_the_pilot_comes_back_with_the_error_beside_the_field(app, web_as):
    intake = web_as("intake_officer")
    before = app.config["POLICY"].pilot_start - timedelta(days=1)
    response = intake.post(
        "/cases/new", data=applicant_fields(**date_fields("registered_on", before))
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert _error_beside(page, "registered_on"), text_of(response)[:3000]
    assert "María José" in page and _count() == 0


def test_a_dependant_born_after_the_registration_is_named(web_as):
    intake = web_as("intake_officer")
    registered = TODAY - timedelta(days=30)
    data = {
        **applicant_fields(**date_fields("registered_on", registered)),
        **dependant_fields(0, "Sofía", date_of_birth=TODAY - timedelta(days=3)),
    }
    response = intake.post("/cases/new", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert _error_beside(page, "dependants-0-date_of_birth"), text_of(response)[:3000]
    assert "Sofía" in page and _count() == 0


def test_a_nul_in_a_name_is_refused_beside_the_field(web_as):
    intake = web_as("intake_officer")
    response = intake.post(
        "/cases/new", data=applicant_fields(**{"applicant-given_names": "Mar\x00ía"})
    )
    assert response.status_code in (200, 422)
    page = response.get_data(as_text=True)
    assert _error_beside(page, "applicant-given_names") and "cannot be stored" in page
    assert _count() == 0


def test_the_pilot_start_is_a_policy_setting_read_from_the_environment():
    assert PolicySettings.from_environment({"SDP_PILOT_START": "2026-03-01"}).pilot_start == date(
        2026, 3, 1
    )
    for bad in ("20260301", "March", "2026-02-30"):
        with pytest.raises(ValueError, match="SDP_PILOT_START"):
            PolicySettings.from_environment({"SDP_PILOT_START": bad})


def test_an_interview_before_the_registration_comes_back_beside_its_date(api_as, web_as):
    from tests.cases.helpers import Office, register
    from tests.web.test_case_page import application, post_action

    office = Office(api_as)
    case = register(office.intake, registered_on=(TODAY - timedelta(days=10)).isoformat())
    assert (
        office.supervisor.post(
            f"/api/v1/applications/{case['id']}/assign",
            json={"case_officer": office.officer.user.email},
        ).status_code
        == 200
    )
    officer = web_as(office.officer.user)
    response = post_action(
        officer,
        case["id"],
        "record_interview",
        held_on=(TODAY - timedelta(days=11)).isoformat(),
        interpreter_language="es",
        summary="Read back and signed.",
        read_back="y",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert _error_beside(page, "record_interview-held_on"), text_of(response)[:3000]
    assert "Read back and signed." in page and application(case["id"]).interviews == []
