"""Field types the whole API shares: countries, languages, dates not in the future."""

import re
from collections.abc import Mapping
from functools import lru_cache

import pycountry
from babel import Locale
from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate

from . import clock
from .domain.text import ALLOWED_TEXT_PATTERN, LONE_SURROGATE, NUL, text_fault


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    # ISO 3166-1 alpha-2, plus XK (Kosovo), which the ICAO and UNHCR use.
    return frozenset(country.alpha_2 for country in pycountry.countries) | {"XK"}


def country_name(code: str | None, language: str = "en") -> str:
    """The country's name in ``language`` (CLDR, through Babel): the pages, the documents and the
    statistics all name countries here, so a holder reads on their document the name the officer
    saw on screen."""
    if not code:
        return ""
    return _territories(language).get(code.upper()) or code


@lru_cache(maxsize=8)
def _territories(language: str) -> Mapping[str, str]:
    return Locale.parse(language).territories


class Country(fields.String):
    """An ISO 3166-1 alpha-2 code; lower case is accepted and stored upper case."""

    def __init__(self, **kwargs):
        metadata = kwargs.setdefault("metadata", {})
        description = metadata.get("description")
        metadata.update(
            {
                "example": "VE",
                # The codes the server accepts, stated (upper case; lower case is accepted too).
                "enum": sorted(country_codes()),
                "description": (
                    description + ". " if description and "alpha-2" not in description else ""
                )
                + (
                    description
                    if description and "alpha-2" in description
                    else "ISO 3166-1 alpha-2"
                )
                + " (or XK); lower case is accepted and stored upper case",
            }
        )
        super().__init__(validate=validate.Length(equal=2), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        code = super()._deserialize(value, attr, data, **kwargs).upper()
        if code not in country_codes():
            raise ValidationError(f"{value!r} is not an ISO 3166-1 alpha-2 country code.")
        return code


_BCP47 = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


@lru_cache(maxsize=1)
def language_codes() -> frozenset[str]:
    codes = set()
    for language in pycountry.languages:
        codes.add(language.alpha_3)
        if hasattr(language, "alpha_2"):
            codes.add(language.alpha_2)
    return frozenset(codes)


def valid_language(tag: str) -> bool:
    return bool(_BCP47.match(tag)) and tag.split("-")[0].lower() in language_codes()


class Language(fields.String):
    """A BCP 47 language tag whose primary language is an ISO 639 code (es, pt-BR, quz, wayuu →
    guc)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).update(
            {
                "pattern": _BCP47.pattern,
                "maxLength": 35,
                "description": (
                    "A BCP 47 language tag whose primary language is an ISO 639 code (es, qu, "
                    "pt-BR)"
                ),
            }
        )
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        tag = super()._deserialize(value, attr, data, **kwargs).strip()
        # 35 characters: RFC 5646's longest useful tag, and the database columns' width.
        if len(tag) > 35 or not valid_language(tag):
            raise ValidationError(f"{value!r} is not a BCP 47 language tag.")
        return tag


_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


ISO_DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


class IsoDate(fields.Date):
    """A calendar date written ``YYYY-MM-DD``, and nothing else: Python's ``fromisoformat``
    also takes ``19900101`` and other ISO 8601 forms the contract does not promise."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).setdefault("pattern", ISO_DATE_PATTERN)
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not _ISO_DATE.match(value):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class StrictBoolean(fields.Boolean):
    """A JSON ``true`` or ``false``: not ``"yes"``, ``"1"`` or ``1``, which marshmallow would
    otherwise read as booleans."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class PastDate(IsoDate):
    """A date that is not in the future (in Lima's calendar). ``not_before`` states in the
    OpenAPI description the lower bound the services enforce (sdp/domain/dates.py)."""

    def __init__(self, not_before: str | None = None, **kwargs):
        metadata = kwargs.setdefault("metadata", {})
        metadata["x-not-after"] = "today"
        bound = " Not in the future (Lima's calendar)."
        if not_before:
            metadata["x-not-before"] = not_before
            bound += " " + NOT_BEFORE[not_before]
        metadata["description"] = (
            metadata.get("description", "") + "." if metadata.get("description") else ""
        ) + bound
        metadata["description"] = metadata["description"].strip()
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        if day > clock.today():
            raise ValidationError("The date may not be in the future.")
        return day


# The lower bounds of dates (sdp/domain/dates.py), as the OpenAPI description states them.
NOT_BEFORE = {
    "pilot_start": (
        "Not before the pilot's first day (policy setting pilot_start) nor before the date of "
        "birth of anyone registered."
    ),
    "registered_on": "Not before the case's registration date.",
    "sent_on": "Not before the inquiry was sent.",
    "decision_notified_on": "Not before the decision was notified.",
    "proposal_notified_on": "Not before the proposal was notified.",
    "referred_on": "Not before the referral was made.",
    "lifetime": (
        "Not more than 130 years ago; for a person being registered, not after the registration "
        "date."
    ),
    "birth": "Not before the person's date of birth.",
}


def Text(max_length: int = 20000, **kwargs):  # noqa: N802 - a field factory
    """Required free text that is not blank."""
    return fields.String(
        required=kwargs.pop("required", True),
        validate=[validate.Length(min=1, max=max_length), not_blank],
        **kwargs,
    )


def text_pattern_attribute(converter, field, ret=None, **kwargs) -> dict:
    """An apispec attribute function: every text an API body takes states the characters the
    server refuses (``sdp.domain.text``: no NUL, no lone surrogate) as a JSON Schema pattern."""
    parent = getattr(field, "parent", None)
    if (
        isinstance(field, fields.String)
        and not isinstance(field, (Country, Language))
        and isinstance(parent, StrictSchema)
        and "enum" not in (ret or {})
        and "pattern" not in field.metadata
    ):
        return {"pattern": ALLOWED_TEXT_PATTERN}
    return {}


def Name(**kwargs):  # noqa: N802
    return Text(200, **kwargs)


def not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("May not be blank.")


TEXT_FAULT_MESSAGES = {
    NUL: "May not contain the NUL character (\\u0000).",
    LONE_SURROGATE: (
        "May not contain a lone surrogate (an unpaired \\ud800-\\udfff escape): not a character."
    ),
}


class StrictSchema(Schema):
    """Unknown fields are an error that names them; so is a text the database cannot store (a
    NUL character, a lone surrogate: ``sdp.domain.text``), which would otherwise fail in the
    database, as a 500. Every text of every body passes here: nested objects are StrictSchemas
    too, and lists of texts are checked item by item."""

    class Meta:
        unknown = RAISE
        ordered = True

    @pre_load
    def _storable_texts(self, data, **kwargs):
        if isinstance(data, Mapping):
            faulty = {}
            for key, value in data.items():
                fault = _text_fault_in(value)
                if fault is None and isinstance(key, str):
                    fault = text_fault(key)
                if fault is not None:
                    faulty[key if text_fault(str(key)) is None else repr(key)] = [
                        TEXT_FAULT_MESSAGES[fault]
                    ]
            if faulty:
                raise ValidationError(faulty)
        return data


def _text_fault_in(value) -> str | None:
    # Nested objects are checked by their own (strict) schema.
    if isinstance(value, str):
        return text_fault(value)
    if isinstance(value, (list, tuple)):
        return next(
            (fault for item in value if isinstance(item, str) and (fault := text_fault(item))), None
        )
    return None


class ErrorSchema(StrictSchema):
    """The contract's error body; every error of the API has this shape (``sdp.errors``)."""

    code = fields.Integer(
        required=True, metadata={"description": "The HTTP status code", "example": 422}
    )
    status = fields.String(
        required=True,
        metadata={"description": "The HTTP reason phrase", "example": "Unprocessable Entity"},
    )
    message = fields.String(
        required=True,
        metadata={
            "description": "A readable sentence saying what is wrong",
            "example": "Invalid or missing fields. date_of_birth: Not a valid date.",
        },
    )
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={
            "description": "Where fields are at fault: the field (dotted path for nested fields, "
            "`_body` for the body as a whole) and its messages",
            "example": {"date_of_birth": ["Not a valid date."]},
        },
    )
