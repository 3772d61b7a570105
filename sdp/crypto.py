"""Sensitive text encrypted at rest with AES-256-GCM, and the keys that do it.

A column declared ``EncryptedText("table.column")`` holds ``sdp1:<key id>:<base64 of
nonce, ciphertext and tag>``; the column's name is bound into each ciphertext (associated
data), so a value copied into another column does not decrypt. The key id says which
key to decrypt with, so old and new keys work side by side during a rotation.

Keys come from ``SDP_DATA_KEYS`` (``kid:base64key`` items separated by commas, the first
one encrypts), else from the file ``data_keys`` in the instance folder, generated once
(mode 0600) like the secret key. Keep the keys apart from the database and its backups:
a backup is readable only with them.

``flask --app sdp keys rotate`` makes a new key current, re-encrypts every value and
uploaded file, and only then forgets the old keys. A running app re-reads the key file
when it changes (checked at most once a second), so it starts encrypting with the new key
before the old one is removed.

Encrypted columns cannot be searched or sorted in SQL (each encryption uses a fresh
nonce); the rules that look at them (confidentiality) run in Python after loading.
"""

import base64
import binascii
import json
import os
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app
from sqlalchemy import Text, and_, func, select, type_coerce, update
from sqlalchemy.types import TypeDecorator

from .private_files import create_once, write_private

FORMAT = "sdp1"
NONCE_BYTES = 12
KEY_BYTES = 32
KID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
REFRESH_SECONDS = 1.0


class DataKeyError(LookupError):
    """A key is missing or malformed."""


class DecryptionError(ValueError):
    """A stored value is not a ciphertext of ours, or was altered (its tag does not verify)."""


@dataclass(frozen=True)
class DataKey:
    kid: str
    secret: bytes

    def export(self) -> str:
        return f"{self.kid}:{base64.urlsafe_b64encode(self.secret).decode()}"


def generate_key() -> DataKey:
    return DataKey(secrets.token_hex(4), AESGCM.generate_key(bit_length=256))


def parse_keys(text: str) -> list[DataKey]:
    keys = []
    text = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    for item in re.split(r"[\s,]+", text.strip()):
        if not item:
            continue
        kid, sep, encoded = item.partition(":")
        try:
            secret = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except (binascii.Error, ValueError) as error:
            raise DataKeyError(f"data key {kid!r} is not base64") from error
        if not sep or not KID_PATTERN.match(kid) or len(secret) != KEY_BYTES:
            raise DataKeyError(f"a data key must be 'id:base64 of {KEY_BYTES} bytes' (key {kid!r})")
        keys.append(DataKey(kid, secret))
    if len({key.kid for key in keys}) != len(keys):
        raise DataKeyError("two data keys have the same id")
    return keys


KEY_FILE_HEADER = (
    "# SDP data keys: the first encrypts; keep this file apart from database backups.\n"
)


def key_file_text(keys: Iterable[DataKey]) -> str:
    return KEY_FILE_HEADER + "".join(key.export() + "\n" for key in keys)


def write_key_file(path: Path, keys: Iterable[DataKey]) -> None:
    """Replace the key file atomically, readable by the owner only."""
    write_private(path, key_file_text(keys))


