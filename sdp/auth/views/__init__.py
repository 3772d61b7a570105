"""Staff sign-in for the web pages, and the administrators' user pages.

Sessions: Flask's signed cookie (HttpOnly, SameSite=Lax, Secure outside development; see
``sdp.config``) carries the user's id and *session epoch* (``User.get_id``): bumping the
epoch ends every session of that user. A session idle for ``IDLE_TIMEOUT_MINUTES`` ends;
a form posted after that is kept (``sdp.auth.stash``) and given back after signing in.

Everything about signing in is in this one module so that later checks (lock-out, second
factor) have one place to go: ``authenticate`` and ``sign_in``.
"""

import hashlib
import time

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext, lazy_gettext
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from sqlalchemy import select
from wtforms import EmailField, PasswordField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ...crypto import keyring
from ...domain.vocabulary import Role
from ...errors import json_error
from ...extensions import db, login_manager
from ...ratelimit import limiter
from ...web import label, safe_next
from .. import stash, totp
from ..grants import pending_roles
from ..models import User
from ..passwords import MIN_LENGTH, password_problem, verify_nothing, verify_password
from ..services import (
    AccountError,
    PasswordChangeRefused,
    change_own_password,
    create_user,
    end_sessions,
    enrol_totp,
    is_locked,
    record_failed_sign_in,
    record_locked_attempt,
    record_sign_in,
    reset_totp,
    set_active,
    use_totp_code,
)

bp = Blueprint("auth_web", __name__)

SEEN_KEY = "seen"
SIGNED_IN_KEY = "signed_in_at"  # the absolute lifetime runs from here, whatever the activity
EXPIRED_USER_KEY = "expired_user"  # "id:epoch" of the user whose session just expired
SECOND_FACTOR_KEY = "second_factor"  # whether this session was opened with the second factor


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
    if not user.active:
        return None
    return user


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


def _after_sign_in_target(user: User) -> str:

    if request.args.get("next"):
        return safe_next(request.args.get("next"))
    return stash.pending_path(session, user.id) or "/"


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
        return redirect(_after_sign_in_target(current_user))
    status = 200
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            if totp.required_for(user.roles) or user.totp_secret:
                return _begin_second_factor(user)
            start_session(user)
            return redirect(_after_sign_in_target(user))
        form.form_errors.append(gettext("The email address or the password is not right."))
        status = 401
    elif request.method == "POST":
        status = 422
    return render_template(
        "auth/sign_in.html", form=form, kept=stash.SESSION_KEY in session
    ), status


# --- Second factor ------------------------------------------------------------------------

PENDING_KEY = (
    "pending_sign_in"  # {"user": "id:epoch", "at": seconds, "next": path, "enrol": ciphertext}
)
PENDING_SECONDS = 300


class CodeForm(FlaskForm):
    code = StringField(
        lazy_gettext("Code from your authenticator app"),
        validators=[DataRequired(lazy_gettext("Enter the 6-digit code.")), Length(max=12)],
    )


def _begin_second_factor(user: User):
    """The password was right: the session holds only who is half-way through signing in."""
    target = _after_sign_in_target(user)
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
        db.session.rollback()
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


@bp.post("/sign-out")
def sign_out():
    """Ends this session and every other session of the user (the epoch changes)."""
    if current_user.is_authenticated:
        user = db.session.get(User, current_user.id)
        user.session_epoch = (user.session_epoch or 0) + 1
        db.session.commit()
    _end_this_session()
    flash(gettext("You have signed out."), "success")
    return redirect(url_for("auth_web.sign_in"))


# --- Changing one's own password ----------------------------------------------------------


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
    return render_template("auth/change_password.html", form=form, min_length=MIN_LENGTH), status


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
    _end_this_session()
    signed_out = gettext("You have been signed out.")
    flash(f"{reason} {signed_out}", "warning")
    return redirect(url_for("auth_web.sign_in"))


def _end_this_session() -> None:
    """Signs this browser out; only the chosen language is kept."""
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


# --- Session rules ----------------------------------------------------------------------


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _, epoch = session_id.partition(":")
    if not user_id.isdigit() or not epoch.lstrip("-").isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or (user.session_epoch or 0) != int(epoch):
        return None
    return user


def _idle_timeout():
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


def _unauthorized():
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


def _csrf_error(error: CSRFError):
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
        return _unauthorized()  # the session was lost or expired: kept only for a known user
    return render_template(
        "errors/error.html",
        error=error,
        message=gettext("The form had expired. Please go back, reload the page and try again."),
    ), 400


