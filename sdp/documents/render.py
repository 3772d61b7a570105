"""The PDFs of the five documents (reportlab), one template per type.

Fonts are the DejaVu files shipped in ``sdp/documents/fonts`` (embedded, subset), so
every accented Spanish and Portuguese letter prints as typed, on any machine. The
signed QR code is a PNG made by segno and embedded as an image. A PDF is rendered
from the issued ``Document`` alone (its columns and the ``content`` snapshot taken at
issue), in invariant mode: the same document always gives the same bytes.
"""

from collections.abc import Callable
from contextvars import ContextVar
from datetime import date
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

import segno
from babel.dates import format_date
from flask_babel import force_locale
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Image,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from ..domain.vocabulary import (
    DecisionOutcome,
    DocumentStatus,
    DocumentType,
    ExclusionGround,
    Finding,
    Link,
    NationalityBasis,
    PersonOutcome,
    Relationship,
    Sex,
    State,
    label,
)
from . import mrz
from .i18n import T, country_name, current_language
from .models import Document
from .presenters import qr_text

FONTS = Path(__file__).parent / "fonts"
_STAMP: ContextVar[str | None] = ContextVar("document_stamp", default=None)
FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
OCR_B = "OCR-B"  # machine-readable zones (ICAO Doc 9303, part 3)
INK, MUTED, ACCENT = (
    colors.HexColor("#1a1a1a"),
    colors.HexColor("#555555"),
    colors.HexColor("#8c1d18"),
)


