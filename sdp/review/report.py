"""The legislators' results: every count in a table, every table protected, one report.

The page, ``GET /api/v1/statistics``, the CSV and the XLSX all render the one ``Report`` this
module builds, so a figure withheld in one is withheld in all. Counts come from
``queries.py`` (aggregates in SQL); disclosure control from ``sdp.domain.disclosure``; derived
figures (rates, shares, quantiles) are computed from the published figures only.
"""

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..domain import cellkey, disclosure
from ..domain.disclosure import TOTAL, Published, Table
from ..domain.names import name_key
from ..domain.policy import PolicySettings
from ..domain.vocabulary import (
    N_,
    AppealOutcome,
    DecisionOutcome,
    DocumentType,
    InquiryStatus,
    Route,
    State,
    label,
)
from . import queries
from .queries import Period

MEDIAN, P90 = "0.5", "0.9"
DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class Labels:
    """How names are shown: translated, months and countries in the reader's language."""

    translate: Callable[[str], str] = lambda text: text
    month: Callable[[int, int], str] = lambda year, month: f"{year}-{month:02d}"
    country: Callable[[str], str] = lambda code: code


@dataclass
class PublishedRow:
    key: str
    label: str
    cells: list[Published]
    total: Published


@dataclass
class PublishedTable:
    id: str
    title: str
    description: str
    row_heading: str
    columns: list[tuple[str, str]]
    rows: list[PublishedRow]
    totals: list[Published]
    total: Published
    total_label: str

    @property
    def has_row_totals(self) -> bool:
        return len(self.columns) > 1

    def value(self, row: str, column: str) -> Published:
        index = [key for key, _ in self.columns].index(column)
        if row == TOTAL:
            return self.totals[index]
        return next(r for r in self.rows if r.key == row).cells[index]

    def row_total(self, row: str) -> Published:
        return self.total if row == TOTAL else next(r for r in self.rows if r.key == row).total

    def as_dict(self) -> dict[str, Any]:
        keys = [key for key, _ in self.columns]
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "row_heading": self.row_heading,
            "columns": [{"key": key, "label": text} for key, text in self.columns],
            "rows": [
                {
                    "key": row.key,
                    "label": row.label,
                    "values": dict(zip(keys, row.cells, strict=True)),
                    "total": row.total,
                }
                for row in self.rows
            ],
            "totals": dict(zip(keys, self.totals, strict=True)),
            "total": self.total,
        }


@dataclass
class Report:
    period: Period
    generated_on: date
    tables: list[PublishedTable]
    figures: dict[str, Any] = field(default_factory=dict)

    def table(self, table_id: str) -> PublishedTable:
        return next(table for table in self.tables if table.id == table_id)

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": {"from": self.period.start, "to": self.period.end},
            "generated_on": self.generated_on,
            "disclosure_control": {
                "threshold": disclosure.THRESHOLD,
                "small": disclosure.SMALL,
                "withheld": disclosure.WITHHELD,
                "note": SUPPRESSION_NOTE,
            },
            "tables": {table.id: table.as_dict() for table in self.tables},
            "figures": self.figures,
        }


SUPPRESSION_NOTE = N_(
    'Counts from 1 to 4 are shown as "<5". Figures shown as "x" are withheld so that a "<5" cannot '
    "be worked out from the totals or from other figures. Rates are withheld when a count they "
    "rest on is withheld. Every other count of 5 or more carries a small adjustment (at most 2 "
    "either way), always the same for the same cases, so that subtracting the figures of two "
    "periods cannot single anyone out; a total may therefore differ slightly from the sum of its "
    "parts."
)


# --- The tables ---------------------------------------------------------------------------------


@dataclass
class _Spec:
    id: str
    title: str
    description: str
    row_heading: str
    rows: list[tuple[str, str]]
    columns: list[tuple[str, str]]
    counts: dict[tuple[str, str], int]
    links: dict[tuple[str, str], str] = field(default_factory=dict)
    total_label: str = N_("Total")
    # Each cell's cell key (sdp/domain/cellkey.py): the sum of the record keys it counts.
    cell_keys: dict[tuple[str, str], int] = field(default_factory=dict)

    def table(self) -> Table:
        # Copied as disclosure.Table's types say (cells keyed by any hashable row and column: a
        # Mapping of str keys is not one of Hashable keys, to mypy).
        counts: dict[tuple[Hashable, Hashable], int] = {key: n for key, n in self.counts.items()}
        links: dict[tuple[Hashable, Hashable], str] = {key: to for key, to in self.links.items()}
        return Table(
            self.id, [key for key, _ in self.rows], [key for key, _ in self.columns], counts, links
        )


