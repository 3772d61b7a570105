"""The administrators' user pages: the list and creating a user; a user's own page, where an
administrator ends their sessions or (de)activates them. Resetting a password or a second factor
(each after a check page) is ``reset.py``; roles awaiting approval are ``access.py``.

No lost update: every form that changes an existing account (this page's buttons, the reset
pages, approving or refusing a role) carries the account's version and the last change of the
account the page showed, and a save over a later version answers 409 with the changes made since
(the case pages' mechanism: ``sdp/domain/conflicts.py``, ``sdp.audit.services.changes_since``).
Creating a user and proposing a role only add rows (a user, a proposal), so they need no version:
a duplicate is refused on its field (the email, "already held or proposed")."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import EmailField, PasswordField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ...domain.conflicts import EditConflict
from ...domain.vocabulary import Role
from ...extensions import db
from ...forms import GuardedForm
from ...web import fdate, label
from ..grants import pending_roles
from ..models import User
from ..passwords import password_problem
from ..services import (
    AccountError,
    account_changes_since,
    account_last_change_id,
    create_user,
    end_sessions,
    expect_account_version,
    reset_refusal,
    set_active,
)
from ..stash import restore_form
from . import bp


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CreateUserForm(GuardedForm):
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
        if field.errors:  # not an address (or text the database refuses, a NUL): nothing to look up
            return
        exists = db.session.execute(
            select(User.id).where(User.email == (field.data or "").strip().lower())
        ).first()
        if exists:
            raise ValidationError(gettext("A user with this email address already exists."))


def require_admin():

    if Role.ADMIN not in current_user.roles:
        abort(403)


@bp.route("/admin/users", methods=["GET", "POST"])
@login_required
def users():

    require_admin()
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
    # Imported here: sdp.auth.views.access imports this module (its forms and admin check).
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
}
ACTION_BUTTONS = {
    "end_sessions": lazy_gettext("End sessions"),
    "deactivate": lazy_gettext("Deactivate"),
    "activate": lazy_gettext("Reactivate"),
}

# The changes of an account, as the conflict box names them (``account_changes_since``).
ACCOUNT_EVENTS = {
    "user.create": lazy_gettext("Account created"),
    "user.activate": lazy_gettext("Account reactivated"),
    "user.deactivate": lazy_gettext("Account deactivated"),
    "user.sessions_end": lazy_gettext("Sessions ended"),
    "user.password_reset": lazy_gettext("Password reset by an administrator"),
    "user.password_change": lazy_gettext("Password changed by its holder"),
    "user.totp_reset": lazy_gettext("Second factor reset"),
    "user.totp_enrol": lazy_gettext("Second factor set up by its holder"),
    "user.totp_assign": lazy_gettext("Second factor set up"),
    "user.role_grant": lazy_gettext("Role granted"),
    "role_grant.propose": lazy_gettext("Role proposed"),
    "role_grant.approve": lazy_gettext("Role approved"),
    "role_grant.refuse": lazy_gettext("Role refused"),
}


def user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def opened(user: User, posted=None) -> dict:
    """The account's version a form was opened on, and the last change of the account the page
    showed: as posted (a page shown again), else the account's now."""
    if posted is not None and posted.get("version"):
        return {"version": posted.get("version"), "seen": posted.get("seen", "")}
    return {"version": user.version, "seen": account_last_change_id(user)}


def changes_shown(user: User, seen) -> list[dict]:
    """Each change of the account since ``seen``: what, who and when (the case pages' shape)."""
    shown = []
    for event in account_changes_since(user, seen):
        role = (event.changes or {}).get("role")
        fields = [(gettext("Role"), label("Role", role))] if role else []
        title = ACCOUNT_EVENTS.get(event.action)
        shown.append(
            {
                "what": str(title) if title else event.action,
                "who": event.actor_label,
                "when": fdate(event.at, "short"),
                "fields": fields,
            }
        )
    return shown


def conflict_context(user: User, error: EditConflict) -> dict:
    """What a page shows after a save over a later version: the refusal, the changes made since,
    and the version it now shows (saving again is a decision taken knowing them). Nothing was
    changed in this request: the account as loaded is the account now."""
    return {
        "user": user,
        "refusal": gettext(error.message, **error.params),
        "conflict": changes_shown(user, request.form.get("seen")),
        "opened": opened(user),
    }


def user_page(user: User, status: int = 200, **context):
    creator = db.session.get(User, user.created_by_id) if user.created_by_id else None
    context.setdefault("opened", opened(user))
    return render_template(
        "auth/user.html",
        user=user,
        creator=creator,
        pending=sorted(pending_roles(user)),
        password_refusal=reset_refusal(current_user.principal, user, "password"),
        second_factor_refusal=reset_refusal(current_user.principal, user, "second_factor"),
        buttons=ACTION_BUTTONS,
        **context,
    ), status


@bp.get("/admin/users/<int:user_id>")
@login_required
def user(user_id: int):
    """An administrator's page of one user: who they are, their roles and status, and what an
    administrator may do (end sessions, deactivate, reset the password or the second factor)."""
    require_admin()
    return user_page(user_or_404(user_id))


@bp.post("/admin/users/<int:user_id>")
@login_required
def user_action(user_id: int):
    """An admin ends every session of a user or (de)activates them, on the version of the account
    their page showed."""

    require_admin()
    user = user_or_404(user_id)
    action = request.form.get("_action")
    if action not in USER_ACTIONS:
        abort(400)
    try:
        expect_account_version(user, request.form.get("version"))
        if action == "end_sessions":
            end_sessions(current_user.principal, user)
        else:
            set_active(current_user.principal, user, action == "activate")
    except EditConflict as error:
        context = conflict_context(user, error)
        return user_page(context.pop("user"), 409, asked=ACTION_BUTTONS[action], **context)
    except AccountError as error:
        flash(str(error), "error")
    else:
        flash(USER_ACTIONS[action] % {"email": user.email}, "success")
    return redirect(url_for("auth_web.user", user_id=user.id))
