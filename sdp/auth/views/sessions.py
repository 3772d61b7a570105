"""Sessions: who is signed in, for how long, and what happens when a session ends.

Flask's signed cookie (HttpOnly, SameSite=Lax, Secure outside development; see ``sdp.config``)
carries the user's id and *session epoch* (``User.get_id``): bumping the epoch ends every session
of that user. A session idle for ``IDLE_TIMEOUT_MINUTES`` ends; a form posted after that is kept
(``sdp.auth.stash``) and given back after signing in.
"""

import time

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_user, logout_user

from ...extensions import db, login_manager
from ...web import safe_next
from .. import stash
from ..models import User
from ..services import record_sign_in

SEEN_KEY = "seen"
SIGNED_IN_KEY = "signed_in_at"  # the absolute lifetime runs from here, whatever the activity
EXPIRED_USER_KEY = "expired_user"  # "id:epoch" of the user whose session just expired
SECOND_FACTOR_KEY = "second_factor"  # whether this session was opened with the second factor


def start_session(user: User, second_factor: bool = False) -> None:

    kept = {key: session[key] for key in ("lang", stash.SESSION_KEY) if key in session}
    session.clear()  # no data from before the sign-in survives it (session fixation)
    session.update(kept)
    if user.preferred_locale in current_app.config["LANGUAGES"]:
        session["lang"] = user.preferred_locale
    record_sign_in(user, second_factor)
    login_user(user)
    session[SEEN_KEY] = session[SIGNED_IN_KEY] = int(time.time())
    session[SECOND_FACTOR_KEY] = second_factor


def after_sign_in_target(user: User) -> str:

    if user.must_change_password:  # a temporary password, given by an administrator
        return url_for("auth_web.change_password")
    if request.args.get("next"):
        return safe_next(request.args.get("next"))
    return stash.pending_path(session, user.id) or "/"


def end_this_session() -> None:
    """Signs this browser out; only the chosen language is kept."""
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _, epoch = session_id.partition(":")
    if not user_id.isdigit() or not epoch.lstrip("-").isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or (user.session_epoch or 0) != int(epoch):
        return None
    return user


def idle_timeout():
    """A session ends after ``IDLE_TIMEOUT_MINUTES`` without a request, and in any case
    ``SESSION_MAX_HOURS`` after signing in (a stolen cookie kept busy does not live for ever).
    The session remembers whose it was, so that a form posted now can be kept for that user."""
    if request.path.startswith(("/api/", "/static/")):
        return None
    if "_user_id" not in session:
        return None
    now = int(time.time())
    # A session opened before the absolute lifetime existed is counted from now (once: then it is
    # set).
    session.setdefault(SIGNED_IN_KEY, now)
    idle = now - session.get(SEEN_KEY, 0) > current_app.config["IDLE_TIMEOUT_MINUTES"] * 60
    too_old = now - session.get(SIGNED_IN_KEY, 0) > current_app.config["SESSION_MAX_HOURS"] * 3600
    if idle or too_old:
        expired_user = session.get("_user_id")
        logout_user()
        session.pop(SEEN_KEY, None)
        session.pop(SIGNED_IN_KEY, None)
        session[EXPIRED_USER_KEY] = expired_user if isinstance(expired_user, str) else None
        return None
    session[SEEN_KEY] = now
    return None


# What a user with a temporary password may still reach: the page to choose their own, signing
# out, the language, and the style sheets.
WHILE_PASSWORD_MUST_CHANGE = frozenset(
    {"auth_web.change_password", "auth_web.sign_out", "web.switch_language", "static"}
)


def password_change_required():
    """A user signed in with a temporary password (an administrator reset it) chooses their own
    before any other page: the temporary one is known to the administrator who gave it."""
    if request.path.startswith("/api/") or request.endpoint in WHILE_PASSWORD_MUST_CHANGE:
        return None
    if current_user.is_authenticated and current_user.must_change_password:
        return redirect(url_for("auth_web.change_password"))
    return None


def unauthorized():
    """Not signed in (or the session expired): ask to sign in, keeping a posted form for a known
    user.

    An anonymous request (no session, as a cross-site post arrives: the cookie is SameSite=Lax)
    gets the sign-in page and leaves no trace: its body is not read, nothing is stored and the
    session is not touched, so no cookie is set that would replace a victim's session."""
    sign_in_page = redirect(url_for("auth_web.sign_in", next=request.path))
    if EXPIRED_USER_KEY not in session:
        return sign_in_page
    user_id = stash.known_user_id(session.get(EXPIRED_USER_KEY))
    kept = stash.Kept.NOTHING_TO_KEEP
    if request.method == "POST" and user_id is not None:
        kept = stash.keep(session, request.path, request.form, user_id)
    if kept is stash.Kept.KEPT:
        flash(
            gettext("Your session had expired. Sign in again: what you typed has been kept."),
            "warning",
        )
    elif kept in (stash.Kept.TOO_LARGE, stash.Kept.TOO_MANY):
        flash(
            gettext(
                "Your session had expired. What you typed could not be kept (too long, or too many "
                "forms posted since it expired): sign in and type it again."
            ),
            "warning",
        )
    else:
        flash(
            gettext("Your session expired after a time without activity. Sign in again."), "warning"
        )
    return sign_in_page
