"""The administrators' user pages: creating a user, ending their sessions, (de)activating them,
clearing a lost second factor. Roles awaiting approval are ``access.py``."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import EmailField, PasswordField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ...domain.vocabulary import Role
from ...extensions import db
from ...forms import GuardedForm
from ...web import label
from ..grants import pending_roles
from ..models import User
from ..passwords import password_problem
from ..services import AccountError, create_user, end_sessions, reset_totp, set_active
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
    "reset_second_factor": lazy_gettext(
        "The second factor of %(email)s is cleared: they set up a new one at their next sign-in."
    ),
}


@bp.post("/admin/users/<int:user_id>")
@login_required
def user_action(user_id: int):
    """An admin ends every session of a user, (de)activates them, or clears a lost second factor."""

    require_admin()
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
