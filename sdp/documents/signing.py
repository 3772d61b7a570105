"""The keys that sign documents' QR codes (Ed25519), their ids, publication and rotation.

- The **private key** of the current signing key is a PEM file in the instance folder
  (``document-keys/<key id>.key``, mode 0600, in a 0700 folder; ``current`` names it),
  generated on first use, or comes from the environment variable
  ``SDP_DOCUMENT_SIGNING_KEY`` (a PEM, or base64 of the 32 raw bytes), which is what
  several app servers on several machines share.
- Every **public key** that ever signed is in the database (``document_keys``) and
  published at ``GET /api/v1/documents/keys``, so every app server and every offline
  verifier checks every document, whichever server issued it.
- **Rotation** (``flask --app sdp documents rotate-key``) makes a new key current,
  retires the old one and deletes its private key file: documents it signed still
  verify; nothing it would sign after its retirement does.
"""

import base64
import hashlib
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app
from sqlalchemy import select

from .. import clock
from ..extensions import db
from ..private_files import create_once, make_private_folder, write_private
from ..process_cache import ModelChanges, ProcessCache
from . import payload
from .models import DocumentKey

KEY_ENV = "SDP_DOCUMENT_SIGNING_KEY"
CURRENT_FILE = "current"


class KeyError_(RuntimeError):  # noqa: N801 - not the builtin KeyError
    """The signing key cannot be loaded or rotated as asked."""


@dataclass(frozen=True)
class Signer:
    key_id: str
    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()


