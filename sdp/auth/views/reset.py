"""An administrator resets a staff member's password or second factor (the "forgotten password"
path): the user's page links to a check page, which says what will happen; confirming it resets.

- Password: the system makes a temporary password, shown once on the answer page (never stored in
  clear, never audited, never logged; the page is ``no-store`` like every page), which the
  administrator gives in person or by telephone. It works for a few days and only to choose a new
  password at the next sign-in. Every session of the user ends.
- Second factor (a lost phone, the common case): cleared; the user sets up a new one at their next
  sign-in. Every session of the user ends.

Who may reset what is ``sdp/domain/access.py`` (``credential_reset_refusal``); the changes are
``sdp/auth/services.py`` (``reset_password``, ``reset_totp``). Both pages carry the account's
version: a reset over a change the administrator had not seen answers 409 with the change shown,
and resets nothing (a reload of the answer page too: the account has moved on)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from ...domain.conflicts import EditConflict
from ...web import fdate
from ..services import (
    TEMPORARY_PASSWORD_HOURS,
    ResetRefused,
    expect_account_version,
    reset_password,
    reset_refusal,
    reset_totp,
)
from . import bp
from .users import conflict_context, opened, require_admin, user_or_404

RESETS = {"password": reset_password, "second_factor": reset_totp}


def _check_page(what: str, user, status: int = 200, **context):
    context.setdefault("opened", opened(user))
    context.setdefault("refusal", reset_refusal(current_user.principal, user, what))
    return render_template(
        "auth/reset_check.html",
        what=what,
        user=user,
        hours=TEMPORARY_PASSWORD_HOURS,
        form_url=request.path,
        **context,
    ), status


def _reset(what: str, user_id: int):
    require_admin()
    user = user_or_404(user_id)
    if request.method == "GET":
        return _check_page(what, user)
    if request.form.get("confirm") != "yes":
        abort(400)  # only the check page's button resets
    try:
        expect_account_version(user, request.form.get("version"))
        temporary = RESETS[what](current_user.principal, user)
    except EditConflict as error:
        context = conflict_context(user, error)
        return _check_page(what, context.pop("user"), 409, **context)
    except ResetRefused as refusal:
        return _check_page(what, user, 409, refusal=str(refusal))
    if what == "second_factor":
        flash(
            gettext(
                "The second factor of %(email)s is reset: they set up a new one the next time "
                "they sign in. Their sessions have ended.",
                email=user.email,
            ),
            "success",
        )
        return redirect(url_for("auth_web.user", user_id=user.id))
    return render_template(
        "auth/password_reset_done.html",
        user=user,
        temporary=temporary,
        until=fdate(user.password_expires_at, "short"),
    )


@bp.route("/admin/users/<int:user_id>/reset-password", methods=["GET", "POST"])
@login_required
def reset_password_page(user_id: int):
    return _reset("password", user_id)


@bp.route("/admin/users/<int:user_id>/reset-second-factor", methods=["GET", "POST"])
@login_required
def reset_second_factor_page(user_id: int):
    return _reset("second_factor", user_id)