class Keyring:
    """The data keys: the first encrypts, any decrypts."""

    def __init__(self, keys: list[DataKey], file: Path | None = None):
        if not keys:
            raise DataKeyError("no data key")
        self.file = file
        self._lock = threading.Lock()
        self._set(keys)
        self._checked = time.monotonic()
        self._mtime = file.stat().st_mtime_ns if file and file.exists() else None

    @classmethod
    def from_settings(cls, environment_value: str | None, file: Path) -> "Keyring":
        if environment_value:
            return cls(parse_keys(environment_value))
        # servers starting together on a fresh instance folder agree on one first key
        return cls(parse_keys(create_once(file, lambda: key_file_text([generate_key()]))), file)

    def _set(self, keys: list[DataKey]) -> None:
        # one assignment: a thread encrypting meanwhile sees the old pair or the new, never a mix
        self._state = (list(keys), {key.kid: AESGCM(key.secret) for key in keys})

    @property
    def keys(self) -> list[DataKey]:
        return self._state[0]

    @property
    def _ciphers(self) -> dict[str, AESGCM]:
        return self._state[1]

    def _current(self) -> tuple[DataKey, AESGCM]:
        self._refresh()
        keys, ciphers = self._state
        return keys[0], ciphers[keys[0].kid]

    @property
    def current(self) -> DataKey:
        return self._current()[0]

    def kids(self) -> list[str]:
        return [key.kid for key in self.keys]

    def export(self) -> str:
        return ",".join(key.export() for key in self.keys)

    def replace(self, keys: list[DataKey]) -> None:
        """Use ``keys`` from now on, and write them to the key file if there is one."""
        with self._lock:
            if self.file is not None:
                write_key_file(self.file, keys)
                self._mtime = self.file.stat().st_mtime_ns
            self._set(keys)

    def _refresh(self, force: bool = False) -> None:
        if self.file is None:
            return
        now = time.monotonic()
        if not force and now - self._checked < REFRESH_SECONDS:
            return
        with self._lock:
            self._checked = now
            try:
                mtime = self.file.stat().st_mtime_ns
            except FileNotFoundError:
                return
            if mtime != self._mtime:
                self._set(parse_keys(self.file.read_text()))
                self._mtime = mtime

    # -- values ---------------------------------------------------------------------------

    def encrypt(self, plaintext: bytes, associated: bytes) -> str:
        key, cipher = self._current()
        nonce = os.urandom(NONCE_BYTES)
        sealed = cipher.encrypt(nonce, plaintext, associated)
        return f"{FORMAT}:{key.kid}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def decrypt(self, token: str, associated: bytes) -> bytes:
        kid, body = split_token(token)
        cipher = self._cipher(kid)
        try:
            raw = base64.urlsafe_b64decode(body)
            return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], associated)
        except (InvalidTag, binascii.Error, ValueError) as error:
            raise DecryptionError(
                "a stored value does not decrypt: altered, or not ours"
            ) from error

    def _cipher(self, kid: str) -> AESGCM:
        cipher = self._ciphers.get(kid)
        if cipher is None:
            self._refresh(force=True)  # another process may have rotated the keys
            cipher = self._ciphers.get(kid)
        if cipher is None:
            raise DecryptionError(f"no data key {kid!r} to decrypt with")
        return cipher

    # -- files ----------------------------------------------------------------------------

    def encrypt_blob(self, plaintext: bytes, associated: bytes) -> bytes:
        key, cipher = self._current()
        nonce = os.urandom(NONCE_BYTES)
        return (
            f"{FORMAT}:{key.kid}:".encode() + nonce + cipher.encrypt(nonce, plaintext, associated)
        )

    def decrypt_blob(self, blob: bytes, associated: bytes) -> bytes:
        cipher, body = self._cipher(blob_kid(blob)), blob.split(b":", 2)[2]
        try:
            return cipher.decrypt(body[:NONCE_BYTES], body[NONCE_BYTES:], associated)
        except InvalidTag as error:
            raise DecryptionError("a stored file does not decrypt: altered, or not ours") from error


def split_token(token: str) -> tuple[str, str]:
    parts = token.split(":", 2)
    if len(parts) != 3 or parts[0] != FORMAT:
        raise DecryptionError("a value in an encrypted column is not encrypted")
    return parts[1], parts[2]


def blob_kid(blob: bytes) -> str:
    parts = blob.split(b":", 2)
    if len(parts) != 3 or parts[0] != FORMAT.encode():
        raise DecryptionError("a stored file is not encrypted")
    return parts[1].decode()


def keyring() -> Keyring:

    return current_app.extensions["sdp_keyring"]


