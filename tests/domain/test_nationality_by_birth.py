"""Law 32421 for a child born abroad, as a table (sdp.domain.nationality, pure Python).

A child born abroad is Peruvian (``ius_sanguinis``, once registered) only through a parent who is
Peruvian **by birth**. A parent Peruvian by naturalization or by option passes on no nationality
at birth abroad: the registration is refused, pointing to a statelessness screening under the
1961 Convention Art. 4 safeguard (for a child who would otherwise be stateless). A Peruvian
parent of a child born abroad must say how they are Peruvian: without it the rule cannot decide.
Born in Peru or found in Peru, the parents' basis plays no part.
"""

import pytest

from sdp.domain.nationality import (
    NATIONALITY_BASIS_NOT_PERUVIAN,
    PLACE_OF_BIRTH_FIELD,
    STATELESS_PARENT_HAS_NO_NATIONALITY,
    Birth,
    Nationality,
    NotPeruvianByBirth,
    Parent,
    check_parent,
    nationality_at_birth,
    nationality_basis_needed,
    parent_refusal,
)
from sdp.domain.procedure import InvalidField
from sdp.domain.vocabulary import AsylumStatus, NationalityBasis, PeruvianNationalityBasis

BY_BIRTH = Parent("PE", nationality_basis=PeruvianNationalityBasis.BIRTH)
NATURALIZED = Parent("PE", nationality_basis=PeruvianNationalityBasis.NATURALIZATION)
BY_OPTION = Parent("PE", nationality_basis=PeruvianNationalityBasis.OPTION)
PERUVIAN_BASIS_UNKNOWN = Parent("PE")
ARGENTINE = Parent("AR")
STATELESS = Parent(stateless=True)
UNKNOWN = Parent(None)
VENEZUELAN_REFUGEE = Parent("VE", asylum_status=AsylumStatus.REFUGEE)

IUS_SOLI = Nationality("PE", NationalityBasis.IUS_SOLI)
FOUNDLING = Nationality("PE", NationalityBasis.FOUNDLING)
IUS_SANGUINIS = Nationality("PE", NationalityBasis.IUS_SANGUINIS)

# Each row: the facts, and what the rule says. An outcome is a Nationality, ("refused",
# may_be_stateless) or ("basis needed", the field named).
ROWS = [
    # Born abroad to a parent Peruvian by birth: Peruvian once registered.
    ("abroad, mother Peruvian by birth", Birth("AR", mother=BY_BIRTH), IUS_SANGUINIS),
    ("abroad, father Peruvian by birth", Birth("AR", father=BY_BIRTH), IUS_SANGUINIS),
    (
        "abroad, mother by birth and an Argentine father",
        Birth("AR", mother=BY_BIRTH, father=ARGENTINE),
        IUS_SANGUINIS,
    ),
    (
        "abroad, father by birth and a stateless mother",
        Birth("CL", mother=STATELESS, father=BY_BIRTH),
        IUS_SANGUINIS,
    ),
    (
        "abroad, mother by birth and father naturalized",
        Birth("AR", mother=BY_BIRTH, father=NATURALIZED),
        IUS_SANGUINIS,
    ),
    (
        "abroad, mother by option and father by birth",
        Birth("AR", mother=BY_OPTION, father=BY_BIRTH),
        IUS_SANGUINIS,
    ),
    (
        "abroad, both parents Peruvian by birth",
        Birth("US", mother=BY_BIRTH, father=BY_BIRTH),
        IUS_SANGUINIS,
    ),
    # Born abroad, the only Peruvian parent(s) naturalized or by option: refused, screening pointed
    # to.
    (
        "abroad, father naturalized only, no mother declared",
        Birth("AR", father=NATURALIZED),
        ("refused", True),
    ),
    (
        "abroad, father naturalized, mother's nationality unknown",
        Birth("AR", mother=UNKNOWN, father=NATURALIZED),
        ("refused", True),
    ),
    (
        "abroad, father naturalized, stateless mother",
        Birth("AR", mother=STATELESS, father=NATURALIZED),
        ("refused", True),
    ),
    ("abroad, mother by option only", Birth("BO", mother=BY_OPTION), ("refused", True)),
    (
        "abroad, both parents naturalized",
        Birth("AR", mother=NATURALIZED, father=NATURALIZED),
        ("refused", True),
    ),
    (
        "abroad, mother naturalized, father by option",
        Birth("AR", mother=NATURALIZED, father=BY_OPTION),
        ("refused", True),
    ),
    (
        "abroad, father naturalized, refugee mother",
        Birth("EC", mother=VENEZUELAN_REFUGEE, father=NATURALIZED),
        ("refused", True),
    ),
    (
        "abroad, father naturalized, Argentine mother",
        Birth("AR", mother=ARGENTINE, father=NATURALIZED),
        ("refused", False),
    ),
    # A Peruvian parent of a child born abroad who does not say how: the rule cannot decide.
    (
        "abroad, Peruvian mother, basis not given",
        Birth("AR", mother=PERUVIAN_BASIS_UNKNOWN),
        ("basis needed", "mother"),
    ),
    (
        "abroad, Peruvian father, basis not given, Argentine mother",
        Birth("AR", mother=ARGENTINE, father=PERUVIAN_BASIS_UNKNOWN),
        ("basis needed", "father"),
    ),
    (
        "abroad, mother by birth, Peruvian father without basis: still asked",
        Birth("AR", mother=BY_BIRTH, father=PERUVIAN_BASIS_UNKNOWN),
        ("basis needed", "father"),
    ),
    # In Peru the parents' basis plays no part (ius soli), and a foundling found in Peru is
    # Peruvian.
    ("in Peru, naturalized father", Birth("PE", father=NATURALIZED), IUS_SOLI),
    (
        "in Peru, Peruvian mother, basis not given",
        Birth("PE", mother=PERUVIAN_BASIS_UNKNOWN),
        IUS_SOLI,
    ),
    (
        "in Peru, mother by option, Argentine father",
        Birth("PE", mother=BY_OPTION, father=ARGENTINE),
        IUS_SOLI,
    ),
    ("foundling found in Peru", Birth("PE", foundling=True), FOUNDLING),
]


