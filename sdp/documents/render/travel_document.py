"""The Convention travel document (1954 Convention, Art. 28 and its Schedule), bilingual, with a
TD3 machine-readable zone."""

from flask_babel import force_locale
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer, Table, TableStyle

from ...domain.vocabulary import Sex, label
from .. import mrz
from ..i18n import T, country_name, current_language
from ..models import Document
from .drawing import (
    CELL,
    HEADING,
    LABEL,
    MUTED,
    SMALL,
    P,
    bold,
    build,
    e,
    fields_table,
    header_block,
    long_date,
    place,
    short_date,
    verification_note,
    with_qr,
    zone_holder,
)


def _both(message: str, **params) -> str:
    """A text in Spanish, then English: the travel document is bilingual (1954 Schedule, para.
    1)."""
    with force_locale("es"):
        spanish = T(message, **params)
    with force_locale("en"):
        english = T(message, **params)
    return spanish if spanish == english else f"{spanish} / {english}"


def _countries_sentence(excepted: list[str]) -> str:
    if not excepted:
        return T("This document is valid for all countries.")
    names = ", ".join(country_name(code, current_language()) for code in excepted)
    return T("This document is valid for all countries except: %(countries)s.", countries=e(names))


def _signature_box(label_text: str, width: float) -> Table:
    box = Table([[P(e(label_text), LABEL)]], colWidths=[width], rowHeights=[18 * mm], hAlign="LEFT")
    box.setStyle(
        TableStyle([("BOX", (0, 0), (-1, -1), 0.6, MUTED), ("VALIGN", (0, 0), (-1, -1), "BOTTOM")])
    )
    return box


def _renewal_box() -> Table:
    """Room for an extension or renewal of validity (1954 Schedule, para. 6; the model's page 5)."""
    rows = [
        (_both("Fee paid"), ""),
        (_both("From"), ""),
        (_both("To"), ""),
        (_both("Done at"), ""),
        (_both("Date"), ""),
    ]
    table = Table(
        [[P(e(name), LABEL), ""] for name, _ in rows]
        + [
            [
                _signature_box(
                    _both(
                        "Signature and stamp of the authority extending or renewing the validity "
                        "of the document"
                    ),
                    80 * mm,
                ),
                "",
            ]
        ],
        colWidths=[55 * mm, 25 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.6, MUTED),
                ("LINEBELOW", (1, 0), (1, 4), 0.3, MUTED),
                ("SPAN", (0, 5), (1, 5)),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ]
        )
    )
    return table


def _visa_pages(notes: list) -> list:
    """The pages the model leaves for extensions and visas (1954 Schedule, paras. 6 and 1(3): its
    model), after ``notes`` (how to verify the document)."""
    story: list = [PageBreak(), *notes, P(e(_both("Extension or renewal of validity")), HEADING)]
    pair = Table([[_renewal_box(), _renewal_box()]], colWidths=[85 * mm, 85 * mm])
    pair.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    )
    story += [
        pair,
        Spacer(1, 6 * mm),
        P(e(_both("Visas")), HEADING),
        P(e(_both("The name of the holder of the document must be repeated in each visa.")), SMALL),
    ]
    grid = Table(
        [["", ""], ["", ""], ["", ""]], colWidths=[85 * mm, 85 * mm], rowHeights=[38 * mm] * 3
    )
    grid.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.6, MUTED)]))
    return story + [grid]


