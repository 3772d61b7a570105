"""The admin pages of four eyes on access: roles awaiting a second administrator, proposing a role
for an account, and approving (after a "check your answers" page) or refusing a proposal.
The rule is ``sdp/domain/access.py``; the changes are ``sdp/auth/grants.py``."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import RadioField, SelectField
from wtforms.validators import DataRequired

from ...domain.conflicts import EditConflict
from ...domain.vocabulary import Role
from ...extensions import db
from ...web import label
from .. import grants
from ..models import RoleGrant, User
from ..services import expect_account_version
from . import bp
from .users import CreateUserForm, conflict_context, opened, require_admin


class ProposeRoleForm(FlaskForm):
    user = SelectField(
        lazy_gettext("Person"),
        coerce=str,
        validators=[DataRequired(lazy_gettext("Choose the person."))],
    )
    role = RadioField(
        lazy_gettext("Role"),
        choices=[],
        validators=[DataRequired(lazy_gettext("Choose the role."))],
    )

    def __init__(self, *args, **kwargs):

        super().__init__(*args, **kwargs)
        people = db.session.execute(
            select(User).where(User.active.is_(True)).order_by(User.name)
        ).scalars()
        self.user.choices = [("", "")] + [
            (str(person.id), f"{person.name} ({person.email})") for person in people
        ]
        self.role.choices = [(role.value, label("Role", role.value)) for role in Role]


def access_context() -> dict:
    """What the users page shows of access awaiting a second administrator."""
    pending = grants.pending_grants()
    awaiting: dict[int, list[str]] = {}
    for grant in pending:
        awaiting.setdefault(grant.user_id, []).append(grant.role)
    return {
        "pending_grants": pending,
        "awaiting_roles": awaiting,
        "refusals": {
            grant.id: grants.refusal_for(current_user.principal, grant) for grant in pending
        },
    }


@bp.post("/admin/grants")
@login_required
def propose_role():
    # Only adds a row (a proposal, or the reviewer role at once): no version to check, a role
    # already held or already proposed is refused on its field.
    require_admin()
    form = ProposeRoleForm()
    if form.validate():
        person = db.session.get(User, int(form.user.data)) if form.user.data.isdigit() else None
        if person is None:
            form.user.errors.append(gettext("Choose the person."))
        else:
            try:
                grant = grants.propose_role(current_user.principal, person, Role(form.role.data))
            except grants.GrantRefused as refusal:
                form.role.errors.append(str(refusal))
            else:
                flash(
                    gettext(
                        "The role is proposed for %(email)s: another administrator must approve "
                        "it.",
                        email=person.email,
                    )
                    if grant
                    else gettext("The role is granted to %(email)s.", email=person.email),
                    "success",
                )
                return redirect(url_for("auth_web.users"))

    everyone = db.session.execute(select(User).order_by(User.name)).scalars().all()
    return render_template(
        "auth/users.html",
        form=CreateUserForm(formdata=None),
        propose_form=form,
        users=everyone,
        **access_context(),
    ), 422


def _grant_or_404(grant_id: int) -> RoleGrant:
    grant = db.session.get(RoleGrant, grant_id)
    if grant is None:
        abort(404)
    return grant


@bp.route("/admin/grants/<int:grant_id>", methods=["GET", "POST"])
@login_required
def grant(grant_id: int):
    """Check before approving: who, which role, who proposed it and who created the account. The
    decision is taken on the version of the account the page showed (no lost update)."""
    require_admin()
    grant = _grant_or_404(grant_id)
    if request.method == "POST":
        action = request.form.get("_action")
        if action not in ("approve", "refuse"):
            abort(400)
        try:
            expect_account_version(grant.user, request.form.get("version"))
            if action == "approve":
                grants.approve_grant(current_user.principal, grant)
            else:
                grants.refuse_grant(current_user.principal, grant)
        except EditConflict as error:
            context = conflict_context(grant.user, error)
            return _grant_page(_grant_or_404(grant_id), **context), 409
        except grants.GrantRefused as refusal:
            flash(str(refusal), "error")
            return redirect(url_for("auth_web.grant", grant_id=grant.id))

        params = {"email": grant.user.email, "role": label("Role", grant.role)}
        flash(
            gettext(
                "%(email)s now has the role %(role)s. Their sessions have ended: they sign in "
                "again to use it.",
                **params,
            )
            if action == "approve"
            else gettext("The role %(role)s for %(email)s is refused.", **params),
            "success",
        )
        return redirect(url_for("auth_web.users"))
    return _grant_page(grant)


def _grant_page(grant: RoleGrant, **context) -> str:
    creator = db.session.get(User, grant.user.created_by_id) if grant.user.created_by_id else None
    context.pop("user", None)
    context.setdefault("opened", opened(grant.user))
    context.setdefault("conflict", None)
    return render_template(
        "auth/grant.html",
        grant=grant,
        creator=creator,
        refusal=grants.refusal_for(current_user.principal, grant),
        conflict_refusal=context.pop("refusal", None),
        **context,
    )