@lru_cache(maxsize=1)
def _fonts() -> None:
    pdfmetrics.registerFont(TTFont(FONT, str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)
    pdfmetrics.registerFont(TTFont(OCR_B, str(FONTS / "OCRB.ttf")))


def _style(name: str, **kwargs) -> ParagraphStyle:
    base = {"fontName": FONT, "fontSize": 10, "leading": 13.5, "textColor": INK}
    base.update(kwargs)
    return ParagraphStyle(name, **base)


BODY = _style("body", spaceAfter=6)
SMALL = _style("small", fontSize=8, leading=10.5, textColor=MUTED)
LABEL = _style("label", fontSize=7.5, leading=9, textColor=MUTED)
VALUE = _style("value", fontName=BOLD, fontSize=11, leading=14)
TITLE = _style("title", fontName=BOLD, fontSize=17, leading=21, textColor=ACCENT, spaceAfter=2)
SUBTITLE = _style("subtitle", fontSize=10.5, leading=13.5, textColor=MUTED, spaceAfter=10)
HEADING = _style("heading", fontName=BOLD, fontSize=11.5, leading=15, spaceBefore=8, spaceAfter=4)
CELL = _style("cell", fontSize=8.5, leading=11)
SERIAL = _style(
    "serial", fontName=BOLD, fontSize=10, leading=13, alignment=TA_CENTER, textColor=ACCENT
)


def e(value) -> str:
    """User text made safe for reportlab's paragraph markup."""
    return escape(str(value)) if value is not None else ""


def bold(text: str) -> str:
    return f"<b>{e(text)}</b>"


def italic(text: str) -> str:
    return f"<i>{e(text)}</i>"


def day(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def short_date(value) -> str:
    value = day(value)
    return value.strftime("%d/%m/%Y") if value else "—"


def long_date(value) -> str:
    value = day(value)
    return format_date(value, format="long", locale=current_language()) if value else "—"


def P(text: str, style: ParagraphStyle = BODY) -> Paragraph:  # noqa: N802
    return Paragraph(text, style)


def qr_mask(text: str) -> int:
    """The QR code's best mask (ISO 18004 penalty rules). Choosing it is most of the cost of
    a QR code, so it is chosen once, at issue, and kept in the document's content."""
    return segno.make(text, error="m", micro=False).mask


@lru_cache(maxsize=512)
def qr_png(text: str, mask: int | None = None) -> bytes:
    """The signed payload as a QR code PNG (error correction M, quiet zone of 4 modules)."""
    buffer = BytesIO()
    segno.make(text, error="m", micro=False, mask=mask).save(buffer, kind="png", scale=4, border=4)
    return buffer.getvalue()


def qr_image(document: Document, size: float = 40 * mm) -> Image:
    mask = (document.content or {}).get("qr_mask")
    return Image(BytesIO(qr_png(qr_text(document), mask)), width=size, height=size)


def verify_url(document: Document) -> str:
    base = (document.content or {}).get("verify_url", "").rstrip("/")
    return f"{base}/verify/{document.serial}"


def place(place_of_birth: dict | None) -> str:
    if not place_of_birth:
        return "—"
    country = country_name(place_of_birth.get("country") or "", current_language())
    locality = place_of_birth.get("locality")
    return f"{locality}, {country}" if locality else country


# --- Building blocks ---------------------------------------------------------------


def fields_table(
    rows: list[tuple[str, str]], width: float, value_style: ParagraphStyle = VALUE
) -> Table:
    data = [[P(e(name), LABEL), P(e(value), value_style)] for name, value in rows]
    table = Table(data, colWidths=[width * 0.36, width * 0.64])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def with_qr(left, document: Document, extra_right: list | None = None) -> Table:
    """The holder's data beside the QR code and the serial."""
    right = [qr_image(document), Spacer(1, 2 * mm), P(e(document.serial), SERIAL)]
    right += extra_right or []
    table = Table([[left, right]], colWidths=[118 * mm, 52 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("ALIGN", (1, 0), (1, 0), "CENTER"),
            ]
        )
    )
    return table


def verification_note(document: Document) -> Paragraph:
    return P(
        T(
            "Anyone can check this document at %(url)s: scan its QR code or enter its serial "
            "%(serial)s. The QR code is signed by the issuing authority (key %(key)s), so it can "
            "also be checked without a network connection, with the authority's public key.",
            url=e(verify_url(document).rsplit("/verify/", 1)[0] + "/verify"),
            serial=e(document.serial),
            key=e(document.key_id or ""),
        ),
        SMALL,
    )


def header_block(title: str, subtitle: str) -> list:
    return [P(e(title), TITLE), P(e(subtitle), SUBTITLE)]


def holder_rows(document: Document, *extra: tuple[str, str]) -> list[tuple[str, str]]:
    content = document.content or {}
    holder = content.get("holder") or {}
    rows = [
        (T("Family names"), document.holder_family_names),
        (T("Given names"), document.holder_given_names),
        (T("Date of birth"), short_date(document.holder_date_of_birth)),
    ]
    if holder.get("sex"):
        rows.append((T("Sex"), T(label(Sex(holder["sex"])))))
    if holder.get("place_of_birth"):
        rows.append((T("Place of birth"), place(holder["place_of_birth"])))
    return rows + list(extra)


def validity_rows(document: Document) -> list[tuple[str, str]]:
    rows = [(T("Serial number"), document.serial), (T("Issued on"), short_date(document.issued_on))]
    if document.valid_until:
        rows.append((T("Valid until"), short_date(document.valid_until)))
    return rows


# --- Page frame --------------------------------------------------------------------


MRZ_POINTS = 10  # OCR-B at 10 pt is 10 characters an inch, the pitch Doc 9303 part 3 sets
MRZ_LINE_GAP = 4.3 * mm
MRZ_BOTTOM = 17 * mm  # the zone's last line, above the footer
MRZ_CLEAR = 34 * mm  # the page's bottom margin where a zone is printed: nothing else in it


def _draw_zone(canvas, lines: tuple[str, ...]) -> None:
    """The machine-readable zone at the foot of the first page, on a clear band (Doc 9303 part 3:
    nothing printed in the zone but its characters)."""
    canvas.saveState()
    canvas.setFillColor(colors.white)
    top = MRZ_BOTTOM + MRZ_LINE_GAP * (len(lines) - 1) + 6 * mm
    canvas.rect(
        15 * mm, MRZ_BOTTOM - 4 * mm, A4[0] - 30 * mm, top - MRZ_BOTTOM + 4 * mm, stroke=0, fill=1
    )
    canvas.setFillColor(colors.black)
    canvas.setFont(OCR_B, MRZ_POINTS)
    for index, line in enumerate(lines):
        canvas.drawString(20 * mm, MRZ_BOTTOM + MRZ_LINE_GAP * (len(lines) - 1 - index), line)
    canvas.restoreState()


def _frame(
    document: Document,
    heading: Callable[[], str],
    zone: tuple[str, ...] | None = None,
    first_page: bool = False,
) -> Callable:
    def draw(canvas, doc):
        width, height = A4
        canvas.saveState()
        canvas.setFillColor(ACCENT)
        canvas.rect(0, height - 14 * mm, width, 14 * mm, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        canvas.setFont(BOLD, 11)
        canvas.drawString(20 * mm, height - 9 * mm, "REPÚBLICA DEL PERÚ")
        canvas.setFont(FONT, 8.5)
        canvas.drawRightString(width - 20 * mm, height - 9 * mm, heading())
        canvas.setFillColor(MUTED)
        canvas.setFont(FONT, 7.5)
        canvas.drawString(20 * mm, 10 * mm, f"{document.serial} · {verify_url(document)}")
        canvas.drawRightString(width - 20 * mm, 10 * mm, str(doc.page))
        stamp = _STAMP.get()
        if stamp:  # a copy of a document that is no longer valid must not pass for a valid one
            canvas.setFillColor(ACCENT, alpha=0.3)
            canvas.setFont(BOLD, 40)
            canvas.translate(width / 2, height / 2)
            canvas.rotate(35)
            canvas.drawCentredString(0, 0, stamp)
        canvas.restoreState()
        if zone and first_page:
            _draw_zone(canvas, zone)

    return draw


def _build(
    document: Document, story: list, title: str, zone: tuple[str, ...] | None = None
) -> bytes:
    """The PDF; ``zone``: the lines of a machine-readable zone for the foot of the first page."""
    buffer = BytesIO()
    with force_locale("es"):
        heading = T("Statelessness determination procedure")
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=22 * mm,
        bottomMargin=MRZ_CLEAR if zone else 18 * mm,
        title=f"{title} {document.serial}",
        author="República del Perú",
        subject=title,
        creator="sdp",
        invariant=1,
        lang="es",
    )
    pdf.build(
        story,
        onFirstPage=_frame(document, lambda: heading, zone, first_page=True),
        onLaterPages=_frame(document, lambda: heading),
    )
    return buffer.getvalue()


def zone_holder(document: Document) -> mrz.Holder:
    """What a document's machine-readable zone says of its holder (all of it printed on the page
    too)."""
    return mrz.Holder(
        serial=document.serial,
        family_names=document.holder_family_names,
        given_names=document.holder_given_names,
        date_of_birth=day(document.holder_date_of_birth),
        sex=((document.content or {}).get("holder") or {}).get("sex"),
        valid_until=day(document.valid_until),
    )


# --- The five documents ------------------------------------------------------------


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
    return _build(document, story, title)


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
    return _build(document, story, title, zone=mrz.td1(zone_holder(document)))


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
    return _build(
        document, story, "Documento de viaje / Travel document", zone=mrz.td3(zone_holder(document))
    )


def _findings_table(findings: list[dict]) -> Table:
    language = current_language()
    data = [[P(bold(T(name)), CELL) for name in ("State", "Links", "Finding", "Reasoning")]]
    for finding in findings:
        links = ", ".join(T(label(Link(link))) for link in finding.get("links") or [])
        data.append(
            [
                P(e(country_name(finding["country"], language)), CELL),
                P(e(links), CELL),
                P(e(T(label(Finding(finding["finding"])))), CELL),
                P(e(finding.get("reasoning") or "—"), CELL),
            ]
        )
    table = Table(data, colWidths=[30 * mm, 35 * mm, 25 * mm, 80 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, MUTED),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ]
        )
    )
    return table