def travel_document(document: Document) -> bytes:
    """The Convention travel document (1954 Convention, Art. 28 and its Schedule): in Spanish and
    English (Schedule, para. 1(2)), with the model's statements, the countries it is valid for
    (para. 4), its issuing authority, room for extensions and visas, and a TD3 machine-readable
    zone (ICAO Doc 9303 part 4; nationality XXA)."""
    content = document.content or {}
    with force_locale("es"):
        place_es = place((content.get("holder") or {}).get("place_of_birth"))
    with force_locale("en"):
        place_en = place((content.get("holder") or {}).get("place_of_birth"))
    sex = (content.get("holder") or {}).get("sex")
    rows = [
        (_both("Family names"), document.holder_family_names),
        (_both("Given names"), document.holder_given_names),
        (_both("Date of birth"), short_date(document.holder_date_of_birth)),
        (_both("Sex"), _both(label(Sex(sex))) if sex else "—"),
        (_both("Place of birth"), place_es if place_es == place_en else f"{place_es} / {place_en}"),
        (_both("Nationality"), _both("None (stateless person)")),
        (_both("Serial number"), document.serial),
        (_both("Issued on"), short_date(document.issued_on)),
        (_both("Valid until"), short_date(document.valid_until)),
    ]
    title = _both("Travel document")
    story = header_block(
        title, _both("Convention relating to the Status of Stateless Persons of 28 September 1954")
    )
    story += [with_qr(fields_table(rows, 118 * mm), document), Spacer(1, 4 * mm)]
    excepted = list(content.get("valid_except") or [])
    columns = []
    for language in ("es", "en"):  # side by side: the two texts of one statement face each other
        with force_locale(language):
            columns.append(
                [
                    P(
                        bold(
                            T(
                                "The holder of this document is a stateless person under the terms "
                                "of the Convention of 28 September 1954 relating to the Status of "
                                "Stateless Persons."
                            )
                        ),
                        CELL,
                    ),
                    P(
                        T(
                            "This document expires on %(date)s unless its validity is extended or "
                            "renewed. %(countries)s",
                            date=long_date(document.valid_until),
                            countries=_countries_sentence(excepted),
                        ),
                        CELL,
                    ),
                    P(
                        T(
                            "1. This document is issued solely with a view to providing the holder "
                            "with a travel document which can serve in lieu of a national "
                            "passport. It is without prejudice to and in no way affects the "
                            "holder's nationality."
                        ),
                        SMALL,
                    ),
                    P(
                        T(
                            "2. The holder is authorised to return to Peru on or before %(date)s, "
                            "unless some later date is hereafter specified.",
                            date=long_date(document.valid_until),
                        ),
                        SMALL,
                    ),
                    P(
                        T(
                            "3. Should the holder take up residence in a country other than Peru, "
                            "the holder must, if they wish to travel again, apply to the competent "
                            "authorities of their country of residence for a new document."
                        ),
                        SMALL,
                    ),
                ]
            )
    statements = Table([columns], colWidths=[85 * mm, 85 * mm])
    statements.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("RIGHTPADDING", (0, 0), (0, 0), 4 * mm),
            ]
        )
    )
    story += [statements, Spacer(1, 2 * mm)]
    with force_locale("es"):
        basis_es = T(
            "Recognition as a stateless person, case %(case)s, decision of %(date)s",
            case=content.get("case_number", ""),
            date=short_date(content.get("recognized_on")),
        )
    with force_locale("en"):
        basis_en = T(
            "Recognition as a stateless person, case %(case)s, decision of %(date)s",
            case=content.get("case_number", ""),
            date=short_date(content.get("recognized_on")),
        )
    issued_rows = [
        (
            _both("Document on the basis of which this document is issued"),
            f"{basis_es} / {basis_en}",
        ),
        (_both("Issued at"), content.get("issuing_place", "")),
        (_both("Issuing authority"), content.get("issuing_authority", "")),
        (_both("Date"), short_date(document.issued_on)),
    ]
    issued_table = Table(
        [
            [
                fields_table(issued_rows, 110 * mm, CELL),
                _signature_box(
                    _both("Signature and stamp of the authority issuing the document"), 56 * mm
                ),
            ]
        ],
        colWidths=[112 * mm, 58 * mm],
    )
    issued_table.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    )
    story += [issued_table, Spacer(1, 2 * mm)]
    notes = []
    for language in ("es", "en"):
        with force_locale(language):
            notes.append(verification_note(document))
    story += _visa_pages(notes)
    return build(
        document, story, "Documento de viaje / Travel document", zone=mrz.td3(zone_holder(document))
    )
