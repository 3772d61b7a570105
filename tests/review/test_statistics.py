"""The statistics on a known data set, against figures counted by hand; the API's contract."""

from collections import Counter
from datetime import timedelta

import pytest

from sdp.domain import cellkey
from sdp.domain.disclosure import SMALL, WITHHELD
from sdp.domain.policy import DEFAULT_POLICY
from sdp.review import queries
from sdp.review.queries import Period, month_end
from sdp.review.report import Labels, _entry_keys, _specs
from tests.cases.helpers import TODAY, register
from tests.review.helpers import add_births_and_documents, build_known_data, month_key
from tests.review.reader import reader_can_find_another_value

PILOT_START = DEFAULT_POLICY.pilot_start


@pytest.fixture
def known(api_as):
    data = build_known_data(api_as)
    add_births_and_documents(data.m2)
    return data


def test_the_counts_match_the_hand_counted_figures_in_every_period(known):
    everything = Period()
    m7, m4, m2 = known.m7, known.m4, known.m2
    assert queries.applications_by_month(everything) == {
        (m7.year, m7.month, "application"): 1,
        (m4.year, m4.month, "application"): 8,
        (m2.year, m2.month, "application"): 1,
        (m2.year, m2.month, "ex_officio"): 6,
    }
    assert queries.cases_by_state(everything) == {
        "registered": 7,
        "under_examination": 1,
        "recognized": 6,
        "rejected": 1,
        "withdrawn": 1,
    }
    assert queries.pending_by_state_and_overdue(everything, TODAY) == {
        ("registered", False): 6,
        ("registered", True): 1,
        ("under_examination", False): 1,
    }
    assert queries.decisions_by_outcome(everything) == {"recognized": 5, "rejected": 2}
    assert Counter(
        {days: n for days, within, n in queries.decision_days(everything) if within}
    ) == Counter(known.decision_days)
    assert all(within for _days, within, _n in queries.decision_days(everything))
    assert queries.inquiries_by_country_and_status(everything, TODAY) == {
        ("CO", "answered"): 5,
        ("CO", "pending"): 1,
        ("BR", "unanswered"): 2,
    }
    assert queries.appeals_by_outcome(everything) == {"overturned": 1}
    parents, basis, mother = queries.BIRTH_GROUPINGS
    assert queries.births_by(parents, everything) == {
        ("foreign_parents", False): 5,
        ("foreign_parents", True): 1,
        ("peruvian_parent", True): 1,
    }
    assert queries.births_by(basis, everything) == {("ius_soli", False): 5, ("ius_soli", True): 2}
    assert queries.births_by(mother, everything) == {("VE", False): 5, ("VE", True): 2}
    assert queries.documents_by_type(everything) == {
        "provisional_certificate": 6,
        "identity_document": 1,
    }

    # A period of whole months counts only its months.
    period = Period.whole_months(known.m4 + timedelta(days=3), known.m4 + timedelta(days=3))
    assert (period.start, period.end) == (known.m4, month_end(known.m4))
    assert queries.applications_by_month(period) == {
        (known.m4.year, known.m4.month, "application"): 8
    }
    assert queries.cases_by_state(period) == {
        "recognized": 6,
        "rejected": 1,
        "under_examination": 1,
    }
    assert queries.documents_by_type(period) == {}
    m2 = Period.whole_months(known.m2, known.m2)
    assert queries.documents_by_type(m2) == {"provisional_certificate": 6, "identity_document": 1}
    assert queries.inquiries_by_country_and_status(m2, TODAY) == {}


