"""Documents in the browser: the PDF for staff, the forms of the case page (issue,
revoke, reissue), and the public verification pages, which show whether a document
is valid and whose it is (names and date of birth), nothing else."""

import os

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user
from sqlalchemy import Row, select

from .. import clock
from ..auth.bearer import bearer_principal, bearer_token
from ..auth.principal import Principal
from ..births.models import BirthRegistration
from ..cases import services as cases
from ..cases.models import Application
from ..domain import procedure
from ..domain.access import may_read_case
from ..domain.procedure import ProcedureError
from ..domain.vocabulary import DocumentStatus, DocumentType, label
from ..extensions import db, login_manager
from ..ratelimit import limiter
from ..security.logs import never_log_path
from ..unit_of_work import savepoint
from . import issuing, services
from .models import Document
from .presenters import registry_dict
from .render import render_pdf

bp = Blueprint("documents_web", __name__)

CASE_TYPES = [t for t in DocumentType if t != DocumentType.BIRTH_RECORD]


def _verify_limit() -> str:
    return current_app.config.get("VERIFY_RATELIMIT") or os.environ.get(
        "SDP_VERIFY_RATELIMIT", "120 per minute"
    )


# --- Who is asking ---------------------------------------------------------------------


def signed_in_principal() -> Principal | None:
    """The staff member of this request: a bearer token (API clients following ``pdf_url``)
    or the signed-in session, looked up once per request."""
    if "web_principal" in g:
        return g.web_principal
    principal = None
    if bearer_token() is not None:
        found = bearer_principal()
        principal = found if found is not None and found.kind == "user" else None
    elif login_manager.user_callback is not None or login_manager.request_callback is not None:
        if current_user and current_user.is_authenticated:
            principal = current_user.principal
    g.web_principal = principal
    return principal


def _staff() -> Principal:
    principal = signed_in_principal()
    if principal is None:
        abort(login_manager.unauthorized())
    return principal


def _back(default: str) -> str:
    target = request.form.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else default


def _flash_error(error: ProcedureError) -> None:
    text = _(error.message, **error.params) if error.params else _(error.message)
    flash(text, "error")


# --- Staff: PDF, case panel, forms -------------------------------------------------------


@bp.get("/documents/<serial>.pdf")
def pdf(serial):
    principal = _staff()
    document = services.find(serial)
    if document is None:
        abort(404)
    if not services.may_read(principal, document):
        abort(403)
    data = render_pdf(document, services.status_of(document, clock.today()))
    services.record_read(principal, document, "pdf")
    return Response(
        data,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{document.type}-{document.serial}.pdf"',
            "Cache-Control": "no-store",
        },
    )


def documents_panel(application: Application) -> dict:
    """What the case page's documents section shows this user (``_case_documents.html``)."""
    principal = signed_in_principal()
    today = clock.today()
    facts = application.facts(today)
    documents = list(
        db.session.execute(
            select(Document)
            .where(Document.application_id == application.id)
            .order_by(Document.id.desc())
        ).scalars()
    )
    actor = principal.actor if principal else None

    def may_issue(document_type, person_id: int | None = None) -> bool:
        params: dict = {"type": document_type}
        person = application.person(person_id) if person_id is not None else None
        if person is not None:
            params["person"] = application.person_facts(person)
        return actor is not None and procedure.is_allowed(
            "issue_document", facts, actor, procedure.Context(today=today, params=params)
        )

    rows = []
    for document in documents:
        status = services.status_of(document, today)
        rows.append(
            {
                "document": document,
                "status": status,
                "type_label": label(DocumentType(document.type)),
                "status_label": label(status),
                "may_revoke": bool(
                    principal and procedure.may_take_act("revoke_document", principal.roles)
                )
                and document.status == DocumentStatus.VALID,
                "may_reissue": document.status == DocumentStatus.VALID
                and may_issue(document.type, document.person_id),
            }
        )
    issuable = [
        (t.value, label(t))
        for t in CASE_TYPES
        if any(may_issue(t, person.id) for person in application.persons())
    ]
    return {
        "rows": rows,
        "issuable": issuable,
        "issue_url": url_for("documents_web.issue_question", application_id=application.id),
        "application": application,
    }


