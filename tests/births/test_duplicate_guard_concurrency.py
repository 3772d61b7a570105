"""The duplicate guard under concurrent requests, on PostgreSQL.

Two registrars submitting the same child at the same moment both pass the service's
look-up for an existing record; only the UNIQUE constraint on the duplicate key can stop
the second. SQLite serialises writers, so these tests need PostgreSQL.
"""

import threading
from datetime import date

import pytest
from sqlalchemy import func, select, text

from sdp import clock
from sdp.births.models import BirthRegistration
from sdp.births.numbering import next_registration_number
from sdp.domain.birth_registration import duplicate_key
from sdp.domain.names import name_key
from sdp.extensions import db
from tests.conftest import wait_until

from .helpers import birth, child

pytestmark = pytest.mark.postgres_only


@pytest.fixture(autouse=True)
def _postgresql_only(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip(
            "needs PostgreSQL (DATABASE_URL=postgresql://...): SQLite serialises writers, so no "
            "race can happen"
        )


def _post_in_thread(
    app, token: str, body: dict, barrier: threading.Barrier, results: list, index: int
) -> None:
    client = app.test_client()  # its own request, app context and database session
    barrier.wait()
    response = client.post(
        "/api/v1/births", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    results[index] = (response.status_code, response.get_json())


def _token(api_as) -> str:
    return api_as("registrar").headers["Authorization"].split(" ", 1)[1]


def test_simultaneous_registrations_of_one_child_give_one_record(app, api_as):
    body = birth(child=child(given="Mateo", family="Pérez Gómez", sex="M"))
    tokens = [_token(api_as) for _ in range(6)]
    barrier, results = threading.Barrier(len(tokens)), [None] * len(tokens)
    threads = [
        threading.Thread(target=_post_in_thread, args=(app, token, body, barrier, results, index))
        for index, token in enumerate(tokens)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [409] * (len(tokens) - 1), results
    created = next(body for status, body in results if status == 201)["registration_number"]
    assert {body["registration_number"] for status, body in results if status == 409} == {created}
    assert db.session.execute(select(func.count(BirthRegistration.id))).scalar_one() == 1


def _waiting_on_a_lock() -> bool:
    with db.engine.connect() as connection:
        return (
            connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
                    "wait_event_type = 'Lock'"
                )
            ).scalar_one()
            > 0
        )


def test_a_request_that_passed_the_look_up_is_stopped_by_the_unique_constraint(
    app, api_as, make_user
):
    """Deterministic: the second request checks for a duplicate while the first is still
    uncommitted, waits, and fails on the constraint once the first commits → 409."""
    body = birth(child=child(given="Layla", family="Saleh Haddad"))
    kid, mother = body["child"], body["mother"]
    registrar = make_user("registrar")
    first_in, release, first_number = threading.Event(), threading.Event(), []

    def first_registration():
        with app.app_context():
            today = clock.today()
            number = next_registration_number(
                today.year
            )  # holds the year's counter row until commit
            db.session.add(
                BirthRegistration(
                    registration_number=number,
                    child_given_names=kid["given_names"],
                    child_family_names=kid["family_names"],
                    child_given_key=name_key(kid["given_names"]),
                    child_family_key=name_key(kid["family_names"]),
                    child_sex=kid["sex"],
                    child_date_of_birth=date.fromisoformat(kid["date_of_birth"]),
                    birth_country="PE",
                    birth_locality=kid["place_of_birth"]["locality"],
                    nationality_country="PE",
                    nationality_basis="ius_soli",
                    registered_on=today,
                    registered_by_id=registrar.id,
                    created_at=clock.now(),
                    duplicate_key=duplicate_key(
                        child_given_names=kid["given_names"],
                        child_family_names=kid["family_names"],
                        date_of_birth=date.fromisoformat(kid["date_of_birth"]),
                        birth_country="PE",
                        birth_locality=kid["place_of_birth"]["locality"],
                        mother_given_names=mother["given_names"],
                        mother_family_names=mother["family_names"],
                        mother_date_of_birth=date.fromisoformat(mother["date_of_birth"]),
                    ),
                )
            )
            db.session.flush()
            first_in.set()
            release.wait(30)
            db.session.commit()
            first_number.append(number)

    first = threading.Thread(target=first_registration)
    first.start()
    assert first_in.wait(30)
    results = [None]
    second = threading.Thread(
        target=_post_in_thread, args=(app, _token(api_as), body, threading.Barrier(1), results, 0)
    )
    second.start()
    # The second request has passed its look-up and waits for the first.
    assert wait_until(_waiting_on_a_lock, seconds=30, interval=0.05), (
        "the second request never waited for the first"
    )
    release.set()
    first.join(30)
    second.join(30)
    status, answer = results[0]
    assert status == 409, answer
    assert answer["registration_number"] == first_number[0]
    assert db.session.execute(select(func.count(BirthRegistration.id))).scalar_one() == 1
