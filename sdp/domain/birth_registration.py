"""Birth registration numbers and the duplicate guard, as pure rules.

Registration numbers read ``NAC-<year>-<7 digits>-<check digit>``, for example
``NAC-2026-0000123-5``: the year of registration, a sequence within that year, and an
ISO 7064 MOD 11-10 check digit over the eleven digits before it, so a mistyped number
is rejected before any look-up. Seven digits hold ten million registrations a year
(Peru certifies about 400,000 births a year).

The duplicate key identifies "the same child": date and place of birth, the mother (her
names and date of birth), and the child's names, each folded (accents, case, spacing)
so that "José" and "JOSE" are the same name. The database holds it under a UNIQUE
constraint, so two registrations of one child cannot both be committed, even when two
registrars submit at the same instant.
"""

import hashlib
import re
from datetime import date
from enum import StrEnum

from .check_digits import mod_11_10_check_digit, mod_11_10_is_valid
from .names import name_key
from .vocabulary import N_

PREFIX = "NAC"
SEQUENCE_DIGITS = 7
MAX_SEQUENCE = 10**SEQUENCE_DIGITS - 1
_PATTERN = re.compile(rf"^{PREFIX}-(\d{{4}})-(\d{{{SEQUENCE_DIGITS}}})-(\d)$")


def format_registration_number(year: int, sequence: int) -> str:
    if not 1 <= sequence <= MAX_SEQUENCE:
        raise OverflowError(f"birth registration sequence {sequence} is outside 1..{MAX_SEQUENCE}")
    if not 1000 <= year <= 9999:
        raise ValueError(f"year {year} does not have four digits")
    digits = f"{year:04d}{sequence:0{SEQUENCE_DIGITS}d}"
    return f"{PREFIX}-{year:04d}-{sequence:0{SEQUENCE_DIGITS}d}-{mod_11_10_check_digit(digits)}"


def is_valid_registration_number(number: str) -> bool:
    """Well formed and its check digit right (it may still be unknown to the registry)."""
    match = _PATTERN.match(number.strip().upper()) if isinstance(number, str) else None
    return match is not None and mod_11_10_is_valid("".join(match.groups()))


def normalise_registration_number(number: str) -> str:
    return number.strip().upper()


def duplicate_key(
    *,
    child_given_names: str,
    child_family_names: str,
    date_of_birth: date,
    birth_country: str,
    birth_locality: str | None,
    mother_given_names: str | None,
    mother_family_names: str | None,
    mother_date_of_birth: date | None,
) -> str:
    """A fixed-length key (SHA-256, hex) that is equal for two registrations of the same child."""
    parts = [
        date_of_birth.isoformat(),
        birth_country.upper(),
        name_key(birth_locality or ""),
        name_key(mother_given_names or ""),
        name_key(mother_family_names or ""),
        mother_date_of_birth.isoformat() if mother_date_of_birth else "",
        name_key(child_given_names),
        name_key(child_family_names),
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


class DeclarantRelationship(StrEnum):
    """Who declared the birth to the registrar."""

    MOTHER = "mother"
    FATHER = "father"
    RELATIVE = "relative"
    HEALTH_FACILITY = "health_facility"
    AUTHORITY = "authority"  # for example the child protection authority, for a foundling
    OTHER = "other"


DECLARANT_LABELS = {
    DeclarantRelationship.MOTHER: N_("Mother"),
    DeclarantRelationship.FATHER: N_("Father"),
    DeclarantRelationship.RELATIVE: N_("Another relative"),
    DeclarantRelationship.HEALTH_FACILITY: N_("The health facility of the birth"),
    DeclarantRelationship.AUTHORITY: N_("An authority (for example child protection)"),
    DeclarantRelationship.OTHER: N_("Other"),
}
