"""The registry's lean path (sdp/registry/lean.py) answers byte for byte as the whole app does.

Each request is sent twice, once on the lean path and once with it turned off
(``SDP_LEAN_REGISTRY``), and the two answers compared: status, body bytes, headers (the request
id and the rate-limit counters apart, which differ by nature), and the audit event written.
"""

import pytest
from sqlalchemy import select, text

from sdp.audit.models import AuditEvent
from sdp.auth.principal import SYSTEM
from sdp.auth.services import issue_token
from sdp.extensions import db
from tests.births.helpers import birth
from tests.cases.helpers import person
from tests.conftest import statements_naming
from tests.documents.helpers import ANGELA, issued, recognized_case, register
from tests.registry.helpers import persons_url

VARYING = {"X-Request-Id", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-RateLimit-Retry-After"}
AUDIT_FIELDS = ("actor_kind", "actor_id", "actor_label", "action", "entity", "entity_id")


@pytest.fixture
def full_dispatches(app, monkeypatch):
    """How many requests went through Flask's whole dispatch (hooks, session, view)."""
    calls = []
    original = app.full_dispatch_request

    def counted():
        calls.append(1)
        return original()

    monkeypatch.setattr(app, "full_dispatch_request", counted)
    return calls


def _last_event() -> tuple | None:
    # Partner checks are journaled (sdp.audit.journal) and chained later: chained here first.
    from sdp.audit.journal import chain_now

    db.session.commit()  # the test's own set-up (a token issued through a service) kept, as a
    # request's unit of work would keep it; then the journal chained and the last event read
    chain_now()
    event = db.session.execute(
        select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)
    ).scalar_one_or_none()
    if event is None:
        return None
    return (
        event.id,
        *(getattr(event, name) for name in AUDIT_FIELDS),
        event.case_id,
        event.changes,
        event.request_id,
    )


