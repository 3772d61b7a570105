"""The registrar's pages: register a birth, see a record, the latest registrations.

Thin: parse the form, authorise, call ``services.register_birth``, render. The staff
sign-in (Flask-Login) belongs to the auth feature; these pages need a signed-in user with
the right role.
"""

from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ..domain import procedure
from ..domain.access import BIRTH_READERS, CASE_READERS
from ..domain.birth_registration import DECLARANT_LABELS, DeclarantRelationship
from ..domain.nationality import NotPeruvianByBirth
from ..domain.procedure import InvalidField
from ..domain.vocabulary import (
    LABELS,
    PERUVIAN_NATIONALITY_BASIS_LABELS,
    AsylumStatus,
    NationalityBasis,
    PeruvianNationalityBasis,
    Role,
    Sex,
)
from ..extensions import login_manager
from ..forms import clear_errors, follow_up, follow_up_in_error, follow_up_page
from . import services
from .forms import BirthForm, BirthSearchForm

bp = Blueprint("births", __name__, url_prefix="/births")
SEARCH_LIMIT = 50  # a search shows this many registrations, and says when there are more


def _signed_in_principal():
    if login_manager.user_callback is None:  # no sign-in installed: nobody is signed in
        return None
    return current_user.principal if current_user.is_authenticated else None


def staff_page(*roles: Role):
    """Signed-in staff with one of ``roles``: otherwise the sign-in page (or 401), or 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            principal = _signed_in_principal()
            if principal is None:
                if login_manager.user_callback is None:
                    abort(401)
                return login_manager.unauthorized()
            if not principal.has_role(*roles):
                abort(403)
            return view(principal, *args, **kwargs)

        return wrapped

    return decorator


def _labels() -> dict:
    """Human labels of the values a birth record shows, translated."""
    return {
        "basis": {basis.value: gettext(LABELS[basis]) for basis in NationalityBasis},
        "asylum": {status.value: gettext(LABELS[status]) for status in AsylumStatus},
        "peruvian_basis": {
            basis.value: gettext(PERUVIAN_NATIONALITY_BASIS_LABELS[basis])
            for basis in PeruvianNationalityBasis
        },
        "sex": {sex.value: gettext(LABELS[sex]) for sex in Sex},
        "declarant": {
            value.value: gettext(DECLARANT_LABELS[value]) for value in DeclarantRelationship
        },
    }


def _message(error: InvalidField) -> str:
    return gettext(error.message, **error.params) if error.params else gettext(error.message)


@bp.get("/")
@staff_page(*BIRTH_READERS)
def index(principal):
    form = BirthSearchForm(request.args)
    query = (form.q.data or "").strip() if form.validate() else ""
    found = None
    if query:
        registrations, searched_by = services.search_registrations(query, SEARCH_LIMIT)
        found = len(registrations)
        registrations = registrations[:SEARCH_LIMIT]
        services.record_list_read(principal, registrations, searched_by)
    else:
        registrations = services.recent_registrations()
        services.record_list_read(principal, registrations)
    return render_template(
        "births/index.html",
        form=form,
        registrations=registrations,
        searched=bool(request.args.get("q")),
        found=found,
        search_limit=SEARCH_LIMIT,
        labels=_labels(),
        may_register=procedure.may_take_act("register_birth", principal.roles),
    )


@bp.route("/new", methods=["GET", "POST"])
@staff_page(*procedure.OTHER_ACTS_BY_NAME["register_birth"].roles)
def register(principal):
    form = BirthForm()
    refusal = None
    if not form.is_submitted():
        return render_template("births/new.html", form=form, refusal=refusal)
    form.validate()
    if "_back" in request.form:  # back from a follow-up question: the form as it was
        clear_errors(form)
        return render_template("births/new.html", form=form, refusal=refusal)
    question = follow_up(form, request.form)
    if question is not None:
        return follow_up_page(form, question, gettext("Register a birth"))
    if not form.errors:
        try:
            registration = services.register_birth(principal, form.to_data())
        except services.DuplicateBirth as duplicate:
            services.record_read(principal, duplicate.existing, "web")
            return render_template(
                "births/show.html",
                registration=duplicate.existing,
                labels=_labels(),
                duplicate=True,
                may_read_cases=bool(principal.roles & CASE_READERS),
            ), 409
        except InvalidField as error:
            field = form.field_for(error.field)
            if isinstance(error, NotPeruvianByBirth):
                refusal = {"message": _message(error), "may_be_stateless": error.may_be_stateless}
            if field is not None:
                field.errors = [*field.errors, _message(error)]
            elif refusal is None:
                form.form_errors.append(_message(error))
            # An answer given on a question's own page (how a parent is Peruvian): shown there.
            question = follow_up_in_error(form)
            if question is not None and refusal is None:
                return follow_up_page(form, question, gettext("Register a birth"), 422)
        else:
            flash(
                gettext(
                    "Birth of %(name)s registered under number %(number)s.",
                    name=f"{registration.child_given_names} {registration.child_family_names}",
                    number=registration.registration_number,
                ),
                "success",
            )
            return redirect(
                url_for("births.show", registration_number=registration.registration_number), 303
            )
    return render_template("births/new.html", form=form, refusal=refusal), 422


@bp.get("/<string:registration_number>")
@staff_page(*BIRTH_READERS)
def show(principal, registration_number):
    registration = services.find_registration(registration_number)
    if registration is None:
        abort(404)
    services.record_read(principal, registration, "web")
    return render_template(
        "births/show.html",
        registration=registration,
        labels=_labels(),
        may_read_cases=bool(principal.roles & CASE_READERS),
    )
