"""``count_queries``: pin the number of SQL statements a request runs, whatever the number of rows.

Use as ``with count_queries() as queries: client.get(...)``, then ``len(queries)`` (each
item is the SQL text, so a failing assertion shows which statement repeats).
"""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from sdp.extensions import db


class QueryLog(list):
    """The statements run, in order. ``selects`` leaves out INSERT/UPDATE and transaction
    control."""

    @property
    def selects(self) -> list[str]:
        return [
            statement
            for statement in self
            if statement.lstrip().upper().startswith(("SELECT", "WITH"))
        ]

    def __str__(self) -> str:
        return "\n".join(f"{number}. {statement}" for number, statement in enumerate(self, 1))


@pytest.fixture
def count_queries():
    @contextmanager
    def counting() -> Iterator[QueryLog]:
        log = QueryLog()
        engine = db.engine

        def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
            log.append(" ".join(statement.split()))

        event.listen(engine, "before_cursor_execute", before_cursor_execute)
        try:
            yield log
        finally:
            event.remove(engine, "before_cursor_execute", before_cursor_execute)

    return counting
