from datetime import date

from flask import url_for
from sqlalchemy import Row

from ..domain.vocabulary import DocumentStatus
from .models import Document


def document_dict(document: Document, today: date, status: DocumentStatus | None = None) -> dict:
    """A document as staff see it (the case's ``documents`` and the issuing endpoints)."""
    # Imported here, not at the top: a cycle (sdp.documents.services → sdp.documents.render →
    # sdp.documents.presenters).
    from .services import status_of

    return {
        "serial": document.serial,
        "type": document.type,
        "status": (status or status_of(document, today)).value,
        "issued_on": document.issued_on,
        "valid_until": document.valid_until,
        "pdf_url": url_for("documents_web.pdf", serial=document.serial, _external=False)
        if _has_pdf_route()
        else f"/documents/{document.serial}.pdf",
        "qr": qr_text(document),
        "holder": {
            "given_names": document.holder_given_names,
            "family_names": document.holder_family_names,
            "date_of_birth": document.holder_date_of_birth,
        },
        "person_id": document.person_id,
        "languages": (document.languages or "es").split(),
        "key_id": document.key_id,
        "revoked_on": document.revoked_on,
        "revocation_reason": document.revocation_reason,
    }


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


def _has_pdf_route() -> bool:
    # Could move to the top (no cycle needs it here): left for the package's owners.
    from flask import current_app

    return "documents_web.pdf" in current_app.view_functions
