"""Issue 15's smaller findings, replayed: sign-in throttled per address and per account, request
ids chosen by the app, Allow on every 405, the contract's JSON for the errors the app answers."""

import re

import pytest
from sqlalchemy import select

from sdp.audit.models import AuditEvent
from sdp.config import load
from sdp.documents.serials import new_serial
from sdp.extensions import db
from sdp.ratelimit import limiter
from tests.registry.helpers import assert_contract_error

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@pytest.fixture
def production_sign_in_limits(app, monkeypatch):
    """The sign-in limits as shipped (the suite's own are lifted), on fresh counters."""
    shipped = load(app.instance_path)
    for name in ("SDP_RATELIMIT_SIGN_IN_ADDRESS", "SDP_RATELIMIT_SIGN_IN_ACCOUNT"):
        monkeypatch.setitem(app.config, name, shipped[name])
    limiter.reset()
    yield shipped
    limiter.reset()


def sign_in_from(
    client, address: str, email: str, password: str = "not the password at all", **headers
):
    return client.post(
        "/sign-in",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
        headers=headers,
    )


def test_forty_emails_from_one_address_get_429(app, production_sign_in_limits):
    """The attack: 40 different emails from one address were 40 Argon2 verifications, never a
    429."""
    client = app.test_client()
    statuses = [
        sign_in_from(client, "203.0.113.7", f"guess{n}@minrel.gob.pe").status_code
        for n in range(40)
    ]
    allowed = int(production_sign_in_limits["SDP_RATELIMIT_SIGN_IN_ADDRESS"].split()[0])
    assert statuses[:allowed] == [401] * allowed and set(statuses[allowed:]) == {429}
    refused = sign_in_from(client, "203.0.113.7", "guess41@minrel.gob.pe")
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60
    assert (
        sign_in_from(client, "198.51.100.9", "someone@minrel.gob.pe").status_code == 401
    )  # another client


def test_one_account_tried_from_many_addresses_gets_429_before_its_password_is_tried(
    app, make_user, production_sign_in_limits
):
    user = make_user("intake_officer")
    client = app.test_client()
    allowed = int(production_sign_in_limits["SDP_RATELIMIT_SIGN_IN_ACCOUNT"].split()[0])
    statuses = [
        sign_in_from(client, f"192.0.2.{n}", user.email.upper()).status_code
        for n in range(allowed + 3)
    ]
    assert statuses[:allowed] == [401] * allowed and set(statuses[allowed:]) == {429}
    tried = (
        db.session.execute(
            select(AuditEvent).where(
                AuditEvent.entity == "user",
                AuditEvent.entity_id == str(user.id),
                AuditEvent.action.like("user.sign_in_%"),
            )
        )
        .scalars()
        .all()
    )
    assert len(tried) == allowed  # the refused attempts never reached Argon2 nor the account
    assert sign_in_from(client, "192.0.2.200", "other@minrel.gob.pe").status_code == 401


def test_the_client_address_comes_from_x_forwarded_for_only_behind_a_trusted_proxy(
    app, monkeypatch, production_sign_in_limits
):
    monkeypatch.setitem(app.config, "SDP_RATELIMIT_SIGN_IN_ADDRESS", "2 per minute")
    client = app.test_client()
    # No trusted proxy: a forged X-Forwarded-For buys no fresh budget.
    statuses = [
        sign_in_from(
            client, "203.0.113.7", f"a{n}@x.pe", **{"X-Forwarded-For": f"10.0.0.{n}"}
        ).status_code
        for n in range(3)
    ]
    assert statuses == [401, 401, 429]
    # Behind nginx (one trusted proxy): each client's address as nginx saw it.
    monkeypatch.setitem(app.config, "TRUSTED_PROXIES", 1)
    statuses = [
        sign_in_from(
            client, "10.0.0.2", f"b{n}@x.pe", **{"X-Forwarded-For": f"198.51.100.{n}"}
        ).status_code
        for n in range(3)
    ]
    assert statuses == [401, 401, 401]


def test_a_client_chosen_request_id_never_reaches_the_audit_trail(app, api_as, monkeypatch):
    """The attack: a client's X-Request-Id was written as given into the audit trail and the
    logs."""
    from tests.cases.helpers import person

    intake = api_as("intake_officer")
    forged = 'x"} {"level": "error", "msg": "forged'

    def intake_with(request_id: str) -> str:
        response = intake.client.post(
            "/api/v1/applications",
            json={"route": "application", "applicant": person()},
            headers={**intake.headers, "X-Request-Id": request_id},
        )
        assert response.status_code == 201, response.json
        event = (
            db.session.execute(
                select(AuditEvent)
                .where(AuditEvent.action == "case.register")
                .order_by(AuditEvent.id.desc())
            )
            .scalars()
            .first()
        )
        assert event.request_id == response.headers["X-Request-Id"]
        return event.request_id

    for offered in (
        forged,
        "0f3c6b1e9d2a4c8e7b5a3f1d2c4e6a8b",
    ):  # not even a well-formed one without a proxy
        assert re.fullmatch(r"[0-9a-f]{32}", intake_with(offered))
    monkeypatch.setitem(app.config, "TRUSTED_PROXIES", 1)
    assert intake_with("0f3c6b1e9d2a4c8e7b5a3f1d2c4e6a8b") == "0f3c6b1e9d2a4c8e7b5a3f1d2c4e6a8b"
    for malformed in (forged, "x" * 65, "short", "has space in it"):
        assert re.fullmatch(r"[0-9a-f]{32}", intake_with(malformed))