@pytest.mark.parametrize(("why", "birth", "expected"), ROWS, ids=[row[0] for row in ROWS])
def test_nationality_of_a_child_by_the_parents_basis(why, birth, expected):
    if isinstance(expected, Nationality):
        assert nationality_at_birth(birth) == expected
        return
    outcome, detail = expected
    if outcome == "refused":
        with pytest.raises(NotPeruvianByBirth) as refusal:
            nationality_at_birth(birth)
        assert refusal.value.status == 422 and refusal.value.field == PLACE_OF_BIRTH_FIELD
        assert refusal.value.may_be_stateless is detail
        message = str(refusal.value)
        assert "Law 32421" in message and "Peruvian by birth" in message
        assert "1961 Convention Art. 4" in message and "statelessness screening" in message
        assert "would otherwise be stateless" in message
    else:
        with pytest.raises(InvalidField) as refusal:
            nationality_at_birth(birth)
        assert not isinstance(refusal.value, NotPeruvianByBirth)
        assert refusal.value.status == 422
        assert refusal.value.field == f"{detail}.nationality_basis"
        assert "by birth" in str(refusal.value) and "naturalization" in str(refusal.value)


def test_a_naturalized_parent_never_passes_on_nationality_abroad_whatever_the_other_parent():
    for other in (None, ARGENTINE, STATELESS, UNKNOWN, VENEZUELAN_REFUGEE, NATURALIZED, BY_OPTION):
        with pytest.raises(NotPeruvianByBirth):
            nationality_at_birth(Birth("AR", mother=other, father=NATURALIZED))


def test_the_refusal_claims_no_automatic_nationality_under_article_4():
    """Art. 4 is a safeguard for a child who would otherwise be stateless, examined in a
    screening."""
    for birth in (
        Birth("AR", father=NATURALIZED),
        Birth("AR", mother=ARGENTINE, father=NATURALIZED),
    ):
        with pytest.raises(NotPeruvianByBirth) as refusal:
            nationality_at_birth(birth)
        message = str(refusal.value)
        assert "only through a parent who is Peruvian by birth" in message
        assert "ius sanguinis" not in message.lower()


def test_only_a_peruvian_parent_has_a_peruvian_nationality_basis():
    with pytest.raises(ValueError):
        Parent("AR", nationality_basis=PeruvianNationalityBasis.BIRTH)
    with pytest.raises(ValueError):
        Parent(stateless=True, nationality_basis=PeruvianNationalityBasis.NATURALIZATION)
    assert (
        Parent("PE", nationality_basis="option").nationality_basis
        is PeruvianNationalityBasis.OPTION
    )


def test_the_vocabulary_of_the_basis():
    assert [member.value for member in PeruvianNationalityBasis] == [
        "birth",
        "naturalization",
        "option",
    ]


def test_a_parent_s_nationality_as_given_is_judged_by_one_rule():
    """sdp.domain.nationality.parent_refusal: the schema, the service, the form and Parent ask
    it."""
    assert parent_refusal("AR", True, None) == ("nationality", STATELESS_PARENT_HAS_NO_NATIONALITY)
    assert parent_refusal("VE", False, "birth") == (
        "nationality_basis",
        NATIONALITY_BASIS_NOT_PERUVIAN,
    )
    assert parent_refusal(None, True, "option") == (
        "nationality_basis",
        NATIONALITY_BASIS_NOT_PERUVIAN,
    )
    assert parent_refusal("PE", False, "birth") is None
    assert parent_refusal(None, True, None) is None
    with pytest.raises(InvalidField) as refused:
        check_parent("father", "AR", True, None)
    assert refused.value.field == "father.nationality"
    with pytest.raises(ValueError, match="A stateless parent has no nationality"):
        Parent("AR", stateless=True)


@pytest.mark.parametrize(
    ("country", "foundling", "needed"),
    [("AR", False, True), (None, False, True), ("PE", False, False), ("AR", True, False)],
)
def test_a_peruvian_parent_says_how_only_for_a_child_born_abroad(country, foundling, needed):
    """The birth form asks it on the parent's own page, before the service would refuse."""
    assert nationality_basis_needed(country, foundling) is needed
