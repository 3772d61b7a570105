"""Birth registration numbers (``sdp.domain.birth_registration``): unique, never reused.

Each year has one counter row, incremented with ``UPDATE ... RETURNING`` in the
registering transaction. On PostgreSQL the row lock makes a concurrent registration wait
until this one commits or rolls back, so two registrations never share a number; SQLite
serialises writers anyway. A number is only ever seen once its registration is committed,
and registrations are never deleted, so no number is ever given to a second child.
"""

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from ..domain.birth_registration import format_registration_number
from ..extensions import db
from .models import BirthNumberCounter


def next_registration_number(year: int) -> str:
    session = db.session
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(BirthNumberCounter).values(year=year, last_value=0).on_conflict_do_nothing())
    value = session.execute(
        update(BirthNumberCounter)
        .where(BirthNumberCounter.year == year)
        .values(last_value=BirthNumberCounter.last_value + 1)
        .returning(BirthNumberCounter.last_value)
    ).scalar_one()
    return format_registration_number(year, value)