def _one_column(
    spec_id: str,
    title: str,
    description: str,
    row_heading: str,
    column: tuple[str, str],
    rows: list[tuple[str, str]],
    counts: dict[str, int],
    total_link: str | None = None,
    row_links: dict[str, str] | None = None,
) -> _Spec:
    key = column[0]
    links = {(TOTAL, key): total_link} if total_link else {}
    links.update({(row, key): link for row, link in (row_links or {}).items()})
    cell_keys = getattr(counts, "cell_keys", {})
    return _Spec(
        spec_id,
        title,
        description,
        row_heading,
        rows,
        [column],
        {(row, key): counts.get(row, 0) for row, _ in rows},
        links,
        cell_keys={(row, key): cell_keys.get(row, 0) for row, _ in rows},
    )


def _vocabulary_rows(members: Sequence, text: Labels) -> list[tuple[str, str]]:
    return [(member.value, text.translate(label(member))) for member in members]


def _country_rows(codes, text: Labels) -> list[tuple[str, str]]:

    named = [
        (
            code,
            text.translate(queries.PARENTS_NATIONALITY_LABELS[code])
            if code == queries.NOT_RECORDED
            else text.country(code),
        )
        for code in codes
    ]
    # Alphabetical, never by size: an order by size would tell the size of a withheld figure.
    return sorted(
        named, key=lambda item: (item[0] == queries.NOT_RECORDED, name_key(item[1]), item[0])
    )


