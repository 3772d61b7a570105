"""Each document rendered and read back: the holder's accented names, the serial and the
validity are in its text; its QR code, decoded from the page, verifies with the published key."""

from datetime import date

import pytest
from babel.dates import format_date
from cryptography.exceptions import InvalidSignature
from sqlalchemy import select

from sdp.documents import i18n
from sdp.documents.models import Document
from sdp.documents.render import render_pdf
from sdp.documents.services import find
from sdp.domain.vocabulary import DocumentStatus
from sdp.extensions import db
from tests.conftest import missing

from .helpers import (
    ANGELA,
    JOAO,
    day_month_year,
    issued,
    pdf_bytes,
    pdf_text,
    qr_from_embedded_image,
    qr_from_rasterised_page,
    recognized_case,
    register,
    tampered,
    verify_offline,
)


def _check(client, document: dict, names: tuple[str, ...], keys: list[dict]) -> str:
    data = pdf_bytes(client, document)
    text = " ".join(pdf_text(data).split())
    for name in names:
        assert name in text, name
    assert document["serial"] in text
    if document["valid_until"]:
        assert day_month_year(document["valid_until"]) in text
    qr = qr_from_embedded_image(data)
    assert qr == document["qr"]
    fields = verify_offline(qr, keys)
    assert fields[1] == document["serial"].replace("-", "")
    with pytest.raises((InvalidSignature, ValueError, KeyError, UnicodeDecodeError)):
        verify_offline(tampered(qr), keys)
    return text


def test_provisional_certificate(office, client):
    case = register(office.intake, applicant=JOAO)
    document = issued(office.intake, case["id"], "provisional_certificate")
    text = _check(
        office.intake,
        document,
        ("João", "Da Silva Conceição"),
        client.get("/api/v1/documents/keys").json["keys"],
    )
    assert "Certificado provisional" in text and case["case_number"] in text
    assert "no puede ser expulsado" in text


def test_identity_document(office, client):
    case = recognized_case(office)
    document = issued(office.supervisor, case["id"], "identity_document")
    text = _check(
        office.supervisor,
        document,
        ("Ángela", "Núñez Ortiz"),
        client.get("/api/v1/documents/keys").json["keys"],
    )
    assert "Documento de identidad de persona apátrida" in text and "artículo 27" in text


def test_travel_document_is_bilingual_and_states_statelessness(office, client):
    case = recognized_case(office, applicant=JOAO)
    document = issued(office.supervisor, case["id"], "travel_document", valid_months=18)
    text = " ".join(
        _check(
            office.supervisor,
            document,
            ("João", "Da Silva Conceição"),
            client.get("/api/v1/documents/keys").json["keys"],
        ).split()
    )
    assert "Documento de viaje / Travel document" in text
    assert "es una persona apátrida según los términos de la Convención" in text
    assert "is a stateless person under the terms of the Convention of 28 September 1954" in text
    assert "Este documento vence el" in text and "This document expires on" in text


def test_decision_letter_with_findings_and_how_to_appeal_in_portuguese_too(office, client):
    case = office.decided("rejected", applicant=JOAO)
    document = issued(office.intake, case["id"], "decision_letter")
    assert document["languages"] == ["es", "pt"]
    text = " ".join(
        _check(
            office.intake,
            document,
            ("João", "Da Silva Conceição"),
            client.get("/api/v1/documents/keys").json["keys"],
        ).split()
    )
    appeal_due = case["decision"]["appeal_due"]
    assert (
        "Colombia" in text and "No nacional" not in text and "Nacional" in text
    )  # the finding on Colombia
    assert "Colombia's registry has no record." in text  # the reasoning, as recorded
    assert "Puede apelar esta decisión dentro de los 15 días hábiles" in text
    assert "Pode recorrer desta decisão no prazo de 15 dias úteis" in text

    due = date.fromisoformat(appeal_due)
    assert (
        format_date(due, "long", locale="es") in text
        and format_date(due, "long", locale="pt") in text
    )
    assert "Tradução. Faz fé o texto em espanhol." in text


