"""Nationality at birth under Peru's law, as one pure rule.

- Born in Peru → Peruvian by birth, basis ``ius_soli``, whatever the parents' nationality
  or status: refugee, asylum seeker, stateless, irregular (Constitution Art. 52; Law 32421).
- A foundling found in Peru whose parents are unknown → Peruvian by birth, basis
  ``foundling`` (Law 32421; 1961 Convention Art. 2).
- Born abroad to a parent who is Peruvian **by birth** → Peruvian once registered, basis
  ``ius_sanguinis`` (Law 32421).
- Born abroad where the only Peruvian parent(s) are Peruvian by naturalization or by option →
  not Peruvian by birth: Law 32421 gives nationality at birth abroad only through a parent
  Peruvian by birth. Refused, with a pointer to a statelessness screening: if the child would
  otherwise be stateless, the 1961 Convention Art. 4 safeguard applies. That is a screening,
  not an automatic nationality.
- Born abroad to a Peruvian parent who does not say how they are Peruvian → the rule cannot
  decide: the parent's ``nationality_basis`` is asked for (never assumed to be "by birth").
- Born abroad with no Peruvian parent → not Peruvian by birth: refused, with a pointer to a
  statelessness screening when the child may be stateless. Peru's duties to avoid
  statelessness at birth reach children born in its territory (1961 Convention Art. 1) and
  children born abroad to a Peruvian parent who would otherwise be stateless (Art. 4); for
  other children the State of birth and the parents' States are the relevant States, and the
  SDP examines them.

A parent's nationality is an ISO 3166-1 alpha-2 code, or unknown (``None``); a stateless
parent has ``stateless=True`` and no nationality. Statelessness is a fact about the
parent, not a country, so it is never stored as a fake country code. A Peruvian parent's
``nationality_basis`` says how they are Peruvian: by birth, by naturalization or by option.
"""

from dataclasses import dataclass
from enum import StrEnum

from .procedure import InvalidField
from .vocabulary import N_, AsylumStatus, NationalityBasis, PeruvianNationalityBasis

PERU = "PE"

# The field a refusal is about (the API's and the web form's name for it).
PLACE_OF_BIRTH_FIELD = "child.place_of_birth.country"

STATELESS_PARENT_HAS_NO_NATIONALITY = N_("A stateless parent has no nationality: leave it empty.")


def parent_refusal(
    nationality: str | None, stateless: bool, nationality_basis: str | None
) -> tuple[str, str] | None:
    """What is wrong with a parent's nationality as given, as (field, message), or None.

    The one statement of these two rules, which the API's schema, the service, the web form and
    ``Parent`` itself apply: a stateless parent has no nationality (statelessness is a fact about
    the person, never a country), and only a Peruvian parent is Peruvian by birth, by
    naturalization or by option."""
    if stateless and nationality:
        return "nationality", STATELESS_PARENT_HAS_NO_NATIONALITY
    if nationality_basis and nationality != PERU:
        return "nationality_basis", NATIONALITY_BASIS_NOT_PERUVIAN
    return None


def nationality_basis_needed(child_country: str | None, foundling: bool) -> bool:
    """Whether a Peruvian parent must say how they are Peruvian (``NATIONALITY_BASIS_NEEDED``):
    for a child born abroad, where it decides the child's nationality (Law 32421); never for a
    child born in Peru (ius soli) nor a foundling (no parent). ``nationality_at_birth`` asks it
    in this case; the birth form asks it on the parent's question before the service does."""
    return not foundling and child_country != PERU


def check_parent(
    role: str, nationality: str | None, stateless: bool, nationality_basis: str | None
) -> None:
    """Raise ``InvalidField`` naming ``<role>.<field>`` when ``parent_refusal`` finds a fault."""
    refusal = parent_refusal(nationality, stateless, nationality_basis)
    if refusal:
        field, message = refusal
        raise InvalidField(f"{role}.{field}", message)


@dataclass(frozen=True)
class Parent:
    nationality: str | None = None  # ISO 3166-1 alpha-2; None when unknown or stateless
    stateless: bool = False
    asylum_status: AsylumStatus = AsylumStatus.NONE
    # How a Peruvian parent is Peruvian; None when not given (or not Peruvian).
    nationality_basis: PeruvianNationalityBasis | None = None

    def __post_init__(self) -> None:
        refusal = parent_refusal(self.nationality, self.stateless, self.nationality_basis)
        if refusal:
            raise ValueError(refusal[1])
        if self.nationality_basis is not None:
            object.__setattr__(
                self, "nationality_basis", PeruvianNationalityBasis(self.nationality_basis)
            )

    @property
    def peruvian(self) -> bool:
        return self.nationality == PERU

    @property
    def peruvian_by_birth(self) -> bool:
        return self.peruvian and self.nationality_basis == PeruvianNationalityBasis.BIRTH

    @property
    def passes_on_a_nationality(self) -> bool:
        """Known to hold a nationality the child may take from them at birth abroad: any but
        a Peruvian nationality held by naturalization or by option (Law 32421)."""
        return bool(self.nationality) and (not self.peruvian or self.peruvian_by_birth)


