"""The answer to a form posted without a valid CSRF token (Flask-WTF's ``CSRFError``)."""

from flask import render_template, request, session
from flask_babel import gettext
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from ...errors import json_error
from .. import stash
from .sessions import unauthorized
from .sign_in import SignInForm


def csrf_error(error: CSRFError):
    """A form posted with no valid CSRF token: after a lost session, keep it; else refuse."""
    if request.path.startswith("/api/"):
        return json_error(400, error.description)
    if request.endpoint == "auth_web.sign_in":
        form = SignInForm(formdata=None, data={"email": request.form.get("email", "")})
        form.form_errors.append(gettext("The form had expired. Please sign in again."))
        return render_template(
            "auth/sign_in.html", form=form, kept=stash.SESSION_KEY in session
        ), 400
    if not current_user.is_authenticated:
        return unauthorized()  # the session was lost or expired: kept only for a known user
    return render_template(
        "errors/error.html",
        error=error,
        message=gettext("The form had expired. Please go back, reload the page and try again."),
    ), 400
