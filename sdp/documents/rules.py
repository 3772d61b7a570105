"""When a document stops being valid before its printed date: pure rules, no Flask.

A document is stored ``valid`` until it is revoked or superseded, and expires when its
``valid_until`` passes. Case documents also depend on their holder's own standing in the
procedure (domain.md, section 4: each person is decided on their own):

- a provisional certificate proves that the holder may not be removed: it is ``superseded``
  the day the holder's own decision is final, and lapses (``expired``) once nothing protects
  them any more (the case withdrawn or closed, a referral confirmed), whatever date it shows;
  a referral awaiting the civil registry keeps it valid;
- identity and travel documents need the holder's own recognition: they lapse (``expired``)
  when a cessation of it is final, and count as ``revoked`` when a cancellation for fraud is;
- decision letters and birth records record a fact and do not lapse.
"""

from datetime import date

from ..domain.determination import PersonFacts
from ..domain.vocabulary import DocumentStatus, DocumentType, ProceedingKind


def status(
    stored: DocumentStatus,
    valid_until: date | None,
    document_type: str,
    holder: PersonFacts | None,
    today: date,
) -> DocumentStatus:
    if stored != DocumentStatus.VALID:
        return stored
    if valid_until is not None and today > valid_until:
        return DocumentStatus.EXPIRED
    if holder is None:
        return DocumentStatus.VALID
    if document_type == DocumentType.PROVISIONAL_CERTIFICATE:
        if holder.provisional_certificate_superseded(today):
            return DocumentStatus.SUPERSEDED
        if not holder.protected_from_removal(today):
            return DocumentStatus.EXPIRED
    if document_type in (
        DocumentType.IDENTITY_DOCUMENT,
        DocumentType.TRAVEL_DOCUMENT,
    ) and not holder.recognized(today):
        cancelled = (
            holder.proceeding is not None and holder.proceeding.kind == ProceedingKind.CANCELLATION
        )
        return DocumentStatus.REVOKED if cancelled else DocumentStatus.EXPIRED
    return DocumentStatus.VALID


def depends_on_case(document_type: str) -> bool:
    return document_type in (
        DocumentType.PROVISIONAL_CERTIFICATE,
        DocumentType.IDENTITY_DOCUMENT,
        DocumentType.TRAVEL_DOCUMENT,
    )
