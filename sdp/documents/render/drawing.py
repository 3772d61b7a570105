"""What every document's PDF shares (reportlab): fonts, styles, text and date helpers, the QR
code, the building blocks (fields, the QR column, the verification note), the page frame and the
machine-readable zone. Each document's own layout is its module beside this one.

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
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from ...domain.vocabulary import Sex, label
from .. import mrz
from ..i18n import T, country_name, current_language
from ..models import Document
from ..presenters import qr_text

FONTS = Path(__file__).parent.parent / "fonts"
STAMP: ContextVar[str | None] = ContextVar("document_stamp", default=None)
FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
OCR_B = "OCR-B"  # machine-readable zones (ICAO Doc 9303, part 3)
INK, MUTED, ACCENT = (
    colors.HexColor("#1a1a1a"),
    colors.HexColor("#555555"),
    colors.HexColor("#8c1d18"),
)


@lru_cache(maxsize=1)
def register_fonts() -> None:
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
        stamp = STAMP.get()
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


def build(
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
