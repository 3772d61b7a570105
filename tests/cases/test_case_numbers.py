"""Case numbers SDP-<year>-<6 digits>: unique and without gaps, even under concurrent intakes."""

import threading

from sqlalchemy import select

from sdp.cases import services
from sdp.cases.models import Application
from sdp.cases.numbering import next_case_number
from sdp.extensions import db
from sdp.unit_of_work import unit_of_work

from .helpers import TODAY, person


def _intake_data(n: int) -> dict:
    return {"route": "application", "applicant": _parsed_person(f"Persona {n}")}


def _parsed_person(given: str) -> dict:
    data = person(given=given)
    from datetime import date

    data["date_of_birth"] = date.fromisoformat(data["date_of_birth"])
    return data


def test_concurrent_intakes_get_distinct_consecutive_numbers(app, make_user):
    intake = make_user("intake_officer").principal
    db.session.remove()
    count, errors = 12, []
    barrier = threading.Barrier(count)

    def worker(n: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                with unit_of_work():  # each intake its own request's transaction
                    services.register_application(intake, _intake_data(n))
            except Exception as error:  # reported below; a thread cannot fail the test itself
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    numbers = db.session.execute(select(Application.case_number)).scalars().all()
    assert sorted(numbers) == [f"SDP-{TODAY.year}-{n:06d}" for n in range(1, count + 1)]


def test_a_rolled_back_intake_returns_its_number(app, make_user):
    intake = make_user("intake_officer").principal
    first = services.register_application(intake, _intake_data(1)).case_number
    db.session.commit()  # the first intake's request ended
    taken = next_case_number(TODAY.year)
    db.session.rollback()  # the intake failed after taking a number
    second = services.register_application(intake, _intake_data(2)).case_number
    assert taken == second == f"SDP-{TODAY.year}-000002"
    assert first == f"SDP-{TODAY.year}-000001"


def test_numbers_restart_each_year(app, make_user, monkeypatch):
    from dataclasses import replace
    from datetime import date

    # The pilot may have started in an earlier year than this one.
    monkeypatch.setitem(
        app.config, "POLICY", replace(app.config["POLICY"], pilot_start=date(TODAY.year - 1, 1, 1))
    )
    intake = make_user("intake_officer").principal
    data = _intake_data(1) | {"registered_on": date(TODAY.year - 1, 12, 30)}
    assert services.register_application(intake, data).case_number == f"SDP-{TODAY.year - 1}-000001"
    assert (
        services.register_application(intake, _intake_data(2)).case_number
        == f"SDP-{TODAY.year}-000001"
    )
