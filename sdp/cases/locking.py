"""No lost updates on a case (optimistic locking).

``Application.version`` is SQLAlchemy's ``version_id_col``: every UPDATE of the case says
``WHERE version = <the version read>``, and fails with ``StaleDataError`` (answered 409,
see ``sdp.security``) when another transaction changed the case meanwhile. A change to a
row of the case (a finding, an inquiry, evidence, an interview, a document...) bumps the
case's version too (``_bump_case_versions``), so the case is one unit of editing.

For an edit that spans two requests (a form opened, then saved), the client says which
version it was editing:

- API: the case's JSON has ``"version"`` and the response an ``ETag: "<version>"``; send
  ``If-Match: "<version>"`` with a change to have it refused (409) when the case has moved on.
- Web forms (``sdp/cases/views.py``, ``action``): the page puts the version in a hidden field
  ``version``, and beside it ``seen``, the last change of the case the person had before them
  (``last_change_id``). A save calls ``expect_version(application, request.form["version"])``
  before anything else; on ``EditConflict`` the page answers 409 with the form as typed, the
  changes made since (``changes_since``: who, when, what) and the current version, so that
  saving again, after reading them, is a decision taken knowing the other person's change.
"""

import re

from sqlalchemy import and_, event
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.util import identity_key

from ..audit import services as audit
from ..audit.models import AuditEvent
from ..domain.conflicts import EditConflict, check_version
from ..domain.procedure import InvalidField
from ..domain.vocabulary import N_
from .models import Application

__all__ = [
    "EditConflict",
    "changes_since",
    "expect_version",
    "last_change_id",
    "version_from_if_match",
]

_IF_MATCH = re.compile(r'^\s*(?:W/)?"?(\d{1,9})"?\s*$')


def expect_version(application: Application, version: int | str | None) -> None:
    """Raise ``EditConflict`` unless ``version`` (None or "": not given) is the case's current
    version."""
    if version is None or version == "":
        return
    try:
        expected = int(version)
    except (TypeError, ValueError) as error:
        raise InvalidField("version", N_("The version must be a whole number.")) from error
    check_version(application.version, expected)


def _changes_of(application: Application):
    # Every audited event of the case but its reads (``case.read``, ``document.read``...).
    return and_(AuditEvent.case_id == application.id, ~AuditEvent.action.like("%.read%"))


def last_change_id(application: Application) -> int:
    """The id of the case's last audited change (0: none): what a form's page had before it."""
    return audit.last_change_id(_changes_of(application))


def changes_since(application: Application, seen: int | str | None) -> list[AuditEvent]:
    """The case's audited changes after the change ``seen`` (what someone else did meanwhile)."""
    return audit.changes_since(_changes_of(application), seen)


def version_from_if_match(header: str | None) -> int | None:
    """``"3"``, ``3`` or ``W/"3"`` → 3; absent or ``*`` → None."""
    if header is None or header.strip() in ("", "*"):
        return None
    match = _IF_MATCH.match(header)
    if not match:
        raise InvalidField("If-Match", N_('If-Match must be the version of the case, such as "3".'))
    return int(match.group(1))


@event.listens_for(Session, "before_flush")
def _bump_case_versions(session: Session, flush_context, instances) -> None:
    cases: dict[int, Application] = {}
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Application):
            if obj in session.dirty and obj not in session.deleted:
                cases[id(obj)] = obj
            continue
        application_id = getattr(obj, "application_id", None)
        if application_id is None:
            continue
        parent = session.identity_map.get(identity_key(Application, application_id))
        if parent is not None and parent not in session.deleted:
            cases[id(parent)] = parent
    for application in cases.values():
        if application in session.new:
            continue
        # An UPDATE of the case row, so that its version is checked and incremented.
        if "state" not in application.__dict__:
            application.state  # noqa: B018 - load an expired attribute before flagging it
        flag_modified(application, "state")
