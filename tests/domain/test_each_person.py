"""Each person decided on their own (domain.md, section 4): the rules as tables of facts and
results."""

from datetime import date, timedelta

import pytest

from sdp.domain.determination import PersonFacts, ProceedingFacts, nobody_remains, outcome_refusal
from sdp.domain.vocabulary import (
    DocumentType,
    Finding,
    PersonOutcome,
    ProceedingKind,
    ProceedingStatus,
    ReferralStatus,
)

TODAY = date(2026, 12, 7)
NATIONAL, NOT_NATIONAL, UNDETERMINED = Finding.NATIONAL, Finding.NOT_NATIONAL, Finding.UNDETERMINED


def person(*findings, **facts) -> PersonFacts:
    return PersonFacts(person_id=1, name="Ana Quispe", findings=tuple(findings), **facts)


# outcome, the person's findings, exclusion ground, family member recognised → refusal names (None:
# allowed)
OUTCOME_TABLE = [
    (PersonOutcome.RECOGNIZED, [("CO", NOT_NATIONAL), ("VE", NOT_NATIONAL)], None, False, None),
    (PersonOutcome.RECOGNIZED, [("CO", NOT_NATIONAL), ("VE", NATIONAL)], None, False, "VE"),
    (PersonOutcome.RECOGNIZED, [("CO", UNDETERMINED)], None, False, "CO"),
    (PersonOutcome.RECOGNIZED, [], None, False, "no relevant State"),
    (PersonOutcome.REJECTED, [("CO", NATIONAL)], None, False, None),
    (
        PersonOutcome.REJECTED,
        [("CO", NOT_NATIONAL), ("VE", NOT_NATIONAL)],
        None,
        False,
        "cannot be rejected",
    ),
    (PersonOutcome.EXCLUDED, [("CO", NOT_NATIONAL)], "serious_crime", False, None),
    (PersonOutcome.EXCLUDED, [("CO", NOT_NATIONAL)], None, False, "Art. 1(2)"),
    (PersonOutcome.FAMILY_UNITY, [("CO", NATIONAL)], None, True, None),
    (PersonOutcome.FAMILY_UNITY, [("CO", NATIONAL)], None, False, "family member recognised"),
    (PersonOutcome.FAMILY_UNITY, [("CO", NOT_NATIONAL)], None, True, "holds a nationality"),
]


@pytest.mark.parametrize(("outcome", "findings", "ground", "family", "refused_for"), OUTCOME_TABLE)
def test_an_outcome_must_agree_with_that_persons_findings(
    outcome, findings, ground, family, refused_for
):
    refusal = outcome_refusal(
        person(*findings), outcome, exclusion_ground=ground, family_member_recognized=family
    )
    if refused_for is None:
        assert refusal is None
    else:
        message, params = refusal
        assert params["name"] == "Ana Quispe"
        assert refused_for in (message % params)


NOTIFIED = TODAY - timedelta(days=30)
WINDOW_OPEN, WINDOW_PASSED = TODAY + timedelta(days=3), TODAY - timedelta(days=3)

# the person's facts → (decision final, protected from removal, provisional certificate, identity
# document)
STANDING_TABLE = [
    ("awaiting a decision", {}, (False, True, None, "own recognition")),
    (
        "referral pending",
        {"referral": ReferralStatus.PENDING},
        (False, True, None, "own recognition"),
    ),
    (
        "confirmed Peruvian",
        {"referral": ReferralStatus.CONFIRMED_PERUVIAN, "outcome": PersonOutcome.REFERRED},
        (True, False, "decision is not final", "own recognition"),
    ),
    (
        "recognised",
        {"outcome": PersonOutcome.RECOGNIZED, "notified_on": NOTIFIED, "appeal_due": WINDOW_OPEN},
        (True, True, "decision is not final", None),
    ),
    (
        "rejected, window open",
        {"outcome": PersonOutcome.REJECTED, "notified_on": NOTIFIED, "appeal_due": WINDOW_OPEN},
        (False, True, None, "own recognition"),
    ),
    (
        "rejected, window passed",
        {"outcome": PersonOutcome.REJECTED, "notified_on": NOTIFIED, "appeal_due": WINDOW_PASSED},
        (True, False, "decision is not final", "own recognition"),
    ),
    (
        "rejected, appeal pending",
        {"outcome": PersonOutcome.REJECTED, "appeal_due": WINDOW_PASSED, "appeal_lodged": True},
        (False, True, None, "own recognition"),
    ),
    (
        "family unity (holds a nationality)",
        {"outcome": PersonOutcome.FAMILY_UNITY, "appeal_due": WINDOW_PASSED},
        (True, True, "decision is not final", "own recognition"),
    ),
    (
        "case withdrawn before a decision",
        {"case_pending": False},
        (False, False, "decision is not final", "own recognition"),
    ),
]


