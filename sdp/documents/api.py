"""Documents through the API: issuing and revoking (staff), the registry checks (partners),
and the public keys (anyone). Thin: parse, authorise, call a service."""

from flask_smorest import abort
from sqlalchemy import select

from .. import clock
from ..api import (
    BEARER,
    OPEN,
    Blueprint,
    current_principal,
    errors,
    if_match,
    scope_required,
    staff_required,
)
from ..births.models import BirthRegistration
from ..cases import services as cases
from ..domain.vocabulary import Role, Scope
from ..extensions import db
from . import services, signing
from .models import Document
from .payload import PREFIX
from .presenters import registry_dict
from .schemas import (
    DocumentCheckOut,
    DocumentIssueSchema,
    DocumentKeysOut,
    DocumentRevokeSchema,
    DocumentVerifySchema,
    IssuedDocumentOut,
)

blp = Blueprint(
    "documents_api",
    __name__,
    description=(
        "Documents: issue and revoke (staff), check (partners with registry:read), public keys "
        "(anyone)."
    ),
)


def _staff_document(serial: str) -> Document:
    document = services.find(serial)
    if document is None:
        abort(404, message="There is no document with this serial.")
    if not services.may_read(current_principal(), document):
        abort(403, message="Your role may not see this document.")
    return document


@blp.route("/applications/<int:application_id>/documents", methods=["POST"])
@staff_required()
@blp.doc(security=BEARER)
@blp.arguments(DocumentIssueSchema)
@blp.response(201, IssuedDocumentOut)
@errors(blp, 409)
def issue(data, application_id):
    """Issue a document from a case (intake_officer, the case's officer, supervisor); 409 where the
    case's state does not allow that document."""
    application = cases.load_case(current_principal(), application_id, if_match())
    document = services.issue_document(
        current_principal(),
        application,
        data["type"],
        person_id=data.get("person_id"),
        valid_months=data.get("valid_months"),
        valid_except=data.get("valid_except"),
    )
    return services.document_dict(document, clock.today())


@blp.route("/applications/<int:application_id>/documents", methods=["GET"])
@staff_required()
@blp.doc(security=BEARER)
@blp.response(200, IssuedDocumentOut(many=True))
def list_case_documents(application_id):
    """The documents of a case, oldest first."""
    application = cases.load_case(current_principal(), application_id, if_match())
    return services.case_documents(application.id, clock.today())


@blp.route("/births/<registration_number>/documents", methods=["POST"])
@staff_required(Role.REGISTRAR, Role.SUPERVISOR)
@blp.doc(security=BEARER)
@blp.response(201, IssuedDocumentOut)
@errors(blp, 409)
def issue_birth_record(registration_number):
    """Issue the extract of a birth registration (registrar, supervisor). No body: the extract is
    the only document a birth registration gives."""
    birth = db.session.execute(
        select(BirthRegistration).where(
            BirthRegistration.registration_number == registration_number
        )
    ).scalar_one_or_none()
    if birth is None:
        abort(404, message=f"There is no birth registration {registration_number}.")
    return services.document_dict(
        services.issue_birth_record(current_principal(), birth), clock.today()
    )


@blp.route("/documents/<serial:serial>", methods=["GET"])
@staff_required()
@blp.doc(security=BEARER)
@blp.response(200, IssuedDocumentOut)
def get_document(serial):
    """A document as staff who may read its case see it. Audited."""
    document = _staff_document(serial)
    services.record_read(current_principal(), document, "api")
    return services.document_dict(document, clock.today())


@blp.route("/documents/<serial:serial>/revoke", methods=["POST"])
@staff_required(Role.SUPERVISOR)
@blp.doc(security=BEARER)
@blp.arguments(DocumentRevokeSchema)
@blp.response(200, IssuedDocumentOut)
@errors(blp, 409)
def revoke(data, serial):
    """Revoke a document, with the reason (supervisor)."""
    document = _staff_document(serial)
    return services.document_dict(
        services.revoke(current_principal(), document, data["reason"]), clock.today()
    )


@blp.route("/documents/<serial:serial>/reissue", methods=["POST"])
@staff_required()
@blp.doc(security=BEARER)
@blp.response(201, IssuedDocumentOut)
@errors(blp, 409)
def reissue(serial):
    """Issue a new document in place of this one (lost, damaged, renewed); the old one becomes
    superseded. No body."""
    document = _staff_document(serial)
    return services.document_dict(services.reissue(current_principal(), document), clock.today())


@blp.route("/documents/keys", methods=["GET"])
@blp.doc(security=OPEN)
@blp.response(200, DocumentKeysOut)
def keys():
    """The public keys that sign documents' QR codes, with their ids: open to anyone, so that
    anyone can check a document offline (docs/documents.md describes the payload)."""
    rows = signing.published_keys()
    return {
        "payload_format": (
            f"{PREFIX}BASE32(body || Ed25519 signature of '{PREFIX}' + body); see docs/documents.md"
        ),
        "keys": [
            {
                "key_id": row.key_id,
                "algorithm": row.algorithm,
                "public_key": row.public_key,
                "public_key_pem": signing.public_pem(row),
                "status": "retired" if row.retired_at else "current",
                "created_at": row.created_at,
                "retired_at": row.retired_at,
            }
            for row in rows
        ],
    }


# --- Civil registry checks (contract.md) ---------------------------------------------------


@blp.route("/registry/documents/<serial>", methods=["GET"])
@scope_required(Scope.REGISTRY_READ)
@blp.doc(security=BEARER)
@blp.response(200, DocumentCheckOut)
def registry_document(serial):
    """Whether a document is valid, revoked, expired or superseded, and whose it is (names and date
    of birth only)."""
    found = services.find_with_status(serial, clock.today())
    if found is None:
        abort(404, message="There is no document with this serial.")
    document, status = found
    answer = registry_dict(document, status)  # built before the read is recorded
    services.record_read(current_principal(), document, "registry")
    return answer


@blp.route("/registry/documents/verify", methods=["POST"])
@scope_required(Scope.REGISTRY_READ)
@blp.doc(security=BEARER)
@blp.arguments(DocumentVerifySchema)
@blp.response(200, DocumentCheckOut)
def registry_verify(data):
    """Check a scanned QR payload's signature, then answer as for the serial; 422 when the payload
    is malformed or its signature fails."""
    try:
        _fields, found = services.verify_payload(data["qr"], clock.today())
    except services.VerificationFailed as error:
        abort(422, message=f"The QR code is not genuine: {error}", messages={"qr": [str(error)]})
    if found is None:
        abort(404, message="The QR code is genuine but names no document known to the registry.")
    document, status = found
    services.record_read(current_principal(), document, "registry_qr")
    return registry_dict(document, status)
