"""The PDFs of the five documents (reportlab), one module per type; what they share (fonts,
styles, the QR code, the page frame, the machine-readable zone) is ``drawing.py``.

A PDF is rendered from the issued ``Document`` alone (its columns and the ``content`` snapshot
taken at issue), in invariant mode: the same document always gives the same bytes.
"""

from collections.abc import Callable

from flask_babel import force_locale

from ...domain.vocabulary import DocumentStatus, DocumentType
from ..i18n import T_, T
from ..models import Document
from .birth_record import birth_record
from .decision_letter import decision_letter
from .drawing import STAMP, register_fonts
from .identity_document import identity_document
from .provisional_certificate import provisional_certificate
from .travel_document import travel_document

RENDERERS: dict[str, Callable[[Document], bytes]] = {
    DocumentType.PROVISIONAL_CERTIFICATE: provisional_certificate,
    DocumentType.IDENTITY_DOCUMENT: identity_document,
    DocumentType.TRAVEL_DOCUMENT: travel_document,
    DocumentType.DECISION_LETTER: decision_letter,
    DocumentType.BIRTH_RECORD: birth_record,
}


STAMPS = {
    DocumentStatus.REVOKED: T_("Revoked: not valid"),
    DocumentStatus.EXPIRED: T_("Expired: not valid"),
    DocumentStatus.SUPERSEDED: T_("Superseded: not valid"),
}


def render_pdf(document: Document, status: DocumentStatus = DocumentStatus.VALID) -> bytes:
    """The PDF of an issued document (needs an app context for the locale). A document that
    is no longer valid is stamped across every page with its status."""
    register_fonts()
    stamp = None
    if status in STAMPS:
        with force_locale("es"):
            stamp = T(STAMPS[status]).upper()
    token = STAMP.set(stamp)
    try:
        return RENDERERS[document.type](document)
    finally:
        STAMP.reset(token)
