"""Confidentiality of asylum claims (UNHCR Handbook on Statelessness, paras. 100-101).

When anyone on a case is an asylum seeker or refugee, the authorities of the State
they fear persecution from must never be contacted, and nothing of the claim disclosed.
The system refuses such an inquiry; it does not merely warn.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from .vocabulary import AsylumStatus


@dataclass(frozen=True)
class AsylumClaim:
    status: AsylumStatus
    country: str | None


def protected_countries(claims: Iterable[AsylumClaim]) -> set[str]:
    """The States that may not be contacted about anyone on the case."""
    return {
        claim.country.upper()
        for claim in claims
        if claim.status in (AsylumStatus.ASYLUM_SEEKER, AsylumStatus.REFUGEE) and claim.country
    }


def may_contact(country: str, claims: Iterable[AsylumClaim]) -> bool:
    return country.upper() not in protected_countries(claims)
