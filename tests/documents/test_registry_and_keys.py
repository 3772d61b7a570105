"""The civil registry's checks (contract.md), the public keys, and key rotation."""

import os
import stat
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select, text

from sdp import clock
from sdp.audit.journal import chain_now
from sdp.audit.models import AuditEvent
from sdp.documents import payload, signing
from sdp.documents.models import Document
from sdp.extensions import db
from tests.conftest import statements_touching

from .helpers import ANGELA, TODAY, issued, recognized_case, register, verify_offline

REGISTRY_FIELDS = {"serial", "type", "status", "issued_on", "valid_until", "holder"}


def test_the_registry_answers_with_the_least_data(office, partner_api):
    case = recognized_case(office)
    document = issued(office.supervisor, case["id"], "identity_document")
    registry = partner_api("registry:read", name="RENIEC")
    answer = registry.get(f"/api/v1/registry/documents/{document['serial']}")
    assert answer.status_code == 200
    assert answer.json == {
        "serial": document["serial"],
        "type": "identity_document",
        "status": "valid",
        "issued_on": TODAY.isoformat(),
        "valid_until": document["valid_until"],
        "holder": {
            "given_names": ANGELA["given_names"],
            "family_names": ANGELA["family_names"],
            "date_of_birth": ANGELA["date_of_birth"],
        },
    }
    # A serial typed in lower case without hyphens is the same document.
    typed = registry.get(
        f"/api/v1/registry/documents/{document['serial'].replace('-', '').lower()}"
    )
    assert typed.status_code == 200 and typed.json["serial"] == document["serial"]
    chain_now()  # partner checks wait in the audit journal until chained
    events = (
        db.session.execute(select(AuditEvent).where(AuditEvent.action == "document.read"))
        .scalars()
        .all()
    )
    assert len(events) == 2  # each check is audited
    event = events[0]
    assert (
        event.actor_kind == "client"
        and event.actor_label == "RENIEC"
        and event.changes["channel"] == "registry"
    )
    assert event.case_id == case["id"]


def test_unknown_serials_scopes_and_tokens(office, partner_api, api_as, client):
    case = register(office.intake)
    document = issued(office.intake, case["id"], "provisional_certificate")
    registry = partner_api("registry:read")
    for serial in ("7QC7-XPRR-6Y0N", "not-a-serial", "0000"):
        response = registry.get(f"/api/v1/registry/documents/{serial}")
        assert response.status_code == 404 and response.json["code"] == 404
    url = f"/api/v1/registry/documents/{document['serial']}"
    assert client.get(url).status_code == 401
    assert partner_api("other:scope").get(url).status_code == 403
    assert (
        api_as("supervisor").get(url).status_code == 403
    )  # staff use the case API, not the registry's
    verify = "/api/v1/registry/documents/verify"
    assert client.post(verify, json={"qr": document["qr"]}).status_code == 401
    assert partner_api("other:scope").post(verify, json={"qr": document["qr"]}).status_code == 403


def test_verify_a_scanned_payload(office, partner_api):
    case = recognized_case(office)
    document = issued(office.supervisor, case["id"], "travel_document")
    registry = partner_api("registry:read")
    answer = registry.post("/api/v1/registry/documents/verify", json={"qr": document["qr"]})
    assert answer.status_code == 200 and set(answer.json) == REGISTRY_FIELDS
    assert answer.json["serial"] == document["serial"] and answer.json["status"] == "valid"
    chain_now()  # partner checks wait in the audit journal until chained
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "document.read")
    ).scalar_one()
    assert event.changes["channel"] == "registry_qr"


def test_a_payload_with_one_changed_character_or_malformed_is_422(office, partner_api):
    case = register(office.intake, applicant=ANGELA)
    document = issued(office.intake, case["id"], "provisional_certificate")
    registry = partner_api("registry:read")
    qr = document["qr"]
    position = len(qr) // 2
    changed = qr[:position] + ("A" if qr[position] != "A" else "B") + qr[position + 1 :]
    for bad in (changed, qr[:-3], "SDP1:" + "A" * 40, "hello", "SDP1:" + "1" * 10):
        response = registry.post("/api/v1/registry/documents/verify", json={"qr": bad})
        assert response.status_code == 422, bad
        assert response.json["code"] == 422 and "qr" in response.json["errors"]
    for body in ({}, {"qr": ""}, {"qr": 12}, {"qr": qr, "extra": 1}, {"qr": "A" * 5000}):
        assert registry.post("/api/v1/registry/documents/verify", json=body).status_code == 422, (
            body
        )


def test_a_genuine_payload_of_a_document_the_registry_does_not_hold_is_404(office, partner_api):
    case = register(office.intake)
    document = issued(office.intake, case["id"], "provisional_certificate")
    stored = db.session.execute(
        select(Document).where(Document.serial == document["serial"])
    ).scalar_one()
    db.session.delete(stored)
    db.session.commit()
    response = partner_api("registry:read").post(
        "/api/v1/registry/documents/verify", json={"qr": document["qr"]}
    )
    assert response.status_code == 404


def test_the_public_keys_are_open_and_verify_a_payload_offline(office, client):
    case = register(office.intake, applicant=ANGELA)
    document = issued(office.intake, case["id"], "provisional_certificate")
    keys = client.get("/api/v1/documents/keys")
    assert keys.status_code == 200
    current = [key for key in keys.json["keys"] if key["status"] == "current"]
    assert len(current) == 1 and current[0]["algorithm"] == "Ed25519"
    assert current[0]["public_key_pem"].startswith("-----BEGIN PUBLIC KEY-----")
    fields = verify_offline(document["qr"], keys.json["keys"])
    assert fields[1:6] == [
        document["serial"].replace("-", ""),
        "P",
        "Ángela",
        "Núñez Ortiz",
        "20010122",
    ]
    assert fields[6] == TODAY.strftime("%Y%m%d") and fields[7] == document["valid_until"].replace(
        "-", ""
    )