@dataclass(frozen=True)
class Birth:
    country: str  # where the child was born; for a foundling, where the child was found
    foundling: bool = False
    mother: Parent | None = None
    father: Parent | None = None

    @property
    def parents(self) -> tuple[Parent, ...]:
        return tuple(parent for parent in (self.mother, self.father) if parent is not None)

    @property
    def parents_by_role(self) -> tuple[tuple[str, Parent], ...]:
        """``(("mother", parent), ("father", parent))``, the ones declared: the roles are the
        API's and the web form's field names."""
        return tuple(
            (role, parent)
            for role, parent in (("mother", self.mother), ("father", self.father))
            if parent is not None
        )


@dataclass(frozen=True)
class Nationality:
    country: str
    basis: NationalityBasis


class NotPeruvianByBirth(InvalidField):
    """Peru's law gives this child no nationality at birth: the registration is refused (422).

    ``may_be_stateless`` says whether the registrar should point the family to a
    statelessness screening (an ex officio SDP application for the child).
    """

    def __init__(self, message: str, may_be_stateless: bool) -> None:
        self.may_be_stateless = may_be_stateless
        super().__init__(PLACE_OF_BIRTH_FIELD, message)


BORN_ABROAD_MAY_BE_STATELESS = N_(
    "Born abroad with no Peruvian parent: the child is not Peruvian by birth (Constitution Art. "
    "52, Law 32421) and cannot be registered as Peruvian. Peru's duties under the 1961 Convention "
    "reach children born in Peru (Art. 1) and children born abroad to a Peruvian parent who would "
    "otherwise be stateless (Art. 4). The child may be stateless: open a statelessness screening "
    "(an ex officio SDP application) for the child."
)
BORN_ABROAD = N_(
    "Born abroad with no Peruvian parent: the child is not Peruvian by birth (Constitution Art. "
    "52, Law 32421) and cannot be registered as Peruvian. Peru's duties under the 1961 Convention "
    "reach children born in Peru (Art. 1) and children born abroad to a Peruvian parent who would "
    "otherwise be stateless (Art. 4). If no State recognises the child as a national, open a "
    "statelessness screening (an ex officio SDP application)."
)
PARENT_NOT_PERUVIAN_BY_BIRTH_MAY_BE_STATELESS = N_(
    "Born abroad to a parent who is Peruvian by naturalization or by option, and to no parent "
    "Peruvian by birth: the child is not Peruvian by birth and cannot be registered as Peruvian. "
    "Law 32421 gives nationality at birth abroad only through a parent who is Peruvian by birth. "
    "If the child would otherwise be stateless, the 1961 Convention Art. 4 safeguard applies, and "
    "the child may be stateless: open a statelessness screening (an ex officio SDP application) "
    "for the child."
)
PARENT_NOT_PERUVIAN_BY_BIRTH = N_(
    "Born abroad to a parent who is Peruvian by naturalization or by option, and to no parent "
    "Peruvian by birth: the child is not Peruvian by birth and cannot be registered as Peruvian. "
    "Law 32421 gives nationality at birth abroad only through a parent who is Peruvian by birth. "
    "If the child would otherwise be stateless (no State recognises the child as a national), the "
    "1961 Convention Art. 4 safeguard applies: open a statelessness screening (an ex officio SDP "
    "application) for the child."
)
NATIONALITY_BASIS_NEEDED = N_(
    "Say how this parent is Peruvian: by birth, by naturalization or by option. For a child born "
    "abroad it decides the nationality: Law 32421 gives nationality at birth abroad only through a "
    "parent who is Peruvian by birth."
)
NATIONALITY_BASIS_NOT_PERUVIAN = N_(
    "Only a Peruvian parent is Peruvian by birth, by naturalization or by option: leave this out, "
    "or give Peru as the parent's nationality."
)
FOUNDLING_ABROAD = N_(
    "A foundling found outside Peru is not Peruvian by birth: Peru's foundling rule (Law 32421; "
    "1961 Convention Art. 2) covers children found in its territory. The child may be stateless: "
    "open a statelessness screening (an ex officio SDP application) for the child."
)
FOUNDLING_WITH_PARENTS = N_(
    "A foundling's parents are unknown: leave the mother and father out, or do not mark the child "
    "as a foundling."
)


