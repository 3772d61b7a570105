"""Evidence files through the API: attach (multipart), list, download."""

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import fields

from ..api import BEARER, Blueprint, current_principal, if_match, staff_required
from ..cases import services as cases
from ..cases.models import Evidence
from ..extensions import db
from ..schemas import StrictSchema
from . import services
from .download import as_download
from .models import EvidenceFile

blp = Blueprint(
    "uploads_api",
    __name__,
    description="Files of evidence: PDF, JPEG or PNG (bearer token of a staff user).",
)

UPLOAD_ENDPOINTS = ("EvidenceFiles",)
BINARY = {"type": "string", "format": "binary"}
MULTIPART_OVERHEAD = 64 * 1024


class EvidenceFileOut(StrictSchema):
    id = fields.Integer()
    evidence_id = fields.Integer()
    original_name = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    uploaded_at = fields.DateTime()
    url = fields.String()


def _file_dict(row: EvidenceFile) -> dict:
    return {
        "id": row.id,
        "evidence_id": row.evidence_id,
        "original_name": row.original_name,
        "content_type": row.content_type,
        "size": row.size,
        "sha256": row.sha256,
        "uploaded_at": row.uploaded_at,
        "url": (
            f"/api/v1/applications/{row.application_id}/evidence/{row.evidence_id}/files/{row.id}"
        ),
    }


def _load_evidence(application_id: int, evidence_id: int):
    application = cases.load_case(current_principal(), application_id, if_match())
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None or evidence.application_id != application.id:
        abort(404, message=f"There is no evidence {evidence_id} on this application.")
    return application, evidence


@blp.route("/applications/<int:application_id>/evidence/<int:evidence_id>/files")
class EvidenceFiles(MethodView):
    @staff_required()
    @blp.doc(
        security=BEARER,
        requestBody={
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "additionalProperties": False,
                        "properties": {"file": {"type": "string", "format": "binary"}},
                    }
                }
            },
        },
    )
    @blp.response(201, EvidenceFileOut)
    def post(self, application_id, evidence_id):
        """Attach a file (multipart field ``file``) to an item of evidence (the case's officer).

        413 when the file is larger than the limit; 415 when the body is not multipart/form-data;
        422 when it is not a PDF, JPEG or PNG, or its name does not match its content."""
        limit = current_app.config["UPLOAD_MAX_BYTES"]
        if request.content_length and request.content_length > limit + MULTIPART_OVERHEAD:
            abort(413, message=f"The file is larger than {limit} bytes.")
        application, evidence = _load_evidence(application_id, evidence_id)
        if request.mimetype != "multipart/form-data":
            abort(415, message="Send the file as multipart/form-data, in the field 'file'.")
        upload = request.files.get("file")
        if upload is None:
            abort(
                422,
                message="The file is missing: send it in the multipart field 'file'.",
                messages={"file": ["Missing file."]},
            )
        content = upload.stream.read(limit + 1)
        try:
            row = services.attach_file(
                current_principal(), application, evidence, upload.filename, content
            )
        except services.FileTooLarge:
            abort(413, message=f"The file is larger than {limit} bytes.")
        return _file_dict(row), 201

    @staff_required()
    @blp.doc(security=BEARER)
    @blp.response(200, EvidenceFileOut(many=True))
    def get(self, application_id, evidence_id):
        """The files of an item of evidence (whoever may read the case)."""
        _, evidence = _load_evidence(application_id, evidence_id)
        return [_file_dict(row) for row in services.files_of(evidence)]


@blp.route("/applications/<int:application_id>/evidence/<int:evidence_id>/files/<int:file_id>")
class EvidenceFileContent(MethodView):
    @staff_required()
    @blp.doc(
        security=BEARER,
        responses={
            "200": {
                "description": "The file, as an attachment",
                "content": {
                    media: {"schema": BINARY}
                    for media in ("application/pdf", "image/jpeg", "image/png")
                },
            }
        },
    )
    def get(self, application_id, evidence_id, file_id):
        """Download a file (whoever may read the case); every download is audited."""
        application, evidence = _load_evidence(application_id, evidence_id)
        row = db.session.get(EvidenceFile, file_id)
        if row is None or row.evidence_id != evidence.id:
            abort(404, message=f"There is no file {file_id} on this evidence.")
        content = services.read_file(current_principal(), application, row)
        return as_download(row, content)
