"""The travel document against the 1954 Convention's Schedule and its model travel document
(docs/documents.md, "The travel document and the 1954 Schedule")."""

import io

import pypdf

from .helpers import JOAO, issue, issued, pdf_bytes, pdf_text, recognized_case


def _text(client, document: dict) -> tuple[str, int]:
    data = pdf_bytes(client, document)
    return " ".join(pdf_text(data).split()), len(pypdf.PdfReader(io.BytesIO(data)).pages)


def test_the_travel_document_has_what_the_schedule_and_its_model_ask(app, office):
    case = recognized_case(office, applicant=JOAO)
    document = issued(office.supervisor, case["id"], "travel_document", valid_months=6)
    text, pages = _text(office.supervisor, document)
    # para. 1(1): the holder is a stateless person under the Convention of 28 September 1954, in
    # para. 1(2)'s two languages, one of them English
    assert (
        "es una persona apátrida según los términos de la Convención sobre el Estatuto de los "
        "Apátridas de 28 de septiembre de 1954" in text
    )
    assert "is a stateless person under the terms of the Convention of 28 September 1954" in text
    # para. 4: as many countries as possible
    assert "Este documento es válido para todos los países." in text
    assert "This document is valid for all countries." in text
    # the model's first page and its statements 1 to 3
    assert (
        "This document expires on" in text and "unless its validity is extended or renewed" in text
    )
    assert (
        "in lieu of a national passport" in text
        and "ni modifica en modo alguno la nacionalidad" in text
    )
    assert "The holder is authorised to return to Peru on or before" in text
    assert (
        "apply to the competent authorities of their country of residence for a new document"
        in text
    )
    # the model's fourth page: on what basis, where, when and by whom it is issued
    assert f"case {case['case_number']}" in text and "Recognition as a stateless person" in text
    assert "Expedido en / Issued at" in text and app.config["DOCUMENT_ISSUING_PLACE"] in text
    assert app.config["DOCUMENT_ISSUING_AUTHORITY"] in text
    assert "Signature and stamp of the authority issuing the document" in text
    # para. 6 and the model's later pages: room for extensions and for visas
    assert pages >= 2
    assert "Prórroga o renovación de la validez / Extension or renewal of validity" in text
    assert "Visados / Visas" in text and "must be repeated in each visa" in text


def test_a_travel_document_may_name_the_countries_it_is_not_valid_for(office):
    case = recognized_case(office, applicant=JOAO)
    document = issued(office.supervisor, case["id"], "travel_document", valid_except=["CO", "VE"])
    text, _pages = _text(office.supervisor, document)
    assert "válido para todos los países excepto: Colombia, Venezuela." in text
    assert "valid for all countries except: Colombia, Venezuela." in text
    # a reissue keeps what the first one said
    reissued = office.supervisor.post(f"/api/v1/documents/{document['serial']}/reissue", json={})
    assert reissued.status_code == 201, reissued.json
    assert "excepto: Colombia, Venezuela." in _text(office.supervisor, reissued.json)[0]


def test_excepted_countries_are_refused_where_they_make_no_sense(office):
    case = recognized_case(office, applicant=JOAO)
    peru = issue(office.supervisor, case["id"], "travel_document", valid_except=["PE"])
    assert peru.status_code == 422 and "valid_except" in peru.json["errors"]
    identity = issue(office.supervisor, case["id"], "identity_document", valid_except=["CO"])
    assert identity.status_code == 422 and "valid_except" in identity.json["errors"]
    unknown = issue(office.supervisor, case["id"], "travel_document", valid_except=["XZ"])
    assert unknown.status_code == 422 and "valid_except" in str(unknown.json["errors"])
    for months in (2, 25):  # para. 5: 3 months to 2 years
        assert (
            issue(office.supervisor, case["id"], "travel_document", valid_months=months).status_code
            == 422
        )


def test_staff_choose_the_excepted_countries_by_name_on_the_case_page(office, app, make_user):
    from tests.documents.test_web import sign_in

    case = recognized_case(office, applicant=JOAO)
    supervisor = sign_in(app.test_client(), office.supervisor.user)
    countries = f"/cases/{case['id']}/documents/new/countries?type=travel_document&months=12"
    page = supervisor.get(countries).get_data(as_text=True)
    assert '<option value="CO">Colombia</option>' in page
    assert '<option value="PE">' not in page  # Peru is never an exception
    refused = supervisor.post(countries, data={"except_1": "ZZ"})
    assert "Choose each country from the list." in refused.get_data(as_text=True)
    check = supervisor.post(countries, data={"except_1": "VE", "except_3": "CO"}).location
    assert "except=CO" in check and "except=VE" in check
    supervisor.post(
        f"/cases/{case['id']}/documents",
        data={
            "type": "travel_document",
            "months": "12",
            "except": ["CO", "VE"],
            "confirm": "yes",
        },
    )
    document = office.supervisor.get(f"/api/v1/applications/{case['id']}/documents").json[0]
    assert document["type"] == "travel_document"
    assert (
        "valid for all countries except: Colombia, Venezuela."
        in _text(office.supervisor, document)[0]
    )
