"""One unit of work per request, per command and per background step (Indico's ``RH`` pattern).

Services change models, flush and write their audit events; they never commit. Whoever runs
them owns the transaction:

- a request: the app (``App``) rolls back on any exception a view or hook raises, before
  an error handler answers (a 4xx in the contract's format, an error page), and the request
  commits once, after every other ``after_request`` hook (``init_app``). A change and its audit
  event are committed together or not at all, and two services (registering an application
  and issuing its provisional certificate) can share one transaction;
- a command or background step: ``unit_of_work()`` around its work.

A page that answers a refused service with its form filled in (a ``ProcedureError`` shown
beside its field) runs the service in a ``savepoint()``: the service's writes are undone, and
whatever else the request did (an audited read) is still committed.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask

from .extensions import db
from .sqlite import open_write_transaction


class App(Flask):
    """Flask with the request's rollback: any exception undoes the request's writes before its
    handler answers, whatever the exception and whoever handles it."""

    def handle_user_exception(self, e):
        db.session.rollback()
        return super().handle_user_exception(e)

    def handle_exception(self, e):
        db.session.rollback()
        return super().handle_exception(e)


def init_app(app: Flask) -> None:
    """Registered before every other ``after_request`` hook, so that it runs after them all
    (Flask runs them in reverse): nothing a hook writes is left uncommitted. A commit that
    fails raises, and the app answers 500 with everything rolled back."""

    @app.after_request
    def _commit_the_request(response):
        db.session.commit()
        return response


@contextmanager
def unit_of_work() -> Iterator[None]:
    """A command's or background step's transaction: committed once at the end, rolled back
    on any exception (a ``ClickException`` too: a refused command changes nothing)."""
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()


@contextmanager
def savepoint() -> Iterator[None]:
    """Work undone if it raises, kept (and committed with the rest of the unit of work) if not."""
    open_write_transaction(db.session.connection())
    with db.session.begin_nested():
        yield