def both_ways(app, client, full_dispatches, method, url, token=None, **kwargs):
    """The lean answer and the whole app's, compared; returns the lean one."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answers, events, dispatched = [], [], []
    previous = _last_event()
    for lean in (True, False):
        app.config["SDP_LEAN_REGISTRY"] = lean
        before = len(full_dispatches)
        try:
            answers.append(client.open(url, method=method, headers=headers, **kwargs))
        finally:
            app.config["SDP_LEAN_REGISTRY"] = True
        dispatched.append(len(full_dispatches) - before)
        event = _last_event()
        events.append(None if event == previous else event)
        previous = event
    lean_answer, whole_answer = answers
    assert lean_answer.status_code == whole_answer.status_code, url
    assert lean_answer.get_data() == whole_answer.get_data(), url

    def comparable(response):
        # The same fields with the same values; their order is not significant in HTTP (the
        # app's after-request hooks and the lean path add them in different orders).
        return sorted((name, value) for name, value in response.headers if name not in VARYING)

    assert comparable(lean_answer) == comparable(whole_answer), url
    assert (
        lean_answer.headers["X-Request-Id"] and lean_answer.headers["Cache-Control"] == "no-store"
    )
    # Each path wrote its own audit event (or none), the same but for its id and request id.
    assert (events[0] is None) == (events[1] is None), (url, events)
    if lean_answer.status_code == 200:
        assert events[0] is not None, url
    if events[0] is not None:
        assert events[0][1:-1] == events[1][1:-1], (events[0], events[1])
        assert events[0][-1] == lean_answer.headers["X-Request-Id"]
    lean_answer.dispatched = dispatched[0]
    return lean_answer


@pytest.fixture
def documents(office):
    case = recognized_case(office)
    travel = issued(office.supervisor, case["id"], "travel_document")
    pending = register(office.intake, applicant=person(given="Ana", dob="1994-03-02"))
    certificate = issued(office.intake, pending["id"], "provisional_certificate")
    return travel, certificate


@pytest.fixture
def office(api_as):
    from tests.cases.helpers import Office

    return Office(api_as)


@pytest.fixture
def reniec():
    _, raw = issue_token(SYSTEM, client_name="RENIEC", scopes=["registry:read"])
    return raw


def test_document_checks_answer_the_same_on_the_lean_path(
    app, client, full_dispatches, documents, reniec
):
    travel, certificate = documents
    for serial in (travel["serial"], certificate["serial"], certificate["serial"].lower()):
        answer = both_ways(
            app, client, full_dispatches, "GET", f"/api/v1/registry/documents/{serial}", reniec
        )
        assert answer.status_code == 200 and answer.dispatched == 0
    for serial in ("XXXX-XXXX-X", "not a serial", "0000-0000-0000"):
        answer = both_ways(
            app, client, full_dispatches, "GET", f"/api/v1/registry/documents/{serial}", reniec
        )
        assert answer.status_code == 404 and answer.dispatched == 0


def test_verify_answers_the_same_on_the_lean_path(app, client, full_dispatches, documents, reniec):
    travel, _ = documents
    url = "/api/v1/registry/documents/verify"
    answer = both_ways(app, client, full_dispatches, "POST", url, reniec, json={"qr": travel["qr"]})
    assert answer.status_code == 200 and answer.json["serial"] == travel["serial"]
    assert answer.dispatched == 0
    # Whatever is not a plain, genuine check goes on to the whole app: the same answer.
    qr = travel["qr"]
    altered = qr[:-8] + ("A" if qr[-8] != "A" else "B") + qr[-7:]
    for body, code in (
        ({"qr": altered}, 422),
        ({"qr": "SDP1:" + "A" * 40}, 422),
        ({}, 422),
        ({"qr": qr, "extra": 1}, 422),
        ({"qr": 12}, 422),
        ([qr], 422),
    ):
        answer = both_ways(app, client, full_dispatches, "POST", url, reniec, json=body)
        assert answer.status_code == code and answer.dispatched == 1, body
    for raw, content_type, code in (
        (b'{"qr": ', "application/json", 400),
        (b'{"qr": "x"}', "text/plain", 415),
        (b"[" * 40 + b"]" * 40, "application/json", 400),
    ):
        answer = both_ways(
            app, client, full_dispatches, "POST", url, reniec, data=raw, content_type=content_type
        )
        assert answer.status_code == code and answer.dispatched == 1, raw


def test_person_checks_answer_the_same_on_the_lean_path(
    app, client, full_dispatches, reniec, office
):
    register(office.intake, applicant=ANGELA)
    for url in (
        persons_url("Ángela", "Núñez Ortiz", "2001-01-22"),
        persons_url("ANGELA", "nunez  ortiz", "2001-01-22"),
        persons_url("Nadie", "Ninguno", "1980-01-01"),
    ):
        answer = both_ways(app, client, full_dispatches, "GET", url, reniec)
        assert answer.status_code == 200 and answer.dispatched == 0
    assert answer.json == {"matches": []}
    for url in (
        persons_url("Ángela", "Núñez Ortiz"),
        persons_url("Ángela", "Núñez Ortiz", "not a date"),
        persons_url("---", "Núñez Ortiz", "2001-01-22"),
        persons_url("Ángela", "Núñez Ortiz", "2001-01-22", extra="1"),
    ):
        answer = both_ways(app, client, full_dispatches, "GET", url, reniec)
        assert answer.status_code == 422 and answer.dispatched == 1, url


def test_birth_checks_answer_the_same_on_the_lean_path(
    app, client, full_dispatches, reniec, api_as
):
    created = api_as("registrar").post("/api/v1/births", json=birth())
    assert created.status_code == 201, created.json
    number = created.json["registration_number"]
    wrong_check_digit = number[:-1] + str((int(number[-1]) + 1) % 10)
    for candidate, code in (
        (number, 200),
        (number.lower(), 200),
        (wrong_check_digit, 404),
        ("NAC-2026-9999999-" + number[-1], 404),
        ("nonsense", 404),
    ):
        answer = both_ways(
            app, client, full_dispatches, "GET", f"/api/v1/registry/births/{candidate}", reniec
        )
        assert answer.status_code == code and answer.dispatched == 0, candidate


def test_a_birth_check_reads_none_of_the_parents_data(client, reniec, api_as):
    """The lean path reads only what the answer and its audit event need (least data): never a
    parent, their nationality, asylum or case."""

    created = api_as("registrar").post("/api/v1/births", json=birth())
    number = created.json["registration_number"]
    answers = []
    read = statements_naming(
        "birth_registrations",
        lambda: answers.append(
            client.get(
                f"/api/v1/registry/births/{number}", headers={"Authorization": f"Bearer {reniec}"}
            )
        ),
    )
    [answer] = answers
    assert answer.status_code == 200, answer.json
    assert len(read) == 1, read
    assert "mother" not in read[0] and "father" not in read[0] and "declarant" not in read[0]


def test_refusals_answer_the_same_on_the_lean_path(app, client, full_dispatches, documents, api_as):
    url = f"/api/v1/registry/documents/{documents[0]['serial']}"
    _, other_scope = issue_token(SYSTEM, client_name="Ombudsman", scopes=["statistics:read"])
    staff = api_as("supervisor").headers["Authorization"].split(" ", 1)[1]
    for token, code in (("sdp_not-a-token", 401), (other_scope, 403), (staff, 403)):
        answer = both_ways(app, client, full_dispatches, "GET", url, token)
        assert answer.status_code == code and answer.dispatched == 0, token
    # No token at all (a browser's session, say): the whole app answers (the reviewers' fence).
    answer = both_ways(app, client, full_dispatches, "GET", url, None)
    assert answer.status_code == 401 and answer.dispatched == 1
    # Not a check the lean path serves: the whole app's answer (405, the redirect, 404).
    _, reniec = issue_token(SYSTEM, client_name="RENIEC", scopes=["registry:read"])
    for method, path in (
        ("PUT", url),
        ("GET", "/api/v1/registry/documents/verify"),
        ("GET", "/api/v1/registry/persons/"),
        ("GET", "/api/v1/registry/unknown"),
        ("HEAD", url),
    ):
        answer = both_ways(app, client, full_dispatches, method, path, reniec)
        assert answer.dispatched == 1, (method, path)


def test_over_the_limit_the_whole_app_answers_429_once_counted(
    app, client, full_dispatches, documents, monkeypatch
):
    monkeypatch.setitem(app.config, "SDP_RATELIMIT_TOKEN", "2 per minute")
    _, token = issue_token(SYSTEM, client_name="RENIEC", scopes=["registry:read"])
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/registry/documents/{documents[0]['serial']}"
    before = len(full_dispatches)
    remaining = [client.get(url, headers=headers) for _ in range(3)]
    assert [answer.status_code for answer in remaining] == [200, 200, 429]
    # Counted once on the lean path, not again by the whole app that words the 429.
    assert [answer.headers["X-RateLimit-Remaining"] for answer in remaining] == ["1", "0", "0"]
    assert remaining[2].json["code"] == 429 and int(remaining[2].headers["Retry-After"]) >= 1
    assert len(full_dispatches) - before == 1


def test_a_dropped_postgresql_connection_is_replaced(app, client, documents, reniec):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the server drops connections on PostgreSQL")
    url = f"/api/v1/registry/documents/{documents[0]['serial']}"
    headers = {"Authorization": f"Bearer {reniec}"}
    assert client.get(url, headers=headers).status_code == 200
    # The server ends every other session of this database (the lean path's held one included).
    with db.engine.connect() as connection:
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        connection.commit()
    db.session.remove()
    assert client.get(url, headers=headers).status_code == 200