def _outcome_sentence(decision: dict) -> str:
    outcome = decision["outcome"]
    if outcome == DecisionOutcome.RECOGNIZED:
        return T(
            "The applicant is recognised as a stateless person: no State considers them a national "
            "under the operation of its law (1954 Convention, Article 1(1))."
        )
    if outcome == PersonOutcome.FAMILY_UNITY:
        return T(
            "The person is not recognised as a stateless person: a State considers them a "
            "national. They keep residence in Peru for family unity with a family member "
            "recognised as stateless in the same decision (proposal of the regulation). This "
            "letter is not a statelessness document."
        )
    if outcome == DecisionOutcome.EXCLUDED:
        ground = decision.get("exclusion_ground")
        return T(
            "The applicant is excluded from the protection of the 1954 Convention under its "
            "Article 1(2): %(ground)s.",
            ground=e(T(label(ExclusionGround(ground)))) if ground else "—",
        )
    return T("The application for recognition as a stateless person is rejected.")


def _final_outcome(state: str | None) -> str:
    if state == State.RECOGNIZED:
        return T("As a result, the applicant is recognised as a stateless person.")
    return T("As a result, the application stands rejected.")


def _letter_section(document: Document, language: str) -> list:
    content = document.content or {}
    decision, appeal = content["decision"], content.get("appeal")
    story = []
    if language != "es":
        story.append(P(italic(T("Translation. The Spanish text is authoritative.")), SMALL))
    story += header_block(
        T("Decision on the application for recognition as a stateless person"),
        T("Case %(case)s", case=content.get("case_number", "")),
    )
    rows = (
        holder_rows(document)
        + [
            (T("Decided on"), long_date(decision.get("decided_on"))),
            (T("Notified on"), long_date(decision.get("notified_on"))),
        ]
        + validity_rows(document)
    )
    story += [
        with_qr(fields_table(rows, 118 * mm), document),
        Spacer(1, 4 * mm),
        P(T("Decision"), HEADING),
        P(e(_outcome_sentence(decision))),
        P(T("Findings on each relevant State"), HEADING),
        P(
            T(
                "The examination looked at each State with which the applicant has a relevant "
                "link, and whether that State considers them a national under the operation of its "
                "law, in law and in practice."
            ),
            SMALL,
        ),
        _findings_table(decision.get("findings") or []),
        P(T("Reasons"), HEADING),
        P(e(decision.get("reasons", "")).replace("\n", "<br/>")),
    ]
    if decision.get("decided_by"):
        story.append(
            P(
                T(
                    "Decided by %(name)s, decision-maker, who did not examine the case.",
                    name=e(decision["decided_by"]),
                ),
                SMALL,
            )
        )
    story.append(P(T("Appeal"), HEADING))
    if appeal and appeal.get("outcome"):
        story += [
            P(
                T(
                    "An appeal was lodged on %(lodged)s and decided on %(decided)s: %(outcome)s.",
                    lodged=long_date(appeal.get("lodged_on")),
                    decided=long_date(appeal.get("decided_on")),
                    outcome=e(
                        T(
                            {
                                "upheld": "the first decision stands",
                                "overturned": "the first decision is overturned",
                            }[appeal["outcome"]]
                        )
                    ),
                )
            ),
            P(e(appeal.get("reasons") or "")),
            P(_final_outcome(content.get("final_state"))),
            P(T("This decision is final.")),
        ]
    elif appeal:
        story.append(
            P(
                T(
                    "An appeal was lodged on %(date)s and is pending. The appeal has suspensive "
                    "effect: the applicant remains protected and may not be removed until it is "
                    "decided.",
                    date=long_date(appeal.get("lodged_on")),
                )
            )
        )
    elif decision["outcome"] == DecisionOutcome.RECOGNIZED:
        story.append(
            P(
                T(
                    "The recognition is final on notification. The holder is entitled to an "
                    "identity document (Article 27), a travel document (Article 28) and residence "
                    "in Peru."
                )
            )
        )
        # Law 32421 gives no shorter route today: the letter states the law as it is, and names
        # the facilitated route (1954 Convention, Art. 32) as the proposal it is.
        story.append(
            P(
                T(
                    "Naturalization: under the law in force (Law 32421), the holder may apply for "
                    "Peruvian nationality after %(years)s years of residence, with the law's other "
                    "requirements.",
                    years=content.get("naturalization_general_years", ""),
                )
            )
        )
        story.append(
            P(
                T(
                    "Proposal, not yet law: the proposed regulation would allow facilitated "
                    "naturalization after %(years)s years as a recognised stateless person, "
                    "without the documents a stateless person cannot obtain (Article 32 of the "
                    "1954 Convention). It needs a change of law.",
                    years=content.get("naturalization_years", ""),
                )
            )
        )
    else:
        story.append(
            P(
                T(
                    "You may appeal this decision within %(days)s working days of its "
                    "notification, that is by %(date)s at the latest. The appeal may be lodged "
                    "orally or in writing at the office that registered the application, at no "
                    "cost, with the help of a legal representative if you wish (TUO Ley 27444, "
                    "Articles 218 to 220). Under the proposed regulation it has suspensive effect: "
                    "you remain protected and may not be removed until it is decided.",
                    days=content.get("appeal_window_working_days", ""),
                    date=f"<b>{long_date(decision.get('appeal_due'))}</b>",
                )
            )
        )
    story += [Spacer(1, 4 * mm), verification_note(document)]
    return story


