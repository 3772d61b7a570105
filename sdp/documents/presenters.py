from datetime import date

from flask import url_for

from .models import Document


def document_dict(document: Document, today: date) -> dict:
    return {
        "serial": document.serial,
        "type": document.type,
        "status": document.current_status(today).value,
        "issued_on": document.issued_on,
        "valid_until": document.valid_until,
        "pdf_url": url_for("documents_web.pdf", serial=document.serial, _external=False)
        if _has_pdf_route() else f"/documents/{document.serial}.pdf",
        "qr": getattr(document, "qr_payload", None) or "",
    }


def _has_pdf_route() -> bool:
    from flask import current_app

    return "documents_web.pdf" in current_app.view_functions
