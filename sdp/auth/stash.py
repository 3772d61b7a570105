"""Forms kept across an expired session: nothing typed is lost.

When a form is posted after the session expired, its fields are kept here, on the
server (they hold personal data, so never in the cookie); the session keeps only a
random token. After signing in again, the page the form came from takes its fields
back once. A stash lives at most ``STASH_MINUTES`` and is bound to the user when known.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import JSON, Integer, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.datastructures import MultiDict

from .. import clock
from ..extensions import db
from ..timestamps import LimaDateTime

STASH_MINUTES = 60
SESSION_KEY = "form_stash"
NOT_KEPT = {"csrf_token"}


def _kept(key: str) -> bool:
    """Never keep a password, even hashed: any field whose name says password (``new_password``...)."""
    return key not in NOT_KEPT and "password" not in key.lower()


class FormStash(db.Model):
    __tablename__ = "form_stashes"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(String(500))
    fields: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(LimaDateTime(), index=True)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def keep(session: dict, path: str, form: MultiDict, user_id: int | None) -> bool:
    """Keep a posted form for ``path``; the session holds only the token. False: nothing to keep."""
    fields = [[key, value] for key, value in form.items(multi=True) if _kept(key)]
    if not fields:
        return False
    cutoff = clock.now() - timedelta(minutes=STASH_MINUTES)
    db.session.execute(delete(FormStash).where(FormStash.created_at < cutoff))
    token = secrets.token_urlsafe(32)
    db.session.add(FormStash(token_hash=_digest(token), user_id=user_id, path=path[:500], fields=fields,
                             created_at=clock.now()))
    db.session.commit()
    session[SESSION_KEY] = token
    return True


def pending_path(session: dict) -> str | None:
    """The page whose form waits to be restored, if any."""
    token = session.get(SESSION_KEY)
    if not token:
        return None
    stash = db.session.execute(select(FormStash).where(FormStash.token_hash == _digest(token))).scalar_one_or_none()
    return stash.path if stash else None


def take(session: dict, path: str, user_id: int) -> MultiDict | None:
    """The kept fields of the form posted to ``path``, once, for the user who posted them."""
    token = session.get(SESSION_KEY)
    if not token:
        return None
    stash = db.session.execute(select(FormStash).where(FormStash.token_hash == _digest(token))).scalar_one_or_none()
    if stash is None:
        session.pop(SESSION_KEY, None)
        return None
    if stash.path != path:
        return None
    session.pop(SESSION_KEY, None)
    db.session.delete(stash)
    db.session.commit()
    created = stash.created_at if stash.created_at.tzinfo else stash.created_at.replace(tzinfo=clock.PERU)
    if stash.user_id not in (None, user_id) or clock.now() - created > timedelta(minutes=STASH_MINUTES):
        return None
    return MultiDict([tuple(pair) for pair in stash.fields])