def test_the_api_publishes_protected_figures(known, api_as):
    response = api_as("reviewer").get("/api/v1/statistics?lang=en")
    assert response.status_code == 200, response.json
    body = response.json
    assert (
        body["disclosure_control"]["small"] == SMALL
        and body["disclosure_control"]["threshold"] == 5
    )

    # Worked out by hand: decisions 5 recognized, 2 rejected, 0 excluded, 7 in all. The 2 is "<5";
    # the 5 must go too (7 - 5 - 0 would give 2 back); the total stays (it is 7 in the next table).
    # Shown counts carry the cell-key noise (sdp/domain/cellkey.py): noisy(table, cell) is the
    # true count perturbed by that cell's key, the same in every table that counts the same records.
    specs = {
        spec.id: spec
        for spec in _specs(
            Period.within_the_pilot(
                None, None, today=TODAY, pilot_start=PILOT_START, max_months=60
            ),
            TODAY,
            Labels(),
        )[0]
    }

    def noisy(table_id, row, column):
        spec = specs[table_id]
        table = spec.table()
        return cellkey.perturb(
            table.entries()[(row, column)], _entry_keys(spec, table)[(row, column)]
        )

    decisions = body["tables"]["decisions_by_outcome"]
    assert [row["values"]["decisions"] for row in decisions["rows"]] == [WITHHELD, SMALL, 0]
    seven = noisy("decisions_by_outcome", "total", "decisions")
    assert (
        decisions["total"] == seven
        and seven in cellkey.possible_counts(seven)
        and 7 in cellkey.possible_counts(seven)
    )
    timing = body["tables"]["decisions_by_time_limit"]
    # the same seven decisions, all within the time limit: the same records, the same noise
    assert [row["values"]["decisions"] for row in timing["rows"]] == [seven, 0] and timing[
        "total"
    ] == seven
    figures = body["figures"]
    assert figures["recognition_rate"] == {
        "recognized": WITHHELD,
        "decisions": seven,
        "value": WITHHELD,
    }
    assert figures["decision_time"]["median_days"] == sorted(known.decision_days)[3]  # 4th of 7
    assert figures["decision_time"]["p90_days"] == WITHHELD  # the 7th of 7: one person's figure
    assert figures["decision_time"]["within_time_limit_share"] == 1.0
    assert figures["decision_time"]["time_limit_months"] == 6
    assert figures["appeals_overturned"] == {
        "overturned": SMALL,
        "decided": WITHHELD,
        "share": WITHHELD,
    }
    assert (
        figures["late_birth_share"]["late"] == SMALL
        and figures["late_birth_share"]["value"] == WITHHELD
    )

    months = body["tables"]["applications_by_month"]
    assert months["rows"][0]["key"] == month_key(known.m7) and months["rows"][-1][
        "key"
    ] == month_key(TODAY)
    assert months["totals"] == {
        "application": noisy("applications_by_month", "total", "application"),
        "ex_officio": noisy("applications_by_month", "total", "ex_officio"),
    }
    assert 10 in cellkey.possible_counts(months["totals"]["application"])
    assert 16 in cellkey.possible_counts(months["total"])
    assert body["tables"]["cases_by_state"]["total"] == months["total"]  # the same figure, linked

    # Every figure: a shown count is the true count; 1-4 is "<5"; no "<5" or "x" can be worked
    # out from its table by a reader who searches every table consistent with what is shown.
    for spec in specs.values():
        table = spec.table()
        published = body["tables"][spec.id]
        shown = {}
        for row in published["rows"]:
            for column, value in row["values"].items():
                shown[(row["key"], column)] = value
            if table.has_row_totals:
                shown[(row["key"], "total")] = row["total"]
        for column, value in published["totals"].items():
            shown[("total", column)] = value
        if table.has_row_totals:
            shown[("total", "total")] = published["total"]
        entries = table.entries()
        assert shown.keys() == entries.keys(), spec.id
        for key, value in shown.items():
            true = entries[key]
            if 0 < true < 5:
                assert value == SMALL, (spec.id, key)
            else:
                assert value in (noisy(spec.id, *key), WITHHELD), (spec.id, key, value, true)
        # Even a reader told the true value of every shown figure (no noise) finds another table
        # for every withheld one: the suppression holds on its own, the noise adds to it.
        told = {
            key: entries[key] if isinstance(value, int) else value for key, value in shown.items()
        }
        for key, value in told.items():
            if not isinstance(value, int):
                assert reader_can_find_another_value(entries, table.relations(), told, key, 100), (
                    spec.id,
                    key,
                )
    # the hand-counted small figures, as published
    inquiries = {row["key"]: row for row in body["tables"]["inquiries_by_state"]["rows"]}
    assert (
        inquiries["BR"]["values"]["unanswered"] == SMALL
        and inquiries["CO"]["values"]["pending"] == SMALL
    )
    assert body["tables"]["inquiries_by_state"]["total"] == noisy(
        "inquiries_by_state", "total", "total"
    )


