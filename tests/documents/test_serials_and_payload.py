"""Serial numbers and the signed QR payload, as pure code (no database, no Flask)."""

import base64
import string
from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from sdp.documents import payload, serials
from sdp.domain.vocabulary import DocumentType


def test_serials_are_random_grouped_and_carry_a_valid_check_symbol():
    drawn = {serials.new_serial() for _ in range(5000)}
    assert len(drawn) == 5000  # 55 random bits: no collision in a few thousand
    for serial in list(drawn)[:500]:
        assert len(serial) == 14 and serial[4] == serial[9] == "-"
        assert set(serial.replace("-", "")) <= set(serials.ALPHABET)  # never * ~ $ = U
        assert serials.normalize(serial) == serial
    # Not sequential: consecutive serials share no long prefix.
    ordered = [serials.new_serial() for _ in range(50)]
    assert sum(a[:4] == b[:4] for a, b in zip(ordered, ordered[1:], strict=False)) < 3


def test_the_check_symbol_catches_every_single_substitution_and_adjacent_swap():
    serial = serials.new_serial().replace("-", "")
    for position in range(len(serial)):
        for symbol in serials.ALPHABET:
            if symbol != serial[position]:
                typo = serial[:position] + symbol + serial[position + 1 :]
                assert serials.normalize(typo) is None, typo
    for position in range(len(serial) - 1):
        a, b = serial[position], serial[position + 1]
        if a != b:
            swapped = serial[:position] + b + a + serial[position + 2 :]
            assert serials.normalize(swapped) is None, swapped


def test_typed_serials_are_forgiven_case_spaces_hyphens_and_look_alike_letters():
    serial = serials.new_serial()
    compact = serial.replace("-", "")
    assert serials.normalize(compact.lower()) == serial
    assert serials.normalize(f"  {compact[:6]} {compact[6:]} ") == serial
    if "1" in compact:
        assert serials.normalize(compact.replace("1", "l", 1)) == serial
    if "0" in compact:
        assert serials.normalize(compact.replace("0", "O", 1)) == serial
    for bad in ("", "ABC", compact + "0", "É" * 12, "x" * 100, None):
        assert serials.normalize(bad) is None


def fields(**overrides) -> payload.QrFields:
    values = dict(
        key_id="abcdefgh",
        serial=serials.new_serial(),
        type=DocumentType.TRAVEL_DOCUMENT,
        given_names="João",
        family_names="Da Silva Conceição",
        date_of_birth=date(1985, 7, 2),
        issued_on=date(2026, 3, 1),
        valid_until=date(2028, 3, 1),
    )
    values.update(overrides)
    return payload.QrFields(**values)


def test_a_payload_round_trips_and_fits_the_qr_alphanumeric_mode():
    key = Ed25519PrivateKey.generate()
    original = fields()
    text = payload.encode(original, key)
    assert set(text) <= set(string.ascii_uppercase + "234567:" + "SDP1")
    assert len(text) < 260  # a version-11 QR code at most, readable off paper
    assert payload.verify(text, lambda f: key.public_key()) == original
    no_expiry = fields(type=DocumentType.DECISION_LETTER, valid_until=None)
    assert payload.verify(payload.encode(no_expiry, key), lambda f: key.public_key()) == no_expiry


def test_every_single_changed_character_makes_the_payload_fail():
    key = Ed25519PrivateKey.generate()
    text = payload.encode(fields(), key)
    alphabet = string.ascii_uppercase + "234567"
    for position in range(len("SDP1:"), len(text)):
        replacement = alphabet[(alphabet.index(text[position]) + 7) % len(alphabet)]
        forged = text[:position] + replacement + text[position + 1 :]
        with pytest.raises(payload.PayloadError):
            payload.verify(forged, lambda f: key.public_key())


def test_a_payload_signed_by_another_key_or_cut_or_renamed_fails():
    key, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    text = payload.encode(fields(), key)
    attempts = [
        text[:-1],
        text + "A",
        text[:40],
        "SDP2:" + text[5:],
        text.lower(),
        "SDP1:",
        "",
        "SDP1:!!!!",
    ]
    for attempt in attempts:
        with pytest.raises(payload.PayloadError):
            payload.verify(attempt, lambda f: key.public_key())
    with pytest.raises(payload.PayloadError):
        payload.verify(text, lambda f: other.public_key())
    with pytest.raises(payload.PayloadError):
        payload.verify(text, lambda f: None)  # unknown key id


def test_a_forger_who_rewrites_the_body_cannot_keep_the_signature():
    key = Ed25519PrivateKey.generate()
    text = payload.encode(fields(), key)
    raw = base64.b32decode(text[5:] + "=" * (-len(text[5:]) % 8))
    body, signature = raw[:-64], raw[-64:]
    forged_body = body.replace(b"2028", b"2030")
    forged = "SDP1:" + base64.b32encode(forged_body + signature).decode().rstrip("=")
    with pytest.raises(payload.PayloadError, match="signature"):
        payload.verify(forged, lambda f: key.public_key())


def _standard_library_b32decode_strict(text: str) -> bytes | None:
    """The decoder payload used before it read base32 with int() (issue 17): RFC 4648 base32
    without padding, by the standard library, then re-encoded to refuse a non-canonical text.
    None where it refused the text."""
    import binascii

    try:
        raw = base64.b32decode(text + "=" * (-len(text) % 8), casefold=False)
    except (binascii.Error, ValueError):
        return None
    return raw if base64.b32encode(raw).decode("ascii").rstrip("=") == text else None


@given(
    st.one_of(
        st.binary(max_size=200).map(lambda raw: base64.b32encode(raw).decode().rstrip("=")),
        st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", max_size=120),
        st.text(alphabet="ABCXYZ2367abz018=_ +-\n\u00c1\u0661", max_size=40),
    )
)
@settings(max_examples=3000, derandomize=True)
def test_base32_is_read_exactly_as_the_standard_library_reads_it_canonical_only(text):
    expected = _standard_library_b32decode_strict(text)
    if expected is None:
        with pytest.raises(payload.PayloadError):
            payload._b32decode_strict(text)
    else:
        assert payload._b32decode_strict(text) == expected


def test_base32_with_spare_bits_set_or_an_impossible_length_is_refused():
    canonical = base64.b32encode(b"\x00\x01").decode().rstrip("=")  # 16 bits in 4 characters
    assert payload._b32decode_strict(canonical) == b"\x00\x01"
    spare_bit_set = canonical[:-1] + "B"  # the last character's 4 unused bits no longer zero
    for text in (spare_bit_set, "A", "AAA", "AAAAAA", "AAAA=", "aaaa", " AAAA", "A_AA"):
        with pytest.raises(payload.PayloadError):
            payload._b32decode_strict(text)
