"""What the documents' own endpoints and pages show of a document: its QR code's text, and what a
partner or the public verification page may know (``registry_dict``). Staff's view of a document,
which the case's JSON shows too, is ``sdp.documents.services.document_dict``."""

from sqlalchemy import Row

from ..domain.vocabulary import DocumentStatus
from .models import Document


def qr_text(document: Document) -> str:
    """What the document's QR code holds: the verification link, or the bare signed payload on
    documents issued before the codes became links."""
    return (document.content or {}).get("qr_text") or document.qr_payload or ""


def registry_dict(document: Document | Row, status: DocumentStatus) -> dict:
    """What a partner system (and the public verification page) may know: nothing more."""
    return {
        "serial": document.serial,
        "type": document.type,
        "status": status.value,
        "issued_on": document.issued_on,
        "valid_until": document.valid_until,
        "holder": {
            "given_names": document.holder_given_names,
            "family_names": document.holder_family_names,
            "date_of_birth": document.holder_date_of_birth,
        },
    }
