"""The intake form: validation, dependant rows without JavaScript, possible duplicates."""

from datetime import date, timedelta

from sqlalchemy import func, select

from sdp import clock
from sdp.cases.models import Application
from sdp.extensions import db

from .conftest import date_fields, text_of

TODAY = clock.today()


def applicant_fields(**overrides) -> dict:
    data = {
        "route": "application",
        "applicant-given_names": "María José",
        "applicant-family_names": "Pérez Gómez",
        "applicant-sex": "F",
        **date_fields("applicant-date_of_birth", date(1990, 4, 12)),
        "applicant-birth_country": "VE",
        "applicant-birth_locality": "Maracaibo",
        "applicant-languages": ["es", "qu"],
        "applicant-asylum_status": "none",
        "applicant-asylum_country": "",
        "register": "1",
    }
    data.update(overrides)
    return data


def dependant_fields(index: int, given: str, **overrides) -> dict:
    data = {
        f"dependants-{index}-given_names": given,
        f"dependants-{index}-family_names": "Pérez Gómez",
        f"dependants-{index}-relationship": "child",
        f"dependants-{index}-sex": "F",
        **date_fields(f"dependants-{index}-date_of_birth", TODAY - timedelta(days=500)),
        f"dependants-{index}-birth_country": "PE",
        f"dependants-{index}-asylum_status": "none",
    }
    for key, value in overrides.items():
        if isinstance(value, date):
            data.update(date_fields(f"dependants-{index}-{key}", value))
        else:
            data[f"dependants-{index}-{key}"] = value
    return data


def count_cases() -> int:
    return db.session.execute(select(func.count(Application.id))).scalar_one()


def test_registering_a_family(web_as):
    intake = web_as("intake_officer")
    assert intake.get("/cases/new").status_code == 200
    response = intake.post(
        "/cases/new", data={**applicant_fields(), **dependant_fields(0, "Sofía")}
    )
    assert response.status_code == 302, text_of(response)[:2000]
    application = db.session.execute(select(Application)).scalar_one()
    assert response.headers["Location"] == f"/cases/{application.id}"
    assert application.applicant.full_name == "María José Pérez Gómez"
    assert application.applicant.languages == ["es", "qu"]
    assert [d.person.given_names for d in application.dependants] == ["Sofía"]
    assert application.dependants[0].relationship_to_applicant == "child"
    assert application.registered_by_id == intake.user.id and application.state == "registered"
    page = text_of(intake.get(response.headers["Location"]))
    assert application.case_number in page and "Sofía Pérez Gómez" in page


