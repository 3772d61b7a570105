"""A document's life: how long it is valid, when it stops being valid before its printed date,
and when it may be reissued. Pure rules, no Flask; ``sdp.documents.services`` applies them.

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

from . import deadlines
from .calendar import add_months
from .determination import PersonFacts
from .policy import TRAVEL_DOCUMENT_MONTHS, PolicySettings
from .procedure import InvalidField, NotAllowedNow
from .vocabulary import N_, DocumentStatus, DocumentType, ProceedingKind


def validity(
    document_type: str, issued_on: date, valid_months: int | None, policy: PolicySettings
) -> tuple[date | None, int | None]:
    """The printed ``valid_until`` of a new document and, for a travel document, its months.

    Only a travel document's validity may be chosen, within the 1954 Schedule's bounds (para. 5);
    the others take the policy's; decision letters and birth records do not expire."""
    if valid_months is not None and document_type != DocumentType.TRAVEL_DOCUMENT:
        raise InvalidField("valid_months", N_("Only a travel document's validity may be chosen."))
    if document_type == DocumentType.PROVISIONAL_CERTIFICATE:
        return deadlines.provisional_certificate_valid_until(issued_on, policy), None
    if document_type == DocumentType.IDENTITY_DOCUMENT:
        return deadlines.identity_document_valid_until(issued_on, policy), None
    if document_type == DocumentType.TRAVEL_DOCUMENT:
        months = policy.travel_document_months if valid_months is None else valid_months
        shortest, longest = TRAVEL_DOCUMENT_MONTHS
        if not shortest <= months <= longest:
            raise InvalidField(
                "valid_months",
                N_("A travel document is valid for 3 to 24 months (1954 Schedule, para. 5)."),
            )
        return add_months(issued_on, months), months
    return None, None


def check_reissue(stored: DocumentStatus | str) -> None:
    """A lost, damaged or renewed document is replaced by a new one, unless it was revoked (a
    revocation is not undone by a reissue) or has already been replaced."""
    if stored == DocumentStatus.REVOKED:
        raise NotAllowedNow(N_("A revoked document cannot be reissued."))
    if stored == DocumentStatus.SUPERSEDED:
        raise NotAllowedNow(N_("This document was already replaced by a newer one."))


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
