"""Case numbers ``SDP-<year>-<6 digits>``: unique and without gaps.

Each year has one counter row. An intake increments it with ``UPDATE ... RETURNING`` in
its own transaction: on PostgreSQL the row lock makes a concurrent intake wait until
this one commits or rolls back (a rollback returns the number), so two intakes never
share a number and none is skipped. SQLite serialises writers anyway.
"""

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from .models import CaseNumberCounter


def next_case_number(year: int) -> str:
    session = db.session
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(CaseNumberCounter).values(year=year, last_value=0).on_conflict_do_nothing())
    value = session.execute(
        update(CaseNumberCounter)
        .where(CaseNumberCounter.year == year)
        .values(last_value=CaseNumberCounter.last_value + 1)
        .returning(CaseNumberCounter.last_value)
    ).scalar_one()
    if value > 999_999:
        raise OverflowError(f"case numbers of {year} are exhausted")
    return f"SDP-{year}-{value:06d}"
