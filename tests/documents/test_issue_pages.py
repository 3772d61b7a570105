"""Issuing a document as one question per page, then its answers checked (issue 13, point 2):
which document, for whom, for a travel document its validity and the countries it is not valid
for (chosen by name), each with a back link; nothing is issued before "Issue the document"."""

import re

from sqlalchemy import func, select

from sdp.documents.models import Document
from sdp.extensions import db

from .helpers import ANGELA, JOAO, person, recognized_case, register
from .test_web import sign_in


def documents() -> int:
    return db.session.execute(select(func.count(Document.id))).scalar_one()


def back_link(html: str) -> str:
    return (
        re.search(r'<a href="([^"]+)" class="govuk-back-link"', html).group(1).replace("&amp;", "&")
    )


def test_a_certificate_is_chosen_checked_then_issued_and_the_case_page_says_to_whom(office, app):
    case = register(office.intake, applicant=ANGELA)
    intake = sign_in(app.test_client(), office.intake.user)
    start = f"/cases/{case['id']}/documents/new"
    html = intake.get(start).get_data(as_text=True)
    assert "Which document do you want to issue?" in html
    assert 'value="provisional_certificate"' in html and 'value="identity_document"' not in html
    assert back_link(html) == f"/cases/{case['id']}"
    refused = intake.post(start, data={})
    assert refused.status_code == 422
    assert "Choose the document to issue." in refused.get_data(as_text=True)
    answered = intake.post(start, data={"type": "provisional_certificate"})
    # One person in the case: no question about the holder, straight to the check.
    assert answered.status_code == 302 and "/documents/new/check?" in answered.location
    check = intake.get(answered.location).get_data(as_text=True)
    assert "Check your answers before issuing the document" in check
    assert "Provisional certificate" in check and "Ángela Núñez Ortiz" in check
    assert back_link(check).startswith(f"{start}/document?type=provisional_certificate")
    assert documents() == 0
    # Without the confirmation, the answers are shown again, nothing is issued.
    again = intake.post(f"/cases/{case['id']}/documents", data={"type": "provisional_certificate"})
    assert again.status_code == 200 and "Check your answers" in again.get_data(as_text=True)
    assert documents() == 0
    done = intake.post(
        f"/cases/{case['id']}/documents",
        data={"type": "provisional_certificate", "confirm": "yes"},
        follow_redirects=True,
    )
    document = db.session.execute(select(Document)).scalar_one()
    banner = done.get_data(as_text=True)
    assert f"Provisional certificate {document.serial} issued to Ángela Núñez Ortiz." in banner
    assert f"/documents/{document.serial}.pdf" in banner


def test_the_holder_is_asked_when_the_case_has_several_people(office, app):
    child = person(given="Lucía", family="Pérez", dob="2015-03-01")
    case = register(office.intake, dependants=[{**child, "relationship": "child"}])
    intake = sign_in(app.test_client(), office.intake.user)
    start = f"/cases/{case['id']}/documents/new"
    holder_page = intake.post(start, data={"type": "provisional_certificate"}).location
    assert "/documents/new/holder?" in holder_page
    html = intake.get(holder_page).get_data(as_text=True)
    assert "Who is the document for?" in html and "Lucía Pérez (child)" in html
    assert back_link(html) == f"{start}/document?type=provisional_certificate"
    lucia = re.search(r'value="(\d+)"[^>]*>\s*<label[^>]*>Lucía', html).group(1)
    check = intake.post(holder_page, data={"person": lucia}).location
    page = intake.get(check).get_data(as_text=True)
    assert "Lucía Pérez" in page and 'href="/cases/' in page and "change=1" in page
    # "Change" goes back to the question and returns to the check.
    change = re.search(r'href="([^"]*holder[^"]*change=1)"', page).group(1).replace("&amp;", "&")
    assert intake.post(change, data={"person": lucia}).location.startswith(f"{start}/check?")
    intake.post(
        f"/cases/{case['id']}/documents",
        data={"type": "provisional_certificate", "person": lucia, "confirm": "yes"},
    )
    document = db.session.execute(select(Document)).scalar_one()
    assert document.holder_given_names == "Lucía"


def test_a_travel_document_asks_its_validity_and_its_excepted_countries_by_name(office, app):
    case = recognized_case(office, applicant=JOAO)
    supervisor = sign_in(app.test_client(), office.supervisor.user)
    start = f"/cases/{case['id']}/documents/new"
    validity = supervisor.post(start, data={"type": "travel_document"}).location
    assert "/documents/new/validity?" in validity
    html = supervisor.get(validity).get_data(as_text=True)
    assert "For how many months is the travel document valid?" in html
    assert 'value="24"' in html  # the policy's default
    for wrong in ("2", "25", "doce"):
        refused = supervisor.post(validity, data={"months": wrong})
        assert refused.status_code == 422, wrong
        assert "Enter the number of months, from 3 to 24." in refused.get_data(as_text=True)
    countries = supervisor.post(validity, data={"months": "12"}).location
    assert "/documents/new/countries?" in countries and "months=12" in countries
    html = supervisor.get(countries).get_data(as_text=True)
    assert '<option value="CO">Colombia</option>' in html and '<option value="PE"' not in html
    assert back_link(html).startswith(f"{start}/validity?")
    forged = supervisor.post(countries, data={"except_1": "ZZ"})
    assert forged.status_code == 422
    assert "Choose each country from the list." in forged.get_data(as_text=True)
    check = supervisor.post(countries, data={"except_1": "VE", "except_2": "CO"}).location
    page = supervisor.get(check).get_data(as_text=True)
    assert "12 months" in page and "Colombia, Venezuela" in page
    assert documents() == 0
    supervisor.post(
        f"/cases/{case['id']}/documents",
        data={
            "type": "travel_document",
            "months": "12",
            "except": ["CO", "VE"],
            "confirm": "yes",
        },
    )
    document = db.session.execute(select(Document)).scalar_one()
    assert document.type == "travel_document"
    assert document.content["valid_except"] == ["CO", "VE"]


def test_a_question_out_of_turn_goes_to_the_first_unanswered_one(office, app):
    case = register(office.intake, applicant=ANGELA)
    intake = sign_in(app.test_client(), office.intake.user)
    skipped = intake.get(f"/cases/{case['id']}/documents/new/check?type=identity_document")
    assert skipped.status_code == 302 and skipped.location.endswith(
        f"/cases/{case['id']}/documents/new/document?type=identity_document"
    )
    assert intake.get(f"/cases/{case['id']}/documents/new/nothing").status_code == 404


def test_a_birth_record_is_checked_before_it_is_issued(app, api_as):
    from tests.births.helpers import birth

    api = api_as("registrar")
    registrar = api.user
    number = api.post("/api/v1/births", json=birth()).json["registration_number"]
    browser = sign_in(app.test_client(), registrar)
    check = browser.get(f"/births/{number}/documents")
    html = check.get_data(as_text=True)
    assert check.status_code == 200 and "Check before issuing the birth record" in html
    assert documents() == 0
    done = browser.post(f"/births/{number}/documents", data={"confirm": "yes"})
    assert done.status_code == 302 and done.location.startswith(f"/births/{number}")
    assert documents() == 1
    page = browser.get(done.location).get_data(as_text=True)
    assert re.search(r"Birth record \S+ issued for .+ \(registration " + number, page)
