"""The identity and travel documents' machine-readable zones (ICAO Doc 9303), read back from the
rendered PDF and validated by an independent checker (the ``mrz`` package from PyPI)."""

import re
from datetime import date

import pytest
from mrz.checker.td1 import TD1CodeChecker
from mrz.checker.td3 import TD3CodeChecker

from sdp.documents import mrz, serials, services

from .helpers import ANGELA, issued, pdf_bytes, pdf_text, recognized_case

JOSE = {
    **ANGELA,
    "given_names": "José",
    "family_names": "Ñáñez Güemes-Çarrión",
    "sex": "M",
    "date_of_birth": "1990-01-01",
}
LONG = {
    **ANGELA,
    "given_names": "María de los Ángeles Guadalupe",
    "family_names": "De la Santísima Trinidad Bustamante-Villavicencio y Ollanta",
    "sex": "X",
}


def zone_lines(data: bytes, width: int) -> list[str]:
    """The lines of ``width`` MRZ characters in the PDF's text (pypdf's extraction of the page)."""
    lines = [line.strip() for line in pdf_text(data).splitlines()]
    return [line for line in lines if len(line) == width and re.fullmatch(r"[A-Z0-9<]+", line)]


def checked(checker, lines: list[str]):
    result = checker("\n".join(lines))
    assert bool(result), result.report
    return result.fields()


def test_the_travel_document_carries_a_td3_zone_that_an_independent_checker_accepts(
    office, partner_api
):
    case = recognized_case(office, applicant=JOSE)
    document = issued(office.supervisor, case["id"], "travel_document")
    lines = zone_lines(pdf_bytes(office.supervisor, document), 44)
    assert len(lines) == 2, lines
    fields = checked(TD3CodeChecker, lines)
    assert (fields.document_type, fields.country, fields.nationality) == ("P", "PER", "XXA")
    assert (
        fields.surname == "NANEZ GUEEMES CARRION" and fields.name == "JOSE"
    )  # Ñ → N, Ü → UE, Ç → C
    assert (fields.birth_date, fields.sex) == ("900101", "M")
    assert fields.expiry_date == date.fromisoformat(document["valid_until"]).strftime("%y%m%d")
    # serial = document number + the first 3 characters of the optional data; the registry finds it
    serial = mrz.serial_from_zone(fields.document_number, fields.optional_data)
    assert serials.normalize(serial) == document["serial"]
    answer = partner_api("registry:read").get(f"/api/v1/registry/documents/{serial}")
    assert answer.status_code == 200 and answer.json["serial"] == document["serial"]


def test_the_identity_document_carries_a_td1_zone_that_an_independent_checker_accepts(office):
    case = recognized_case(office, applicant=JOSE)
    document = issued(office.supervisor, case["id"], "identity_document")
    lines = zone_lines(pdf_bytes(office.supervisor, document), 30)
    assert len(lines) == 3, lines
    fields = checked(TD1CodeChecker, lines)
    assert (fields.document_type, fields.country, fields.nationality) == ("I", "PER", "XXA")
    assert fields.surname == "NANEZ GUEEMES CARRION" and fields.name == "JOSE"
    assert mrz.serial_from_zone(fields.document_number, fields.optional_data) == document[
        "serial"
    ].replace("-", "")


@pytest.mark.parametrize(
    "document_type, width, checker",
    [("travel_document", 44, TD3CodeChecker), ("identity_document", 30, TD1CodeChecker)],
)
def test_a_very_long_name_is_cut_as_doc_9303_says_and_still_checks(
    office, document_type, width, checker
):
    case = recognized_case(office, applicant=LONG)
    document = issued(office.supervisor, case["id"], document_type)
    lines = zone_lines(pdf_bytes(office.supervisor, document), width)
    fields = checked(checker, lines)
    name_line = lines[0] if width == 44 else lines[2]
    assert name_line.startswith(("P<PERDE<LA<SANTISIMA", "DE<LA<SANTISIMA"))
    assert name_line[-1] != "<"  # cut, not complete: the field ends on a letter
    assert fields.sex == "<"  # unspecified


@pytest.mark.parametrize("position", [5, 12, 20, 30, 43])
def test_a_changed_character_fails_a_check_digit(position):
    holder = mrz.Holder(
        "7KQ3-M9XR-T2HD", "Ñáñez Güemes-Çarrión", "José", date(1990, 1, 1), "M", date(2028, 12, 31)
    )
    line1, line2 = mrz.td3(holder)
    assert bool(TD3CodeChecker(f"{line1}\n{line2}"))
    replacement = "8" if line2[position] != "8" else "9"
    altered = line2[:position] + replacement + line2[position + 1 :]
    assert not bool(TD3CodeChecker(f"{line1}\n{altered}"))


def test_the_check_digits_of_doc_9303s_own_specimen():
    # Doc 9303 part 4's specimen passport: L898902C3 → 6, 740812 → 2, 120415 → 9, ZE184226B → 1
    assert [
        mrz.check_digit(text) for text in ("L898902C3", "740812", "120415", "ZE184226B<<<<<")
    ] == ["6", "2", "9", "1"]


@pytest.mark.parametrize(
    "name, written",
    [
        ("Núñez", "NUNEZ"),
        ("Güemes", "GUEEMES"),
        ("Çarrión", "CARRION"),
        ("O'Brien", "OBRIEN"),
        ("Da Silva-Conceição", "DA<SILVA<CONCEICAO"),
        ("Strauß", "STRAUSS"),
        ("Øster  Ærø", "OESTER<AEROE"),
    ],
)
def test_names_are_written_in_the_zone_s_letters(name, written):
    assert mrz.transliterate(name) == written


def test_no_two_documents_share_a_document_number(app, office, monkeypatch):
    """The zone holds the serial's first 9 symbols: a new serial whose first 9 are taken is drawn
    again."""
    from .helpers import register

    first = issued(office.intake, register(office.intake)["id"], "provisional_certificate")[
        "serial"
    ]
    taken = first[:11]  # "XXXX-XXXX-X": the first 9 symbols
    same_number = next(
        candidate for candidate in _serials_starting_with(taken) if candidate != first
    )
    fresh = serials.new_serial()
    draws = iter([same_number, fresh])
    monkeypatch.setattr(serials, "new_serial", lambda: next(draws))
    with app.test_request_context():
        assert services._new_serial() == fresh


def _serials_starting_with(prefix: str):
    compact = prefix.replace("-", "")
    for a in serials.ALPHABET:
        for b in serials.ALPHABET:
            candidate = serials.normalize(compact + a + b + serials.check_symbol(compact + a + b))
            if candidate:
                yield candidate
