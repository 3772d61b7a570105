"""Per-year counters (case numbers, birth registration numbers): unique, never reused.

Each year has one counter row, created on first use and incremented with
``UPDATE ... RETURNING`` in the caller's transaction. On PostgreSQL the row lock makes a
concurrent transaction wait until this one commits or rolls back (a rollback returns the
value), so two transactions never share a value and none is skipped; SQLite serialises
writers anyway.
"""

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from .extensions import db


def next_value(counter, year: int) -> int:
    """The next value of ``counter`` (a model with ``year`` and ``last_value``) for ``year``."""
    session = db.session
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(insert(counter).values(year=year, last_value=0).on_conflict_do_nothing())
    return session.execute(
        update(counter)
        .where(counter.year == year)
        .values(last_value=counter.last_value + 1)
        .returning(counter.last_value)
    ).scalar_one()
