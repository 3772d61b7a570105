"""The password-hash profile: production's Argon2 cost by default, the cheapest only when asked."""

import pytest

from sdp import config
from sdp.auth import passwords


def test_production_hashes_with_rfc_9106_low_memory_parameters(app, monkeypatch, tmp_path):
    monkeypatch.delenv("SDP_PASSWORD_HASH_PROFILE")
    settings = config.load(str(tmp_path))
    assert settings["PASSWORD_HASH_PROFILE"] == "production"
    monkeypatch.setitem(app.config, "PASSWORD_HASH_PROFILE", settings["PASSWORD_HASH_PROFILE"])
    # argon2id, 64 MiB, 3 passes, 4 lanes: argon2-cffi's recommended profile (RFC 9106, low memory).
    assert passwords.hash_password("correct horse battery staple").startswith(
        "$argon2id$v=19$m=65536,t=3,p=4$"
    )


def test_the_test_suite_hashes_cheaply_and_either_profile_verifies_the_others_hashes(
    app, monkeypatch
):
    assert app.config["PASSWORD_HASH_PROFILE"] == "cheapest"
    cheap = passwords.hash_password("correct horse battery staple")
    assert cheap.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    monkeypatch.setitem(app.config, "PASSWORD_HASH_PROFILE", "production")
    assert passwords.verify_password(cheap, "correct horse battery staple")
    assert not passwords.verify_password(cheap, "wrong horse battery staple")


def test_an_unknown_profile_stops_the_app_at_start_up(monkeypatch, tmp_path):
    monkeypatch.setenv("SDP_PASSWORD_HASH_PROFILE", "fast")
    with pytest.raises(ValueError, match="PASSWORD_HASH_PROFILE must be one of"):
        config.load(str(tmp_path))
