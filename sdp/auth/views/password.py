"""Changing one's own password."""

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext, lazy_gettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo

from ...extensions import db
from .. import totp
from ..models import User
from ..passwords import MIN_LENGTH
from ..services import PasswordChangeRefused, change_own_password
from . import bp
from .sessions import SECOND_FACTOR_KEY, end_this_session, start_session


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        lazy_gettext("Current password"),
        validators=[DataRequired(lazy_gettext("Enter your current password."))],
    )
    new_password = PasswordField(
        lazy_gettext("New password"),
        validators=[DataRequired(lazy_gettext("Enter a new password."))],
    )
    new_password_again = PasswordField(
        lazy_gettext("New password again"),
        validators=[
            DataRequired(lazy_gettext("Enter the new password again.")),
            EqualTo("new_password", lazy_gettext("The two new passwords are not the same.")),
        ],
    )


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Any signed-in user changes their own password. It ends every session of the user; this
    browser gets a fresh one, with the second-factor state the old one had."""

    form, status = ChangePasswordForm(), 200
    if form.validate_on_submit():
        user = db.session.get(User, current_user.id)
        try:
            change_own_password(user, form.current_password.data, form.new_password.data, gettext)
        except PasswordChangeRefused as refusal:
            if refusal.locked:
                return _sign_out_locked(refusal.errors["current_password"])
            for name, message in refusal.errors.items():
                form[name].errors.append(message)
            status = 422
        else:
            start_session(user, second_factor=_session_had_second_factor(user))
            flash(
                gettext(
                    "Your password has been changed. You are still signed in here; every other "
                    "session has ended."
                ),
                "success",
            )
            return redirect(url_for("web.index"))
    elif request.method == "POST":
        status = 422
    return render_template(
        "auth/change_password.html",
        form=form,
        min_length=MIN_LENGTH,
        must_change=current_user.must_change_password,
    ), status


def _session_had_second_factor(user: User) -> bool:
    """Whether this session was opened with the second factor. A session opened before the
    session said so: for a user the sign-in page asks a code of, there is no other way in."""
    if SECOND_FACTOR_KEY in session:
        return bool(session[SECOND_FACTOR_KEY])
    return totp.required_for(user.roles) or bool(user.totp_secret)


def _sign_out_locked(reason: str):
    """The account is locked (too many wrong passwords): this session ends too, as a sign-in
    would be refused. The user's other sessions are left as a lock-out at the sign-in page leaves
    them."""
    end_this_session()
    signed_out = gettext("You have been signed out.")
    flash(f"{reason} {signed_out}", "warning")
    return redirect(url_for("auth_web.sign_in"))
