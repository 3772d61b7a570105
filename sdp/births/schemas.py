"""Birth registration's request and response bodies (contract.md, ``POST /api/v1/births``
and ``GET /api/v1/registry/births/{registration_number}``)."""

from marshmallow import ValidationError, fields, validate, validates_schema

from ..cases.schemas import PersonSchema, PlaceOfBirthSchema, one_of
from ..domain.birth_registration import DeclarantRelationship
from ..domain.nationality import PERU
from ..domain.vocabulary import PeruvianNationalityBasis, Sex
from ..schemas import Country, IsoDate, Name, PastDate, StrictBoolean, StrictSchema, Text


class ParentSchema(PersonSchema):
    sex = fields.String(
        validate=one_of(Sex),
        load_default=None,
        allow_none=True,
        metadata={"description": "Defaults to F for the mother and M for the father"},
    )
    nationality = Country(
        allow_none=True,
        load_default=None,
        metadata={
            "description": (
                "The parent's nationality (ISO 3166-1 alpha-2), when known. A stateless parent has "
                "none: leave it out and set stateless to true."
            )
        },
    )
    nationality_basis = fields.String(
        validate=one_of(PeruvianNationalityBasis),
        allow_none=True,
        load_default=None,
        metadata={
            "description": (
                "How a Peruvian parent is Peruvian: birth | naturalization | option. Only with "
                "nationality PE; required for a Peruvian parent of a child born abroad (422 on "
                "<parent>.nationality_basis without it). Law 32421 gives nationality at birth "
                "abroad only through a parent who is Peruvian by birth; a child born abroad whose "
                "only Peruvian parents are Peruvian by naturalization or by option is refused "
                "(422), pointing to a statelessness screening under the 1961 Convention Art. 4 "
                "safeguard for a child who would otherwise be stateless."
            ),
            "example": "birth",
        },
    )
    stateless = StrictBoolean(
        load_default=False,
        metadata={
            "description": (
                "The parent is stateless (no State considers them a national under the operation "
                "of its law). Statelessness is recorded as this flag, never as a country code."
            )
        },
    )
    case_number = fields.String(
        validate=validate.Length(max=20),
        allow_none=True,
        load_default=None,
        metadata={
            "description": (
                "The parent's SDP case number (SDP-<year>-<6 digits>), if any: the birth is linked "
                "to that case. The parent must be a person on that case (same date of birth and "
                "names)."
            ),
            "example": "SDP-2026-000001",
        },
    )

    @validates_schema
    def stateless_has_no_nationality(self, data, **kwargs):
        if data.get("stateless") and data.get("nationality"):
            raise ValidationError(
                "A stateless parent has no nationality: leave it out.", "nationality"
            )

    @validates_schema
    def only_a_peruvian_has_a_peruvian_basis(self, data, **kwargs):
        if data.get("nationality_basis") and data.get("nationality") != PERU:
            raise ValidationError(
                "Only a Peruvian parent is Peruvian by birth, by naturalization or by option: "
                "leave this out, or give PE as the nationality.",
                "nationality_basis",
            )


class ChildSchema(StrictSchema):
    given_names = Name()
    family_names = Name()
    sex = fields.String(required=True, validate=one_of(Sex))
    date_of_birth = PastDate(required=True, not_before="lifetime")
    place_of_birth = fields.Nested(
        PlaceOfBirthSchema,
        required=True,
        metadata={
            "description": "Where the child was born; for a foundling, where the child was found"
        },
    )


class DeclarantSchema(StrictSchema):
    name = Name()
    relationship = fields.String(required=True, validate=one_of(DeclarantRelationship))
    identity_document = fields.String(
        validate=validate.Length(max=40), allow_none=True, load_default=None
    )


class BirthCreateSchema(StrictSchema):
    child = fields.Nested(ChildSchema, required=True)
    mother = fields.Nested(ParentSchema, allow_none=True, load_default=None)
    father = fields.Nested(ParentSchema, allow_none=True, load_default=None)
    foundling = StrictBoolean(
        load_default=False,
        metadata={
            "description": (
                "A child found abandoned whose parents are unknown (then no mother or father)"
            )
        },
    )
    registered_on = PastDate(
        load_default=None, not_before="pilot_start", metadata={"description": "Defaults to today"}
    )
    live_birth_certificate_number = fields.String(
        validate=validate.Length(min=1, max=40),
        allow_none=True,
        load_default=None,
        metadata={
            "description": "The certificado de nacido vivo (CNV) number, when there is one; unique"
        },
    )
    declarant = fields.Nested(
        DeclarantSchema,
        allow_none=True,
        load_default=None,
        metadata={"description": "Who declared the birth"},
    )
    late_registration_evidence = Text(
        required=False,
        allow_none=True,
        load_default=None,
        metadata={
            "description": (
                "Required for a late registration (more than birth_registration_days after the "
                "birth): the supporting evidence of the birth"
            )
        },
    )


class NationalityOut(StrictSchema):
    country = fields.String(metadata={"example": "PE"})
    basis = fields.String(metadata={"description": "ius_soli | foundling | ius_sanguinis"})


class PlaceOut(StrictSchema):
    country = fields.String()
    locality = fields.String(allow_none=True)


class ChildOut(StrictSchema):
    given_names = fields.String()
    family_names = fields.String()
    sex = fields.String()
    date_of_birth = IsoDate()
    place_of_birth = fields.Nested(PlaceOut)


class BirthCreatedOut(StrictSchema):
    registration_number = fields.String(metadata={"example": "NAC-2026-0000123-5"})
    late_registration = StrictBoolean()
    nationality = fields.Nested(NationalityOut)
    registered_on = IsoDate()
    child = fields.Nested(ChildOut)


class RegistryBirthOut(StrictSchema):
    """The least data that serves a civil registry check: never parents, asylum or evidence."""

    registration_number = fields.String()
    child = fields.Nested(ChildOut)
    nationality = fields.Nested(NationalityOut)
    late_registration = StrictBoolean()


class ParentOut(StrictSchema):
    given_names = fields.String()
    family_names = fields.String()
    date_of_birth = IsoDate()
    nationality = fields.String(allow_none=True)
    nationality_basis = fields.String(
        allow_none=True, metadata={"description": "birth | naturalization | option"}
    )
    stateless = StrictBoolean()
    asylum_status = fields.String(allow_none=True)
    case_number = fields.String(allow_none=True)


class DeclarantOut(StrictSchema):
    name = fields.String(allow_none=True)
    relationship = fields.String(allow_none=True)
    identity_document = fields.String(allow_none=True)


class BirthOut(StrictSchema):
    """The whole record, for registrars and supervisors."""

    registration_number = fields.String()
    child = fields.Nested(ChildOut)
    foundling = StrictBoolean()
    mother = fields.Nested(ParentOut, allow_none=True)
    father = fields.Nested(ParentOut, allow_none=True)
    nationality = fields.Nested(NationalityOut)
    registered_on = IsoDate()
    late_registration = StrictBoolean()
    late_registration_evidence = fields.String(allow_none=True)
    live_birth_certificate_number = fields.String(allow_none=True)
    declarant = fields.Nested(DeclarantOut, allow_none=True)
