"""Stored moments, always read back as aware datetimes in Lima's time.

PostgreSQL keeps ``timestamptz`` and hands back UTC; SQLite keeps the wall clock without an
offset. ``LimaDateTime`` stores Lima's wall clock on SQLite and reads every value back with
Lima's offset on both, so the code, the API (ISO 8601 with ``-05:00``) and the audit chain
never meet a naive datetime.
"""

from datetime import datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

from .clock import PERU


def in_lima(moment: datetime) -> datetime:
    """``moment`` with Lima's offset; a naive value is taken as Lima's wall clock."""
    return moment.replace(tzinfo=PERU) if moment.tzinfo is None else moment.astimezone(PERU)


class LimaDateTime(TypeDecorator):
    """A ``timestamp with time zone`` column whose values are always aware, in Lima's time."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else in_lima(value)

    def process_result_value(self, value, dialect):
        return None if value is None else in_lima(value)