def test_decision_letter_in_spanish_and_english(office):
    iryna = {
        **ANGELA,
        "given_names": "Iryna",
        "family_names": "Kovalenko Peña",
        "languages": ["en", "uk"],
    }
    case = recognized_case(office, applicant=iryna)
    document = issued(office.intake, case["id"], "decision_letter")
    assert document["languages"] == ["es", "en"]
    text = " ".join(pdf_text(pdf_bytes(office.intake, document)).split())
    assert "Se reconoce a la persona solicitante como persona apátrida" in text
    assert "The applicant is recognised as a stateless person" in text
    assert "Kovalenko Peña" in text


def test_birth_record(app, office, make_user, api_as, client):

    registrar = api_as("registrar")
    created = registrar.post(
        "/api/v1/births",
        json={
            "child": {
                "given_names": "Conceição",
                "family_names": "Núñez Quispe",
                "sex": "F",
                "date_of_birth": "2026-01-05",
                "place_of_birth": {"country": "PE", "locality": "Tumbes"},
            },
            "registered_on": "2026-01-20",
        },
    )
    assert created.status_code == 201, created.json
    number = created.json["registration_number"]
    assert office.intake.post(f"/api/v1/births/{number}/documents", json={}).status_code == 403
    assert registrar.post("/api/v1/births/NAC-0000/documents", json={}).status_code == 404
    response = registrar.post(f"/api/v1/births/{number}/documents", json={})
    assert response.status_code == 201, response.json
    document = response.json
    assert document["type"] == "birth_record" and document["valid_until"] is None
    text = " ".join(
        _check(
            registrar,
            document,
            ("Conceição", "Núñez Quispe"),
            client.get("/api/v1/documents/keys").json["keys"],
        ).split()
    )
    assert number in text and "Nacimiento en el Perú (ius soli)" in text
    assert "Peruana de nacimiento: nacida en el Perú (ius soli)." in text
    assert "nacido en el perú" not in text.lower().replace("nacida", "")
    assert "artículo 52" in text
    # Case staff who are not registrars may not download a birth record.
    assert office.intake.get(document["pdf_url"]).status_code == 403


@pytest.mark.parametrize(
    ("sex", "sentence"),
    [
        ("M", "Peruano de nacimiento: nacido en el Perú (ius soli)."),
        ("X", "De nacionalidad peruana de nacimiento, por haber nacido en el Perú (ius soli)."),
    ],
)
def test_a_birth_record_states_the_place_of_birth_for_the_childs_sex(api_as, sex, sentence):
    """Issue 13: the record read "nacido en el perú" for a girl (a label lower-cased into a
    frame); the sentence now agrees with the child and keeps the country's capital."""
    registrar = api_as("registrar")
    created = registrar.post(
        "/api/v1/births",
        json={
            "child": {
                "given_names": "Ayar",
                "family_names": "Mamani Condori",
                "sex": sex,
                "date_of_birth": "2026-02-03",
                "place_of_birth": {"country": "PE", "locality": "Puno"},
            },
            "registered_on": "2026-02-10",
        },
    )
    assert created.status_code == 201, created.json
    number = created.json["registration_number"]
    document = registrar.post(f"/api/v1/births/{number}/documents", json={}).json
    text = " ".join(pdf_text(pdf_bytes(registrar, document)).split())
    assert sentence in text
    assert "perú" not in text.replace("Perú", "").replace("PERÚ", "")


@pytest.mark.parametrize(
    ("language", "basis", "sex", "sentence"),
    [
        ("en", "ius_soli", "F", "Peruvian by birth: she was born in Peru (ius soli)."),
        ("pt", "ius_soli", "F", "Peruana de nascimento: nascida no Peru (ius soli)."),
        ("pt", "ius_soli", "M", "Peruano de nascimento: nascido no Peru (ius soli)."),
        ("es", "foundling", "F", "Peruana de nacimiento: expósita hallada en el Perú"),
        ("pt", "ius_sanguinis", None, "De nacionalidade peruana, por ter nascido no estrangeiro"),
    ],
)
def test_the_nationality_sentence_is_written_in_each_language(app, language, basis, sex, sentence):
    from flask_babel import force_locale

    from sdp.documents.render.birth_record import nationality_sentence

    i18n.MISSING.clear()
    with app.test_request_context(), force_locale(language):
        assert nationality_sentence(basis, sex, "Perú").startswith(sentence)
    assert not i18n.MISSING


