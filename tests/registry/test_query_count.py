"""The person check costs the same few queries whatever the number of matches (no N+1)."""

from contextlib import contextmanager

from sqlalchemy import event

from sdp.extensions import db
from tests.cases.helpers import person, register
from tests.registry.helpers import persons_url


@contextmanager
def counted_queries():
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("PRAGMA", "SAVEPOINT", "RELEASE")):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_the_person_check_runs_a_fixed_number_of_queries(api_as, partner_api):
    intake = api_as("intake_officer")
    reniec = partner_api("registry:read")
    child = {**person(given="Ángel", dob="2016-09-01"), "relationship": "child"}

    with counted_queries() as none_found:
        assert reniec.get(persons_url("Ángel", "Pérez Gómez", "2016-09-01")).json == {"matches": []}
    for _ in range(6):
        register(intake, dependants=[child])
    with counted_queries() as six_found:
        assert len(reniec.get(persons_url("Ángel", "Pérez Gómez", "2016-09-01")).json["matches"]) == 6

    # the token with its user and roles (one query), the matching cases (one query), the audit
    # event: the chain's head under its lock (PostgreSQL: one function call that takes a lane's
    # lock; SQLite: a SELECT under the app's writer file lock) and the insert.
    assert len(six_found) == len(none_found) == 4, six_found
