"""What an error page says (issue 13, point 4): a 404 names the kind of thing that was not found
and the reference asked for; a 403 names the role or the assignment that would give access.

Both are read from the page that was asked for (its endpoint and the values of its address), so
that every feature's pages say it without each view having to; a view that knows more (the case
page: whose case it is) passes its own heading and message to the error page instead.
"""

from flask import request
from flask_babel import gettext as _

from .domain import procedure
from .domain.access import BIRTH_READERS, CASE_READERS, STATISTICS_READERS
from .domain.vocabulary import Role
from .web import label


def procedure_roles(name: str):

    return procedure.ACTIONS_BY_NAME[name].roles


def _roles(roles) -> str:

    order = list(Role)
    return ", ".join(label("Role", role) for role in sorted(roles, key=order.index))


# Case actions on one row (``/cases/<id>/<action>/<row>``): the kind of row the action names.
_ROW_OF_ACTION = {
    "record-finding": "state",
    "record-inquiry-response": "inquiry",
}


def not_found_words() -> tuple[str, str]:
    """(heading, message) of a 404 for this request."""
    endpoint = request.endpoint or ""
    values = request.view_args or {}
    if endpoint in ("births.show", "documents_web.issue_birth_record"):
        return _("Birth registration not found"), _(
            "There is no birth registration with the number %(number)s. Find it in the list of "
            "births by the child's name or the registration number.",
            number=values.get("registration_number", ""),
        )
    if endpoint in ("documents_web.pdf", "documents_web.revoke", "documents_web.reissue"):
        return _("Document not found"), _(
            "There is no document with the serial number %(serial)s. The serial is printed "
            "under the QR code of the document.",
            serial=values.get("serial", ""),
        )
    if endpoint in (
        "auth_web.user",
        "auth_web.user_action",
        "auth_web.reset_password_page",
        "auth_web.reset_second_factor_page",
    ):
        return _("User not found"), _(
            "There is no user account with the number %(id)s. "
            "The list of users shows every account.",
            id=values.get("user_id", ""),
        )
    if endpoint == "auth_web.grant":
        return _("Role request not found"), _(
            "There is no request for a role with the number %(id)s: it may have been approved or "
            "refused already. The list of users shows the requests still waiting.",
            id=values.get("grant_id", ""),
        )
    if endpoint == "cases_web.evidence_file":
        return _("File not found"), _("This case has no such file of evidence.")
    if endpoint == "cases_web.action" and "target" in values:
        kind = _ROW_OF_ACTION.get(values.get("slug", ""), "person")
        number = values["target"]
        if kind == "state":
            return _("Relevant State not found"), _(
                "This case has no relevant State with the number %(id)s. The case page lists "
                "its relevant States, each with its own link.",
                id=number,
            )
        if kind == "inquiry":
            return _("Inquiry not found"), _(
                "This case has no inquiry with the number %(id)s waiting for an answer. The case "
                "page lists its inquiries, each with its own link.",
                id=number,
            )
        return _("Person not found"), _(
            "This case has no person with the number %(id)s to whom this step applies. The case "
            "page lists its persons and the steps open for each.",
            id=number,
        )
    if endpoint in ("cases_web.action", "documents_web.issue_question"):
        return _("Step not found"), _(
            "A case has no step at this address. The case page lists the steps of the procedure, "
            "each with its own link."
        )
    if endpoint == "help.role_page":
        return _("Role not found"), _(
            "There is no role called %(role)s. The help page lists the guidance for each role.",
            role=values.get("role", ""),
        )
    return _("Page not found"), _(
        "There is nothing at this address. If you typed it, check it; if you followed a link, "
        "go back to the home page and find what you need from there."
    )


def refused_step_words(error) -> tuple[str | None, str]:
    """(heading, extra sentence) of the procedure's 403: whose step it is. ``None`` heading for a
    refusal that is not about the person (a 409: the case is not ready)."""

    if getattr(error, "status", None) != 403:
        return None, ""
    slug = str((request.view_args or {}).get("slug", ""))
    name = (error.params or {}).get("action") or slug.replace("-", "_")
    action = procedure.ACTIONS_BY_NAME.get(name or "")
    if action is None:
        return _("This step is not yours to take"), ""
    assigned = [role for role in action.roles if role in action.assigned_only]
    words = _("It is taken by: %(roles)s.", roles=_roles(action.roles))
    if assigned:
        words += " " + _("A case officer takes it only on the cases assigned to them.")
    return _("This step is not yours to take"), words


def forbidden_words() -> tuple[str, str]:
    """(heading, message) of a 403 for this request: which role would give access."""
    endpoint = request.endpoint or ""
    blueprint = endpoint.partition(".")[0]
    if endpoint == "documents_web.issue_birth_record" or blueprint == "births":
        if endpoint in ("births.register", "documents_web.issue_birth_record"):
            return _("You may not register births"), _(
                "Births are registered by registrars, and birth records issued by registrars and "
                "supervisors (%(roles)s). "
                "Ask an administrator if your work needs one of these roles.",
                roles=_roles({Role.REGISTRAR, Role.SUPERVISOR}),
            )
        return _("You do not have access to birth registrations"), _(
            "Birth registrations are read by: %(roles)s. Ask an administrator if your work needs "
            "one of these roles.",
            roles=_roles(BIRTH_READERS),
        )
    if endpoint == "cases_web.intake":
        return _("You may not register applications"), _(
            "Applications are registered by: %(roles)s. Ask an administrator if your work needs "
            "one of these roles.",
            roles=_roles(procedure_roles("register")),
        )
    if blueprint == "documents_web" or blueprint == "cases_web":
        if endpoint == "documents_web.revoke":
            return _("You may not revoke documents"), _(
                "Documents are revoked by supervisors (%(roles)s).",
                roles=_roles({Role.SUPERVISOR}),
            )
        if endpoint.startswith("documents_web.issue"):
            return _("You may not issue documents on this case"), _(
                "Documents are issued by intake officers, the assigned case officer and "
                "supervisors, each when the procedure allows it (%(roles)s).",
                roles=_roles({Role.INTAKE_OFFICER, Role.CASE_OFFICER, Role.SUPERVISOR}),
            )
        return _("You do not have access to this case"), _(
            "Case files and their documents are read by: %(roles)s; a case officer reads only "
            "the cases assigned to them, and a supervisor can assign one. Ask an administrator "
            "if your work needs one of these roles.",
            roles=_roles(CASE_READERS),
        )
    if blueprint == "review":
        return _("You do not have access to the statistics"), _(
            "The statistics are read by: %(roles)s. The description of the procedure is open to "
            "every member of staff. Ask an administrator if your work needs one of these roles.",
            roles=_roles(STATISTICS_READERS),
        )
    if blueprint in ("auth_web", "access_web") and request.path.startswith("/admin"):
        return _("You do not have access to the administration"), _(
            "Users, their roles and the partners' tokens are managed by administrators "
            "(%(roles)s). A role that reads personal data is approved by a second administrator.",
            roles=_roles({Role.ADMIN}),
        )
    return _("You may not do this"), _(
        "Your roles do not open this page. Ask an administrator if your work needs it."
    )