def birth_documents_panel(birth: BirthRegistration) -> dict:
    """The birth page's documents section (``_birth_documents.html``)."""
    principal = signed_in_principal()
    today = clock.today()
    documents = list(
        db.session.execute(
            select(Document)
            .where(Document.birth_registration_id == birth.id)
            .order_by(Document.id.desc())
        ).scalars()
    )
    may_issue = bool(principal and procedure.may_take_act("issue_birth_record", principal.roles))
    return {
        "birth": birth,
        "may_issue": may_issue,
        "may_revoke": bool(
            principal and procedure.may_take_act("revoke_document", principal.roles)
        ),
        "rows": [
            {
                "document": d,
                "status": services.status_of(d, today),
                "status_label": label(services.status_of(d, today)),
            }
            for d in documents
        ],
    }


def _case_for(application_id: int, principal: Principal) -> Application:
    application = cases.case_by_id(application_id)
    if application is None:
        abort(404)
    if not may_read_case(principal.roles, principal.id, application.case_officer_id):
        abort(403)
    return application


@bp.get("/cases/<int:application_id>/documents")
def case_documents(application_id):
    principal = _staff()
    application = _case_for(application_id, principal)
    return render_template("documents/case_documents.html", application=application)


@bp.route("/cases/<int:application_id>/documents/new", methods=["GET", "POST"])
@bp.route("/cases/<int:application_id>/documents/new/<step>", methods=["GET", "POST"])
def issue_question(application_id, step="document"):
    """Issuing a document, one question per page, then the answers checked (``issuing``)."""
    principal = _staff()
    application = _case_for(application_id, principal)
    if step not in issuing.STEPS:
        abort(404)
    return issuing.question(application, principal, step)


@bp.post("/cases/<int:application_id>/documents")
def issue(application_id):
    """The check page's "Issue": without ``confirm=yes`` the answers are shown to be checked."""
    principal = _staff()
    application = _case_for(application_id, principal)
    return issuing.issue(application, principal)


def _staff_document(serial: str):
    """The acting staff member, the document they may read (404/403 otherwise) and where to go
    back."""
    principal = _staff()
    document = services.find(serial) or abort(404)
    if not services.may_read(principal, document):
        abort(403)
    back = _back(
        url_for(".case_documents", application_id=document.application_id)
        if document.application_id
        else "/"
    )
    return principal, document, back


@bp.post("/documents/<serial>/revoke")
def revoke(serial):
    principal, document, back = _staff_document(serial)
    try:
        with savepoint():
            services.revoke(principal, document, request.form.get("reason", ""))
    except ProcedureError as error:
        _flash_error(error)
        return redirect(back)
    flash(
        _(
            "%(document)s %(serial)s of %(name)s revoked: it no longer verifies as valid.",
            document=_(label(DocumentType(document.type))),
            serial=document.serial,
            name=f"{document.holder_given_names} {document.holder_family_names}",
        ),
        "success",
    )
    return redirect(back)


@bp.post("/documents/<serial>/reissue")
def reissue(serial):
    principal, document, back = _staff_document(serial)
    try:
        with savepoint():
            new = services.reissue(principal, document)
    except ProcedureError as error:
        _flash_error(error)
        return redirect(back)
    flash(
        _(
            "%(document)s %(new)s issued to %(name)s in place of %(old)s.",
            document=_(label(DocumentType(new.type))),
            new=new.serial,
            name=f"{new.holder_given_names} {new.holder_family_names}",
            old=document.serial,
        ),
        "success",
    )
    return redirect(back)


