"""Helpers for the security tests: writing to the database behind the app's back, journaling
partner checks."""

from pathlib import Path

import pytest
from sqlalchemy import text

from sdp.audit.journal import Journal, event_fields
from sdp.extensions import db


def is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def journal_partner_checks(folder: Path, n: int, start: int = 0) -> None:
    """``n`` person checks of RENIEC's journaled in ``folder`` by a writer that is then gone,
    as a stopped server leaves them (``entity_id`` query-<start> onwards)."""
    journal = Journal(folder)
    for i in range(start, start + n):
        journal.append(
            event_fields(
                actor_kind="client",
                actor_id=1,
                actor_label="RENIEC",
                action="registry.person_check",
                entity="person_query",
                entity_id=f"query-{i}",
                changes={"token_id": 1, "matches": []},
            )
        )
    journal.close()


@pytest.fixture
def behind_the_apps_back():
    """Run SQL as someone with direct access to the database would (on PostgreSQL, as the
    table's owner, who can switch the append-only trigger off)."""

    def run(sql: str, **params):
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
                )
            result = connection.execute(text(sql), params)
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only")
                )
            return result.rowcount

    return run


@pytest.fixture
def own_key_file(app, tmp_path):
    """The app uses a key file of this test's own (rotations change it)."""
    from sdp.crypto import Keyring, parse_keys, write_key_file

    original = app.extensions["sdp_keyring"]
    path = tmp_path / "keys" / "data_keys"
    write_key_file(path, original.keys)
    ring = Keyring(parse_keys(path.read_text()), path)
    app.extensions["sdp_keyring"] = ring
    yield ring
    app.extensions["sdp_keyring"] = original
