"""The nationality rule as a table of cases (sdp.domain.nationality), and its neighbours:
late registration, parents' status for statistics, referral of dependants born in Peru."""

from datetime import date, timedelta

import pytest

from sdp.domain.deadlines import is_late_birth_registration
from sdp.domain.nationality import (
    PLACE_OF_BIRTH_FIELD,
    Birth,
    Nationality,
    NotPeruvianByBirth,
    Parent,
    ParentsStatus,
    nationality_at_birth,
    parents_status,
    referral_suggested,
)
from sdp.domain.policy import DEFAULT_POLICY, PolicySettings
from sdp.domain.procedure import InvalidField
from sdp.domain.vocabulary import AsylumStatus, NationalityBasis, PeruvianNationalityBasis

NONE, SEEKER, REFUGEE = AsylumStatus.NONE, AsylumStatus.ASYLUM_SEEKER, AsylumStatus.REFUGEE
IUS_SOLI = Nationality("PE", NationalityBasis.IUS_SOLI)
FOUNDLING = Nationality("PE", NationalityBasis.FOUNDLING)
IUS_SANGUINIS = Nationality("PE", NationalityBasis.IUS_SANGUINIS)

VENEZUELAN = Parent("VE")
VENEZUELAN_REFUGEE = Parent("VE", asylum_status=REFUGEE)
VENEZUELAN_SEEKER = Parent("VE", asylum_status=SEEKER)
COLOMBIAN = Parent("CO")
STATELESS = Parent(stateless=True)
STATELESS_REFUGEE = Parent(stateless=True, asylum_status=REFUGEE)
UNKNOWN_NATIONALITY = Parent(None)
PERUVIAN = Parent("PE")  # how they are Peruvian not said: enough in Peru, not abroad
PERUVIAN_BY_BIRTH = Parent("PE", nationality_basis=PeruvianNationalityBasis.BIRTH)

# (why, birth, expected nationality)
GRANTED = [
    (
        "born in Peru, parents with no asylum claim",
        Birth("PE", mother=VENEZUELAN, father=COLOMBIAN),
        IUS_SOLI,
    ),
    ("born in Peru, refugee mother", Birth("PE", mother=VENEZUELAN_REFUGEE), IUS_SOLI),
    ("born in Peru, asylum-seeking mother", Birth("PE", mother=VENEZUELAN_SEEKER), IUS_SOLI),
    (
        "born in Peru, refugee father and asylum-seeking mother",
        Birth("PE", mother=VENEZUELAN_SEEKER, father=Parent("SY", asylum_status=REFUGEE)),
        IUS_SOLI,
    ),
    ("born in Peru, stateless mother", Birth("PE", mother=STATELESS, father=VENEZUELAN), IUS_SOLI),
    (
        "born in Peru, both parents stateless",
        Birth("PE", mother=STATELESS, father=STATELESS),
        IUS_SOLI,
    ),
    (
        "born in Peru, stateless refugee parents",
        Birth("PE", mother=STATELESS_REFUGEE, father=STATELESS_REFUGEE),
        IUS_SOLI,
    ),
    ("born in Peru, father missing", Birth("PE", mother=VENEZUELAN_REFUGEE, father=None), IUS_SOLI),
    ("born in Peru, mother missing", Birth("PE", mother=None, father=COLOMBIAN), IUS_SOLI),
    ("born in Peru, no parent declared (not a foundling)", Birth("PE"), IUS_SOLI),
    (
        "born in Peru, parents' nationality unknown",
        Birth("PE", mother=UNKNOWN_NATIONALITY),
        IUS_SOLI,
    ),
    (
        "born in Peru, Peruvian parents: still ius soli",
        Birth("PE", mother=PERUVIAN, father=PERUVIAN),
        IUS_SOLI,
    ),
    ("foundling found in Peru", Birth("PE", foundling=True), FOUNDLING),
    # Abroad, only through a parent Peruvian by birth (Law 32421):
    # tests/domain/test_nationality_by_birth.py
    (
        "born abroad to a mother Peruvian by birth",
        Birth("VE", mother=PERUVIAN_BY_BIRTH, father=VENEZUELAN),
        IUS_SANGUINIS,
    ),
    (
        "born abroad to a father Peruvian by birth, mother missing",
        Birth("AR", father=PERUVIAN_BY_BIRTH),
        IUS_SANGUINIS,
    ),
    (
        "born abroad to a father Peruvian by birth and a stateless mother",
        Birth("CL", mother=STATELESS, father=PERUVIAN_BY_BIRTH),
        IUS_SANGUINIS,
    ),
]

