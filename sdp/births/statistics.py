"""The statistics feed of birth registration: plain counts, no personal data.

Exact counts: suppressing small cells ("<5") and drawing charts is the statistics page's
job (``sdp.review``), which receives these dicts. Every breakdown counts each birth once,
so each sums to ``total`` and a suppressed cell's complement can be suppressed too.
Grouped in the database (a few rows per group), so it stays fast at half a million
births a year.
"""

from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import case, extract, func, select

from ..domain.nationality import Parent, ParentsStatus, parents_status
from ..domain.vocabulary import AsylumStatus, NationalityBasis
from ..extensions import db
from .models import BirthRegistration

UNKNOWN = "unknown"


def _period(query, start: date | None, end: date | None):
    if start is not None:
        query = query.where(BirthRegistration.registered_on >= start)
    if end is not None:
        query = query.where(BirthRegistration.registered_on <= end)
    return query


def _parent(present: bool, stateless: bool, asylum_status: str | None) -> Parent | None:
    if not present:
        return None
    return Parent(
        stateless=bool(stateless), asylum_status=AsylumStatus(asylum_status or AsylumStatus.NONE)
    )


def _nationality(present: bool, stateless: bool, code: str | None) -> str:
    if not present:
        return UNKNOWN
    if stateless:
        return ParentsStatus.STATELESS.value
    return code or UNKNOWN


def birth_statistics(start: date | None = None, end: date | None = None) -> dict[str, Any]:
    """Births registered between ``start`` and ``end`` (registration dates, inclusive).

    ``by_month``: ``[{"month": "YYYY-MM", "registered", "late"}]`` in order;
    ``by_parents_status``: every ``ParentsStatus`` (most protective parent's status);
    ``by_mother_nationality`` / ``by_father_nationality``: ISO codes, ``stateless`` or ``unknown``;
    ``by_basis``: every nationality basis; ``late`` and ``on_time`` counts, ``late_share``
    (0 to 1, ``None`` when there is no birth).
    """
    registration = BirthRegistration
    year, month = (
        extract("year", registration.registered_on),
        extract("month", registration.registered_on),
    )
    months = db.session.execute(
        _period(
            select(
                year.label("year"),
                month.label("month"),
                func.count().label("registered"),
                func.sum(case((registration.late_registration, 1), else_=0)).label("late"),
            )
            .group_by(year, month)
            .order_by(year, month),
            start,
            end,
        )
    ).all()

    groups = db.session.execute(
        _period(
            select(
                registration.mother_id.is_not(None).label("has_mother"),
                registration.mother_stateless,
                registration.mother_asylum_status,
                registration.mother_nationality,
                registration.father_id.is_not(None).label("has_father"),
                registration.father_stateless,
                registration.father_asylum_status,
                registration.father_nationality,
                registration.nationality_basis,
                registration.late_registration,
                func.count().label("n"),
            ).group_by(
                registration.mother_id.is_not(None),
                registration.mother_stateless,
                registration.mother_asylum_status,
                registration.mother_nationality,
                registration.father_id.is_not(None),
                registration.father_stateless,
                registration.father_asylum_status,
                registration.father_nationality,
                registration.nationality_basis,
                registration.late_registration,
            ),
            start,
            end,
        )
    ).all()

    by_status = Counter({status.value: 0 for status in ParentsStatus})
    by_basis = Counter({basis.value: 0 for basis in NationalityBasis})
    by_mother, by_father = Counter[str](), Counter[str]()
    late = total = 0
    for row in groups:
        mother = _parent(row.has_mother, row.mother_stateless, row.mother_asylum_status)
        father = _parent(row.has_father, row.father_stateless, row.father_asylum_status)
        by_status[parents_status(mother, father).value] += row.n
        by_mother[_nationality(row.has_mother, row.mother_stateless, row.mother_nationality)] += (
            row.n
        )
        by_father[_nationality(row.has_father, row.father_stateless, row.father_nationality)] += (
            row.n
        )
        by_basis[row.nationality_basis] += row.n
        total += row.n
        late += row.n if row.late_registration else 0
    return {
        "period": {
            "start": start.isoformat() if start else None,
            "end": end.isoformat() if end else None,
        },
        "total": total,
        "late": late,
        "on_time": total - late,
        "late_share": (late / total) if total else None,
        "by_month": [
            {
                "month": f"{int(row.year):04d}-{int(row.month):02d}",
                "registered": int(row.registered),
                "late": int(row.late or 0),
            }
            for row in months
        ],
        "by_parents_status": dict(by_status),
        "by_mother_nationality": dict(sorted(by_mother.items())),
        "by_father_nationality": dict(sorted(by_father.items())),
        "by_basis": dict(by_basis),
    }
