"""The registry checks' query and answer (contract.md, "Civil registry checks")."""

from marshmallow import ValidationError, fields, validate, validates

from ..domain.names import name_key
from ..domain.vocabulary import State, values
from ..schemas import Name, PastDate, StrictBoolean, StrictSchema


class PersonQuerySchema(StrictSchema):
    given_names = Name(
        metadata={
            "description": "As written in any document: accents, case and spacing do not matter",
            "example": "María José",
        }
    )
    family_names = Name(metadata={"example": "Pérez Gómez"})
    date_of_birth = PastDate(required=True, metadata={"example": "1991-03-14"})

    @validates("given_names")
    def _given_names_have_letters(self, value: str, **kwargs) -> None:
        _has_letters(value)

    @validates("family_names")
    def _family_names_have_letters(self, value: str, **kwargs) -> None:
        _has_letters(value)


def _has_letters(name: str) -> None:
    # "---" is not blank, but it matches no one: its search key is empty.
    if not name_key(name):
        raise ValidationError("A name needs at least one letter or digit.")


class PersonMatchOut(StrictSchema):
    case_number = fields.String(required=True, metadata={"example": "SDP-2026-000123"})
    status = fields.String(
        required=True,
        validate=validate.OneOf(values(State)),
        metadata={"description": "The state of the case (domain.md, vocabulary)"},
    )
    protected_from_removal = StrictBoolean(
        required=True,
        metadata={
            "description": (
                "True while the case is pending (including appeal) or the person is recognised as "
                "stateless: the person may not be removed from Peru."
            )
        },
    )


class PersonMatchesOut(StrictSchema):
    matches = fields.List(
        fields.Nested(PersonMatchOut),
        required=True,
        metadata={
            "description": (
                "Every case of a person with these names and date of birth, as applicant or "
                "dependant; empty when there is none."
            )
        },
    )
