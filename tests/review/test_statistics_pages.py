"""The results page, its charts and its exports: the same protected figures as the API."""

import csv
import html
import io
import re
import xml.etree.ElementTree as ET

import pytest
from flask_babel import force_locale, gettext
from openpyxl import load_workbook

from sdp.domain import cellkey
from sdp.domain.disclosure import SMALL, WITHHELD
from tests.review.helpers import (
    add_births_and_documents,
    build_known_data,
    sign_in,
)

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def known(api_as):
    data = build_known_data(api_as)
    add_births_and_documents(data.m2)
    return data


@pytest.fixture
def reviewer_web(client, make_user):
    reviewer = make_user("reviewer")
    sign_in(client, reviewer)
    client.reviewer = reviewer
    return client


def _api(api_as, reviewer, query="") -> dict:
    return api_as(reviewer).get(f"/api/v1/statistics?lang=en{query}").json


@pytest.mark.parametrize(
    "role, status",
    [
        ("reviewer", 200),
        ("supervisor", 200),
        ("case_officer", 403),
        ("decision_maker", 403),
        ("admin", 403),
        ("registrar", 403),
    ],
)
def test_the_results_are_for_reviewers_and_supervisors(client, make_user, role, status):
    sign_in(client, make_user(role))
    assert client.get("/review/statistics").status_code == status
    assert client.get("/review/statistics.csv").status_code == status
    assert client.get("/review/statistics.xlsx").status_code == status


def test_the_page_shows_each_table_with_its_chart_and_the_protected_figures(
    known, reviewer_web, api_as
):
    page = reviewer_web.get("/review/statistics?lang=en").get_data(as_text=True)
    assert "<script" not in page
    body = _api(api_as, reviewer_web.reviewer)
    for table_id, table in body["tables"].items():
        section = re.search(
            rf'<section class="review-result" aria-labelledby="heading-{table_id}">(.*?)</section>',
            page,
            re.S,
        ).group(1)
        assert f"Table: {table['title']}" in html.unescape(section)  # the table's caption
        svg = ET.fromstring(re.search(r"<svg .*?</svg>", section, re.S).group(0))
        assert svg.get("role") == "img"
        labelled = {element.get("id"): element.tag for element in svg.iter() if element.get("id")}
        assert [labelled[i] for i in svg.get("aria-labelledby").split()] == [
            f"{SVG}title",
            f"{SVG}desc",
        ]
        # A bar for every published count above zero, and none for a "<5" or an "x".
        bars = [rect for rect in svg.iter(f"{SVG}rect") if rect.get("class") == "bar"]
        drawn = sum(
            1
            for row in table["rows"]
            for value in row["values"].values()
            if isinstance(value, int) and value > 0
        )
        assert len(bars) == drawn, table_id
        # A "<5" or "x" is a hatched bar, labelled with its mark (issue 13: not absent, not zero).
        withheld = [rect for rect in svg.iter(f"{SVG}rect") if rect.get("class") == "bar-withheld"]
        marks = [
            value
            for row in table["rows"]
            for value in row["values"].values()
            if value in ("<5", "x")
        ]
        assert len(withheld) == len(marks), table_id
        assert all(rect.get("fill") == f"url(#chart-{table_id}-withheld)" for rect in withheld)
    decisions = re.search(r'id="table-decisions_by_outcome".*?</table>', page, re.S).group(0)
    assert decisions.count("&lt;5</abbr>") == 1 and decisions.count(">x</abbr>") == 1
    total = body["tables"]["decisions_by_outcome"]["total"]  # 7, with its cell-key noise
    assert isinstance(total, int) and 7 in cellkey.possible_counts(total)
    assert re.search(rf"<td[^>]*>{total}</td>", decisions)  # the same figure as the API's


def test_the_period_form_with_empty_fields_means_no_limit(reviewer_web):
    assert reviewer_web.get("/review/statistics?from=&to=").status_code == 200
    page = reviewer_web.get("/review/statistics?from=2026-03-15&to=&lang=en").get_data(as_text=True)
    assert "Period: March 1, 2026 to " in page  # to the end of this month: the data's real span


def test_an_invalid_period_is_422_on_the_page_and_the_exports(reviewer_web):
    response = reviewer_web.get("/review/statistics?from=2026-05-10&to=2026-01-01")
    assert response.status_code == 422
    assert "govuk-error-summary" in response.get_data(as_text=True)
    assert reviewer_web.get("/review/statistics.csv?from=yesterday").status_code == 422
    assert reviewer_web.get("/review/statistics.xlsx?to=2026-02-31").status_code == 422