def raw_public(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id_for(public_key: Ed25519PublicKey) -> str:
    """A short id derived from the public key itself: the same key has the same id on every
    server."""
    return (
        base64.b32encode(hashlib.sha256(raw_public(public_key)).digest()[:5])
        .decode("ascii")
        .lower()
    )


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def keys_dir() -> Path:
    configured = current_app.config.get("DOCUMENT_KEYS_DIR")
    if configured:
        return Path(configured)
    return Path(current_app.instance_path) / "document-keys"


def _private_pem(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _key_from_text(text: str) -> Ed25519PrivateKey:
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode(), password=None)
        else:
            raw = base64.urlsafe_b64decode(
                text.replace("+", "-").replace("/", "_") + "=" * (-len(text) % 4)
            )
            key = Ed25519PrivateKey.from_private_bytes(raw)
    except (ValueError, TypeError) as error:
        raise KeyError_(
            f"{KEY_ENV} is not an Ed25519 private key (PEM, or base64 of 32 bytes)."
        ) from error
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyError_(f"{KEY_ENV} must be an Ed25519 key.")
    return key


def _save_private_key(directory: Path, private_key: Ed25519PrivateKey) -> str:
    key_id = key_id_for(private_key.public_key())
    write_private(directory / f"{key_id}.key", _private_pem(private_key).decode("ascii"))
    return key_id


def _prepare_dir(directory: Path) -> None:
    make_private_folder(directory)
    directory.chmod(0o700)


def _load_file_key(directory: Path, key_id: str) -> Ed25519PrivateKey:
    path = directory / f"{key_id}.key"
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as error:
        raise KeyError_(f"The signing key {path} cannot be read.") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyError_(f"{path} is not an Ed25519 key.")
    return key


def _file_signer() -> Signer:
    directory = keys_dir()
    current = directory / CURRENT_FILE
    if not current.exists():
        _prepare_dir(directory)
        key_id = _save_private_key(directory, Ed25519PrivateKey.generate())
        # servers starting together each made a key: the first to name its key wins
        if create_once(current, lambda: key_id + "\n").strip() != key_id:
            (directory / f"{key_id}.key").unlink(missing_ok=True)
    key_id = current.read_text().strip()
    return Signer(key_id, _load_file_key(directory, key_id))


def current_signer() -> Signer:
    """The key that signs new documents now (created on first use when there is none)."""
    text = os.environ.get(KEY_ENV) or current_app.config.get("DOCUMENT_SIGNING_KEY")
    if text:
        key = _key_from_text(text)
        return Signer(key_id_for(key.public_key()), key)
    return _file_signer()


def publish(signer: Signer) -> DocumentKey:
    """Make sure the signer's public key is in the database (in the caller's transaction).
    A key published for the first time retires the keys before it."""
    row = db.session.get(DocumentKey, signer.key_id)
    if row is not None:
        return row
    now = clock.now()
    for older in db.session.execute(
        select(DocumentKey).where(DocumentKey.retired_at.is_(None))
    ).scalars():
        older.retired_at = now
    row = DocumentKey(
        key_id=signer.key_id,
        algorithm="Ed25519",
        public_key=b64url(raw_public(signer.public_key)),
        created_at=now,
    )
    db.session.add(row)
    db.session.flush()
    return row


def sign(fields: payload.QrFields, signer: Signer) -> str:
    return payload.encode(fields, signer.private_key)


# The published keys, per process (issue 17; sdp.process_cache): every verification (a
# partner's scan on the registry's lean path, the public page) would otherwise open an ORM
# session and read the same row. A key's row changes once at most (its retirement, by a
# rotation): a rotation made on another server takes effect here within a second, as a token's
# revocation does; one committed by this process at once. Unknown key ids are never cached
# (they would fill memory).
PUBLISHED_KEYS_CACHE_SECONDS = 1.0


@dataclass(frozen=True)
class _Published:
    public_key: Ed25519PublicKey
    retired_on: date | None


_key_changes = ModelChanges(DocumentKey)  # a rotation committed here empties the cache at once


def _published(key_id: str) -> _Published | None:
    cache = current_app.extensions.get("sdp_published_keys")
    if cache is None:
        cache = current_app.extensions.setdefault(
            "sdp_published_keys", ProcessCache(_key_changes, PUBLISHED_KEYS_CACHE_SECONDS)
        )
    entries = cache.current()
    found = entries.get(key_id)
    if found is None:
        row = db.session.get(DocumentKey, key_id)
        if row is None:
            return None
        raw = base64.urlsafe_b64decode(row.public_key + "=" * (-len(row.public_key) % 4))
        found = entries[key_id] = _Published(
            Ed25519PublicKey.from_public_bytes(raw),
            row.retired_at.date() if row.retired_at is not None else None,
        )
    return found


def public_key_for(fields: payload.QrFields) -> Ed25519PublicKey | None:
    """The published key the payload names, if it was allowed to sign a document issued that day."""
    published = _published(fields.key_id)
    if published is None:
        return None
    if published.retired_on is not None and fields.issued_on > published.retired_on:
        return None
    return published.public_key


def verify(text: str) -> payload.QrFields:
    """The fields of a genuine payload; ``payload.PayloadError`` for anything else."""
    return payload.verify(text, public_key_for)


def rotate() -> tuple[str, str | None]:
    """Make a new signing key current; return (new key id, retired key id)."""
    if os.environ.get(KEY_ENV) or current_app.config.get("DOCUMENT_SIGNING_KEY"):
        raise KeyError_(
            f"The signing key comes from {KEY_ENV}. To rotate it, set a new Ed25519 key there on "
            "every "
            "server (for example the output of `openssl genpkey -algorithm ed25519`); the old "
            "public "
            "key stays published and its documents keep verifying."
        )
    directory = keys_dir()
    old = _file_signer()
    publish(
        old
    )  # an old key that never signed is still published, so nothing it may have signed is lost
    key = Ed25519PrivateKey.generate()
    new_id = _save_private_key(directory, key)
    write_private(directory / CURRENT_FILE, new_id + "\n")
    publish(Signer(new_id, key))
    if old.key_id != new_id:
        (directory / f"{old.key_id}.key").unlink(missing_ok=True)
    return new_id, old.key_id


def published_keys() -> list[DocumentKey]:
    publish(current_signer())
    db.session.flush()
    return list(
        db.session.execute(
            select(DocumentKey).order_by(DocumentKey.created_at, DocumentKey.key_id)
        ).scalars()
    )


def public_pem(row: DocumentKey) -> str:
    raw = base64.urlsafe_b64decode(row.public_key + "=" * (-len(row.public_key) % 4))
    key = Ed25519PublicKey.from_public_bytes(raw)
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
