"""Partner tokens from the command line: create, list, revoke; stored hashed, audited."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from sdp import clock
from sdp.audit.models import AuditEvent
from sdp.auth.models import ApiToken
from sdp.extensions import db
from tests.registry.helpers import persons_url

CHECK = persons_url("Ana", "Quispe", "2001-02-03")


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def run(*args, ok=True):
        result = runner.invoke(args=list(args))
        if ok:
            assert result.exit_code == 0, result.output
        return result

    return run


def new_token(cli, *args) -> str:
    return cli("tokens", "create", *args).output.strip().splitlines()[-1]


def test_create_prints_a_token_that_is_stored_only_as_a_digest(cli, client):
    raw = new_token(
        cli, "--client", "RENIEC", "--scope", "registry:read", "--expires", "2099-12-31"
    )
    token = db.session.execute(select(ApiToken)).scalar_one()
    assert raw.startswith("sdp_") and len(raw) > 40
    assert token.token_hash != raw and raw not in token.token_hash and token.prefix == raw[:10]
    assert token.client_name == "RENIEC" and token.scopes == ["registry:read"]
    assert token.expires_at.date().isoformat() == "2099-12-31"
    assert client.get(CHECK, headers={"Authorization": f"Bearer {raw}"}).status_code == 200


def test_create_refuses_an_unknown_scope_and_a_past_expiry(cli):
    assert (
        "Unknown scope"
        in cli("tokens", "create", "--client", "X", "--scope", "registry:write", ok=False).output
    )
    yesterday = (clock.today() - timedelta(days=1)).isoformat()
    result = cli(
        "tokens",
        "create",
        "--client",
        "X",
        "--scope",
        "registry:read",
        "--expires",
        yesterday,
        ok=False,
    )
    assert result.exit_code != 0 and "after today" in result.output
    assert db.session.execute(select(ApiToken)).first() is None


def test_list_shows_every_token_but_never_the_token_itself(cli, make_user):
    user = make_user("supervisor", email="elena@example.pe")
    partner = new_token(
        cli, "--client", "RENIEC", "--scope", "registry:read", "--expires", "2099-12-31"
    )
    staff = new_token(cli, "--user", user.email)
    revoked = new_token(cli, "--client", "Migraciones", "--scope", "registry:read")
    cli("tokens", "revoke", revoked[:10])

    output = cli("tokens", "list").output
    lines = output.strip().splitlines()
    assert lines[0].split() == [
        "ID",
        "PREFIX",
        "ACTS",
        "AS",
        "SCOPES",
        "CREATED",
        "EXPIRES",
        "STATUS",
    ]
    by_prefix = {line.split()[1]: line for line in lines[1:]}
    assert set(by_prefix) == {partner[:10], staff[:10], revoked[:10]}
    today = clock.today().isoformat()
    assert by_prefix[partner[:10]].split()[2:] == [
        "client",
        "RENIEC",
        "registry:read",
        today,
        "2099-12-31",
        "active",
    ]
    assert by_prefix[staff[:10]].split()[2:] == [
        "user",
        "elena@example.pe",
        "-",
        today,
        "never",
        "active",
    ]
    assert by_prefix[revoked[:10]].split()[-2:] == ["revoked", today]
    for raw in (partner, staff, revoked):
        assert raw not in output and raw[10:20] not in output


def test_list_shows_an_expired_token_as_expired(cli):
    new_token(cli, "--client", "RENIEC", "--scope", "registry:read")
    token = db.session.execute(select(ApiToken)).scalar_one()
    token.expires_at = clock.now() - timedelta(minutes=1)
    db.session.commit()
    assert cli("tokens", "list").output.strip().splitlines()[1].endswith("expired")


def test_list_without_tokens_says_so(cli):
    assert cli("tokens", "list").output.strip() == "No tokens."


@pytest.mark.parametrize("by", ["prefix", "id", "whole token"])
def test_revoke_by_prefix_or_id_stops_the_token_at_once_and_is_audited(cli, client, by):
    raw = new_token(cli, "--client", "RENIEC", "--scope", "registry:read")
    token = db.session.execute(select(ApiToken)).scalar_one()
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get(CHECK, headers=headers).status_code == 200
    given = {"prefix": raw[:10], "id": str(token.id), "whole token": raw}[by]

    result = cli("tokens", "revoke", given)
    assert (
        f"Revoked token {raw[:10]}" in result.output
        and "RENIEC" in result.output
        and raw not in result.output
    )
    assert client.get(CHECK, headers=headers).status_code == 401
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "token.revoke")
    ).scalar_one()
    assert (event.entity, event.entity_id, event.actor_kind) == (
        "api_token",
        str(token.id),
        "system",
    )
    assert event.changes == {"prefix": raw[:10], "client": "RENIEC", "user": None}


def test_revoke_refuses_unknown_twice_revoked_and_ambiguous_tokens(cli):
    first = new_token(cli, "--client", "A", "--scope", "registry:read")
    new_token(cli, "--client", "B", "--scope", "registry:read")
    assert "no token" in cli("tokens", "revoke", "sdp_zzzzzz", ok=False).output
    assert "no token 999" in cli("tokens", "revoke", "999", ok=False).output
    assert "prefix as listed" in cli("tokens", "revoke", "sdp", ok=False).output

    tokens = db.session.execute(select(ApiToken).order_by(ApiToken.id)).scalars().all()
    tokens[1].prefix = tokens[0].prefix  # two tokens may share a prefix, rarely
    db.session.commit()
    result = cli("tokens", "revoke", first[:10], ok=False)
    assert "Several tokens" in result.output and str(tokens[0].id) in result.output
    cli("tokens", "revoke", str(tokens[1].id))
    assert "already revoked" in cli("tokens", "revoke", str(tokens[1].id), ok=False).output