# (why, birth, whether an SDP screening is suggested)
REFUSED = [
    (
        "born abroad, parents with a nationality and no asylum claim",
        Birth("VE", mother=VENEZUELAN, father=COLOMBIAN),
        False,
    ),
    (
        "born abroad, mother with a nationality, father missing",
        Birth("CO", mother=COLOMBIAN),
        False,
    ),
    ("born abroad, both parents stateless", Birth("VE", mother=STATELESS, father=STATELESS), True),
    ("born abroad, one parent stateless", Birth("EC", mother=STATELESS, father=COLOMBIAN), True),
    (
        "born abroad, refugee parents",
        Birth("EC", mother=VENEZUELAN_REFUGEE, father=VENEZUELAN_REFUGEE),
        True,
    ),
    ("born abroad, asylum-seeking mother", Birth("EC", mother=VENEZUELAN_SEEKER), True),
    ("born abroad, parents' nationality unknown", Birth("BO", mother=UNKNOWN_NATIONALITY), True),
    ("born abroad, no parent known", Birth("BO"), True),
    ("foundling found abroad", Birth("BO", foundling=True), True),
]


@pytest.mark.parametrize(("why", "birth", "expected"), GRANTED, ids=[row[0] for row in GRANTED])
def test_peruvian_by_birth(why, birth, expected):
    assert nationality_at_birth(birth) == expected


@pytest.mark.parametrize(("why", "birth", "screening"), REFUSED, ids=[row[0] for row in REFUSED])
def test_born_abroad_without_a_peruvian_parent_is_refused_with_a_reason(why, birth, screening):
    with pytest.raises(NotPeruvianByBirth) as refusal:
        nationality_at_birth(birth)
    assert refusal.value.status == 422
    assert refusal.value.field == PLACE_OF_BIRTH_FIELD
    assert refusal.value.may_be_stateless is screening
    message = str(refusal.value)
    assert "1961 Convention" in message and "not Peruvian by birth" in message
    assert "statelessness screening" in message


@pytest.mark.parametrize("status", list(AsylumStatus))
@pytest.mark.parametrize("nationality", ["VE", "CO", "SY", None])
def test_every_parent_status_and_nationality_born_in_peru_is_ius_soli(status, nationality):
    parent = Parent(nationality, asylum_status=status)
    assert nationality_at_birth(Birth("PE", mother=parent, father=parent)) == IUS_SOLI
    assert nationality_at_birth(Birth("PE", mother=parent)) == IUS_SOLI


def test_a_foundling_has_no_known_parents():
    with pytest.raises(InvalidField) as refusal:
        nationality_at_birth(Birth("PE", foundling=True, mother=VENEZUELAN))
    assert refusal.value.field == "foundling"
    assert not isinstance(refusal.value, NotPeruvianByBirth)


def test_a_stateless_parent_has_no_nationality():
    with pytest.raises(ValueError):
        Parent("VE", stateless=True)


@pytest.mark.parametrize(
    ("days_after_birth", "late"),
    [(0, False), (1, False), (59, False), (60, False), (61, True), (400, True)],
)
def test_late_registration_is_more_than_60_days_after_birth(days_after_birth, late):
    born = date(2025, 12, 31)
    assert DEFAULT_POLICY.birth_registration_days == 60
    assert (
        is_late_birth_registration(born, born + timedelta(days=days_after_birth), DEFAULT_POLICY)
        is late
    )


def test_the_late_registration_period_is_a_policy_setting():
    born = date(2026, 1, 1)
    assert is_late_birth_registration(
        born, born + timedelta(days=31), PolicySettings(birth_registration_days=30)
    )
    assert not is_late_birth_registration(born, born + timedelta(days=31), DEFAULT_POLICY)


@pytest.mark.parametrize(
    ("mother", "father", "expected"),
    [
        (None, None, ParentsStatus.UNKNOWN),
        (VENEZUELAN, None, ParentsStatus.NONE),
        (VENEZUELAN, COLOMBIAN, ParentsStatus.NONE),
        (VENEZUELAN_SEEKER, COLOMBIAN, ParentsStatus.ASYLUM_SEEKER),
        (VENEZUELAN_SEEKER, VENEZUELAN_REFUGEE, ParentsStatus.REFUGEE),
        (None, VENEZUELAN_REFUGEE, ParentsStatus.REFUGEE),
        (STATELESS, VENEZUELAN_REFUGEE, ParentsStatus.STATELESS),
        (STATELESS, STATELESS, ParentsStatus.STATELESS),
    ],
)
def test_parents_status_counts_each_birth_once_under_the_most_protective_need(
    mother, father, expected
):
    assert parents_status(mother, father) == expected


@pytest.mark.parametrize(
    ("country", "pending", "expected"),
    [("PE", True, True), ("PE", False, False), ("VE", True, False), ("VE", False, False)],
)
def test_referral_is_suggested_for_a_person_born_in_peru_on_a_pending_case(
    country, pending, expected
):
    assert referral_suggested(country, pending) is expected
