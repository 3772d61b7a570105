"""Statistics that hold across queries (issue 15, point 5): the cell-key method
(sdp/domain/cellkey.py), with the attack replayed.

The attack: appeals by outcome for 2026-01-01..11-30 said "<5", for 01-01..12-05 said 7 and for
12-01..12-05 said 6, so exactly one appeal. Here: one appeal lodged last month and six this
month. The reader asks for every period of whole months around them, subtracts every pair, and
keeps only the true counts consistent with everything published; a count from 1 to 4 must never
be the only one left."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from sdp.cases.models import Application
from sdp.domain import cellkey
from sdp.domain.disclosure import SMALL, Mark, publish
from sdp.extensions import db
from sdp.review import queries
from sdp.review.queries import Period, month_end, record_key
from tests.cases.helpers import TODAY, Office


def test_record_keys_in_sql_are_the_definitions(app, api_as):
    """SQLite and PostgreSQL compute each record's key as the pure definition does."""
    office = Office(api_as)
    for _ in range(3):
        office.examined_case()
    secret = app.config["SECRET_KEY"].encode()
    rows = db.session.execute(
        select(Application.id, record_key(Application.id, "applications"))
    ).all()
    assert len(rows) == 3
    for record_id, key in rows:
        assert int(key) == cellkey.record_key(
            record_id, cellkey.key_parameters(secret, "applications")
        )
    # the same records, another kind: unrelated keys
    assert cellkey.key_parameters(secret, "applications") != cellkey.key_parameters(
        secret, "appeals"
    )


def test_the_noise_table_is_symmetric_and_the_floor_keeps_small_counts_small():
    assert sum(share for _noise, share in cellkey.NOISE) == pytest.approx(1)
    assert sum(noise * share for noise, share in cellkey.NOISE) == pytest.approx(0)
    for count in range(0, 40):
        for key in range(0, cellkey.MODULUS, cellkey.MODULUS // 97):
            published = cellkey.perturb(count, key)
            assert (
                published == count if count < cellkey.THRESHOLD else published >= cellkey.THRESHOLD
            )
            assert count in cellkey.possible_counts(
                published if count == 0 or count >= 5 else SMALL
            )


def _month(day):
    return day.replace(day=1)


def _appeals(office, lodged_on):
    notified = lodged_on - timedelta(days=2)
    case = office.decided(
        "rejected",
        notified_on=notified.isoformat(),
        registered_on=(notified - timedelta(days=20)).isoformat(),
    )
    response = office.intake.post(
        f"/api/v1/applications/{case['id']}/appeal",
        json={"lodged_on": lodged_on.isoformat(), "grounds": "The finding is wrong."},
    )
    assert response.status_code == 201, response.json


def _reveals(published: dict, exact=False) -> list:
    """Every (period, row) whose count a differencing reader pins to one value from 1 to 4."""

    def possible(value):
        if exact:
            return range(1, 5) if value == SMALL else range(value, value + 1)
        return cellkey.possible_counts(value)

    found = []
    periods = sorted(published)
    for whole in periods:
        for part in periods:
            if part[0] == whole[0] and part[1] < whole[1]:  # the whole minus its first months
                rest = (part[1] + timedelta(days=1), whole[1])
            elif part[1] == whole[1] and part[0] > whole[0]:  # the whole minus its last months
                rest = (whole[0], part[0] - timedelta(days=1))
            else:
                continue
            if rest not in published:
                continue
            for row in published[whole]:
                candidates = {
                    w - p
                    for w in possible(published[whole][row])
                    for p in possible(published[part][row])
                }
                candidates &= set(possible(published[rest][row]))
                if len(candidates) == 1 and 1 <= next(iter(candidates)) <= 4:
                    found.append((rest, row, candidates))
    return found


def test_subtracting_periods_reveals_no_count_from_one_to_four(api_as, app):
    office = Office(api_as)
    this_month = _month(TODAY)
    last_month = _month(this_month - timedelta(days=1))
    _appeals(office, last_month + timedelta(days=3))
    for _ in range(6):
        _appeals(office, TODAY)
    months = [_month(last_month - timedelta(days=1)), last_month, this_month]
    periods = [(first, month_end(last)) for i, first in enumerate(months) for last in months[i:]]

    reviewer = api_as("reviewer")
    published, exact = {}, {}
    for start, end in periods:
        body = reviewer.get(
            f"/api/v1/statistics?from={start.isoformat()}&to={end.isoformat()}"
        ).json
        rows = body["tables"]["appeals_by_outcome"]["rows"]
        published[(start, end)] = {row["key"]: row["values"]["appeals"] for row in rows}
        # What the same page showed before (small counts and true values, no noise):
        true = queries.appeals_by_outcome(Period(start, end))
        exact[(start, end)] = {
            row["key"]: publish(
                true.get(row["key"], 0),
                Mark.SMALL if 0 < true.get(row["key"], 0) < 5 else Mark.SHOWN,
            )
            for row in rows
        }
    assert exact[(last_month, month_end(this_month))]["pending"] == 7
    assert exact[(this_month, month_end(this_month))]["pending"] == 6
    # Without noise, the reader finds last month's single appeal; with it, nothing.
    assert ((last_month, month_end(last_month)), "pending", {1}) in _reveals(exact, exact=True)
    assert _reveals(published) == []
    # The same cell always gets the same noise: asking again changes nothing.
    again = reviewer.get(f"/api/v1/statistics?from={last_month.isoformat()}").json
    assert {
        row["key"]: row["values"]["appeals"]
        for row in again["tables"]["appeals_by_outcome"]["rows"]
    } == published[(last_month, month_end(this_month))]
