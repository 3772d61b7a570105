"""Sensitive text and asylum details are encrypted at rest (AES-GCM), and keys rotate."""

import base64

import pytest
from sqlalchemy import select, text

from sdp.cases.models import Person
from sdp.crypto import (
    DataKeyError,
    DecryptionError,
    Keyring,
    encrypted_columns,
    generate_key,
    parse_keys,
    write_key_file,
)
from sdp.extensions import db
from tests.cases.helpers import Office, person, register

from .walk import TEXTS, full_procedure

WITHDRAWAL = "Zephyrine-withdrawal: she obtained a passport"


@pytest.fixture
def office(api_as):
    return Office(api_as)


def raw_values() -> list[str]:
    """Every value of every encrypted column, as stored."""
    values = []
    with db.engine.connect() as connection:
        for table, column in encrypted_columns(db.metadata):
            values += [
                v
                for v in connection.execute(
                    text(f"SELECT {column.name} FROM {table.name}")
                ).scalars()
                if v
            ]
    return values


def make_cases(office) -> int:
    cid = full_procedure(office)
    other = register(
        office.intake, applicant=person(asylum={"status": "asylum_seeker", "country": "VE"})
    )
    response = office.intake.post(
        f"/api/v1/applications/{other['id']}/withdrawal", json={"reasons": WITHDRAWAL}
    )
    assert response.status_code == 200, response.json
    return cid


def test_the_database_holds_no_sensitive_plaintext(office):
    cid = make_cases(office)
    values = raw_values()
    assert len(values) >= 15
    assert all(value.startswith("sdp1:") for value in values)
    stored = "\n".join(values)
    for plaintext in [*TEXTS.values(), WITHDRAWAL, "refugee", "asylum_seeker"]:
        assert plaintext not in stored
    # the whole row, too: nothing of the reasons in any column of any table
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            dump = repr(connection.execute(text(f"SELECT * FROM {table.name}")).all())
            for plaintext in TEXTS.values():
                assert plaintext[:20] not in dump, (table.name, plaintext)
    # ...while the app reads them back
    case = office.supervisor.get(f"/api/v1/applications/{cid}").json
    assert case["interviews"][0]["summary"] == TEXTS["interview"]
    assert case["evidence"][0]["description"] == TEXTS["evidence"]
    assert case["relevant_states"][0]["reasoning"] == TEXTS["reasoning"]
    assert case["decision"]["reasons"] == TEXTS["decision"]
    assert case["decision"]["findings"][0]["reasoning"] == TEXTS["reasoning"]
    assert (
        case["appeal"]["grounds"] == TEXTS["grounds"]
        and case["appeal"]["reasons"] == TEXTS["appeal"]
    )
    assert case["applicant"]["asylum"] == {"status": "refugee", "country": "VE"}


def test_confidentiality_still_refuses_the_state_of_the_asylum_claim(office):
    case = office.examined_case(applicant=person(asylum={"status": "refugee", "country": "VE"}))
    response = office.officer.post(
        f"/api/v1/applications/{case['id']}/inquiries",
        json={
            "country": "VE",
            "authority": "SAIME",
            "sent_on": "2020-01-01",
            "consent_on": "2020-01-01",
        },
    )
    assert response.status_code == 409 and "Confidentiality" in response.json["message"]


def test_a_ciphertext_moved_to_another_column_or_altered_does_not_decrypt(office):
    register(office.intake, applicant=person(asylum={"status": "refugee", "country": "VE"}))
    with db.engine.begin() as connection:
        status, country = connection.execute(
            text("SELECT asylum_status, asylum_country FROM persons")
        ).one()
        connection.execute(text("UPDATE persons SET asylum_country = :v"), {"v": status})
    db.session.expire_all()
    with pytest.raises(DecryptionError):
        db.session.execute(select(Person)).scalars().all()
    db.session.rollback()
    prefix, kid, body = country.split(":")
    raw = bytearray(base64.urlsafe_b64decode(body))
    raw[-1] ^= 1
    with db.engine.begin() as connection:
        connection.execute(
            text("UPDATE persons SET asylum_country = :v"),
            {"v": f"{prefix}:{kid}:{base64.urlsafe_b64encode(bytes(raw)).decode()}"},
        )
    with pytest.raises(DecryptionError):
        db.session.execute(select(Person.asylum_country)).scalars().all()
    db.session.rollback()
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE persons SET asylum_country = 'VE'"))  # plaintext slipped in
    with pytest.raises(DecryptionError):
        db.session.execute(select(Person.asylum_country)).scalars().all()
    db.session.rollback()