def decision_letter(document: Document) -> bytes:
    languages = (document.languages or "es").split()
    story = []
    for index, language in enumerate(languages):
        if index:
            story.append(PageBreak())
        with force_locale(language):
            story += _letter_section(document, language)
    with force_locale("es"):
        title = T("Decision letter")
    return _build(document, story, title)


BASIS_TEXT = {
    NationalityBasis.IUS_SOLI: (
        "Every person born in the territory of Peru is Peruvian by birth, whatever the nationality "
        "or status of the parents (Constitution of Peru, Article 52; Law 32421)."
    ),
    NationalityBasis.FOUNDLING: (
        "A minor found abandoned in Peru whose parents are unknown is Peruvian by birth (Law "
        "32421; 1961 Convention on the Reduction of Statelessness, Article 2)."
    ),
    NationalityBasis.IUS_SANGUINIS: (
        "A person born abroad to a mother or father who is Peruvian by birth is Peruvian once "
        "registered (Law 32421)."
    ),
}


def birth_record(document: Document) -> bytes:
    content = document.content or {}
    nationality = content.get("nationality") or {}
    with force_locale("es"):
        title = T("Extract of a birth registration")
        country = country_name(nationality.get("country") or "PE", "es")
        basis = nationality.get("basis")
        rows = [(T("Registration number"), content.get("registration_number", ""))]
        rows += holder_rows(document)
        for parent, name in (("mother", T("Mother")), ("father", T("Father"))):
            person = content.get(parent)
            if person:
                rows.append((name, f"{person['given_names']} {person['family_names']}"))
        if content.get("foundling"):
            rows.append((T("Parents"), T("Unknown (foundling)")))
        rows += [
            (T("Registered on"), short_date(content.get("registered_on"))),
            (T("Late registration"), T("Yes") if content.get("late_registration") else T("No")),
            (T("Nationality"), country),
            (T("Basis"), T(label(NationalityBasis(basis))) if basis else "—"),
        ]
        rows += validity_rows(document)
        story = header_block(title, T("Civil registry of births"))
        story += [
            with_qr(fields_table(rows, 118 * mm), document),
            Spacer(1, 6 * mm),
            P(
                T(
                    "Nationality of the child: %(country)s, by %(basis)s.",
                    country=e(country),
                    basis=e(T(label(NationalityBasis(basis))).lower()) if basis else "—",
                )
            ),
        ]
        if basis in BASIS_TEXT:
            story.append(P(T(BASIS_TEXT[NationalityBasis(basis)])))
        story += [Spacer(1, 4 * mm), verification_note(document)]
    return _build(document, story, title)


RENDERERS: dict[str, Callable[[Document], bytes]] = {
    DocumentType.PROVISIONAL_CERTIFICATE: provisional_certificate,
    DocumentType.IDENTITY_DOCUMENT: identity_document,
    DocumentType.TRAVEL_DOCUMENT: travel_document,
    DocumentType.DECISION_LETTER: decision_letter,
    DocumentType.BIRTH_RECORD: birth_record,
}


STAMPS = {
    DocumentStatus.REVOKED: "Revoked: not valid",
    DocumentStatus.EXPIRED: "Expired: not valid",
    DocumentStatus.SUPERSEDED: "Superseded: not valid",
}


def render_pdf(document: Document, status: DocumentStatus = DocumentStatus.VALID) -> bytes:
    """The PDF of an issued document (needs an app context for the locale). A document that
    is no longer valid is stamped across every page with its status."""
    _fonts()
    stamp = None
    if status in STAMPS:
        with force_locale("es"):
            stamp = T(STAMPS[status]).upper()
    token = _STAMP.set(stamp)
    try:
        return RENDERERS[document.type](document)
    finally:
        _STAMP.reset(token)