@pytest.mark.parametrize(
    ("label", "facts", "expected"), STANDING_TABLE, ids=[row[0] for row in STANDING_TABLE]
)
def test_each_persons_standing_and_documents(label, facts, expected):
    final, protected, certificate, identity = expected
    someone = person(**facts)
    assert someone.decision_is_final(TODAY) is final
    assert someone.protected_from_removal(TODAY) is protected
    for document_type, refused_for in (
        (DocumentType.PROVISIONAL_CERTIFICATE, certificate),
        (DocumentType.IDENTITY_DOCUMENT, identity),
        (DocumentType.TRAVEL_DOCUMENT, identity),
    ):
        refusal = someone.document_refusal(document_type, TODAY)
        assert (refusal is None) == (refused_for is None), (document_type, refusal)
        if refused_for:
            assert refused_for in refusal


def ceased(appeal_due, **facts) -> ProceedingFacts:
    return ProceedingFacts(
        kind=ProceedingKind.CESSATION,
        status=ProceedingStatus.CEASED,
        appeal_due=appeal_due,
        **facts,
    )


# a recognised person's proceeding → (still recognised, protected from removal with a grace period
# to ``until``)
PROCEEDING_TABLE = [
    (
        "proposed",
        ProceedingFacts(kind=ProceedingKind.CESSATION, status=ProceedingStatus.PROPOSED),
        None,
        (True, True),
    ),
    ("ceased, appeal window open", ceased(WINDOW_OPEN), None, (True, True)),
    ("ceased, appealed", ceased(WINDOW_PASSED, appeal_lodged=True), None, (True, True)),
    (
        "ceased, final, within the grace period",
        ceased(WINDOW_PASSED),
        TODAY + timedelta(days=80),
        (False, True),
    ),
    (
        "ceased, final, grace period over",
        ceased(WINDOW_PASSED),
        TODAY - timedelta(days=1),
        (False, False),
    ),
    (
        "ceased, overturned on appeal",
        ceased(WINDOW_PASSED, appeal_lodged=True, appeal_decided=True, appeal_overturned=True),
        None,
        (True, True),
    ),
    (
        "maintained",
        ProceedingFacts(kind=ProceedingKind.CESSATION, status=ProceedingStatus.MAINTAINED),
        None,
        (True, True),
    ),
]


@pytest.mark.parametrize(
    ("label", "proceeding", "until", "expected"),
    PROCEEDING_TABLE,
    ids=[row[0] for row in PROCEEDING_TABLE],
)
def test_documents_lapse_only_when_a_cessation_is_final(label, proceeding, until, expected):
    recognized, protected = expected
    someone = person(outcome=PersonOutcome.RECOGNIZED, notified_on=NOTIFIED, proceeding=proceeding)
    assert someone.recognized(TODAY) is recognized
    assert (someone.document_refusal(DocumentType.IDENTITY_DOCUMENT, TODAY) is None) is recognized
    assert someone.protected_from_removal(TODAY, until) is protected


def test_a_case_ends_only_when_nobody_remains():
    confirmed = person(referral=ReferralStatus.CONFIRMED_PERUVIAN, outcome=PersonOutcome.REFERRED)
    assert nobody_remains([confirmed, confirmed])
    assert not nobody_remains([confirmed, person()])
    assert not nobody_remains([confirmed, person(referral=ReferralStatus.REFUSED)])