def test_rotation_re_encrypts_everything_and_then_forgets_the_old_key(app, office, own_key_file):
    cid = make_cases(office)
    old_kid, old_keys = own_key_file.current.kid, list(own_key_file.keys)
    result = app.test_cli_runner().invoke(args=["keys", "rotate", "--no-wait"])
    assert result.exit_code == 0, result.output
    new_kid = own_key_file.current.kid
    assert new_kid != old_kid and f"with key {new_kid}" in result.output
    assert all(value.startswith(f"sdp1:{new_kid}:") for value in raw_values())
    assert [key.kid for key in parse_keys(own_key_file.file.read_text())] == [new_kid]
    db.session.expire_all()
    case = office.supervisor.get(f"/api/v1/applications/{cid}").json
    assert (
        case["appeal"]["reasons"] == TEXTS["appeal"]
        and case["interviews"][0]["summary"] == TEXTS["interview"]
    )
    assert case["applicant"]["asylum"]["country"] == "VE"
    assert app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0
    # what was stolen with the old key alone no longer opens anything
    with pytest.raises(DecryptionError):
        Keyring(old_keys).decrypt(raw_values()[0], b"any")


def test_rotation_with_keys_from_the_environment(app, office):
    original = app.extensions["sdp_keyring"]
    cid = make_cases(office)
    fresh = generate_key()
    app.extensions["sdp_keyring"] = Keyring([fresh, *original.keys])  # SDP_DATA_KEYS="new,old"
    try:
        result = app.test_cli_runner().invoke(args=["keys", "rotate", "--no-wait"])
        assert result.exit_code == 0, result.output
        assert "remove the old keys" in result.output
        assert all(value.startswith(f"sdp1:{fresh.kid}:") for value in raw_values())
        app.extensions["sdp_keyring"] = Keyring([fresh])
        db.session.expire_all()
        assert (
            office.supervisor.get(f"/api/v1/applications/{cid}").json["decision"]["reasons"]
            == TEXTS["decision"]
        )
    finally:
        app.extensions["sdp_keyring"] = original


def test_another_process_picks_up_a_rotated_key_file(tmp_path, monkeypatch):
    import sdp.crypto

    monkeypatch.setattr(sdp.crypto, "REFRESH_SECONDS", 0)
    path = tmp_path / "data_keys"
    first = generate_key()
    write_key_file(path, [first])
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    this_process, other_process = (
        Keyring(parse_keys(path.read_text()), path),
        Keyring(parse_keys(path.read_text()), path),
    )
    token = other_process.encrypt(b"x", b"t.c")
    second = generate_key()
    this_process.replace([second, first])
    assert other_process.encrypt(b"y", b"t.c").startswith(f"sdp1:{second.kid}:")
    this_process.replace([second])
    assert this_process.decrypt(other_process.encrypt(b"z", b"t.c"), b"t.c") == b"z"
    with pytest.raises(DecryptionError):
        this_process.decrypt(token, b"t.c")


def test_malformed_keys_are_refused():
    with pytest.raises(DataKeyError):
        parse_keys("k1:" + base64.urlsafe_b64encode(b"short").decode())
    with pytest.raises(DataKeyError):
        parse_keys("no-colon")
    key = generate_key()
    with pytest.raises(DataKeyError):
        parse_keys(f"{key.export()},{key.export()}")
    assert parse_keys(f"# comment\n{key.export()}  # current\n") == [key]
