"""No lost updates: a case has a version; an outdated save gets 409, never a silent overwrite."""

import threading

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from sdp.cases.locking import expect_version, version_from_if_match
from sdp.cases.models import Application
from sdp.domain.conflicts import EditConflict
from sdp.domain.procedure import InvalidField
from sdp.extensions import db
from tests.cases.helpers import TODAY, Office, days_ago, register
from tests.conftest import wait_until

from .conftest import is_postgres


@pytest.fixture
def office(api_as):
    return Office(api_as)


def send(api, method, url, headers, json):
    return getattr(api.client, method)(url, json=json, headers={**api.headers, **headers})


def test_every_change_to_a_case_or_its_rows_bumps_its_version(office):
    case = register(office.intake)
    assert case["version"] == 1
    cid = case["id"]
    assigned = office.supervisor.post(
        f"/api/v1/applications/{cid}/assign", json={"case_officer": office.officer.user.email}
    )
    assert assigned.json["version"] == 2 and assigned.headers["ETag"] == '"2"'
    office.officer.post(
        f"/api/v1/applications/{cid}/evidence",
        json={"kind": "testimony", "description": "Her account.", "received_on": days_ago(0)},
    )
    read = office.officer.get(f"/api/v1/applications/{cid}")
    assert read.json["version"] == 3  # a row of the case added: the case changed
    office.officer.get(f"/api/v1/applications/{cid}")
    assert (
        office.officer.get(f"/api/v1/applications/{cid}").json["version"] == 3
    )  # reads change nothing


def test_a_row_added_to_a_case_loaded_before_a_commit_still_bumps_its_version(office):
    from sdp.cases.models import Evidence

    cid = office.examined_case()["id"]
    application = db.session.get(Application, cid)
    version, applicant_id = application.version, application.applicant_id
    db.session.commit()  # everything loaded is expired now
    db.session.add(
        Evidence(
            application_id=cid,
            person_id=applicant_id,
            kind="other",
            description="x",
            received_on=TODAY,
        )
    )
    db.session.commit()
    assert db.session.get(Application, cid).version == version + 1


def test_an_outdated_if_match_gets_409_and_nothing_is_saved(office):
    case = office.examined_case()
    cid, version = (
        case["id"],
        office.officer.get(f"/api/v1/applications/{case['id']}").json["version"],
    )
    # a colleague (the same officer in another tab) saves first
    first = send(
        office.officer,
        "post",
        f"/api/v1/applications/{cid}/evidence",
        {"If-Match": f'"{version}"'},
        {"kind": "testimony", "description": "First.", "received_on": days_ago(0)},
    )
    assert first.status_code == 201
    second = send(
        office.officer,
        "post",
        f"/api/v1/applications/{cid}/recommendation",
        {"If-Match": f'"{version}"'},
        {"outcome": "recognized", "reasons": "Based on what I saw."},
    )
    assert second.status_code == 409
    assert second.json["code"] == 409 and "changed this case" in second.json["message"]
    after = office.officer.get(f"/api/v1/applications/{cid}").json
    assert after["state"] == "under_examination" and after["recommendation"] is None
    retried = send(
        office.officer,
        "post",
        f"/api/v1/applications/{cid}/recommendation",
        {"If-Match": f'"{after["version"]}"'},
        {"outcome": "recognized", "reasons": "Based on what I saw."},
    )
    assert retried.status_code == 200 and retried.json["state"] == "pending_decision"


def test_if_match_is_checked_on_every_kind_of_change(office):
    case = office.examined_case()
    cid = case["id"]
    rs = office.officer.get(f"/api/v1/applications/{cid}").json["relevant_states"][0]
    stale = {"If-Match": '"1"'}
    assert (
        send(
            office.officer,
            "put",
            f"/api/v1/applications/{cid}/relevant-states/{rs['id']}",
            stale,
            {"finding": "national", "reasoning": "x"},
        ).status_code
        == 409
    )
    inquiry = office.officer.post(
        f"/api/v1/applications/{cid}/inquiries",
        json={
            "country": "CO",
            "authority": "R",
            "sent_on": TODAY.isoformat(),
            "consent_on": TODAY.isoformat(),
        },
    ).json
    assert (
        send(
            office.officer,
            "post",
            f"/api/v1/inquiries/{inquiry['id']}/response",
            stale,
            {"received_on": TODAY.isoformat(), "outcome": "no_record"},
        ).status_code
        == 409
    )
    evidence = {"kind": "other", "description": "x", "received_on": days_ago(0)}
    malformed = send(
        office.officer,
        "post",
        f"/api/v1/applications/{cid}/evidence",
        {"If-Match": "yesterday"},
        evidence,
    )
    assert malformed.status_code == 422 and "If-Match" in malformed.json["errors"]
    assert (
        send(
            office.officer,
            "post",
            f"/api/v1/applications/{cid}/evidence",
            {"If-Match": "*"},
            evidence,
        ).status_code
        == 201
    )


