"""Signing in with an email and a password, and signing out.

Everything about the password step is here so that later checks (lock-out, second factor) have
one place to go: ``authenticate``; the second factor is ``second_factor.py``, the session that
follows ``sessions.start_session``.
"""

import hashlib

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext, lazy_gettext
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired

from ...domain.vocabulary import Role
from ...extensions import db
from ...ratelimit import limiter
from ...web import label
from .. import stash, totp
from ..models import User
from ..passwords import verify_nothing, verify_password
from ..services import (
    LOCK_AFTER_FAILURES,
    is_locked,
    record_failed_sign_in,
    record_locked_attempt,
    temporary_password_expired,
)
from . import bp
from .second_factor import begin_second_factor
from .sessions import after_sign_in_target, end_this_session, start_session


class SignInForm(FlaskForm):
    email = EmailField(
        lazy_gettext("Email address"),
        validators=[DataRequired(lazy_gettext("Enter your email address."))],
    )
    password = PasswordField(
        lazy_gettext("Password"), validators=[DataRequired(lazy_gettext("Enter your password."))]
    )


def authenticate(email: str, password: str) -> User | None:
    """The active, unlocked user with this email and password, or None.

    Every refusal looks the same from outside (one message, one status, one Argon2 verification
    whatever the reason): an unknown email, a wrong password, an inactive or a locked account.
    A wrong password counts towards the lock-out (``services.record_failed_sign_in``)."""

    user = db.session.execute(
        select(User).where(User.email == email.strip().lower())
    ).scalar_one_or_none()
    if user is None:
        verify_nothing(password)  # a wrong email takes as long as a wrong password
        return None
    if is_locked(user):
        verify_nothing(password)  # the same work as a real check; the password is not tried
        record_locked_attempt(user)
        return None
    if not verify_password(user.password_hash, password):
        record_failed_sign_in(user, "password")
        return None
    if not user.active or temporary_password_expired(user):
        return None
    return user


def _sign_in_address_limit() -> str:
    return current_app.config["SDP_RATELIMIT_SIGN_IN_ADDRESS"]


def _sign_in_account_limit() -> str:
    return current_app.config["SDP_RATELIMIT_SIGN_IN_ACCOUNT"]


def _client_address() -> str:
    # The connection's address, or the client's as a trusted proxy saw it (sdp/security/proxies.py).
    return "address:" + (request.remote_addr or "unknown")


def _account_tried() -> str:
    """The account a sign-in tries, as a digest (the email itself is never a limiter key)."""

    email = (request.form.get("email") or "").strip().lower()
    return "account:" + hashlib.sha256(email.encode()).hexdigest()


# Every sign-in attempt costs ~0.45 s of Argon2: attempts are limited per client address (many
# emails tried from one place) and per account (one email tried from many places), before any
# password is checked. The lock-out (sdp/auth/services.py) still counts the failures of an account.
@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(
    _sign_in_address_limit, key_func=_client_address, methods=["POST"], scope="sign_in_address"
)
@limiter.limit(
    _sign_in_account_limit, key_func=_account_tried, methods=["POST"], scope="sign_in_account"
)
def sign_in():
    form = SignInForm()
    if current_user.is_authenticated and request.method == "GET":
        return redirect(after_sign_in_target(current_user))
    status = 200
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            if totp.required_for(user.roles) or user.totp_secret:
                return begin_second_factor(user)
            start_session(user)
            return redirect(after_sign_in_target(user))
        form.form_errors.append(gettext("The email address or the password is not right."))
        status = 401
    elif request.method == "POST":
        status = 422
    return render_template(
        "auth/sign_in.html", form=form, kept=stash.SESSION_KEY in session
    ), status


@bp.get("/sign-in/forgotten-password")
def forgotten_password():
    """What to do without a password: staff accounts are the administrators' (no email is sent),
    so the page names the role to ask and what to ask them for (a password reset: a temporary
    password, given in person or by telephone, changed at the next sign-in)."""
    return render_template(
        "auth/forgotten_password.html",
        administrator=label("Role", Role.ADMIN),
        lock_after=LOCK_AFTER_FAILURES,
    )


@bp.post("/sign-out")
def sign_out():
    """Ends this session and every other session of the user (the epoch changes)."""
    if current_user.is_authenticated:
        user = db.session.get(User, current_user.id)
        user.session_epoch = (user.session_epoch or 0) + 1
    end_this_session()
    flash(gettext("You have signed out."), "success")
    return redirect(url_for("auth_web.sign_in"))