def _specs(
    period: Period, today: date, text: Labels
) -> tuple[list[_Spec], list[tuple[int, bool, int]]]:
    _ = text.translate
    specs: list[_Spec] = []

    by_month = queries.applications_by_month(period)
    months: list[tuple[int, int]] = []
    if by_month:
        # From the first month with an application (a period may start long before the pilot)
        # to the end of the period, or this month.
        first = date(*min((y, m) for y, m, _r in by_month), 1)
        last = min(period.end, today) if period.end else today
        months = queries.months_between(first, last)
    specs.append(
        _Spec(
            "applications_by_month",
            _("Applications by month and route"),
            _(
                "Applications registered in each month: by the person, or ex officio by an "
                "authority."
            ),
            _("Month of registration"),
            [(f"{y}-{m:02d}", text.month(y, m)) for y, m in months],
            _vocabulary_rows(list(Route), text),
            {(f"{y}-{m:02d}", route): n for (y, m, route), n in by_month.items()},
            links={(TOTAL, TOTAL): "applications"},
            cell_keys={
                (f"{y}-{m:02d}", route): key for (y, m, route), key in by_month.cell_keys.items()
            },
        )
    )

    pending_links = {state.value: f"state:{state.value}" for state in queries.PENDING_WITH_DEADLINE}
    specs.append(
        _one_column(
            "cases_by_state",
            _("Cases by state"),
            _("The cases registered in the period, by the state they are in today."),
            _("State"),
            ("cases", _("Cases")),
            _vocabulary_rows(list(State), text),
            queries.cases_by_state(period),
            total_link="applications",
            row_links=pending_links,
        )
    )

    pending = queries.pending_by_state_and_overdue(period, today)
    specs.append(
        _Spec(
            "pending_and_overdue",
            _("Cases awaiting the office now, and overdue"),
            _(
                "Cases registered in the period that await a decision or an appeal decision today; "
                "overdue when the time limit running (decision due date, or appeal decision due "
                "date) has passed."
            ),
            _("State"),
            _vocabulary_rows(queries.PENDING_WITH_DEADLINE, text),
            [("within_time_limit", _("Within the time limit")), ("overdue", _("Overdue"))],
            {
                (state, "overdue" if late else "within_time_limit"): n
                for (state, late), n in pending.items()
            },
            links={(state, TOTAL): link for state, link in pending_links.items()},
            cell_keys={
                (state, "overdue" if late else "within_time_limit"): key
                for (state, late), key in pending.cell_keys.items()
            },
        )
    )

    decided = queries.decisions_by_outcome(period)
    specs.append(
        _one_column(
            "decisions_by_outcome",
            _("First-instance decisions by outcome"),
            _("Decisions taken in the period by a decision-maker, by outcome."),
            _("Outcome"),
            ("decisions", _("Decisions")),
            _vocabulary_rows(list(DecisionOutcome), text),
            decided,
            total_link="decisions",
        )
    )

    histogram = queries.decision_days(period)
    within = queries.Counts(
        {"within_time_limit": 0, "after_time_limit": 0},
        {
            "within_time_limit": histogram.cell_keys[True],
            "after_time_limit": histogram.cell_keys[False],
        },
    )
    for _days, in_time, n in histogram:
        within["within_time_limit" if in_time else "after_time_limit"] += n
    specs.append(
        _one_column(
            "decisions_by_time_limit",
            _("First-instance decisions within the time limit"),
            _(
                "Decisions taken in the period, by whether they were taken by the decision due "
                "date of the case (including an extension while an inquiry was pending)."
            ),
            _("Time"),
            ("decisions", _("Decisions")),
            [
                ("within_time_limit", _("By the decision due date")),
                ("after_time_limit", _("After the decision due date")),
            ],
            within,
            total_link="decisions",
        )
    )

    inquiries = queries.inquiries_by_country_and_status(period, today)
    specs.append(
        _Spec(
            "inquiries_by_state",
            _("Inquiries to States by State and status"),
            _(
                "Inquiries sent in the period to a State's authorities, by State and by status "
                "today: answered, pending within the response period, or unanswered after it."
            ),
            _("State inquired"),
            _country_rows({country for country, _s in inquiries}, text),
            _vocabulary_rows(
                [InquiryStatus.ANSWERED, InquiryStatus.PENDING, InquiryStatus.UNANSWERED], text
            ),
            inquiries,
            total_label=N_("Sent"),
            cell_keys=inquiries.cell_keys,
        )
    )

    appeals = queries.appeals_by_outcome(period)
    specs.append(
        _one_column(
            "appeals_by_outcome",
            _("Appeals by outcome"),
            _(
                "Appeals lodged in the period, by outcome: undecided, upheld (the first decision "
                "stands) or overturned."
            ),
            _("Outcome"),
            ("appeals", _("Appeals")),
            [("pending", _("Not decided yet"))] + _vocabulary_rows(list(AppealOutcome), text),
            appeals,
        )
    )

    for grouping in queries.BIRTH_GROUPINGS:
        counts = queries.births_by(grouping, period)
        if grouping.categories is not None:
            rows = [(key, _(name)) for key, name in grouping.categories.items()]
        else:
            rows = _country_rows({value for value, _late in counts}, text)
        specs.append(
            _Spec(
                grouping.id,
                _(grouping.title),
                _(
                    "Births registered in the period; a registration after the ordinary period is "
                    "late."
                ),
                _(grouping.row_heading),
                rows,
                [("on_time", _("In time")), ("late", _("Late"))],
                {(value, "late" if late else "on_time"): n for (value, late), n in counts.items()},
                links={
                    (TOTAL, "on_time"): "births:on_time",
                    (TOTAL, "late"): "births:late",
                    (TOTAL, TOTAL): "births",
                },
                cell_keys={
                    (value, "late" if late else "on_time"): key
                    for (value, late), key in counts.cell_keys.items()
                },
            )
        )

    specs.append(
        _one_column(
            "documents_by_type",
            _("Documents issued by type"),
            _("Documents issued in the period, by type."),
            _("Document"),
            ("documents", _("Documents")),
            _vocabulary_rows(list(DocumentType), text),
            queries.documents_by_type(period),
        )
    )
    return specs, histogram


def _check_rows_cover_counts(spec: _Spec) -> None:
    """A count in a category with no row would vanish from the tables while staying in no total:
    refuse rather than publish a table that does not add up."""
    rows, columns = {key for key, _ in spec.rows}, {key for key, _ in spec.columns}
    stray = [
        key for key, n in spec.counts.items() if n and (key[0] not in rows or key[1] not in columns)
    ]
    if stray:
        raise ValueError(f"{spec.id}: counts outside the table's rows and columns: {stray}")