@bp.route("/births/<registration_number>/documents", methods=["GET", "POST"])
def issue_birth_record(registration_number):
    """The birth record: its page says what will be issued, for whom; "Issue" issues it."""
    principal = _staff()
    birth = issuing.birth_for(registration_number)
    if request.method == "GET" or request.form.get("confirm") != "yes":
        return issuing.birth_record_check(birth, principal)
    try:
        document = services.issue_birth_record(principal, birth)
    except ProcedureError as error:
        abort(error.status)  # the app's unit of work rolls the request back
    flash(
        _(
            "Birth record %(serial)s issued for %(name)s (registration %(number)s).",
            serial=document.serial,
            name=f"{document.holder_given_names} {document.holder_family_names}",
            number=birth.registration_number,
        ),
        "success",
    )
    return redirect(
        url_for("births.show", registration_number=birth.registration_number)
        + "#birth-documents-heading"
    )


# --- Public verification -----------------------------------------------------------------


def _private(response_body, status: int = 200):
    response = current_app.make_response((response_body, status))
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _result(document: Row, status: DocumentStatus) -> dict:
    data = registry_dict(document, status)
    data["type_label"] = label(DocumentType(document.type))
    data["status_label"] = label(status)
    return data


@bp.get("/verify/<serial>")
@limiter.limit(_verify_limit, key_func=get_remote_address)
def verify_serial(serial):
    found = services.find_with_status(serial, clock.today())
    if found is None:
        return _private(
            render_template("documents/verify.html", serial=serial, result=None, not_found=True),
            404,
        )
    document, status = found
    services.record_read(services.PUBLIC, document, "public_page")
    return _private(
        render_template(
            "documents/verify.html", serial=document.serial, result=_result(document, status)
        )
    )


@bp.route("/verify", methods=["GET", "POST"])
@limiter.limit(_verify_limit, key_func=get_remote_address)
def verify():
    """The scanned QR code (pasted into the form, or as ``?qr=``), or a typed serial (``?serial=``).
    The form posts the payload, so that it does not land in server logs as part of a URL; the
    check changes nothing, so it needs no CSRF token (there is no session to protect)."""
    text = (request.form.get("qr") or request.args.get("qr") or "").strip()
    serial = (request.args.get("serial") or "").strip()
    if not text and serial:
        return redirect(url_for(".verify_serial", serial=serial))
    if not text:
        return _private(render_template("documents/verify_scan.html", qr="", outcome=None))
    return _checked(text, "public_qr")


@bp.get("/V/<path:signed>")
@bp.get("/v/<path:signed>")
@limiter.limit(_verify_limit, key_func=get_remote_address)
def verify_link(signed):
    """What a phone's camera opens: the QR code is a link to here with the signed payload in it
    (``payload.qr_text``). The path is never logged (``security.logs``): it holds the holder's
    names."""
    return _checked(signed, "public_link")


def _checked(text: str, channel: str):
    try:
        fields, found = services.verify_payload(text, clock.today())
    except services.VerificationFailed:
        services.record_failed_verification(channel)
        return _private(
            render_template("documents/verify_scan.html", qr=text, outcome="forged"), 422
        )
    if found is None:
        services.record_failed_verification(channel)
        return _private(
            render_template(
                "documents/verify_scan.html", qr=text, outcome="unknown", fields=fields
            ),
            404,
        )
    document, status = found
    services.record_read(services.PUBLIC, document, channel)
    return _private(
        render_template(
            "documents/verify_scan.html",
            qr=text,
            outcome="genuine",
            result=_result(document, status),
            key_id=fields.key_id,
        )
    )


def register(app) -> None:
    # Could move to the top (no cycle needs it here): left for the package's owners.
    from ..extensions import csrf

    csrf.exempt(verify)
    app.register_blueprint(bp)
    never_log_path("documents_web.verify_link")
    app.jinja_env.globals["documents_panel"] = documents_panel
    app.jinja_env.globals["birth_documents_panel"] = birth_documents_panel
