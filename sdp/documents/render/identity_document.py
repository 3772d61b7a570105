"""The identity document of a recognised stateless person (1954 Convention, Art. 27), with a TD1
machine-readable zone."""

from flask_babel import force_locale
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from .. import mrz
from ..i18n import T
from ..models import Document
from .drawing import (
    LABEL,
    MUTED,
    SMALL,
    P,
    build,
    e,
    fields_table,
    header_block,
    holder_rows,
    long_date,
    validity_rows,
    verification_note,
    with_qr,
    zone_holder,
)


def _photo_box() -> Table:
    box = Table(
        [[P(T("Photograph of the holder, stamped at delivery"), LABEL)]],
        colWidths=[35 * mm],
        rowHeights=[45 * mm],
    )
    box.setStyle(
        TableStyle([("BOX", (0, 0), (-1, -1), 0.6, MUTED), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")])
    )
    return box


def identity_document(document: Document) -> bytes:
    content = document.content or {}
    with force_locale("es"):
        title = T("Identity document of a stateless person")
        rows = holder_rows(
            document, (T("Nationality"), T("None (stateless person)"))
        ) + validity_rows(document)
        left = Table([[_photo_box(), fields_table(rows, 78 * mm)]], colWidths=[40 * mm, 78 * mm])
        left.setStyle(
            TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
        )
        story = header_block(
            title, T("1954 Convention relating to the Status of Stateless Persons, Article 27")
        )
        story += [
            with_qr(left, document),
            Spacer(1, 6 * mm),
            P(
                T(
                    "The holder is recognised as a stateless person within the meaning of Article "
                    "1 of the 1954 Convention relating to the Status of Stateless Persons, by a "
                    "decision of %(date)s in case %(case)s. This identity document is issued under "
                    "Article 27 of that Convention. The holder has the rights of a resident "
                    "foreigner in Peru.",
                    date=long_date(content.get("recognized_on")),
                    case=e(content.get("case_number", "")),
                )
            ),
            Spacer(1, 12 * mm),
            P("_" * 40, SMALL),
            P(T("Signature of the holder"), SMALL),
            Spacer(1, 6 * mm),
            verification_note(document),
        ]
    return build(document, story, title, zone=mrz.td1(zone_holder(document)))
