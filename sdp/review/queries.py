"""The counts behind the legislators' statistics, each one aggregate query (GROUP BY).

The database does the counting, so a query returns a few dozen rows whether there are a
hundred cases or a million; no personal record is ever loaded into Python. Each function
returns plain counts keyed by category; ``report.py`` turns them into protected tables.
"""

from calendar import monthrange
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from flask import current_app
from sqlalchemy import (
    BigInteger,
    Integer,
    SQLColumnExpression,
    case,
    cast,
    extract,
    func,
    literal,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from ..births.models import BirthRegistration
from ..cases.models import Appeal, Application, Decision, Inquiry
from ..documents.models import Document
from ..domain import cellkey, deadlines
from ..domain.vocabulary import N_, NationalityBasis, label
from ..extensions import db

# --- The period -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Whole calendar months, or open at either end.

    Periods are widened to whole months on purpose: with day-level periods, the figures of two
    periods a day apart could be subtracted to single out the cases of one day.
    """

    start: date | None = None
    end: date | None = None

    @classmethod
    def whole_months(cls, start: date | None, end: date | None) -> "Period":
        return cls(start.replace(day=1) if start else None, month_end(end) if end else None)

    @classmethod
    def within_the_pilot(
        cls,
        start: date | None,
        end: date | None,
        *,
        today: date,
        pilot_start: date,
        max_months: int,
    ) -> "Period":
        """Whole months within the data's real span: from the pilot's first month (nothing can be
        registered earlier, sdp/domain/dates.py) to this month. A period that asks for more is cut
        to that span, so ``from=0001-01-01`` costs no more than the pilot; one that is still longer
        than ``max_months`` is refused (``PeriodTooLong``) and a missing ``from`` means the last
        ``max_months`` months. Either way a report has at most ``max_months`` rows of months."""
        first = max(start or pilot_start, pilot_start).replace(day=1)
        last = month_end(min(end or today, today))
        if start is None and last >= first:  # (an end before the pilot has no months to count back)
            first = max(first, _months_before(last, max_months - 1))
        if first > last:  # a period wholly before the pilot or after today: nothing, one month wide
            first = last.replace(day=1)
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        if months > max_months:
            raise PeriodTooLong(months, max_months)
        return cls(first, last)

    def where(self, column) -> list:
        clauses = []
        if self.start is not None:
            clauses.append(column >= self.start)
        if self.end is not None:
            clauses.append(column <= self.end)
        return clauses


class PeriodTooLong(ValueError):
    def __init__(self, months: int, max_months: int) -> None:
        self.months, self.max_months = months, max_months
        super().__init__(
            f"The period covers {months} months; a report covers at most {max_months} "
            f"(the policy setting statistics_max_period_months): choose a later start."
        )


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def month_end(day: date) -> date:
    return day.replace(day=monthrange(day.year, day.month)[1])


def months_between(first: date, last: date) -> list[tuple[int, int]]:
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


# --- Whole days between two dates, in SQL ------------------------------------------------------


class days_between(FunctionElement):  # noqa: N801 - reads as a SQL function
    """``days_between(later, earlier)``: whole days, on PostgreSQL and SQLite alike."""

    type = Integer()
    inherit_cache = True


@compiles(days_between)
def _days_between_default(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return f"({compiler.process(later, **kw)} - {compiler.process(earlier, **kw)})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return (
        f"CAST(julianday({compiler.process(later, **kw)}) - "
        f"julianday({compiler.process(earlier, **kw)}) AS INTEGER)"
    )


# --- Record keys (sdp/domain/cellkey.py), in SQL ---------------------------------------------


def record_key(column, kind: str):
    """Each record's key, computed in the query from its id and the app's secret: the same
    arithmetic as ``cellkey.record_key``, in 64-bit integers on SQLite and PostgreSQL alike."""

    secret = current_app.config["SECRET_KEY"]
    a, b, c = cellkey.key_parameters(secret.encode() if isinstance(secret, str) else secret, kind)
    modulus = literal(cellkey.MODULUS, BigInteger)
    k = (cast(column, BigInteger) * literal(a, BigInteger) + literal(b, BigInteger)) % modulus
    return ((k * k) % modulus * literal(c, BigInteger) + k) % modulus


K = TypeVar("K", bound=Hashable)


class Counts(dict[K, int]):
    """Counts by category (a dict, as before), with each category's cell key beside it in
    ``cell_keys``: the sum of the record keys of the records it counts."""

    def __init__(
        self,
        rows: Mapping[K, int] | Iterable[tuple[K, int]] = (),
        cell_keys: Mapping[K, int] | None = None,
    ) -> None:
        super().__init__(rows)
        self.cell_keys: dict[K, int] = dict(cell_keys or {})


def _counts(statement, key=lambda *group: group[0] if len(group) == 1 else group) -> Counts[Any]:
    """Runs a statement whose last two columns are ``count`` and ``sum(record key)``."""
    counts: Counts[Any] = Counts()
    for row in db.session.execute(statement).all():
        *group, n, keys = tuple(row)
        name = key(*group)
        counts[name] = counts.get(name, 0) + n
        counts.cell_keys[name] = cellkey.combined([counts.cell_keys.get(name, 0), int(keys or 0)])
    return counts


# --- Queries ----------------------------------------------------------------------------------


def _rows(statement) -> list[tuple]:
    return [tuple(row) for row in db.session.execute(statement).all()]


def applications_by_month(period: Period) -> Counts[tuple[int, int, str]]:
    """Applications registered in the period, by (year, month, route)."""
    year, month = (
        extract("year", Application.registered_on),
        extract("month", Application.registered_on),
    )
    statement = (
        select(
            year,
            month,
            Application.route,
            func.count(),
            func.sum(record_key(Application.id, "applications")),
        )
        .where(*period.where(Application.registered_on))
        .group_by(year, month, Application.route)
    )
    return _counts(statement, lambda y, m, route: (int(y), int(m), route))


def cases_by_state(period: Period) -> Counts[str]:
    """Cases registered in the period, by their state today."""
    statement = (
        select(
            Application.state, func.count(), func.sum(record_key(Application.id, "applications"))
        )
        .where(*period.where(Application.registered_on))
        .group_by(Application.state)
    )
    return _counts(statement)


# The states in which the office owes an act by a date (sdp.domain.deadlines), in the procedure's
# order.
PENDING_WITH_DEADLINE = deadlines.OFFICE_DEADLINE_STATES


def pending_by_state_and_overdue(period: Period, today: date) -> Counts[tuple[str, bool]]:
    """Cases registered in the period that await the office now, by state and whether the time
    limit running (the decision due date, or the appeal's) has passed: the lists' own rule
    (``Application.overdue_condition``)."""
    overdue = case((Application.overdue_condition(today), 1), else_=0)
    statement = (
        select(
            Application.state,
            overdue,
            func.count(),
            func.sum(record_key(Application.id, "applications")),
        )
        .where(
            Application.state.in_([s.value for s in PENDING_WITH_DEADLINE]),
            *period.where(Application.registered_on),
        )
        .group_by(Application.state, overdue)
    )
    return _counts(statement, lambda state, flag: (state, bool(flag)))


def decisions_by_outcome(period: Period) -> Counts[str]:
    """First-instance decisions taken in the period, by outcome."""
    statement = (
        select(Decision.outcome, func.count(), func.sum(record_key(Decision.id, "decisions")))
        .where(*period.where(Decision.decided_on))
        .group_by(Decision.outcome)
    )
    return _counts(statement)


class Histogram(list):
    """(days, within the due date, how many) rows, with the cell key of the decisions taken
    within and after the due date in ``cell_keys`` (keyed by True and False)."""

    cell_keys: dict


def decision_days(period: Period) -> Histogram:
    """First-instance decisions taken in the period as (days from registration, within the
    decision due date, how many): a histogram, so quantiles need no row of a person."""
    days = days_between(Decision.decided_on, Application.registered_on)
    within = case((Decision.decided_on <= Application.decision_due, 1), else_=0)
    statement = (
        select(days, within, func.count(), func.sum(record_key(Decision.id, "decisions")))
        .select_from(Decision)
        .join(Application, Application.id == Decision.application_id)
        .where(*period.where(Decision.decided_on))
        .group_by(days, within)
    )
    histogram, keys = Histogram(), {True: 0, False: 0}
    for d, w, n, key_sum in _rows(statement):
        histogram.append((int(d), bool(w), n))
        keys[bool(w)] = cellkey.combined([keys[bool(w)], int(key_sum or 0)])
    histogram.cell_keys = keys
    return histogram


def inquiries_by_country_and_status(period: Period, today: date) -> Counts[tuple[str, str]]:
    """Inquiries sent in the period, by State and status today (answered, pending, unanswered)."""
    status = case(
        (Inquiry.outcome.is_not(None), "answered"),
        (Inquiry.response_due < today, "unanswered"),
        else_="pending",
    )
    statement = (
        select(Inquiry.country, status, func.count(), func.sum(record_key(Inquiry.id, "inquiries")))
        .where(*period.where(Inquiry.sent_on))
        .group_by(Inquiry.country, status)
    )
    return _counts(statement, lambda country, state: (country, state))


def appeals_by_outcome(period: Period) -> Counts[str]:
    """Appeals lodged in the period, by outcome (``pending`` while undecided)."""
    outcome = func.coalesce(Appeal.outcome, "pending")
    statement = (
        select(outcome, func.count(), func.sum(record_key(Appeal.id, "appeals")))
        .where(*period.where(Appeal.lodged_on))
        .group_by(outcome)
    )
    return _counts(statement)


def documents_by_type(period: Period) -> Counts[str]:
    """Documents issued in the period, by type."""
    statement = (
        select(Document.type, func.count(), func.sum(record_key(Document.id, "documents")))
        .where(*period.where(Document.issued_on))
        .group_by(Document.type)
    )
    return _counts(statement)


# --- Births -----------------------------------------------------------------------------------

NOT_RECORDED = "not_recorded"
PERUVIAN_PARENT, FOREIGN_PARENTS = "peruvian_parent", "foreign_parents"
PARENTS_NATIONALITY_LABELS = {
    PERUVIAN_PARENT: N_("At least one Peruvian parent"),
    FOREIGN_PARENTS: N_("Both parents foreign (as recorded)"),
    NOT_RECORDED: N_("Parents' nationality not recorded"),
}


def parents_nationality() -> SQLColumnExpression[str]:
    mother, father = BirthRegistration.mother_nationality, BirthRegistration.father_nationality
    return case(
        (func.coalesce(mother, "") == "PE", PERUVIAN_PARENT),
        (func.coalesce(father, "") == "PE", PERUVIAN_PARENT),
        (mother.is_not(None), FOREIGN_PARENTS),
        (father.is_not(None), FOREIGN_PARENTS),
        else_=NOT_RECORDED,
    )


@dataclass(frozen=True)
class BirthGrouping:
    """One way of breaking down birth registrations: a table of its own.

    ``categories`` fixes the rows and their labels (in that order); None takes the rows from
    the data (countries, in alphabetical order of their names).
    """

    id: str
    title: str
    row_heading: str
    expression: Callable[[], SQLColumnExpression[str]]
    categories: dict[str, str] | None = None


# To break births down by another recorded fact (the parents' asylum status, once recorded),
# add one line here, e.g.:
#   BirthGrouping("births_by_parents_asylum_status",
#                 N_("Births registered, by the parents' asylum status"),
#                 N_("Parents' asylum status"), lambda: BirthRegistration.parents_asylum_status,
#                 {status.value: label(status) for status in AsylumStatus}),
BIRTH_GROUPINGS: tuple[BirthGrouping, ...] = (
    BirthGrouping(
        "births_by_parents_nationality",
        N_("Births registered, by the parents' nationality"),
        N_("Parents"),
        parents_nationality,
        PARENTS_NATIONALITY_LABELS,
    ),
    BirthGrouping(
        "births_by_nationality_basis",
        N_("Births registered, by the basis of the child's nationality"),
        N_("Basis of nationality"),
        lambda: BirthRegistration.nationality_basis,
        {basis.value: label(basis) for basis in NationalityBasis},
    ),
    BirthGrouping(
        "births_by_mother_nationality",
        N_("Births registered, by the mother's nationality"),
        N_("Mother's nationality"),
        lambda: func.coalesce(BirthRegistration.mother_nationality, NOT_RECORDED),
    ),
)


def births_by(grouping: BirthGrouping, period: Period) -> Counts[tuple[str, bool]]:
    """Births registered in the period, by the grouping and whether the registration was late."""
    group = grouping.expression()
    statement = (
        select(
            group,
            BirthRegistration.late_registration,
            func.count(),
            func.sum(record_key(BirthRegistration.id, "births")),
        )
        .where(*period.where(BirthRegistration.registered_on))
        .group_by(group, BirthRegistration.late_registration)
    )
    return _counts(statement, lambda value, late: (value, bool(late)))
