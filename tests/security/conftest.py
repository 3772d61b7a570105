"""Helpers for the security tests: writing to the database behind the app's back."""

import pytest
from sqlalchemy import text

from sdp.extensions import db


def is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


@pytest.fixture
def behind_the_apps_back():
    """Run SQL as someone with direct access to the database would (on PostgreSQL, as the
    table's owner, who can switch the append-only trigger off)."""

    def run(sql: str, **params):
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
            result = connection.execute(text(sql), params)
            if connection.dialect.name == "postgresql":
                connection.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only"))
            return result.rowcount

    return run
