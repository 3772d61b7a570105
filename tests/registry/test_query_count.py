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
        assert (
            len(reniec.get(persons_url("Ángel", "Pérez Gómez", "2016-09-01")).json["matches"]) == 6
        )

    # The matching cases: one query. The audit event goes to the audit journal, not to the
    # database (sdp.audit.journal; it is chained later, in batches). The token (with its user
    # and roles, one query) is asked at most once a second per process (sdp/auth/tokens.py,
    # tests/registry/test_token_cache.py), so whether it is in the count depends on the clock:
    # it is left out.
    checks = [
        [statement for statement in run if "api_tokens" not in statement]
        for run in (none_found, six_found)
    ]
    assert len(checks[0]) == len(checks[1]) == 1, six_found
    assert len(none_found) - len(checks[0]) <= 1 and len(six_found) - len(checks[1]) <= 1
