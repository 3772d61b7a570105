"""Forms kept across an expired session: nothing typed is lost, and nothing is kept for strangers.

When a signed-in user's session expires and they post a form, its fields are kept here, on the
server (they hold personal data, so never in the cookie); the session keeps only a random token.
After they sign in again, the page the form came from takes its fields back once.

What may be kept is narrow, because the page that keeps it is open to anyone (issue 15: six
anonymous posts of 10 MB each grew the database from 0.7 MB to 17 MB, and a cross-site post
replaced a victim's session and pre-filled their form):

- only for a **known user** whose own session expired (the signed session cookie names them and
  their session epoch, still current): an anonymous post stores nothing and gets no cookie;
- at most ``MAX_BYTES`` of fields (larger: nothing is kept, and the user is told);
- **one stash per user**: a new one replaces the last, so the table never holds more rows than
  there are users; and at most ``FORM_STASH_RATE_LIMIT`` stashes per user (Flask-Limiter);
- given back only to **the same user**, on the same page, within ``STASH_MINUTES``.
"""

import hashlib
import json
import secrets
from collections.abc import Mapping, MutableMapping
from datetime import timedelta
from enum import StrEnum
from typing import Any

from flask import current_app, flash, request
from flask import session as browser_session
from flask_babel import gettext
from flask_login import current_user
from limits import parse
from sqlalchemy import delete, select
from werkzeug.datastructures import MultiDict

from .. import clock
from ..extensions import db
from ..ratelimit import limiter
from .models import FormStash, User

STASH_MINUTES = 60
MAX_BYTES = 64 * 1024  # of the kept fields, as stored (JSON, UTF-8): far above any of our forms
SESSION_KEY = "form_stash"
NOT_KEPT = {"csrf_token"}


class Kept(StrEnum):
    """What ``keep`` did with a posted form."""

    KEPT = "kept"
    NOTHING_TO_KEEP = "nothing_to_keep"  # no field worth keeping (passwords are never kept)
    UNKNOWN_USER = "unknown_user"  # anonymous, or the session named a user no longer valid
    TOO_LARGE = "too_large"
    TOO_MANY = "too_many"


def _kept(key: str) -> bool:
    """Never keep a password, even hashed: any field whose name says password
    (``new_password``...)."""
    return key not in NOT_KEPT and "password" not in key.lower()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def known_user_id(session_user: str | None) -> int | None:
    """The id of the active user whose expired session said ``"id:epoch"``, if that epoch is still
    theirs (a session ended by sign-out everywhere or by an admin keeps nothing)."""

    user_id, _, epoch = str(session_user or "").partition(":")
    if not user_id.isdigit() or not epoch.lstrip("-").isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or (user.session_epoch or 0) != int(epoch):
        return None
    return user.id


def _within_rate(user_id: int) -> bool:

    limit = parse(current_app.config["SDP_RATELIMIT_FORM_STASH"])
    return limiter.limiter.hit(limit, "form_stash", str(user_id))


def keep(
    session: MutableMapping[str, Any], path: str, form: MultiDict, user_id: int | None
) -> Kept:
    """Keep a posted form of the known user ``user_id`` for ``path``; the session holds only the
    token."""
    if user_id is None:
        return Kept.UNKNOWN_USER
    fields = [[key, value] for key, value in form.items(multi=True) if _kept(key)]
    if not fields:
        return Kept.NOTHING_TO_KEEP
    if len(json.dumps(fields, ensure_ascii=False).encode()) > MAX_BYTES:
        return Kept.TOO_LARGE
    if not _within_rate(user_id):
        return Kept.TOO_MANY
    cutoff = clock.now() - timedelta(minutes=STASH_MINUTES)
    db.session.execute(
        delete(FormStash).where((FormStash.created_at < cutoff) | (FormStash.user_id == user_id))
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        FormStash(
            token_hash=_digest(token),
            user_id=user_id,
            path=path[:500],
            fields=fields,
            created_at=clock.now(),
        )
    )
    db.session.flush()
    session[SESSION_KEY] = token
    return Kept.KEPT


def _stash_of(session: Mapping[str, Any]) -> FormStash | None:
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        return None
    return db.session.execute(
        select(FormStash).where(FormStash.token_hash == _digest(token))
    ).scalar_one_or_none()


def pending_path(session: Mapping[str, Any], user_id: int) -> str | None:
    """The page whose form, kept for ``user_id``, waits to be restored, if any."""
    stash = _stash_of(session)
    return stash.path if stash is not None and stash.user_id == user_id else None


def take(session: MutableMapping[str, Any], path: str, user_id: int) -> MultiDict | None:
    """The kept fields of the form posted to ``path``, once, for the user who posted them."""
    if SESSION_KEY not in session:
        return None
    stash = _stash_of(session)
    if stash is None:
        session.pop(SESSION_KEY, None)
        return None
    if stash.path != path:
        return None
    session.pop(SESSION_KEY, None)
    db.session.delete(stash)
    db.session.flush()
    created = (
        stash.created_at if stash.created_at.tzinfo else stash.created_at.replace(tzinfo=clock.PERU)
    )
    if stash.user_id != user_id or clock.now() - created > timedelta(minutes=STASH_MINUTES):
        return None
    return MultiDict([tuple(pair) for pair in stash.fields])


def restore_form(path: str | None = None):
    """The fields of a form kept across sign-in for this page, once (or None)."""
    if not current_user.is_authenticated:
        return None
    data = take(browser_session, path or request.path, current_user.id)
    if data is not None:
        flash(
            gettext(
                "What you typed before your session expired has been restored. Check it and submit "
                "again."
            ),
            "info",
        )
    return data
