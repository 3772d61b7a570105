"""The signed QR payload: small enough for a QR code that a phone reads off paper, and
checkable with nothing but the public key (no network).

Format, version 1 (docs/documents.md has the same text for third-party verifiers)::

    SDP1:<BASE32(body || signature)>

- BASE32 is RFC 4648 base32, upper case, without ``=`` padding: the whole payload then
  fits the QR code's alphanumeric mode (5.5 bits a character instead of 8).
- ``body`` is UTF-8 text: eight fields separated by U+001F (unit separator):
  key id, serial (12 symbols, no hyphens), type code (P provisional certificate,
  I identity document, T travel document, D decision letter, B birth record), given
  names, family names, date of birth, issue date, valid until (dates ``YYYYMMDD``;
  valid until empty when the document does not expire).
- ``signature`` is the 64-byte Ed25519 signature of ``b"SDP1:" + body`` by the key
  the key id names (public keys: ``GET /api/v1/documents/keys``).

Decoding is strict: any character changed, added or removed makes the payload
malformed or its signature fail.

**What the QR code holds** (documents issued since the codes became links): the
verification address with the payload in it, ``HTTPS://APATRIDIA.GOB.PE/V/SDP1:<BASE32>``,
so a phone's camera opens the verification page. The scheme and host are written in upper
case (they are case-insensitive) and so is the payload: the whole link stays in the QR
code's alphanumeric mode. An offline verifier takes the payload from ``SDP1:`` to the end.
Codes printed before hold the bare payload and keep verifying.

Pure Python and ``cryptography``; no Flask.
"""

import base64
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..domain.vocabulary import DocumentType

PREFIX = "SDP1:"
SEPARATOR = "\x1f"
SIGNATURE_BYTES = 64
MAX_PAYLOAD_CHARS = 4000  # a QR code holds at most 4296 alphanumeric characters

TYPE_CODES = {
    DocumentType.PROVISIONAL_CERTIFICATE: "P",
    DocumentType.IDENTITY_DOCUMENT: "I",
    DocumentType.TRAVEL_DOCUMENT: "T",
    DocumentType.DECISION_LETTER: "D",
    DocumentType.BIRTH_RECORD: "B",
}
TYPES_BY_CODE = {code: document_type for document_type, code in TYPE_CODES.items()}


LINK_PATH = "/V/"  # the verification page that a QR code's link opens (documents.views.verify_link)


def qr_text(public_url: str, signed: str) -> str:
    """The text of the QR code: the link to the verification page with the signed payload in it."""
    parts = urlsplit(public_url.rstrip("/"))
    # Scheme and host are case-insensitive (RFC 3986, 6.2.2.1): upper case keeps the link in the
    # QR code's alphanumeric mode (5.5 bits a character, not 8). A path is kept as configured.
    return f"{parts.scheme.upper()}://{parts.netloc.upper()}{parts.path}{LINK_PATH}{signed}"


def payload_of(text: str) -> str:
    """The signed payload in a scanned QR code: a bare payload (codes printed before the links),
    or the text from ``SDP1:`` to the end of a verification link."""
    text = (text or "").strip()
    if text.startswith(PREFIX) or not text.lower().startswith(("http://", "https://")):
        return text
    marker = text.upper().find(LINK_PATH + PREFIX)
    return text[marker + len(LINK_PATH) :] if marker >= 0 else text


class PayloadError(ValueError):
    """The payload is malformed, or its signature does not verify."""


@dataclass(frozen=True)
class QrFields:
    key_id: str
    serial: str  # with hyphens, as printed
    type: DocumentType
    given_names: str
    family_names: str
    date_of_birth: date
    issued_on: date
    valid_until: date | None


def _day(value: date | None) -> str:
    return value.strftime("%Y%m%d") if value else ""


def _parse_day(text: str, name: str) -> date:
    if len(text) != 8 or not text.isdigit():
        raise PayloadError(f"The {name} in the payload is not a date.")
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError as error:
        raise PayloadError(f"The {name} in the payload is not a date.") from error


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace(SEPARATOR, " ").strip())


