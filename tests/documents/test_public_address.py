"""The verification address printed on documents and opened by their QR codes is configuration
(SDP_PUBLIC_URL), never the request; the link a phone's camera opens shows the verification page,
names the official address, logs no personal data and is audited without the verifier."""

import io
import json
import logging

import pytest
from sqlalchemy import func, select

from sdp import config
from sdp.audit.models import AuditEvent
from sdp.documents.models import Document
from sdp.documents.services import find
from sdp.extensions import db
from sdp.security.logs import JsonFormatter
from tests.conftest import PUBLIC_URL

from .helpers import ANGELA, issued, pdf_bytes, pdf_text, qr_from_embedded_image, register

EVIL = "verify-gob-pe.evil.example"


def test_the_host_header_changes_nothing_a_document_prints(office):
    case = register(office.intake, applicant=ANGELA)
    response = office.intake.client.post(
        f"/api/v1/applications/{case['id']}/documents",
        json={"type": "provisional_certificate"},
        headers={**office.intake.headers, "Host": EVIL, "X-Forwarded-Host": EVIL},
        base_url=f"http://{EVIL}",
    )
    assert response.status_code == 201, response.json
    document = response.json
    data = pdf_bytes(office.intake, document)
    text = " ".join(pdf_text(data).split())
    assert "evil" not in text.lower() and "evil" not in document["qr"].lower()
    assert f"{PUBLIC_URL}/verify/{document['serial']}" in text
    assert (
        qr_from_embedded_image(data)
        == f"{PUBLIC_URL.upper()}/V/{find(document['serial']).qr_payload}"
    )


def test_without_a_configured_address_no_document_is_issued(app, office, monkeypatch):
    case = register(office.intake, applicant=ANGELA)
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", None)
    response = office.intake.post(
        f"/api/v1/applications/{case['id']}/documents", json={"type": "provisional_certificate"}
    )
    assert response.status_code == 503
    assert "SDP_PUBLIC_URL" in response.json["message"]
    assert db.session.execute(select(func.count()).select_from(Document)).scalar_one() == 0


@pytest.mark.parametrize(
    "text",
    [
        "javascript:alert(1)",
        "https://apatridia.gob.pe/?next=x",
        "ftp://apatridia.gob.pe",
        "https://user:pw@apatridia.gob.pe",
        "apatridia.gob.pe",
        "https://#x",
    ],
)
def test_a_malformed_address_stops_the_app_at_start_up(tmp_path, monkeypatch, text):
    monkeypatch.setenv("SDP_PUBLIC_URL", text)
    with pytest.raises(ValueError, match="SDP_PUBLIC_URL"):
        config.load(str(tmp_path))


def test_production_has_no_default_address_and_development_has_the_local_one(tmp_path, monkeypatch):
    monkeypatch.delenv("SDP_PUBLIC_URL", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setenv("SDP_ENV", "production")
    assert config.load(str(tmp_path))["PUBLIC_BASE_URL"] is None
    monkeypatch.setenv("SDP_ENV", "development")
    assert config.load(str(tmp_path))["PUBLIC_BASE_URL"] == "http://127.0.0.1:5000"
    monkeypatch.setenv("SDP_PUBLIC_URL", "https://apatridia.gob.pe/")
    assert config.load(str(tmp_path))["PUBLIC_BASE_URL"] == "https://apatridia.gob.pe"


@pytest.fixture
def access_log():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("sdp.access")
    logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines() if line]
    logger.removeHandler(handler)


def test_the_qr_code_opens_the_verification_page_on_a_phone(office, client, access_log):
    case = register(office.intake, applicant=ANGELA)
    document = issued(office.intake, case["id"], "provisional_certificate")
    link = document["qr"]
    assert link.startswith(PUBLIC_URL.upper() + "/V/SDP1:")
    path = link[len(PUBLIC_URL) :]  # what the phone asks this server for: /V/SDP1:...
    client.get("/language/es")
    page = client.get(path, headers={"User-Agent": "Mozilla/5.0 (Linux; Android 14) Mobile"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "El código QR es auténtico" in html and "Núñez Ortiz" in html
    assert 'id="official-address"' in html and PUBLIC_URL in html  # against look-alike addresses
    assert (
        page.headers["Cache-Control"] == "no-store"
        and page.headers["Referrer-Policy"] == "no-referrer"
    )
    assert (
        client.get(path.replace("/V/", "/v/", 1)).status_code == 200
    )  # a camera may lower-case the path

    # The path carries the holder's names (base32): the access log names the route only.
    records = [record for record in access_log() if record.get("route") == "/V/<path:signed>"]
    assert records and all(record["path"] is None for record in records)
    assert not any("SDP1:" in json.dumps(record) for record in access_log())

    read = (
        db.session.execute(
            select(AuditEvent)
            .where(AuditEvent.action == "document.read")
            .order_by(AuditEvent.id.desc())
        )
        .scalars()
        .first()
    )
    assert (
        read.actor_kind == "public"
        and read.actor_id is None
        and read.changes["channel"] == "public_link"
    )
    assert set(read.changes) == {"serial", "channel"}  # nothing about who asked


def test_a_forged_link_is_refused_and_audited_without_the_code(office, client):
    case = register(office.intake, applicant=ANGELA)
    document = issued(office.intake, case["id"], "provisional_certificate")
    at = document["qr"].index("SDP1:") + 25
    forged = (
        document["qr"][:at] + ("Q" if document["qr"][at] != "Q" else "R") + document["qr"][at + 1 :]
    )
    response = client.get(forged[len(PUBLIC_URL) :])
    assert response.status_code == 422 and "Núñez" not in response.get_data(as_text=True)
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "document.verification_failed")
    ).scalar_one()
    assert event.actor_kind == "public" and event.changes == {"channel": "public_link"}


def test_codes_printed_before_the_links_keep_verifying(office, client, partner_api):
    """A document issued before the QR codes became links holds the bare payload (SDP1:...)."""
    case = register(office.intake, applicant=ANGELA)
    document = issued(office.intake, case["id"], "provisional_certificate")
    bare = find(document["serial"]).qr_payload
    assert bare.startswith("SDP1:")
    answer = partner_api("registry:read").post(
        "/api/v1/registry/documents/verify", json={"qr": bare}
    )
    assert answer.status_code == 200 and answer.json["serial"] == document["serial"]
    link = partner_api("registry:read").post(
        "/api/v1/registry/documents/verify", json={"qr": document["qr"]}
    )
    assert link.status_code == 200 and link.json["serial"] == document["serial"]
    client.get("/language/es")
    assert "El código QR es auténtico" in client.post("/verify", data={"qr": bare}).get_data(
        as_text=True
    )
