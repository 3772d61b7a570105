from marshmallow import Schema, fields, validate

from ..domain.vocabulary import DocumentStatus, DocumentType, values
from ..schemas import Country, IsoDate, StrictSchema, Text

CASE_DOCUMENT_TYPES = [
    value for value in values(DocumentType) if value != DocumentType.BIRTH_RECORD
]


class DocumentIssueSchema(StrictSchema):
    type = fields.String(
        required=True,
        validate=validate.OneOf(values(DocumentType)),
        metadata={
            "description": "provisional_certificate, identity_document, travel_document or "
            "decision_letter (a birth_record is issued from its birth registration)"
        },
    )
    person_id = fields.Integer(
        metadata={
            "description": (
                "A person of the case (default: the applicant); 422 for a person of another case"
            ),
            "minimum": 1,
        }
    )
    valid_months = fields.Integer(
        metadata={"description": "Travel document only: 3 to 24 months (default from policy)"}
    )
    valid_except = fields.List(
        Country(),
        validate=validate.Length(max=20),
        metadata={
            "description": (
                "Travel document only: the countries it is not valid for (each item a country "
                "code), printed as 'valid for all countries except ...'. Empty (the default): "
                "valid for all countries (1954 Schedule, para. 4: as many countries as possible, "
                "save in special or exceptional cases)."
            )
        },
    )


class DocumentRevokeSchema(StrictSchema):
    reason = Text(2000)


class DocumentVerifySchema(StrictSchema):
    qr = fields.String(
        required=True,
        validate=validate.Length(min=1, max=4000),
        metadata={
            "description": "The text of the document's QR code: the verification link "
            "(HTTPS://.../V/SDP1:...) or, on documents issued before, SDP1:..."
        },
    )


class DocumentHolderOut(Schema):
    given_names = fields.String()
    family_names = fields.String()
    date_of_birth = IsoDate()


class IssuedDocumentOut(Schema):
    serial = fields.String()
    type = fields.String()
    status = fields.String(metadata={"enum": values(DocumentStatus)})
    issued_on = IsoDate()
    valid_until = IsoDate(allow_none=True)
    pdf_url = fields.String()
    qr = fields.String()
    holder = fields.Nested(DocumentHolderOut)
    person_id = fields.Integer(allow_none=True)
    languages = fields.List(fields.String())
    key_id = fields.String(allow_none=True)
    revoked_on = IsoDate(allow_none=True)
    revocation_reason = fields.String(allow_none=True)


class DocumentCheckOut(Schema):
    serial = fields.String()
    type = fields.String()
    status = fields.String(metadata={"enum": values(DocumentStatus)})
    issued_on = IsoDate()
    valid_until = IsoDate(allow_none=True)
    holder = fields.Nested(DocumentHolderOut)


class DocumentKeyOut(Schema):
    key_id = fields.String()
    algorithm = fields.String()
    public_key = fields.String(
        metadata={"description": "base64url of the 32-byte Ed25519 public key"}
    )
    public_key_pem = fields.String()
    status = fields.String(metadata={"enum": ["current", "retired"]})
    created_at = fields.DateTime()
    retired_at = fields.DateTime(allow_none=True)


class DocumentKeysOut(Schema):
    payload_format = fields.String()
    keys = fields.List(fields.Nested(DocumentKeyOut))
