"""A document's life, stated once in sdp/domain/document_lifecycle.py: validity, lapse, reissue."""

from datetime import date, timedelta

import pytest

from sdp.domain import document_lifecycle as lifecycle
from sdp.domain.determination import PersonFacts, ProceedingFacts
from sdp.domain.policy import DEFAULT_POLICY, TRAVEL_DOCUMENT_MONTHS, PolicySettings
from sdp.domain.procedure import InvalidField, NotAllowedNow
from sdp.domain.vocabulary import (
    DocumentStatus,
    DocumentType,
    PersonOutcome,
    ProceedingKind,
    ProceedingStatus,
)

TODAY = date(2026, 12, 7)
VALID = DocumentStatus.VALID


def recognised(proceeding: ProceedingFacts | None = None) -> PersonFacts:
    return PersonFacts(
        1, outcome=PersonOutcome.RECOGNIZED, notified_on=TODAY, proceeding=proceeding
    )


def final_proceeding(kind: ProceedingKind, status: ProceedingStatus) -> ProceedingFacts:
    past = TODAY - timedelta(days=60)
    return ProceedingFacts(kind, status, appeal_due=past)


def test_a_document_past_its_printed_date_expires_and_a_stored_status_stands():
    yesterday = TODAY - timedelta(days=1)
    assert lifecycle.status(VALID, yesterday, DocumentType.BIRTH_RECORD, None, TODAY) == "expired"
    assert lifecycle.status(VALID, TODAY, DocumentType.BIRTH_RECORD, None, TODAY) == VALID
    revoked = DocumentStatus.REVOKED
    assert lifecycle.status(revoked, None, DocumentType.BIRTH_RECORD, None, TODAY) == revoked


def test_identity_and_travel_documents_lapse_with_their_holder_s_recognition():
    ceased = recognised(final_proceeding(ProceedingKind.CESSATION, ProceedingStatus.CEASED))
    cancelled = recognised(
        final_proceeding(ProceedingKind.CANCELLATION, ProceedingStatus.CANCELLED)
    )
    for kind in (DocumentType.IDENTITY_DOCUMENT, DocumentType.TRAVEL_DOCUMENT):
        assert lifecycle.status(VALID, None, kind, recognised(), TODAY) == VALID
        assert lifecycle.status(VALID, None, kind, ceased, TODAY) == DocumentStatus.EXPIRED
        assert lifecycle.status(VALID, None, kind, cancelled, TODAY) == DocumentStatus.REVOKED
    # A decision letter records a fact: it does not lapse.
    assert lifecycle.status(VALID, None, DocumentType.DECISION_LETTER, ceased, TODAY) == VALID


def test_a_provisional_certificate_is_superseded_by_its_holder_s_final_decision():
    undecided = PersonFacts(1)
    certificate = DocumentType.PROVISIONAL_CERTIFICATE
    assert lifecycle.status(VALID, None, certificate, undecided, TODAY) == VALID
    superseded = lifecycle.status(VALID, None, certificate, recognised(), TODAY)
    assert superseded == DocumentStatus.SUPERSEDED
    withdrawn = PersonFacts(1, case_pending=False)
    assert lifecycle.status(VALID, None, certificate, withdrawn, TODAY) == DocumentStatus.EXPIRED
    assert lifecycle.depends_on_case(certificate)
    assert not lifecycle.depends_on_case(DocumentType.BIRTH_RECORD)


def test_only_a_travel_document_s_validity_is_chosen_within_the_schedule_s_bounds():
    shortest, longest = TRAVEL_DOCUMENT_MONTHS
    assert (shortest, longest) == (3, 24)  # 1954 Schedule, para. 5
    travel = DocumentType.TRAVEL_DOCUMENT
    assert lifecycle.validity(travel, TODAY, longest, DEFAULT_POLICY)[1] == longest
    for months in (shortest - 1, longest + 1):
        with pytest.raises(InvalidField):
            lifecycle.validity(travel, TODAY, months, DEFAULT_POLICY)
    with pytest.raises(InvalidField):
        lifecycle.validity(DocumentType.IDENTITY_DOCUMENT, TODAY, 12, DEFAULT_POLICY)
    assert lifecycle.validity(DocumentType.BIRTH_RECORD, TODAY, None, DEFAULT_POLICY) == (
        None,
        None,
    )
    # The policy setting is held to the same bounds.
    with pytest.raises(ValueError, match="3 to 24"):
        PolicySettings(travel_document_months=longest + 1)


def test_a_revoked_or_replaced_document_is_never_reissued():
    lifecycle.check_reissue(DocumentStatus.VALID)
    lifecycle.check_reissue(DocumentStatus.EXPIRED)
    for stored in (DocumentStatus.REVOKED, DocumentStatus.SUPERSEDED):
        with pytest.raises(NotAllowedNow):
            lifecycle.check_reissue(stored)
