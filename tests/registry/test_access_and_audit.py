"""Who may ask the registry, and the record of who asked what, when."""

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from sdp import clock
from sdp.audit.journal import chain_now
from sdp.audit.models import AuditEvent
from sdp.auth.principal import SYSTEM
from sdp.auth.services import issue_token, revoke_token
from sdp.extensions import db
from sdp.registry.audit import person_checks, person_query_digest
from tests.cases.helpers import register
from tests.conftest import bearer
from tests.registry.helpers import assert_contract_error, persons_url

QUERY = persons_url("María José", "Pérez Gómez", "1990-04-12")


def test_no_token_is_401(client):
    body = assert_contract_error(client.get(QUERY), 401)
    assert "bearer token is required" in body["message"]


@pytest.mark.parametrize(
    "header", ["Bearer sdp_not-a-token", "Basic dXNlcjpwYXNz", "Bearer", "sdp_abc", "Bearer  "]
)
def test_a_bad_or_malformed_token_is_401(client, header):
    assert_contract_error(client.get(QUERY, headers={"Authorization": header}), 401)


def test_the_token_is_checked_before_the_query(client):
    # Without a valid token, no hint about what a valid query looks like.
    assert_contract_error(client.get("/api/v1/registry/persons?given_names=Ana"), 401)


def test_a_partner_token_without_the_scope_is_403(client):
    _, raw = issue_token(SYSTEM, client_name="Ombudsman", scopes=["statistics:read"])
    body = assert_contract_error(client.get(QUERY, headers=bearer(raw)), 403)
    assert "registry:read" in body["message"]


@pytest.mark.parametrize("role", ["supervisor", "case_officer", "admin", "reviewer"])
def test_a_staff_token_is_403_whatever_the_role(api_as, role):
    assert_contract_error(api_as(role).get(QUERY), 403)


def test_a_partner_token_may_not_do_case_work(partner_api):
    reniec = partner_api("registry:read")
    assert_contract_error(reniec.get("/api/v1/applications/1"), 403)
    assert_contract_error(reniec.post("/api/v1/applications", json={"route": "application"}), 403)


def test_an_expired_token_is_401(client):
    token, raw = issue_token(
        SYSTEM,
        client_name="RENIEC",
        scopes=["registry:read"],
        expires_at=clock.now() + timedelta(days=30),
    )
    assert client.get(QUERY, headers=bearer(raw)).status_code == 200
    token.expires_at = clock.now() - timedelta(seconds=1)
    db.session.commit()
    body = assert_contract_error(client.get(QUERY, headers=bearer(raw)), 401)
    assert "expired" in body["message"]


def test_a_revoked_token_is_401_from_the_next_request(client):
    token, raw = issue_token(SYSTEM, client_name="RENIEC", scopes=["registry:read"])
    assert client.get(QUERY, headers=bearer(raw)).status_code == 200
    revoke_token(SYSTEM, token.prefix)
    assert_contract_error(client.get(QUERY, headers=bearer(raw)), 401)


def test_a_token_of_a_deactivated_user_is_401(api_as):
    officer = api_as("case_officer")
    officer.user.active = False
    db.session.commit()
    assert_contract_error(officer.get("/api/v1/applications/1"), 401)


def _registry_events():
    chain_now()  # partner checks wait in the audit journal until chained
    return (
        db.session.execute(
            select(AuditEvent)
            .where(AuditEvent.action == "registry.person_check")
            .order_by(AuditEvent.id)
        )
        .scalars()
        .all()
    )


def test_each_check_is_audited_with_client_token_and_time_but_no_names(api_as, client):
    case = register(api_as("intake_officer"))
    token, raw = issue_token(SYSTEM, client_name="Migraciones", scopes=["registry:read"])
    before = clock.now()
    client.get(QUERY, headers=bearer(raw))
    client.get(persons_url("Juan", "Quispe", "1980-01-01"), headers=bearer(raw))

    found, not_found = _registry_events()
    assert (found.actor_kind, found.actor_id, found.actor_label) == (
        "client",
        token.id,
        "Migraciones",
    )
    assert found.changes == {"token_id": token.id, "matches": [case["case_number"]]}
    assert not_found.changes == {"token_id": token.id, "matches": []}
    assert found.at.utcoffset() == timedelta(hours=-5)  # Lima's time, on SQLite as on PostgreSQL
    assert before - timedelta(seconds=1) <= found.at <= clock.now()
    assert found.entity == "person_query"
    assert found.entity_id == person_query_digest("María José", "Pérez Gómez", date(1990, 4, 12))
    # Nothing of the query itself is kept in readable form: not the names, not the date of birth.
    stored = json.dumps([(e.entity, e.entity_id, e.changes) for e in (found, not_found)]).lower()
    for fragment in ("maria", "maría", "perez", "pérez", "juan", "quispe", "1990", "1980"):
        assert fragment not in stored


def test_who_checked_a_person_is_found_from_their_names_in_any_spelling(client, partner_api, app):
    reniec, migraciones = (
        partner_api("registry:read", name="RENIEC"),
        partner_api("registry:read", name="Migraciones"),
    )
    reniec.get(persons_url("María José", "Pérez Gómez", "1990-04-12"))
    migraciones.get(persons_url("MARIA JOSE", "perez  gomez", "1990-04-12"))
    reniec.get(persons_url("Ana", "Quispe", "1990-04-12"))
    born = date(1990, 4, 12)
    assert [event.actor_label for event in person_checks("maria jose", "Pérez Gómez", born)] == [
        "RENIEC",
        "Migraciones",
    ]
    assert [event.actor_label for event in person_checks("Ana", "Quispe", born)] == ["RENIEC"]

    result = app.test_cli_runner().invoke(
        args=[
            "registry",
            "checks",
            "--given-names",
            "María José",
            "--family-names",
            "Pérez Gómez",
            "--date-of-birth",
            "1990-04-12",
        ]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert (
        len(lines) == 2
        and "RENIEC" in lines[0]
        and "Migraciones" in lines[1]
        and "no case" in lines[0]
    )


def test_the_digest_depends_on_a_key_not_only_on_the_query(app):
    born = date(1990, 4, 12)
    digest = person_query_digest("Ana", "Quispe", born)
    app.config["SDP_REGISTRY_QUERY_KEY"] = "another key"
    try:
        assert person_query_digest("Ana", "Quispe", born) != digest
    finally:
        app.config["SDP_REGISTRY_QUERY_KEY"] = ""


def test_a_refused_request_records_no_check(client, api_as):
    client.get(QUERY)
    api_as("supervisor").get(QUERY)
    assert _registry_events() == []