def may_be_stateless(birth: Birth) -> bool:
    """Whether a child born abroad who is not Peruvian by birth may have no nationality at all.

    So when no parent has a known nationality it can pass on (a Peruvian nationality held by
    naturalization or by option passes on none at birth abroad: Law 32421), or a parent is
    stateless, or a parent is a refugee or asylum seeker (who cannot turn to their State's
    consulate to register the child, and whose State may not count the birth).
    """
    if birth.foundling or not birth.parents:
        return True
    if any(
        parent.stateless or parent.asylum_status != AsylumStatus.NONE for parent in birth.parents
    ):
        return True
    return not any(parent.passes_on_a_nationality for parent in birth.parents)


def nationality_at_birth(birth: Birth) -> Nationality:
    """Peru's nationality and its basis for this birth, or ``NotPeruvianByBirth``."""
    if birth.foundling:
        if birth.parents:
            raise InvalidField("foundling", FOUNDLING_WITH_PARENTS)
        if birth.country != PERU:
            raise NotPeruvianByBirth(FOUNDLING_ABROAD, may_be_stateless=True)
        return Nationality(PERU, NationalityBasis.FOUNDLING)
    if birth.country == PERU:
        # The parents' nationality, asylum or migration status play no part: that is the point.
        return Nationality(PERU, NationalityBasis.IUS_SOLI)
    peruvian = [(role, parent) for role, parent in birth.parents_by_role if parent.peruvian]
    for role, parent in peruvian:
        if parent.nationality_basis is None:  # never assumed: it decides the child's nationality
            raise InvalidField(f"{role}.nationality_basis", NATIONALITY_BASIS_NEEDED)
    if any(parent.peruvian_by_birth for _, parent in peruvian):
        return Nationality(PERU, NationalityBasis.IUS_SANGUINIS)  # Law 32421
    stateless_risk = may_be_stateless(birth)
    if (
        peruvian
    ):  # Peruvian by naturalization or by option only: 1961 Convention Art. 4 is a screening
        raise NotPeruvianByBirth(
            PARENT_NOT_PERUVIAN_BY_BIRTH_MAY_BE_STATELESS
            if stateless_risk
            else PARENT_NOT_PERUVIAN_BY_BIRTH,
            stateless_risk,
        )
    raise NotPeruvianByBirth(
        BORN_ABROAD_MAY_BE_STATELESS if stateless_risk else BORN_ABROAD, stateless_risk
    )


# --- Related rules ------------------------------------------------------------------


class ParentsStatus(StrEnum):
    """The parents' status a birth is counted under in the statistics: each birth once.

    When the parents differ, the most protective need counts: a stateless parent first, then
    a refugee, then an asylum seeker, then a parent with none of these; ``unknown`` when no
    parent is recorded (a foundling, or a child declared with no parent known).
    """

    STATELESS = "stateless"
    REFUGEE = "refugee"
    ASYLUM_SEEKER = "asylum_seeker"
    NONE = "none"
    UNKNOWN = "unknown"


PARENTS_STATUS_LABELS = {
    ParentsStatus.STATELESS: N_("A stateless parent"),
    ParentsStatus.REFUGEE: N_("A refugee parent"),
    ParentsStatus.ASYLUM_SEEKER: N_("An asylum-seeking parent"),
    ParentsStatus.NONE: N_("Parents neither stateless, refugees nor asylum seekers"),
    ParentsStatus.UNKNOWN: N_("Parents unknown"),
}


def parents_status(*parents: Parent | None) -> ParentsStatus:
    known = [parent for parent in parents if parent is not None]
    if not known:
        return ParentsStatus.UNKNOWN
    if any(parent.stateless for parent in known):
        return ParentsStatus.STATELESS
    for status, category in (
        (AsylumStatus.REFUGEE, ParentsStatus.REFUGEE),
        (AsylumStatus.ASYLUM_SEEKER, ParentsStatus.ASYLUM_SEEKER),
    ):
        if any(parent.asylum_status == status for parent in known):
            return category
    return ParentsStatus.NONE


def referral_suggested(birth_country: str, case_pending: bool) -> bool:
    """A person born in Peru is Peruvian by birth (ius soli): on a pending SDP case they are
    referred to birth registration or nationality confirmation, not examined as stateless."""
    return case_pending and birth_country == PERU