def init_app(app) -> None:
    app.extensions["sdp_keyring"] = Keyring.from_settings(
        app.config.get("DATA_KEYS"), Path(app.config["DATA_KEYS_FILE"])
    )


# --- Column types -------------------------------------------------------------------------------


class EncryptedText(TypeDecorator):
    """Text encrypted with the current data key; ``context`` ("table.column") is bound into it.

    In the database it is TEXT (migrations/env.py renders it as ``sa.Text()``)."""

    impl = Text
    cache_ok = True

    def __init__(self, context: str):
        super().__init__()
        self.context = context

    def process_bind_param(self, value: Any, dialect) -> str | None:
        if value is None:
            return None
        return keyring().encrypt(self.serialize(value).encode("utf-8"), self.context.encode())

    def process_result_value(self, value: str | None, dialect) -> Any:
        if value is None:
            return None
        return self.deserialize(keyring().decrypt(value, self.context.encode()).decode("utf-8"))

    def serialize(self, value: Any) -> str:
        return str(value)

    def deserialize(self, text: str) -> Any:
        return text


class EncryptedJSON(EncryptedText):
    """A JSON document, encrypted as a whole."""

    cache_ok = True

    def serialize(self, value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)

    def deserialize(self, text: str) -> Any:
        return json.loads(text)


# --- Rotation -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RotationHook:
    """Another store of encrypted data (uploaded files): how to re-encrypt it, and how much is
    still under an old key."""

    name: str
    reencrypt: Callable[[Keyring], int]
    remaining: Callable[[Keyring], int]


ROTATION_HOOKS: list[RotationHook] = []


def encrypted_columns(metadata) -> list[tuple[Any, Any]]:
    return [
        (table, column)
        for table in metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, EncryptedText)
    ]


def reencrypt_values(session, metadata, ring: Keyring, batch: int = 500) -> int:
    """Re-encrypt every value not under the current key; the number of values changed.

    Each value is replaced only if it is still the one read (compare and set), so a
    change the app makes meanwhile is never overwritten."""

    current, changed = ring.current.kid, 0
    for table, column in encrypted_columns(metadata):
        (key_column,) = table.primary_key.columns
        raw = type_coerce(column, Text)
        context = column.type.context.encode()
        last = None
        while True:
            query = (
                select(key_column, raw).where(column.isnot(None)).order_by(key_column).limit(batch)
            )
            if last is not None:
                query = query.where(key_column > last)
            rows = session.execute(query).all()
            if not rows:
                break
            for key_value, token in rows:
                if split_token(token)[0] == current:
                    continue
                fresh = ring.encrypt(ring.decrypt(token, context), context)
                session.execute(
                    update(table)
                    .where(and_(key_column == key_value, raw == token))
                    .values({column.name: type_coerce(fresh, Text)})
                )
                changed += 1
            session.commit()
            last = rows[-1][0]
    return changed


def values_not_under(session, metadata, kid: str) -> int:

    count = 0
    for table, column in encrypted_columns(metadata):
        raw = type_coerce(column, Text)
        count += session.execute(
            select(func.count())
            .select_from(table)
            .where(column.isnot(None), ~raw.startswith(f"{FORMAT}:{kid}:", autoescape=True))
        ).scalar_one()
    return count


def kids_in_use(session, metadata) -> set[str]:
    """The ids of the keys the stored values are encrypted with (a restored backup may need old
    ones)."""

    kids: set[str] = set()
    for _, column in encrypted_columns(metadata):
        raw = type_coerce(column, Text)
        for token in session.execute(select(raw).where(column.isnot(None))).scalars():
            kids.add(split_token(token)[0])
    return kids


def archive_retired(file: Path, keys: list[DataKey], note: str) -> Path:
    """Append retired keys to ``<key file>.retired``: backups made before a rotation need them."""
    archive = file.with_name(file.name + ".retired")
    descriptor = os.open(archive, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descriptor, "a") as handle:
        handle.write(f"# {note}\n")
        handle.writelines(key.export() + "\n" for key in keys)
    return archive