def restore_form(path: str | None = None):
    """The fields of a form kept across sign-in for this page, once (or None)."""
    if not current_user.is_authenticated:
        return None
    data = stash.take(session, path or request.path, current_user.id)
    if data is not None:
        flash(
            gettext(
                "What you typed before your session expired has been restored. Check it and submit "
                "again."
            ),
            "info",
        )
    return data


# --- Administrators: users ------------------------------------------------------------------


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CreateUserForm(FlaskForm):
    name = StringField(
        lazy_gettext("Full name"),
        validators=[DataRequired(lazy_gettext("Enter the full name.")), Length(max=200)],
    )
    email = EmailField(
        lazy_gettext("Email address"),
        validators=[
            DataRequired(lazy_gettext("Enter the email address.")),
            Regexp(
                r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                message=lazy_gettext("Enter an email address like name@minrel.gob.pe."),
            ),
            Length(max=254),
        ],
    )
    roles = MultiCheckboxField(
        lazy_gettext("Roles"),
        choices=[],
        validators=[DataRequired(lazy_gettext("Choose at least one role."))],
    )
    password = PasswordField(
        lazy_gettext("Initial password"),
        validators=[DataRequired(lazy_gettext("Enter an initial password."))],
    )

    def __init__(self, *args, **kwargs):

        super().__init__(*args, **kwargs)
        self.roles.choices = [(role.value, label("Role", role.value)) for role in Role]

    def validate_password(self, field):
        problem = password_problem(field.data or "", gettext)
        if problem:
            raise ValidationError(problem)

    def validate_email(self, field):
        exists = db.session.execute(
            select(User.id).where(User.email == (field.data or "").strip().lower())
        ).first()
        if exists:
            raise ValidationError(gettext("A user with this email address already exists."))


def _require_admin():

    if Role.ADMIN not in current_user.roles:
        abort(403)


@bp.route("/admin/users", methods=["GET", "POST"])
@login_required
def users():

    _require_admin()
    form = (
        CreateUserForm(formdata=restore_form() or None)
        if request.method == "GET"
        else CreateUserForm()
    )
    status = 200
    if request.method == "POST":
        if form.validate():
            try:
                user = create_user(
                    current_user.principal,
                    form.email.data,
                    form.name.data,
                    form.roles.data,
                    form.password.data,
                )
            except AccountError as error:
                form.form_errors.append(str(error))
                status = 422
            else:
                flash(gettext("User %(email)s created.", email=user.email), "success")
                if pending_roles(user):
                    flash(
                        gettext(
                            "Roles that read personal data take effect when another administrator "
                            "approves them: they are listed under “Roles awaiting approval”."
                        ),
                        "info",
                    )
                return redirect(url_for("auth_web.users"))
        else:
            status = 422
    # Imported when used: every module of this package imports the package first.
    from .access import ProposeRoleForm, access_context

    everyone = db.session.execute(select(User).order_by(User.name)).scalars().all()
    return render_template(
        "auth/users.html",
        form=form,
        propose_form=ProposeRoleForm(formdata=None),
        users=everyone,
        **access_context(),
    ), status


USER_ACTIONS = {
    "end_sessions": lazy_gettext("Every session of %(email)s has ended."),
    "deactivate": lazy_gettext(
        "%(email)s is deactivated: their sessions and API tokens no longer work."
    ),
    "activate": lazy_gettext("%(email)s is active again."),
    "reset_second_factor": lazy_gettext(
        "The second factor of %(email)s is cleared: they set up a new one at their next sign-in."
    ),
}


@bp.post("/admin/users/<int:user_id>")
@login_required
def user_action(user_id: int):
    """An admin ends every session of a user, (de)activates them, or clears a lost second factor."""

    _require_admin()
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    action = request.form.get("_action")
    if action not in USER_ACTIONS:
        abort(400)
    try:
        if action == "end_sessions":
            end_sessions(current_user.principal, user)
        elif action == "reset_second_factor":
            reset_totp(current_user.principal, user)
        else:
            set_active(current_user.principal, user, action == "activate")
    except AccountError as error:
        flash(str(error), "error")
    else:
        flash(USER_ACTIONS[action] % {"email": user.email}, "success")
    return redirect(url_for("auth_web.users"))


def init_web(app) -> None:
    login_manager.login_view = "auth_web.sign_in"
    login_manager.unauthorized_handler(_unauthorized)
    app.before_request(_idle_timeout)
    app.register_error_handler(CSRFError, _csrf_error)
    from . import access  # noqa: F401 - the access pages, on this blueprint

    app.register_blueprint(bp)
