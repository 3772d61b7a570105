"""The statistics feed on a known data set, counted by hand; the demo births."""

from datetime import date, timedelta

from sqlalchemy import select

from sdp.births import demo
from sdp.births.models import BirthRegistration
from sdp.births.statistics import birth_statistics
from sdp.extensions import db

from .helpers import birth, child, parent


def _register(registrar, registered_on: date, given: str, born_days_before: int = 10, **body):
    data = birth(
        child=child(
            given=given, born=(registered_on - timedelta(days=born_days_before)).isoformat()
        ),
        **body,
    )
    data["registered_on"] = registered_on.isoformat()
    if born_days_before > 60:
        data["late_registration_evidence"] = "Health centre record."
    response = registrar.post("/api/v1/births", json=data)
    assert response.status_code == 201, response.json
    return response.json


def test_statistics_match_a_hand_count(app, api_as, monkeypatch):
    from dataclasses import replace

    # These registrations are dated in 2024 and 2025: a pilot that started then.
    monkeypatch.setitem(
        app.config, "POLICY", replace(app.config["POLICY"], pilot_start=date(2024, 1, 1))
    )
    registrar = api_as("registrar")
    january, february, march = date(2025, 1, 15), date(2025, 2, 10), date(2025, 3, 3)
    _register(registrar, january, "A")  # mother refugee (helpers.birth default)
    _register(registrar, january, "B", born_days_before=90)  # late, refugee mother
    _register(
        registrar,
        january,
        "C",
        mother=parent(nationality=None, stateless=True),
        father=parent("Luis", "Mendoza", asylum="refugee"),
    )  # stateless beats refugee
    _register(registrar, february, "D", mother=parent(nationality="CO", asylum="asylum_seeker"))
    _register(
        registrar,
        february,
        "E",
        mother=parent(nationality="CO"),
        father=parent("Juan", "Paz", nationality="PE"),
    )
    _register(registrar, february, "F", mother=None, foundling=True)  # parents unknown
    _register(
        registrar, march, "G", born_days_before=200, mother=parent(nationality=None)
    )  # late, nationality unknown
    _register(registrar, date(2024, 12, 31), "H")  # outside the period

    stats = birth_statistics(date(2025, 1, 1), date(2025, 3, 31))
    assert stats["total"] == 7
    assert (stats["late"], stats["on_time"]) == (2, 5)
    assert stats["late_share"] == 2 / 7
    assert stats["by_month"] == [
        {"month": "2025-01", "registered": 3, "late": 1},
        {"month": "2025-02", "registered": 3, "late": 0},
        {"month": "2025-03", "registered": 1, "late": 1},
    ]
    assert stats["by_parents_status"] == {
        "stateless": 1,
        "refugee": 2,
        "asylum_seeker": 1,
        "none": 2,
        "unknown": 1,
    }
    assert stats["by_mother_nationality"] == {"CO": 2, "VE": 2, "stateless": 1, "unknown": 2}
    assert stats["by_father_nationality"] == {"PE": 1, "VE": 1, "unknown": 5}
    assert stats["by_basis"] == {"ius_soli": 6, "foundling": 1, "ius_sanguinis": 0}
    for breakdown in (
        "by_parents_status",
        "by_mother_nationality",
        "by_father_nationality",
        "by_basis",
    ):
        assert sum(stats[breakdown].values()) == stats["total"], breakdown
    assert birth_statistics()["total"] == 8
    assert birth_statistics(date(2030, 1, 1))["late_share"] is None


def test_demo_births_cover_every_situation_and_load_once(make_user):
    registrar = make_user("registrar", email=demo.REGISTRAR)
    users = {demo.REGISTRAR: registrar}
    demo.load(users)
    demo.load(users)  # a second load finds them registered
    registrations = db.session.execute(select(BirthRegistration)).scalars().all()
    assert len(registrations) == len(demo.demo_births()) == 6
    assert {"refugee", "asylum_seeker"} <= {r.mother_asylum_status for r in registrations}
    assert any(r.mother_stateless and r.father_stateless for r in registrations)
    assert sum(r.late_registration for r in registrations) == 1
    assert {r.nationality_basis for r in registrations} == {
        "ius_soli",
        "foundling",
        "ius_sanguinis",
    }