def test_the_qr_code_reads_off_the_rendered_page(office):
    """As a phone would read a printed page: the whole page rasterised, then scanned."""
    case = register(office.intake, applicant=ANGELA)
    document = issued(office.intake, case["id"], "provisional_certificate")
    read = qr_from_rasterised_page(pdf_bytes(office.intake, document))
    if read is None:
        missing("pdftoppm (poppler-utils) is not installed: apt-get install poppler-utils")
    assert read == document["qr"]


def test_a_document_renders_the_same_bytes_every_time(office):
    case = register(office.intake, applicant=ANGELA)
    document = issued(office.intake, case["id"], "provisional_certificate")
    stored = find(document["serial"])
    assert render_pdf(stored) == render_pdf(stored)


def test_every_text_of_every_document_is_translated(office, app):
    """Renders each type in each of its languages and scenarios; no text may fall back to
    English."""
    i18n.MISSING.clear()
    pending = register(
        office.intake,
        applicant=ANGELA,
        dependants=[
            {
                **ANGELA,
                "given_names": "Sofía",
                "date_of_birth": "2020-01-01",
                "relationship": "child",
            }
        ],
    )
    issued(office.intake, pending["id"], "provisional_certificate")
    issued(
        office.intake,
        pending["id"],
        "provisional_certificate",
        person_id=pending["dependants"][0]["id"],
    )
    recognized = recognized_case(office, applicant=JOAO)
    for document_type in ("identity_document", "travel_document", "decision_letter"):
        issued(office.supervisor, recognized["id"], document_type)
    rejected = office.decided("rejected", applicant=JOAO)
    issued(office.supervisor, rejected["id"], "decision_letter")

    for document in db.session.execute(select(Document)).scalars():
        render_pdf(document)
        render_pdf(document, DocumentStatus(("revoked", "expired", "superseded")[document.id % 3]))
        if document.type == "decision_letter":
            document.languages = "es pt en"
            render_pdf(document)
    db.session.rollback()
    assert not i18n.MISSING, sorted(i18n.MISSING)


@pytest.mark.parametrize(
    "code, language, name",
    [
        ("AM", "pt", "Armênia"),
        ("US", "es", "Estados Unidos"),
        ("XK", "es", "Kosovo"),
        ("BQ", "en", "Caribbean Netherlands"),
    ],
)
def test_a_document_names_a_country_as_the_pages_do(app, code, language, name):
    # one naming (CLDR) for the screen and the paper: the holder reads what the officer saw
    from sdp.web import country_name as on_the_page

    with app.test_request_context(f"/?lang={language}"):
        assert i18n.country_name(code, language) == on_the_page(code) == name


def test_a_recognition_letter_states_the_naturalization_law_as_it_is_and_the_proposal_as_a_proposal(
    office,
):
    """Law 32421's general rule (5 years) is the law; the 2-year facilitated route needs a change of
    law."""
    iryna = {
        **ANGELA,
        "given_names": "Iryna",
        "family_names": "Kovalenko Peña",
        "languages": ["en"],
    }
    case = recognized_case(office, applicant=iryna)
    text = " ".join(
        pdf_text(
            pdf_bytes(office.intake, issued(office.intake, case["id"], "decision_letter"))
        ).split()
    )
    assert (
        "según la ley vigente (Ley 32421), el titular puede solicitar la nacionalidad peruana tras "
        "5 años" in text
    )
    assert (
        "Propuesta, aún no es ley: el reglamento propuesto permitiría la naturalización facilitada "
        "tras 2 años" in text
    )
    assert (
        "under the law in force (Law 32421), the holder may apply for Peruvian nationality after 5 "
        "years" in text
    )
    assert "Proposal, not yet law" in text and "It needs a change of law." in text
    assert (
        "tras 2 años de residencia como persona apátrida reconocida (artículo 32)" not in text
    )  # the old promise
