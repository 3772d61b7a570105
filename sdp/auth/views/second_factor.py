"""The second factor at sign-in: a TOTP code, and enrolling an authenticator app the first time.

The password was right (``sign_in.py``): until the code is, the session holds only who is
half-way through signing in (``PENDING_KEY``), for ``PENDING_SECONDS``.
"""

import time

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext, lazy_gettext
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from ...crypto import keyring
from .. import stash, totp
from ..models import User
from ..services import enrol_totp, is_locked, record_failed_sign_in, use_totp_code
from . import bp
from .sessions import after_sign_in_target, load_user, start_session

PENDING_KEY = (
    "pending_sign_in"  # {"user": "id:epoch", "at": seconds, "next": path, "enrol": ciphertext}
)
PENDING_SECONDS = 300


class CodeForm(FlaskForm):
    code = StringField(
        lazy_gettext("Code from your authenticator app"),
        validators=[DataRequired(lazy_gettext("Enter the 6-digit code.")), Length(max=12)],
    )


def begin_second_factor(user: User):
    """The password was right: the session holds only who is half-way through signing in."""
    target = after_sign_in_target(user)
    kept = {key: session[key] for key in ("lang", stash.SESSION_KEY) if key in session}
    session.clear()
    session.update(kept)
    session[PENDING_KEY] = {"user": user.get_id(), "at": int(time.time()), "next": target}
    return redirect(
        url_for("auth_web.second_factor" if user.totp_secret else "auth_web.enrol_second_factor")
    )


def _pending_user() -> User | None:
    pending = session.get(PENDING_KEY)
    if (
        not isinstance(pending, dict)
        or int(time.time()) - int(pending.get("at", 0)) > PENDING_SECONDS
    ):
        session.pop(PENDING_KEY, None)
        return None
    user = load_user(str(pending.get("user", "")))

    if user is None or is_locked(user):
        session.pop(PENDING_KEY, None)
        return None
    return user


def _finish_sign_in(user: User):
    target = session[PENDING_KEY].get("next") or "/"
    session.pop(PENDING_KEY, None)
    start_session(user, second_factor=True)
    return redirect(target)


def _restart_sign_in():
    flash(gettext("Signing in took too long or was interrupted. Sign in again."), "warning")
    return redirect(url_for("auth_web.sign_in"))


@bp.route("/sign-in/code", methods=["GET", "POST"])
def second_factor():

    user = _pending_user()
    if user is None:
        return _restart_sign_in()
    if not user.totp_secret:
        return redirect(url_for("auth_web.enrol_second_factor"))
    form, status = CodeForm(), 200
    if form.validate_on_submit():
        if use_totp_code(user, form.code.data):
            return _finish_sign_in(user)
        record_failed_sign_in(user, "second_factor")
        form.code.errors = [
            gettext(
                "The code is not right, or was already used. Wait for the next code and try again."
            )
        ]
        status = 401
    elif request.method == "POST":
        status = 422
    return render_template("auth/second_factor.html", form=form), status


@bp.route("/sign-in/enrol", methods=["GET", "POST"])
def enrol_second_factor():
    user = _pending_user()
    if user is None:
        return _restart_sign_in()
    if user.totp_secret:
        return redirect(url_for("auth_web.second_factor"))
    pending = session[PENDING_KEY]
    context = f"enrol:{user.id}".encode()
    if not pending.get("enrol"):
        # The new secret waits in the (signed, readable) session cookie encrypted with the data key.
        pending["enrol"] = keyring().encrypt(totp.new_secret().encode(), context)
        session[PENDING_KEY] = pending
    secret = keyring().decrypt(pending["enrol"], context).decode()
    form, status = CodeForm(), 200
    if form.validate_on_submit():
        if enrol_totp(user, secret, form.code.data):
            return _finish_sign_in(user)
        record_failed_sign_in(user, "second_factor")
        form.code.errors = [
            gettext(
                "The code is not right. Check that the app shows the code for this account, then "
                "try again."
            )
        ]
        status = 401
    elif request.method == "POST":
        status = 422
    uri = totp.provisioning_uri(secret, user.email)
    return render_template(
        "auth/enrol.html", form=form, secret=secret, uri=uri, qr=totp.qr_data_uri(uri)
    ), status
