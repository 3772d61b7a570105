"""The principal cache (sdp/auth/tokens.py): a token is asked of the database at most once a
second per process, and a revocation or deactivation made anywhere takes effect within that
second in every worker (issue 17, point 2). The same-process cases (at once) are in
test_access_and_audit.py and tests/api/test_tokens_cli.py."""

import http.client
import os
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from sdp.auth.principal import SYSTEM
from sdp.auth.services import issue_token, revoke_token, set_active
from sdp.auth.tokens import PRINCIPAL_CACHE_SECONDS
from sdp.extensions import db
from tests.conftest import bearer, statements_touching
from tests.registry.helpers import persons_url
from tests.security.test_crash_safety import GUNICORN, free_port, wait_until_serving

PROJECT_ROOT = Path(__file__).resolve().parents[2]
QUERY = persons_url("María José", "Pérez Gómez", "1990-04-12")


def token_queries(during) -> int:
    return statements_touching("api_tokens", during)


def test_a_token_is_asked_of_the_database_once_then_again_after_the_cache_second(client):
    _, raw = issue_token(SYSTEM, client_name="RENIEC", scopes=["registry:read"])
    db.session.commit()
    assert token_queries(lambda: [client.get(QUERY, headers=bearer(raw)) for _ in range(5)]) == 1
    time.sleep(PRINCIPAL_CACHE_SECONDS + 0.05)
    assert token_queries(lambda: client.get(QUERY, headers=bearer(raw))) == 1


def test_a_revocation_written_behind_the_apps_back_takes_effect_within_the_second(client):
    # A plain SQL update (another server, an operator at the database): no ORM event tells this
    # process; the cache's one-second life is what bounds the delay.
    token, raw = issue_token(SYSTEM, client_name="RENIEC", scopes=["registry:read"])
    db.session.commit()
    assert client.get(QUERY, headers=bearer(raw)).status_code == 200
    with db.engine.begin() as connection:
        connection.execute(
            text("UPDATE api_tokens SET revoked_at = created_at WHERE id = :id"), {"id": token.id}
        )
    time.sleep(PRINCIPAL_CACHE_SECONDS + 0.05)
    assert client.get(QUERY, headers=bearer(raw)).status_code == 401


def test_unknown_tokens_are_not_cached(client):
    # Inventing tokens buys nothing: each one is asked of the database, and refused.
    one = token_queries(lambda: client.get(QUERY, headers=bearer("sdp_invented")))
    three = token_queries(
        lambda: [client.get(QUERY, headers=bearer("sdp_invented")) for _ in range(3)]
    )
    assert one >= 1 and three == 3 * one


def _get(port: int, token: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", QUERY, headers=bearer(token))
    status = connection.getresponse().status
    connection.close()
    return status


@pytest.mark.slow
@pytest.mark.parametrize("change", ["revoke", "deactivate"])
def test_with_two_gunicorn_workers_a_change_takes_effect_within_a_second_in_both(
    app, make_user, tmp_path, change
):
    from tests.conftest import missing

    if not GUNICORN.exists():
        missing("gunicorn is not installed in this environment")
    if change == "revoke":
        token, raw = issue_token(SYSTEM, client_name="RENIEC", scopes=["registry:read"])
        expected_before = 200
    else:
        officer = make_user("case_officer")
        token, raw = issue_token(SYSTEM, user_email=officer.email)
        expected_before = 403  # a staff token may not check the registry, but it is a valid token
    db.session.commit()
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "cache-test",
        "SDP_ACCESS_LOG": "0",
        "SDP_DATA_KEYS": app.extensions["sdp_keyring"].export(),
        "SDP_UPLOAD_FOLDER": str(tmp_path),
        "SDP_RATELIMIT_TOKEN": "100000 per minute",
    }
    log = (tmp_path / "server.log").open("wb")
    # The production settings (gunicorn.conf.py), with two workers.
    server = subprocess.Popen(
        [
            str(GUNICORN),
            "-c",
            str(PROJECT_ROOT / "gunicorn.conf.py"),
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "sdp:create_app()",
        ],
        env=environment,
        stdout=log,
        stderr=log,
        start_new_session=True,
        cwd=str(PROJECT_ROOT),
    )
    try:
        wait_until_serving(port, server)
        # Many new connections: both workers answer some, so both hold the token in their cache.
        assert {_get(port, raw) for _ in range(40)} == {expected_before}
        if change == "revoke":
            revoke_token(SYSTEM, token.prefix)
        else:
            set_active(SYSTEM, officer, False)
        db.session.commit()
        changed_at = time.monotonic()
        time.sleep(PRINCIPAL_CACHE_SECONDS + 0.1)
        statuses = [_get(port, raw) for _ in range(40)]
        assert time.monotonic() - changed_at < 30
        assert set(statuses) == {401}, statuses
    finally:
        os.killpg(server.pid, 15)
        server.wait(15)
