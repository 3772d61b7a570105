"""The provisional certificate of an applicant (and of each person in their case)."""

from flask_babel import force_locale
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from ...domain.vocabulary import Relationship, label
from ..i18n import T
from ..models import Document
from .drawing import (
    SMALL,
    P,
    build,
    e,
    fields_table,
    header_block,
    holder_rows,
    long_date,
    short_date,
    validity_rows,
    verification_note,
    with_qr,
)


def provisional_certificate(document: Document) -> bytes:
    content = document.content or {}
    with force_locale("es"):
        title = T("Provisional certificate")
        rows = holder_rows(
            document,
            (T("Case number"), content.get("case_number", "")),
            (T("Application registered on"), short_date(content.get("registered_on"))),
        ) + validity_rows(document)
        story = header_block(title, T("Applicant for recognition as a stateless person"))
        story.append(with_qr(fields_table(rows, 118 * mm), document))
        story.append(Spacer(1, 6 * mm))
        relationship = content.get("relationship")
        if relationship and relationship != "applicant":
            story.append(
                P(
                    T(
                        "The holder is included in this case as %(relationship)s of the applicant.",
                        relationship=e(T(label(Relationship(relationship))).lower()),
                    )
                )
            )
        story += [
            P(
                T(
                    "The holder has applied for recognition as a stateless person in case "
                    "%(case)s, registered on %(date)s. While the procedure is pending, including "
                    "any appeal, the holder has the rights of a resident foreigner: to stay in "
                    "Peru, to work, and to receive health care and education, and may not be "
                    "expelled or returned to any country.",
                    case=e(content.get("case_number", "")),
                    date=long_date(content.get("registered_on")),
                )
            ),
            P(
                T(
                    "This certificate is valid until %(date)s, or until the final decision on the "
                    "case if that comes first. It is renewed while the case is pending.",
                    date=long_date(document.valid_until),
                )
            ),
            P(
                T(
                    "Legal basis: Legislative Decree 1725 (2026); 1954 Convention relating to the "
                    "Status of Stateless Persons."
                ),
                SMALL,
            ),
            Spacer(1, 4 * mm),
            verification_note(document),
        ]
    return build(document, story, title)