def body_of(fields: QrFields) -> bytes:
    parts = [
        fields.key_id,
        fields.serial.replace("-", ""),
        TYPE_CODES[DocumentType(fields.type)],
        _clean(fields.given_names),
        _clean(fields.family_names),
        _day(fields.date_of_birth),
        _day(fields.issued_on),
        _day(fields.valid_until),
    ]
    return SEPARATOR.join(parts).encode("utf-8")


def encode(fields: QrFields, private_key: Ed25519PrivateKey) -> str:
    """The signed payload text for the QR code."""
    body = body_of(fields)
    signature = private_key.sign(PREFIX.encode() + body)
    return PREFIX + base64.b32encode(body + signature).decode("ascii").rstrip("=")


# RFC 4648's base32 alphabet, and the same 32 digits as int() reads them in base 32 (0-9, a-v).
_BASE32 = re.compile(r"[A-Z2-7]*")
_AS_INT_DIGITS = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "0123456789abcdefghijklmnopqrstuv"
)


def _b32decode_strict(text: str) -> bytes:
    """RFC 4648 base32 without padding, read exactly as ``base64.b32decode`` reads it, and only in
    its canonical form: the unused low bits of the last character must be zero (one text, one
    meaning). The digits are read by int() in C: 2.4 µs a payload, where ``b32decode`` and the
    re-encoding that checked the canonical form took 29 µs of the 500 µs of CPU a registry
    verification takes (issue 17; tests/documents/test_serials_and_payload.py compares the two
    on generated texts)."""
    # A length of 1, 3 or 6 characters modulo 8 ends in a partial byte no encoder writes.
    if not _BASE32.fullmatch(text) or len(text) % 8 in (1, 3, 6):
        raise PayloadError("The payload is not valid base32.")
    bits = 5 * len(text)
    spare = bits % 8
    value = int(text.translate(_AS_INT_DIGITS), 32) if text else 0
    if value & ((1 << spare) - 1):
        raise PayloadError("The payload is not in canonical base32.")
    return (value >> spare).to_bytes(bits // 8, "big")


def decode(text: str) -> tuple[QrFields, bytes, bytes]:
    """The fields, the signed message and the signature of a payload (not yet verified)."""
    if not isinstance(text, str):
        raise PayloadError("The payload must be text.")
    text = payload_of(text)
    if len(text) > MAX_PAYLOAD_CHARS:
        raise PayloadError("The payload is too long.")
    if not text.startswith(PREFIX):
        raise PayloadError(f"The payload does not start with {PREFIX}")
    raw = _b32decode_strict(text[len(PREFIX) :])
    if len(raw) <= SIGNATURE_BYTES:
        raise PayloadError("The payload is too short.")
    body, signature = raw[:-SIGNATURE_BYTES], raw[-SIGNATURE_BYTES:]
    try:
        parts = body.decode("utf-8").split(SEPARATOR)
    except UnicodeDecodeError as error:
        raise PayloadError("The payload is not UTF-8 text.") from error
    if len(parts) != 8:
        raise PayloadError("The payload does not have the eight fields of version 1.")
    key_id, serial, type_code, given, family, born, issued, until = parts
    if type_code not in TYPES_BY_CODE:
        raise PayloadError("The payload names an unknown document type.")
    if len(serial) != 12 or not key_id:
        raise PayloadError("The payload's serial or key id is malformed.")
    fields = QrFields(
        key_id=key_id,
        serial="-".join(serial[i : i + 4] for i in range(0, 12, 4)),
        type=TYPES_BY_CODE[type_code],
        given_names=given,
        family_names=family,
        date_of_birth=_parse_day(born, "date of birth"),
        issued_on=_parse_day(issued, "issue date"),
        valid_until=_parse_day(until, "validity") if until else None,
    )
    return fields, PREFIX.encode() + body, signature


def verify(text: str, public_key_for: Callable[[QrFields], Ed25519PublicKey | None]) -> QrFields:
    """The fields of a payload whose signature verifies with the key ``public_key_for(fields)``
    gives (None: the key id is unknown or may not sign this document); PayloadError otherwise."""
    fields, message, signature = decode(text)
    public_key = public_key_for(fields)
    if public_key is None:
        raise PayloadError("The payload is signed with an unknown key.")
    try:
        public_key.verify(signature, message)
    except InvalidSignature as error:
        raise PayloadError(
            "The signature does not match the payload: it was altered or not issued by this "
            "authority."
        ) from error
    return fields