def test_the_csv_and_the_workbook_hold_the_same_protected_figures_as_the_api(
    known, reviewer_web, api_as
):
    response = reviewer_web.get("/review/statistics.csv?lang=en")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # once, not twice
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    body = _api(api_as, reviewer_web.reviewer)
    published = {(r["table"], r["row"], r["column"]): r["value"] for r in rows}
    compared = 0
    for table_id, table in body["tables"].items():
        for row in table["rows"]:
            for column, value in row["values"].items():
                assert published[(table_id, row["key"], column)] == str(value)
                compared += 1
            if len(table["columns"]) > 1:
                assert published[(table_id, row["key"], "total")] == str(row["total"])
        for column, value in table["totals"].items():
            assert published[(table_id, "total", column)] == str(value)
    assert compared > 50
    assert published[("decisions_by_outcome", "rejected", "decisions")] == SMALL
    assert published[("decisions_by_outcome", "recognized", "decisions")] == WITHHELD
    assert published[("figures", "recognition_rate", "value")] == WITHHELD
    assert not any(value.isdigit() and 0 < int(value) < 5 for value in published.values()), (
        "a small count in the CSV"
    )

    # The workbook, parsed back: a sheet per table with the same figures, and "About".
    sign_in(reviewer_web, reviewer_web.reviewer)
    response = reviewer_web.get("/review/statistics.xlsx?lang=en")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames[0] == "About"
    assert len(workbook.sheetnames) == 1 + len(body["tables"])
    sheets = {workbook[name]["A1"].value: workbook[name] for name in workbook.sheetnames[1:]}
    for table_id, table in body["tables"].items():
        sheet = sheets[table["title"]]
        header = [cell.value for cell in sheet[4]]
        assert header[1 : 1 + len(table["columns"])] == [
            column["label"] for column in table["columns"]
        ]
        for offset, row in enumerate(table["rows"]):
            cells = [cell.value for cell in sheet[5 + offset]]
            assert cells[0] == row["label"]
            assert cells[1 : 1 + len(table["columns"])] == [
                row["values"][c["key"]] for c in table["columns"]
            ]
        totals = [cell.value for cell in sheet[5 + len(table["rows"])]]
        assert totals[1 : 1 + len(table["columns"])] == [
            table["totals"][c["key"]] for c in table["columns"]
        ]
        for line in sheet.iter_rows(min_row=5, values_only=True):
            assert not any(isinstance(value, int) and 0 < value < 5 for value in line), (
                table_id,
                line,
            )
    about = {row[0]: row[1:] for row in workbook["About"].iter_rows(values_only=True) if row[0]}
    assert about["recognition_rate"][:2] == ("value", WITHHELD)
    assert about["decision_time"]  # the rates and times are there


def test_a_case_dated_before_the_pilot_cannot_stretch_the_reports(reviewer_web, make_user):
    """The attack of issue 15: a case registered on 0001-01-01 made /review/statistics 12 MB and
    5.7 s, the CSV 73,091 rows. Such a date is refused now (tests/security/test_input_attacks.py);
    a row that predates the rule (written here directly in the table) stays outside the
    pilot's span, so the page, the CSV and the workbook keep to the pilot's months."""
    from datetime import date

    from sqlalchemy import update

    from sdp.cases import services
    from sdp.cases.models import Application
    from sdp.extensions import db
    from tests.cases.helpers import person

    services.register_application(
        make_user("intake_officer").principal,
        {"route": "application", "applicant": {**person(), "date_of_birth": date(1990, 4, 12)}},
    )
    # A row from before the rule, as the attack left one (a test may write it; the services may
    # not).
    db.session.execute(update(Application).values(registered_on=date(1, 1, 1)))
    db.session.commit()
    page = reviewer_web.get("/review/statistics?from=0001-01-01&to=9999-12-31&lang=en")
    assert page.status_code == 200 and len(page.get_data()) < 400_000
    months = re.search(
        r'id="table-applications_by_month".*?</table>', page.get_data(as_text=True), re.S
    ).group(0)
    assert "0001" not in months
    csv_text = reviewer_web.get("/review/statistics.csv?from=0001-01-01").get_data(as_text=True)
    assert len(csv_text.splitlines()) < 400
    xlsx = reviewer_web.get("/review/statistics.xlsx?from=0001-01-01")
    assert xlsx.status_code == 200 and len(xlsx.get_data()) < 200_000


def test_a_period_longer_than_the_policy_allows_is_refused_on_the_page(
    app, reviewer_web, monkeypatch
):
    from dataclasses import replace
    from datetime import date

    policy = app.config["POLICY"]
    monkeypatch.setitem(
        app.config,
        "POLICY",
        replace(policy, pilot_start=date(2020, 1, 1), statistics_max_period_months=12),
    )
    response = reviewer_web.get("/review/statistics?from=2020-01-01&lang=en")
    assert response.status_code == 422
    assert "a report covers at most 12" in html.unescape(response.get_data(as_text=True))
    assert reviewer_web.get("/review/statistics.csv?from=2020-01-01").status_code == 422
    assert reviewer_web.get("/review/statistics?lang=en").status_code == 200  # the last 12 months


@pytest.mark.parametrize("language", ["es", "en", "pt"])
def test_the_workbooks_sheets_are_named_in_whole_words(reviewer_web, language):
    """Issue 13: Excel's 31-character limit cut the sheet names mid-word ("Decisiones de primera
    instancia por resultado" became "Decisiones de primera instan")."""
    from sdp.review.exports import SHEET_NAMES

    response = reviewer_web.get(f"/review/statistics.xlsx?lang={language}")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    names = workbook.sheetnames
    assert len({name.lower() for name in names}) == len(names)
    with reviewer_web.application.test_request_context(), force_locale(language):
        expected = [gettext("About")] + [gettext(short) for short in SHEET_NAMES.values()]
    for name in names:
        assert len(name) <= 31, name
        # Every sheet is one of the short names, whole, in the workbook's language.
        assert name in expected, name
    assert len(names) == len(expected)


def test_a_long_title_is_shortened_at_a_word_boundary():
    from sdp.review.exports import _sheet_name

    used: set[str] = set()
    title = "Decisiones de primera instancia por resultado"
    first = _sheet_name(title, used)
    assert first == "Decisiones de primera instancia"
    second = _sheet_name(title, used)
    assert second == "Decisiones de primera 2" and len(second) <= 31
    assert _sheet_name("Nacimientos: por [madre]", used) == "Nacimientos por madre"