SERIAL = new_serial()


def _url(rule) -> str:
    url = rule.rule
    for name, converter in rule._converters.items():  # noqa: SLF001 - the converter decides what matches
        value = (
            SERIAL
            if type(converter).__name__ == "SerialConverter"
            else ("en" if name == "code" else "1")
        )
        url = re.sub(rf"<(?:[a-z]+:)?{name}>", value, url)
    return url


def test_every_405_says_which_methods_are_allowed(app):
    """The attack: 405 answers carried no Allow header. Every route, with a method it does not
    take."""
    client, checked = app.test_client(), 0
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        url = _url(rule)
        # Every method some route answers at this address (rules may share one), as the router sees
        # it.
        allowed = set(adapter.allowed_methods(url))
        assert rule.methods <= allowed
        for method in METHODS:
            if method in allowed:
                continue
            response = client.open(url, method=method)
            assert response.status_code == 405, (method, url, response.status_code)
            assert set(response.headers["Allow"].split(", ")) == allowed, (method, url)
            if url.startswith("/api/"):
                assert_contract_error(response, 405)
            checked += 1
    assert checked > 100


def test_the_app_answers_its_errors_in_the_contracts_format(app, api_as):
    client = api_as("intake_officer")
    assert_contract_error(client.get("/api/v1/no-such-thing"), 404)
    too_long = "/api/v1/registry/persons?given_names=" + "a" * app.config["MAX_URL_LENGTH"]
    body = assert_contract_error(client.get(too_long), 414)
    assert body["status"] == "Request-URI Too Long"
    assert (
        app.test_client().get("/cases/?q=" + "a" * app.config["MAX_URL_LENGTH"]).status_code == 414
    )
    assert_contract_error(
        client.post(
            "/api/v1/applications",
            data="x" * (app.config["API_MAX_JSON_BYTES"] + 1),
            content_type="application/json",
        ),
        413,
    )
    assert_contract_error(
        client.client.open("/api/v1/applications", method="PATCH", headers=client.headers), 405
    )
    assert_contract_error(
        client.post("/api/v1/applications", data="{", content_type="application/json"), 400
    )


def test_the_shipped_gunicorn_limits_leave_the_app_room_to_answer(app):
    """gunicorn answers a request line over ``limit_request_line`` itself, in HTML: its limit sits
    above the app's (which answers 414 in JSON), and nginx's below both (docs/deployment.md)."""
    import runpy

    from sdp import PROJECT_ROOT

    settings = runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))
    assert settings["limit_request_line"] > app.config["MAX_URL_LENGTH"] + len("GET  HTTP/1.1")
    assert settings["limit_request_fields"] and settings["limit_request_field_size"]
    deployment = (PROJECT_ROOT / "docs" / "deployment.md").read_text()
    assert "large_client_header_buffers" in deployment and "@json_error" in deployment


@pytest.mark.slow  # starts a real server (a few seconds)
def test_behind_the_shipped_gunicorn_a_long_address_is_answered_by_the_app_in_json(app, tmp_path):
    """The real server with gunicorn.conf.py: an address over the app's limit and under
    gunicorn's gets the app's 414 in JSON; over gunicorn's, gunicorn itself answers (not JSON),
    which is why nginx, with a lower limit and a JSON error page, stands in front
    (docs/deployment.md)."""
    import http.client
    import json
    import os
    import signal
    import subprocess

    from sdp import PROJECT_ROOT
    from tests.security.test_crash_safety import GUNICORN, free_port, wait_until_serving

    if not GUNICORN.exists():
        pytest.skip("gunicorn is not installed in this environment")
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "limits-test",
        "SDP_BIND": f"127.0.0.1:{port}",
        "SDP_WORKERS": "1",
        "SDP_DATA_KEYS": app.extensions["sdp_keyring"].export(),
        "SDP_UPLOAD_FOLDER": str(tmp_path),
    }
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [str(GUNICORN), "-c", str(PROJECT_ROOT / "gunicorn.conf.py"), "sdp:create_app()"],
        env=environment,
        stdout=log,
        stderr=log,
        start_new_session=True,
        cwd=str(PROJECT_ROOT),
    )
    try:
        wait_until_serving(port, server)

        def get(path: str):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.getheader("Content-Type") or "", response.read()

        status, content_type, body = get("/api/v1/registry/persons?given_names=" + "a" * 6000)
        assert status == 414 and content_type.startswith("application/json")
        assert json.loads(body)["code"] == 414
        status, content_type, _ = get("/api/v1/registry/persons?given_names=" + "a" * 9000)
        assert status in (400, 414) and not content_type.startswith(
            "application/json"
        )  # gunicorn's own HTML
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    # One access line for the request the app answered: the app's, in JSON, without the query
    # string (gunicorn keeps no access log of its own, gunicorn.conf.py).
    lines = [
        line
        for line in (tmp_path / "server.log").read_text().splitlines()
        if "/api/v1/registry/persons" in line
    ]
    assert len(lines) == 1, lines
    assert json.loads(lines[0])["status"] == 414 and "given_names" not in lines[0]
