"""Evidence files: PDF, JPEG or PNG by content, size-limited, encrypted under random names
outside the web root, served only to those who may read the case, audited."""

import hashlib
import io

import pytest
from sqlalchemy import select

from sdp.audit.models import AuditEvent
from sdp.extensions import db
from sdp.uploads.models import EvidenceFile
from tests.cases.helpers import Office, days_ago

PDF = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
    + b"Zephyrine-scan " * 50
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 64


@pytest.fixture
def uploads(app, tmp_path):
    previous = app.config["UPLOAD_FOLDER"], app.config["UPLOAD_MAX_BYTES"]
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    yield tmp_path / "uploads"
    app.config["UPLOAD_FOLDER"], app.config["UPLOAD_MAX_BYTES"] = previous


@pytest.fixture
def office(api_as):
    return Office(api_as)


@pytest.fixture
def evidence(office):
    case = office.examined_case()
    response = office.officer.post(
        f"/api/v1/applications/{case['id']}/evidence",
        json={"kind": "document", "description": "Birth certificate", "received_on": days_ago(0)},
    )
    assert response.status_code == 201
    return f"/api/v1/applications/{case['id']}/evidence/{response.json['id']}/files"


def upload(api, url, content: bytes, name: str, **headers):
    return api.client.post(
        url,
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
        headers={**api.headers, **headers},
    )


def test_a_pdf_is_stored_encrypted_under_a_random_name_and_served_to_case_readers(
    app, office, evidence, uploads
):
    response = upload(office.officer, evidence, PDF, "acta_nacimiento_Zephyrine.pdf")
    assert response.status_code == 201, response.json
    body = response.json
    assert body["content_type"] == "application/pdf" and body["size"] == len(PDF)
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()
    stored = [path for path in uploads.rglob("*") if path.is_file()]
    assert len(stored) == 1
    assert "Zephyrine" not in str(stored[0]) and not stored[0].name.endswith(".pdf")
    assert b"Zephyrine" not in stored[0].read_bytes() and b"%PDF" not in stored[0].read_bytes()
    assert oct(stored[0].stat().st_mode & 0o777) == "0o600"
    assert "uploads" not in app.static_folder

    download = office.decider.get(body["url"])
    assert download.status_code == 200 and download.data == PDF
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "sandbox" in download.headers["Content-Security-Policy"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    listed = office.officer.get(evidence).json
    assert [item["original_name"] for item in listed] == ["acta_nacimiento_Zephyrine.pdf"]
    actions = db.session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars().all()
    assert "case.attach_evidence_file" in actions and "case.read_evidence_file" in actions
    assert app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0


def test_jpeg_and_png_are_accepted_by_content(office, evidence, uploads):
    assert upload(office.officer, evidence, JPEG, "foto.JPG").json["content_type"] == "image/jpeg"
    assert upload(office.officer, evidence, PNG, "scan.png").json["content_type"] == "image/png"
    assert upload(office.officer, evidence, PNG, "no-extension").json["content_type"] == "image/png"


def test_a_png_renamed_pdf_is_refused(office, evidence, uploads):
    response = upload(office.officer, evidence, PNG, "pasaporte.pdf")
    assert response.status_code == 422
    assert "file" in response.json["errors"]
    assert db.session.execute(select(EvidenceFile)).first() is None
    assert not any(path.is_file() for path in uploads.rglob("*"))


@pytest.mark.parametrize(
    "content", [b"<html><script>alert(1)</script></html>", b"MZ\x90\x00executable", b""]
)
def test_other_content_is_refused_whatever_its_name(office, evidence, uploads, content):
    response = upload(office.officer, evidence, content, "document.pdf")
    assert response.status_code == 422 and "file" in response.json["errors"]


def test_an_oversized_file_is_refused(app, office, evidence, uploads):
    app.config["UPLOAD_MAX_BYTES"] = 1000
    response = upload(office.officer, evidence, PDF + b"x" * 1000, "big.pdf")
    assert response.status_code == 413 and response.json["code"] == 413
    huge = upload(office.officer, evidence, PDF + b"x" * 200_000, "huge.pdf")
    assert huge.status_code == 413
    assert db.session.execute(select(EvidenceFile)).first() is None


def test_only_those_who_may_read_the_case_see_files(
    api_as, partner_api, client, office, evidence, uploads
):
    url = upload(office.officer, evidence, PDF, "a.pdf").json["url"]
    assert office.supervisor.get(url).status_code == 200
    assert office.appeals.get(url).status_code == 200
    for role in ("reviewer", "admin", "registrar"):
        assert api_as(role).get(url).status_code == 403, role
    assert api_as("case_officer").get(url).status_code == 403  # another officer's case
    assert partner_api("registry:read").get(url).status_code == 403
    assert client.get(url).status_code == 401
    assert api_as("reviewer").get(evidence).status_code == 403


def test_only_the_cases_officer_attaches_files(api_as, office, evidence, uploads):
    assert upload(office.intake, evidence, PDF, "a.pdf").status_code == 403
    assert upload(api_as("case_officer"), evidence, PDF, "a.pdf").status_code == 403
    assert upload(office.decider, evidence, PDF, "a.pdf").status_code == 403


def test_a_json_body_or_a_missing_file_is_answered_in_the_contract_format(
    office, evidence, uploads
):
    assert office.officer.post(evidence, json={"file": "x"}).status_code == 415
    response = office.officer.client.post(
        evidence,
        data={"other": "x"},
        content_type="multipart/form-data",
        headers=office.officer.headers,
    )
    assert response.status_code == 422 and response.json["errors"] == {"file": ["Missing file."]}


def test_files_are_re_encrypted_by_a_key_rotation(app, office, evidence, uploads, tmp_path):
    from sdp.crypto import Keyring, parse_keys, write_key_file

    url = upload(office.officer, evidence, PDF, "a.pdf").json["url"]
    original = app.extensions["sdp_keyring"]
    write_key_file(tmp_path / "keys", original.keys)
    ring = app.extensions["sdp_keyring"] = Keyring(
        parse_keys((tmp_path / "keys").read_text()), tmp_path / "keys"
    )
    try:
        result = app.test_cli_runner().invoke(args=["keys", "rotate", "--no-wait"])
        assert result.exit_code == 0 and "and 1 files" in result.output, result.output
        (stored,) = [path for path in uploads.rglob("*") if path.is_file()]
        assert stored.read_bytes().startswith(f"sdp1:{ring.current.kid}:".encode())
        assert office.officer.get(url).data == PDF
    finally:
        app.extensions["sdp_keyring"] = original
