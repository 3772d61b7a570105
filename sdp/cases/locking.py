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
- Web forms: put the version in a hidden field ``version`` when rendering the form, and in
  the POST view, before calling the service, ``expect_version(application, form.version.data)``.
  It raises ``sdp.domain.conflicts.EditConflict`` (409): catch it, flash its message
  (``gettext(error.message, **error.params)``) and render the form again with the
  submitted data, so that the officer's input is kept.
"""

import re

from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.util import identity_key

from ..domain.conflicts import EditConflict, check_version
from ..domain.procedure import InvalidField
from ..domain.vocabulary import N_
from .models import Application

__all__ = ["EditConflict", "expect_version", "version_from_if_match"]

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
