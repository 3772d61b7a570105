"""The policy settings of the proposed procedure (domain.md, section 3).

Every time limit and validity lives here, once, with its default and its source, so
legislators can see and change each proposal and no number hides as a literal in code.
An environment variable ``SDP_<NAME>`` (for example ``SDP_APPEAL_WINDOW_WORKING_DAYS=20``)
overrides a default.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any, TypeVar

from .vocabulary import N_

_Value = TypeVar("_Value", int, date)

# The shortest and longest validity of a travel document (1954 Schedule, para. 5).
TRAVEL_DOCUMENT_MONTHS = (3, 24)


def _setting(default: _Value, unit: str, description: str, source: str) -> _Value:
    return field(
        default=default, metadata={"unit": unit, "description": description, "source": source}
    )


@dataclass(frozen=True)
class PolicySettings:
    decision_due_months: int = _setting(
        6,
        N_("months"),
        N_("First-instance decision due after registration"),
        N_("UNHCR Handbook on Protection of Stateless Persons (2014), para. 75"),
    )
    extended_decision_due_months: int = _setting(
        12,
        N_("months"),
        N_("Decision due after one reasoned extension, for any stated reason"),
        N_("UNHCR Handbook (2014), para. 75; Uruguay Law 19.682, art. 31"),
    )
    inquiry_response_days: int = _setting(
        90,
        N_("calendar days"),
        N_("Response period of an inquiry to a State's authorities"),
        N_("Policy choice"),
    )
    appeal_window_working_days: int = _setting(
        15,
        N_("working days"),
        N_("Appeal window after notification of the decision"),
        N_("TUO Ley 27444, Art. 218.2"),
    )
    appeal_decision_working_days: int = _setting(
        30,
        N_("working days"),
        N_("Appeal decision due after lodging"),
        N_("TUO Ley 27444, Art. 218.2"),
    )
    provisional_certificate_months: int = _setting(
        6,
        N_("months"),
        N_(
            "Printed validity of the provisional certificate (renewable; valid until the final "
            "decision)"
        ),
        N_("Policy choice"),
    )
    identity_document_years: int = _setting(
        5,
        N_("years"),
        N_("Validity of the identity document of a recognised stateless person"),
        N_("1954 Convention, Art. 27; UNHCR Handbook (2014), para. 148"),
    )
    travel_document_months: int = _setting(
        24,
        N_("months"),
        N_("Validity of the travel document (the Schedule allows 3 to 24 months)"),
        N_("1954 Convention, Art. 28 and Schedule, para. 5"),
    )
    birth_registration_days: int = _setting(
        60,
        N_("calendar days"),
        N_("Ordinary birth registration period; later is a late registration"),
        N_("DS 015-98-PCM (RENIEC regulation)"),
    )
    naturalization_years: int = _setting(
        2,
        N_("years"),
        N_(
            "Residence as a recognised stateless person before facilitated naturalization: a "
            "proposal that needs a change of law (Law 32421's general rule is 5 years)"
        ),
        N_("1954 Convention, Art. 32; Brazil Plan of Action (2014), ch. 6; proposal"),
    )
    cessation_reply_working_days: int = _setting(
        10,
        N_("working days"),
        N_("Reply period after notification of a proposal to declare cessation or cancellation"),
        N_("TUO Ley 27444 (hearing before an unfavourable act); policy choice"),
    )
    residence_after_cessation_days: int = _setting(
        90,
        N_("calendar days"),
        N_("Lawful residence kept after a cessation becomes final"),
        N_("Brazil Decree 9.199, art. 107; policy choice"),
    )
    naturalization_general_years: int = _setting(
        5,
        N_("years"),
        N_(
            "Residence required for naturalization under the law today (with its other "
            "requirements)"
        ),
        N_("Law 32421 (2025)"),
    )
    priority_age_years: int = _setting(
        18,
        N_("years"),
        N_("Applicants younger than this are children and their cases are prioritised"),
        N_("UNHCR Handbook (2014), para. 119; Convention on the Rights of the Child, Art. 3"),
    )
    # A date, not a length: no application or birth is registered before it (sdp/domain/dates.py).
    pilot_start: date = _setting(
        date(2026, 1, 1),
        "",
        N_("First day of the pilot: no registration may be dated earlier"),
        N_("Legislative Decree 1725 (2026): set to the first day of the pilot"),
    )
    statistics_max_period_months: int = _setting(
        60,
        N_("months"),
        N_("Longest period one statistics report may cover"),
        N_("Policy choice (bounds the size of a report)"),
    )

    def __post_init__(self) -> None:
        for spec in fields(self):
            value = getattr(self, spec.name)
            if isinstance(spec.default, date):
                if not isinstance(value, date):
                    raise ValueError(f"policy setting {spec.name} must be a date, not {value!r}")
                continue
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(
                    f"policy setting {spec.name} must be a positive whole number, not {value!r}"
                )
        if self.extended_decision_due_months < self.decision_due_months:
            raise ValueError("the extended decision period cannot be shorter than the ordinary one")
        shortest, longest = TRAVEL_DOCUMENT_MONTHS
        if not shortest <= self.travel_document_months <= longest:
            raise ValueError("the 1954 Schedule allows a travel document of 3 to 24 months")

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> "PolicySettings":
        overrides: dict[str, Any] = {}
        for spec in fields(cls):
            raw = environ.get(f"SDP_{spec.name.upper()}")
            if raw is None:
                continue
            if isinstance(spec.default, date):
                try:
                    overrides[spec.name] = date.fromisoformat(raw) if len(raw) == 10 else None
                except ValueError:
                    overrides[spec.name] = None
                if overrides[spec.name] is None:
                    raise ValueError(
                        f"SDP_{spec.name.upper()} must be a date YYYY-MM-DD, not {raw!r}"
                    )
                continue
            try:
                overrides[spec.name] = int(raw)
            except ValueError as error:
                raise ValueError(
                    f"SDP_{spec.name.upper()} must be a whole number, not {raw!r}"
                ) from error
        return replace(cls(), **overrides)

    def describe(self) -> list[dict[str, Any]]:
        """Each setting with its value, default, unit, description and source."""
        defaults = PolicySettings()
        return [
            {
                "name": spec.name,
                "value": _plain(getattr(self, spec.name)),
                "default": _plain(getattr(defaults, spec.name)),
                "unit": spec.metadata["unit"],
                "description": spec.metadata["description"],
                "source": spec.metadata["source"],
            }
            for spec in fields(self)
        ]


def _plain(value: int | date) -> int | str:
    """A setting as the procedure document and ``GET /api/v1/procedure`` show it: a date as
    YYYY-MM-DD (its unit is empty)."""
    return value.isoformat() if isinstance(value, date) else value


DEFAULT_POLICY = PolicySettings()
