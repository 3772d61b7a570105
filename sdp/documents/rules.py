"""When a document stops being valid before its printed date: pure rules, no Flask.

A document is stored ``valid`` until it is revoked or superseded, and expires when its
``valid_until`` passes. Case documents also depend on the case that supports them:

- a provisional certificate proves that the holder may not be removed; it lapses
  (``expired``) once the case no longer protects them (withdrawn, closed, referred, a
  final rejection, cessation or cancellation), whatever date it shows;
- identity and travel documents need the recognition: they lapse (``expired``) when it
  ceases, and count as ``revoked`` when it is cancelled for fraud;
- decision letters and birth records record a fact and do not lapse.
"""

from datetime import date

from ..domain.procedure import CaseFacts
from ..domain.vocabulary import DocumentStatus, DocumentType, State


def status(stored: DocumentStatus, valid_until: date | None, document_type: str,
           case: CaseFacts | None, today: date) -> DocumentStatus:
    if stored != DocumentStatus.VALID:
        return stored
    if valid_until is not None and today > valid_until:
        return DocumentStatus.EXPIRED
    if case is None:
        return DocumentStatus.VALID
    if document_type == DocumentType.PROVISIONAL_CERTIFICATE and not case.protected_from_removal(today):
        return DocumentStatus.EXPIRED
    if document_type in (DocumentType.IDENTITY_DOCUMENT, DocumentType.TRAVEL_DOCUMENT) and case.state != State.RECOGNIZED:
        return DocumentStatus.REVOKED if case.state == State.CANCELLED else DocumentStatus.EXPIRED
    return DocumentStatus.VALID


def depends_on_case(document_type: str) -> bool:
    return document_type in (DocumentType.PROVISIONAL_CERTIFICATE, DocumentType.IDENTITY_DOCUMENT,
                             DocumentType.TRAVEL_DOCUMENT)
