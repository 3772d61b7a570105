"""One unit of work per request (sdp/unit_of_work.py): services flush, the request commits once,
any exception rolls everything back, the audit event with the change it records; two services
share one transaction (an intake and its provisional certificates)."""

import ast
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from flask import g
from sqlalchemy import create_engine, event, func, select, text

from sdp import PROJECT_ROOT
from sdp.audit import services as audit_services
from sdp.audit.models import AuditEvent
from sdp.cases import services as case_services
from sdp.cases.models import Application
from sdp.documents import services as document_services
from sdp.documents.models import Document
from sdp.domain.procedure import InvalidField
from sdp.domain.vocabulary import DocumentType
from sdp.extensions import db
from sdp.unit_of_work import unit_of_work
from tests.cases.helpers import person

from .conftest import text_of
from .test_intake import applicant_fields, dependant_fields


@contextmanager
def commits_of_requests():
    """The database commits made by requests (a savepoint's release is not one; the test's own
    commits happen outside any request, where no request id was given)."""
    commits = []

    def count(connection):
        if g.get("request_id"):
            commits.append(g.request_id)

    event.listen(db.engine, "commit", count)
    try:
        yield commits
    finally:
        event.remove(db.engine, "commit", count)


def count(model) -> int:
    db.session.expire_all()
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def registrations() -> int:
    return db.session.execute(
        select(func.count()).where(AuditEvent.action == "case.register")
    ).scalar_one()


@pytest.fixture
def failing_after_audit(monkeypatch):
    """``failing_after_audit("case.register", error)``: the audit event is written (the real
    function), then ``error`` is raised, as if the next step of the request failed."""

    def arrange(action: str, error: Exception):
        real_record = audit_services.record

        def record_then_fail(actor, recorded_action, *args, **kwargs):
            event_hash = real_record(actor, recorded_action, *args, **kwargs)
            if recorded_action == action:
                assert db.session.execute(select(func.count(AuditEvent.id))).scalar_one() > 0
                raise error
            return event_hash

        monkeypatch.setattr(audit_services, "record", record_then_fail)

    return arrange


# --- One commit per request ------------------------------------------------------------------


def test_an_api_request_that_changes_a_case_commits_once(api_as):
    intake = api_as("intake_officer")
    with commits_of_requests() as commits:
        response = intake.post(
            "/api/v1/applications", json={"route": "application", "applicant": person()}
        )
    assert response.status_code == 201, response.json
    assert len(commits) == 1
    assert count(Application) == 1 and registrations() == 1


def test_an_intake_page_commits_once_with_its_provisional_certificates(web_as):
    intake = web_as("intake_officer")
    with commits_of_requests() as commits:
        response = intake.post(
            "/cases/new", data={**applicant_fields(), **dependant_fields(0, "Lucía")}
        )
    assert response.status_code == 302, text_of(response)[:2000]
    assert len(commits) == 1
    application = db.session.execute(select(Application)).scalar_one()
    certificates = db.session.execute(select(Document)).scalars().all()
    assert sorted(document.person_id for document in certificates) == sorted(
        holder.id for holder in application.persons()
    )
    assert {document.type for document in certificates} == {DocumentType.PROVISIONAL_CERTIFICATE}


# --- Any exception rolls back, the audit event with its change --------------------------------


def test_a_failure_after_the_audit_event_rolls_back_the_change_and_the_event(
    api_as, failing_after_audit
):
    intake = api_as("intake_officer")
    failing_after_audit("case.register", RuntimeError("the next step failed"))
    response = intake.post(
        "/api/v1/applications", json={"route": "application", "applicant": person()}
    )
    assert response.status_code == 500
    assert response.json["code"] == 500  # the contract's format
    assert count(Application) == 0 and registrations() == 0


def test_a_refusal_after_writes_answers_4xx_in_the_contract_format_with_nothing_written(
    api_as, failing_after_audit
):
    intake = api_as("intake_officer")
    failing_after_audit("case.register", InvalidField("applicant.given_names", "Refused."))
    response = intake.post(
        "/api/v1/applications", json={"route": "application", "applicant": person()}
    )
    assert response.status_code == 422
    assert response.json["errors"] == {"applicant.given_names": ["Refused."]}
    assert count(Application) == 0 and registrations() == 0