def test_errors_are_shown_beside_each_field_and_in_a_summary_and_nothing_typed_is_lost(web_as):
    intake = web_as("intake_officer")
    future = TODAY + timedelta(days=3)
    response = intake.post(
        "/cases/new",
        data=applicant_fields(
            **{
                "applicant-family_names": "",
                **date_fields("applicant-date_of_birth", future),
                "applicant-asylum_status": "refugee",
                "applicant-languages": ["es", "klingon"],
            }
        ),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and count_cases() == 0
    assert 'class="govuk-error-summary"' in html
    for field, link in (
        ("applicant-family_names", "applicant-family_names"),
        ("applicant-date_of_birth", "applicant-date_of_birth-day"),  # a date: its first part
        ("applicant-languages", "applicant-languages"),
    ):
        assert f'href="#{link}"' in html and f'id="{field}-error"' in html, field
    assert (
        "Applicant: Enter the family names." in html
        and "Applicant: The date of birth must be today or in the past" in html
    )
    # The claim's country follows the status: shown under it now (the status is a refugee's), not
    # an error of a question that was not on the page (sdp.forms.follow_up).
    assert 'id="applicant-asylum_country-conditional"' in html
    assert "Choose the country of the asylum claim." not in html
    # What was typed comes back.
    assert (
        'value="María José"' in html
        and f'value="{future.day}"' in html
        and f'value="{future.year}"' in html
        and 'value="es" checked' in html
    )
    assert "Choose a language from the list." in html  # "klingon" is no language of the list
    assert '<option value="VE" selected>' in html
    assert 'value="refugee" checked' in html


def test_dependant_rows_are_added_and_removed_without_javascript(web_as):
    intake = web_as("intake_officer")
    response = intake.post("/cases/new", data={**applicant_fields(), "add_dependant": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="dependants-0-given_names"' in html
    assert 'value="María José"' in html and count_cases() == 0
    two = {
        **applicant_fields(),
        **dependant_fields(0, "Sofía"),
        **dependant_fields(1, "Mateo"),
        **dependant_fields(2, "Lucía"),
    }
    two.pop("register")
    html = intake.post("/cases/new", data={**two, "remove_dependant": "1"}).get_data(as_text=True)
    assert 'value="Sofía"' in html and 'value="Lucía"' in html and "Mateo" not in html
    assert 'id="dependants-1-given_names"' in html and 'id="dependants-2-given_names"' not in html
    assert count_cases() == 0


def test_an_ex_officio_case_names_its_authority(web_as):
    intake = web_as("intake_officer")
    # Without JavaScript the authority is a question of its own, on the next page.
    page = intake.get("/cases/new").get_data(as_text=True)
    assert 'id="referring_authority"' not in page  # not asked on the first page
    response = intake.post("/cases/new", data=applicant_fields(route="ex_officio"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="follow-up"' in html and count_cases() == 0
    assert 'id="referring_authority"' in html and "govuk-error-summary" not in html
    assert 'name="_back"' in html  # the back link returns to the first page, filled in
    assert 'name="applicant-given_names" value="María José"' in html  # the answers carried
    assert 'name="applicant-date_of_birth-year" value="1990"' in html
    asked = {**applicant_fields(route="ex_officio"), "_asked": "referring_authority"}
    response = intake.post("/cases/new", data=asked)
    assert response.status_code == 422 and 'id="follow-up"' in response.get_data(as_text=True)
    assert "Name the authority that started the case." in text_of(response)
    back = intake.post("/cases/new", data={**asked, "_back": "1", "referring_authority": "CEP"})
    html = back.get_data(as_text=True)
    assert back.status_code == 200 and 'value="ex_officio" checked' in html
    # Shown under the route it follows (GOV.UK's conditional reveal), as answered.
    assert 'id="referring_authority-conditional"' in html and "govuk-error-summary" not in html
    assert 'name="referring_authority" type="text" value="CEP"' in html
    response = intake.post("/cases/new", data={**asked, "referring_authority": "CEPR"})
    assert response.status_code == 302
    assert db.session.execute(select(Application.referring_authority)).scalar_one() == "CEPR"


def test_an_authority_typed_before_the_route_changed_is_not_stored(web_as):
    intake = web_as("intake_officer")
    data = applicant_fields(route="application", referring_authority="CEPR")
    assert intake.post("/cases/new", data=data).status_code == 302
    assert db.session.execute(select(Application.referring_authority)).scalar_one() is None


def test_possible_duplicates_are_shown_before_saving_and_can_be_dismissed(web_as):
    intake = web_as("intake_officer")
    assert intake.post("/cases/new", data=applicant_fields()).status_code == 302
    first = db.session.execute(select(Application)).scalar_one()
    # Same date of birth; accents, case and a missing second surname differ.
    again = applicant_fields(
        **{"applicant-given_names": "MARIA", "applicant-family_names": "perez"}
    )
    response = intake.post("/cases/new", data=again)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and count_cases() == 1
    assert 'id="possible-duplicates"' in html and first.case_number in html
    assert f'href="/cases/{first.id}"' in html and 'value="MARIA"' in html
    response = intake.post("/cases/new", data={**again, "duplicates_dismissed": "1"})
    assert response.status_code == 302 and count_cases() == 2


def test_a_different_person_is_no_duplicate(web_as):
    intake = web_as("intake_officer")
    intake.post("/cases/new", data=applicant_fields())
    other = applicant_fields(
        **{"applicant-given_names": "Ana", "applicant-family_names": "Pérez Gómez"}
    )
    assert intake.post("/cases/new", data=other).status_code == 302  # no panel: registered at once
    born_otherwise = applicant_fields(**date_fields("applicant-date_of_birth", date(1990, 4, 13)))
    assert intake.post("/cases/new", data=born_otherwise).status_code == 302
    assert count_cases() == 3


def test_only_intake_officers_register(web_as):
    officer = web_as("case_officer")
    response = officer.get("/cases/new")
    assert response.status_code == 403 and "Your role may not take this action" in text_of(response)
    assert officer.post("/cases/new", data=applicant_fields()).status_code == 403
    assert count_cases() == 0