@pytest.fixture
def own_keys(app, tmp_path, monkeypatch):
    """A fresh key folder for tests that rotate keys (the session's own key stays untouched)."""
    monkeypatch.setitem(app.config, "DOCUMENT_KEYS_DIR", str(tmp_path / "keys"))
    monkeypatch.delenv(signing.KEY_ENV, raising=False)
    return tmp_path / "keys"


def test_keys_are_kept_private_in_the_instance_folder(office, own_keys):
    case = register(office.intake)
    document = issued(office.intake, case["id"], "provisional_certificate")
    key_file = own_keys / f"{document['key_id']}.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(own_keys.stat().st_mode) == 0o700
    assert (own_keys / "current").read_text().strip() == document["key_id"]


def test_rotation_keeps_documents_already_issued_verifying(
    app, office, partner_api, own_keys, client
):
    case = recognized_case(office)
    before = issued(office.supervisor, case["id"], "identity_document")
    result = app.test_cli_runner().invoke(args=["documents", "rotate-key"])
    assert result.exit_code == 0, result.output
    after = issued(office.supervisor, case["id"], "travel_document")
    assert after["key_id"] != before["key_id"] and before["key_id"] in result.output
    assert not (own_keys / f"{before['key_id']}.key").exists()  # the retired private key is gone
    keys = {key["key_id"]: key for key in client.get("/api/v1/documents/keys").json["keys"]}
    assert (
        keys[before["key_id"]]["status"] == "retired"
        and keys[after["key_id"]]["status"] == "current"
    )
    registry = partner_api("registry:read")
    for document in (before, after):
        response = registry.post("/api/v1/registry/documents/verify", json={"qr": document["qr"]})
        assert response.status_code == 200 and response.json["serial"] == document["serial"]
        verify_offline(document["qr"], list(keys.values()))
    assert db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "document.rotate_key")
    ).scalar_one()


def test_a_retired_key_cannot_sign_documents_dated_after_its_retirement(
    app, office, own_keys, partner_api
):
    case = register(office.intake)
    issued(office.intake, case["id"], "provisional_certificate")
    old = signing.current_signer()
    stolen_key = Ed25519PrivateKey.from_private_bytes(old.private_key.private_bytes_raw())
    assert app.test_cli_runner().invoke(args=["documents", "rotate-key"]).exit_code == 0
    from datetime import date, timedelta

    def forged(issued_on):
        return payload.encode(
            payload.QrFields(
                key_id=old.key_id,
                serial="7QC7-XPRR-6Y0N",
                type="identity_document",
                given_names="Ana",
                family_names="Falsa",
                date_of_birth=date(1990, 1, 1),
                issued_on=issued_on,
                valid_until=issued_on + timedelta(days=400),
            ),
            stolen_key,
        )

    registry = partner_api("registry:read")
    # Dated before the retirement, the signature holds (and the registry does not know the
    # serial)...
    assert (
        registry.post("/api/v1/registry/documents/verify", json={"qr": forged(TODAY)}).status_code
        == 404
    )
    # ...dated after it, the old key's signature is refused.
    after = registry.post(
        "/api/v1/registry/documents/verify", json={"qr": forged(TODAY + timedelta(days=1))}
    )
    assert after.status_code == 422


def test_a_verification_reads_the_published_key_at_most_once_a_second(app, office, partner_api):
    case = register(office.intake)
    document = issued(office.intake, case["id"], "provisional_certificate")
    db.session.commit()
    registry = partner_api("registry:read")

    def verify():
        return registry.post("/api/v1/registry/documents/verify", json={"qr": document["qr"]})

    assert statements_touching("document_keys", lambda: [verify() for _ in range(5)]) <= 1
    # A retirement written behind the app's back (another server's rotation, an operator):
    # no ORM event tells this process; the cache's life (one second) bounds the delay.
    yesterday = clock.now() - timedelta(days=1)
    with db.engine.begin() as connection:
        connection.execute(
            text("UPDATE document_keys SET retired_at = :at WHERE key_id = :key"),
            {"at": yesterday, "key": document["key_id"]},
        )
    cache = app.extensions["sdp_published_keys"]
    cache.started -= signing.PUBLISHED_KEYS_CACHE_SECONDS  # the clock moved on by the cache's life
    refused = verify()
    assert refused.status_code == 422, refused.json


def test_the_signing_key_may_come_from_the_environment(office, own_keys, monkeypatch, app):
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    monkeypatch.setenv(signing.KEY_ENV, pem)
    case = register(office.intake)
    document = issued(office.intake, case["id"], "provisional_certificate")
    assert document["key_id"] == signing.key_id_for(key.public_key())
    assert not own_keys.exists()  # nothing written to disk
    result = app.test_cli_runner().invoke(args=["documents", "rotate-key"])
    assert result.exit_code != 0 and signing.KEY_ENV in result.output
    monkeypatch.setenv(signing.KEY_ENV, "not a key")
    with pytest.raises(signing.KeyError_):
        signing.current_signer()


def test_two_app_servers_sharing_a_key_folder_agree_on_one_key(own_keys, app):
    first = signing.current_signer()
    second = signing.current_signer()
    assert first.key_id == second.key_id
    assert sorted(os.listdir(own_keys)) == sorted(["current", f"{first.key_id}.key"])