def test_a_refused_intake_page_comes_back_filled_in_with_nothing_half_written(
    web_as, failing_after_audit
):
    intake = web_as("intake_officer")
    failing_after_audit("case.register", InvalidField("applicant.given_names", "Refused."))
    response = intake.post("/cases/new", data=applicant_fields())
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="applicant-given_names-error"' in page and "María José" in page
    assert count(Application) == 0 and registrations() == 0
    assert count(Document) == 0


def test_a_failed_certificate_leaves_nothing_of_the_intake(web_as, monkeypatch):
    """The second service of the transaction fails: the first one's application, case number
    and audit event go with it."""
    intake = web_as("intake_officer")

    def signing_fails(*args, **kwargs):
        raise RuntimeError("the signing key could not be read")

    monkeypatch.setattr(document_services.signing, "current_signer", signing_fails)
    response = intake.post("/cases/new", data=applicant_fields())
    assert response.status_code == 500
    assert count(Application) == 0 and registrations() == 0 and count(Document) == 0
    monkeypatch.undo()
    response = intake.post("/cases/new", data=applicant_fields())
    assert response.status_code == 302
    number = db.session.execute(select(Application.case_number)).scalar_one()
    assert number.endswith("00001"), number  # the failed intake gave its number back


# --- Services flush, never commit -----------------------------------------------------------

# Modules that commit on purpose: the unit of work itself, and the re-encryption of a key
# rotation, which commits batch by batch so that an interrupted rotation keeps its progress.
# (The registry checks write nothing through the ORM: their audit is the journal's, issue 17.)
COMMITTERS = {
    "sdp/unit_of_work.py",
    "sdp/crypto.py",
}


def _commit_calls(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("commit", "rollback")
    ]


def test_no_service_view_or_command_commits_or_rolls_back_by_itself():
    found = {}
    for path in sorted((PROJECT_ROOT / "sdp").rglob("*.py")):
        name = path.relative_to(PROJECT_ROOT).as_posix()
        if name in COMMITTERS or name == "sdp/sqlite.py":  # the DBAPI connection's own methods
            continue
        lines = _commit_calls(path)
        if lines:
            found[name] = lines
    assert found == {}


def test_a_service_leaves_its_work_uncommitted_until_the_unit_of_work_ends(app, make_user):
    intake = make_user("intake_officer").principal
    onlooker = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])

    def seen_by_another_connection() -> int:
        with onlooker.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM applications")).scalar_one()

    try:
        with unit_of_work():
            case_services.register_application(
                intake, {"route": "application", "applicant": _applicant()}
            )
            assert count(Application) == 1  # flushed: this transaction sees it
            assert seen_by_another_connection() == 0
        assert seen_by_another_connection() == 1
    finally:
        onlooker.dispose()


def test_a_command_that_fails_changes_nothing(make_user):
    intake = make_user("intake_officer").principal
    with pytest.raises(RuntimeError):
        with unit_of_work():
            case_services.register_application(
                intake, {"route": "application", "applicant": _applicant()}
            )
            raise RuntimeError("the command stopped half-way")
    assert count(Application) == 0 and registrations() == 0


def _applicant() -> dict:
    """An applicant as the API's schema hands it to the service (a date, not its text)."""
    data = person()
    data["date_of_birth"] = date.fromisoformat(data["date_of_birth"])
    return data


# --- A fresh context per request, as a server gives -----------------------------------------


def test_each_request_has_its_own_context_and_session(client, api_as):
    g.marker = "the test's"
    seen = {}

    from flask import request_started

    def look(sender, **extra):
        seen["marker"] = g.get("marker")
        seen["session"] = db.session()

    request_started.connect(look)
    try:
        assert api_as("intake_officer").get("/api/v1/procedure").status_code == 200
    finally:
        request_started.disconnect(look)
    assert seen["marker"] is None
    assert seen["session"] is not db.session()
    assert "bearer_principal" not in g  # nothing of the request's is left in the test's context