def test_the_service_check_for_web_forms(office):
    case = register(office.intake)
    application = db.session.get(Application, case["id"])
    expect_version(application, None)
    expect_version(application, "")
    expect_version(application, "1")
    with pytest.raises(EditConflict) as conflict:
        expect_version(application, 7)
    assert conflict.value.status == 409 and conflict.value.params == {"current": 1, "expected": 7}
    with pytest.raises(InvalidField):
        expect_version(application, "seven")
    assert version_from_if_match('W/"12"') == 12 and version_from_if_match("12") == 12
    assert version_from_if_match(None) is None and version_from_if_match("*") is None


def test_two_sessions_saving_the_same_case_one_after_the_other(app, office):
    """Both read version n; the second to save is refused (StaleDataError), on any database."""
    cid = register(office.intake)["id"]
    with Session(db.engine) as first, Session(db.engine) as second:
        a = first.get(Application, cid)
        b = second.get(Application, cid)
        a.priority = True
        first.commit()
        b.referring_authority = "CEPR"
        with pytest.raises(StaleDataError):
            second.commit()


def _wait_until_a_transaction_waits_for_a_lock(seconds: float = 10) -> None:
    """PostgreSQL says when a backend of this database waits on a row lock: no guessed pause."""
    with db.engine.connect() as watcher:

        def waiting() -> bool:
            count = watcher.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'"
                )
            ).scalar_one()
            watcher.rollback()  # a new snapshot of pg_stat_activity at the next look
            return count > 0

        assert wait_until(waiting, seconds, interval=0.01), (
            "the second transaction never waited for the first one's lock"
        )


def test_concurrent_transactions_on_postgresql_never_overwrite_each_other(app, office):
    if not is_postgres():
        pytest.skip(
            "needs PostgreSQL: SQLite lets only one transaction write at a time, so the two saves "
            "cannot overlap (the sequential case is tested above)"
        )
    cid = register(office.intake)["id"]
    outcome = {}
    first, second = Session(db.engine), Session(db.engine)
    try:
        a = first.get(Application, cid)
        b = second.get(Application, cid)
        a.priority = True
        first.flush()  # holds the row lock, transaction open

        def save_second():
            b.referring_authority = "CEPR"
            try:
                second.commit()  # waits for the first transaction's lock
                outcome["second"] = "saved"
            except StaleDataError:
                outcome["second"] = "conflict"
                second.rollback()

        thread = threading.Thread(target=save_second)
        thread.start()
        _wait_until_a_transaction_waits_for_a_lock()
        assert thread.is_alive()  # blocked on the first transaction
        first.commit()
        thread.join(10)
        assert outcome == {"second": "conflict"}
    finally:
        first.close()
        second.close()
    row = db.session.execute(
        select(Application.priority, Application.referring_authority, Application.version).where(
            Application.id == cid
        )
    ).one()
    assert row == (True, None, 2)


def test_a_stale_save_through_the_api_is_409_never_500(app, office, monkeypatch):
    """StaleDataError raised in a request is answered in the contract's format."""
    case = office.examined_case()
    cid = case["id"]
    from sdp.cases import services

    original = services.record_evidence

    def concurrent_change_then_save(actor, application, data):
        with Session(db.engine) as other:  # another officer's transaction commits in between
            other.get(Application, cid).priority = not application.priority
            other.commit()
        return original(actor, application, data)

    monkeypatch.setattr(services, "record_evidence", concurrent_change_then_save)
    response = office.officer.post(
        f"/api/v1/applications/{cid}/evidence",
        json={"kind": "other", "description": "x", "received_on": days_ago(0)},
    )
    assert response.status_code == 409
    assert (
        response.json["status"] == "Conflict" and "at the same moment" in response.json["message"]
    )