def _entry_keys(spec: _Spec, table: Table) -> dict:
    """The cell key of every figure of a table, totals included: a total counts the records of
    its parts, so its key combines theirs (and a total shown in two tables gets one key)."""

    def cell(row, column) -> int:
        return spec.cell_keys.get((row, column), 0)

    keys = {(row, column): cell(row, column) for row in table.rows for column in table.columns}
    for row in table.rows:
        keys[(row, TOTAL)] = cellkey.combined(cell(row, column) for column in table.columns)
    for column in table.columns:
        keys[(TOTAL, column)] = cellkey.combined(cell(row, column) for row in table.rows)
    keys[(TOTAL, TOTAL)] = cellkey.combined(keys[(TOTAL, column)] for column in table.columns)
    return keys


def _publish(spec: _Spec, marks, text: Labels) -> PublishedTable:
    table = spec.table()
    entries = table.entries()
    keys = _entry_keys(spec, table)

    def shown(key) -> Published:
        # Withheld and small figures first (from the true counts), then the cell-key noise on
        # what is shown: the same records always show the same figure.
        published = disclosure.publish(entries[key], marks[key])
        return (
            cellkey.perturb(published, keys[key])
            if disclosure.is_published(published)
            else published
        )

    column_keys = [key for key, _ in spec.columns]
    rows = []
    for row_key, row_label in spec.rows:
        cells = [shown((row_key, column)) for column in column_keys]
        rows.append(
            PublishedRow(
                row_key,
                row_label,
                cells,
                shown((row_key, TOTAL)) if table.has_row_totals else cells[0],
            )
        )
    totals = [shown((TOTAL, column)) for column in column_keys]
    return PublishedTable(
        spec.id,
        spec.title,
        spec.description,
        spec.row_heading,
        spec.columns,
        rows,
        totals,
        shown(table.grand_total_key),
        text.translate(spec.total_label),
    )


# --- The report -----------------------------------------------------------------------------------


def build_report(
    period: Period, today: date, policy: PolicySettings, text: Labels = Labels()
) -> Report:
    specs, histogram = _specs(period, today, text)
    for spec in specs:
        _check_rows_cover_counts(spec)
    marks = disclosure.protect_tables([spec.table() for spec in specs])
    report = Report(period, today, [_publish(spec, marks[spec.id], text) for spec in specs])
    report.figures = _figures(report, histogram, policy)
    return report


def _figures(
    report: Report, histogram: list[tuple[int, bool, int]], policy: PolicySettings
) -> dict[str, Any]:
    """Rates, shares and quantiles, from published figures only."""
    decisions = report.table("decisions_by_outcome")
    timing = report.table("decisions_by_time_limit")
    pending = report.table("pending_and_overdue")
    days = [(d, n) for d, _in_time, n in histogram]
    births = report.table(queries.BIRTH_GROUPINGS[0].id)
    appeals = report.table("appeals_by_outcome")
    overturned = appeals.value(AppealOutcome.OVERTURNED.value, "appeals")
    upheld = appeals.value(AppealOutcome.UPHELD.value, "appeals")
    # The appeals decided: a sum of two published figures, or withheld with either of them.
    decided_appeals = (
        overturned + upheld
        if disclosure.is_published(overturned) and disclosure.is_published(upheld)
        else disclosure.WITHHELD
    )
    return {
        "recognition_rate": {
            "recognized": decisions.value(DecisionOutcome.RECOGNIZED.value, "decisions"),
            "decisions": decisions.total,
            "value": disclosure.ratio(
                decisions.value(DecisionOutcome.RECOGNIZED.value, "decisions"), decisions.total
            ),
        },
        "decision_time": {
            "decisions": timing.total,
            "median_days": disclosure.publish_quantile(days, MEDIAN),
            "p90_days": disclosure.publish_quantile(days, P90),
            "time_limit_months": policy.decision_due_months,
            "time_limit_days": round(policy.decision_due_months * DAYS_PER_MONTH),
            "within_time_limit": timing.value("within_time_limit", "decisions"),
            "within_time_limit_share": disclosure.ratio(
                timing.value("within_time_limit", "decisions"), timing.total
            ),
        },
        "overdue_now": {
            "pending": pending.total,
            "overdue": pending.value(TOTAL, "overdue"),
            "share": disclosure.ratio(pending.value(TOTAL, "overdue"), pending.total),
        },
        "appeals_overturned": {
            "overturned": overturned,
            "decided": decided_appeals,
            "share": disclosure.ratio(overturned, decided_appeals),
        },
        "late_birth_share": {
            "late": births.value(TOTAL, "late"),
            "births": births.total,
            "value": disclosure.ratio(births.value(TOTAL, "late"), births.total),
        },
    }