def test_the_statistics_api_is_for_reviewers_and_supervisors(client, api_as, partner_api):
    assert client.get("/api/v1/statistics").status_code == 401
    assert api_as("case_officer").get("/api/v1/statistics").status_code == 403
    assert api_as("admin").get("/api/v1/statistics").status_code == 403
    assert partner_api("registry:read").get("/api/v1/statistics").status_code == 403
    assert api_as("supervisor").get("/api/v1/statistics").status_code == 200
    empty = api_as("reviewer").get("/api/v1/statistics").json
    assert empty["tables"]["cases_by_state"]["total"] == 0
    assert empty["figures"]["recognition_rate"]["value"] is None


@pytest.mark.parametrize(
    "query, field",
    [
        ("from=2026-02-30", "from"),
        ("to=not-a-date", "to"),
        (f"from={(TODAY + timedelta(days=40)).isoformat()}", "from"),
        ("from=2026-03-01&to=2026-01-31", "to"),
        ("lang=fr", "lang"),
        ("since=2026-01-01", "since"),
    ],
)
def test_an_invalid_period_is_422_naming_the_field(api_as, query, field):
    response = api_as("reviewer").get(f"/api/v1/statistics?{query}")
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]


def test_a_period_is_widened_to_whole_months(api_as):
    body = api_as("reviewer").get("/api/v1/statistics?from=2026-03-15&to=2026-04-10").json
    assert body["period"] == {"from": "2026-03-01", "to": "2026-04-30"}


def test_extreme_periods_are_answered_with_the_months_that_have_data(app, api_as):
    """The attack of issue 15: with a case dated 0001-01-01 the page spanned 2,025 years of
    months (12 MB). Such a case can no longer be registered, and a period reaching beyond the
    pilot is cut to the pilot's span: from its first month to this month."""
    reviewer = api_as("reviewer")
    register(api_as("intake_officer"), registered_on=TODAY.replace(day=1).isoformat())
    body = reviewer.get("/api/v1/statistics?from=0001-01-01&to=9999-12-31").json
    pilot_start = app.config["POLICY"].pilot_start
    assert body["period"] == {
        "from": pilot_start.replace(day=1).isoformat(),
        "to": month_end(TODAY).isoformat(),
    }
    assert [row["key"] for row in body["tables"]["applications_by_month"]["rows"]] == [
        month_key(TODAY)
    ]
    assert (
        reviewer.get("/api/v1/statistics?from=0001-01-01&to=0001-01-31").json["tables"][
            "applications_by_month"
        ]["rows"]
        == []
    )
    # an end before the pilot with no start (found by tests/security/test_fuzz.py): nothing, not 500
    rows = reviewer.get("/api/v1/statistics?to=0001-01-01").json["tables"]["applications_by_month"]
    assert rows["rows"] == []


def test_a_period_longer_than_the_policy_allows_is_refused(app, api_as):
    from dataclasses import replace

    reviewer = api_as("reviewer")
    policy = app.config["POLICY"]
    months_so_far = (
        (TODAY.year - policy.pilot_start.year) * 12 + TODAY.month - policy.pilot_start.month + 1
    )
    app.config["POLICY"] = replace(policy, statistics_max_period_months=max(1, months_so_far - 1))
    try:
        response = reviewer.get(f"/api/v1/statistics?from={policy.pilot_start.isoformat()}")
        assert response.status_code == 422 and set(response.json["errors"]) == {"from"}, (
            response.json
        )
        assert "statistics_max_period_months" in response.json["errors"]["from"][0]
        # Without a start, the period is the longest allowed, ending this month.
        body = reviewer.get("/api/v1/statistics").json
        assert body["period"]["to"] == month_end(TODAY).isoformat()
        assert body["period"]["from"] > policy.pilot_start.isoformat()
    finally:
        app.config["POLICY"] = policy


def test_the_statistics_endpoint_is_described_in_openapi(client):
    spec = client.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/api/v1/statistics"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"from", "to"}
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/StatisticsOut"
    )
    assert {"401", "403", "422"} <= set(operation["responses"])
    schemas = spec["components"]["schemas"]
    count = schemas["TableOut"]["properties"]["total"]
    assert {"type": "string", "enum": [SMALL, WITHHELD]} in count["oneOf"]
    assert set(schemas["StatisticsOut"]["properties"]) == {
        "period",
        "generated_on",
        "disclosure_control",
        "tables",
        "figures",
    }
