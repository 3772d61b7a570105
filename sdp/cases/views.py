"""The case-work pages. Thin: parse the form, call a ``services`` function (which enforces
the procedure and audits), render. The actions offered are ``Application.available_actions``."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import NotFound

from .. import clock
from ..audit.journal import chain_now
from ..audit.models import AuditEvent
from ..audit.services import REDACTED
from ..auth.stash import restore_form
from ..documents import services as document_services
from ..domain import procedure
from ..domain.access import BIRTH_READERS, CASE_READERS, may_read_case
from ..domain.procedure import InvalidField, ProcedureError
from ..domain.vocabulary import N_, DocumentType, Role
from ..error_words import refused_step_words
from ..extensions import db
from ..forms import clear_errors, field_at, follow_up, follow_up_in_error, follow_up_page
from ..unit_of_work import savepoint
from ..uploads import services as uploads
from ..uploads.download import as_download
from ..uploads.models import EvidenceFile
from ..web import fdate, label, procedure_message
from . import forms, locking, overview, queries, services, timeline
from .models import Application, Inquiry, Proceeding, RelevantState
from .overview import action_url
from .presenters import case_dict

bp = Blueprint("cases_web", __name__, url_prefix="/cases")


def _principal():
    return current_user.principal


def refuse_page(code: int, heading: str, message: str) -> NoReturn:
    """Stop the request with an error page that says what was refused or not found, and why."""
    abort(
        make_response(
            render_template("errors/error.html", code=code, heading=heading, message=message), code
        )
    )


def load_case(application_id: int) -> Application:
    application = services.case_by_id(application_id) if application_id <= 2**62 else None
    if application is None:
        refuse_page(
            404,
            gettext("Case not found"),
            gettext(
                "There is no case with the reference %(id)s. Find the case in the case list by its "
                "number or a name.",
                id=application_id,
            ),
        )
    principal = _principal()
    if not may_read_case(principal.roles, principal.id, application.case_officer_id):
        refuse_page(
            403, gettext("You do not have access to this case"), no_access_reason(principal)
        )
    return application


def no_access_reason(principal) -> str:
    """Which role or assignment would open a case this person may not read."""
    if Role.CASE_OFFICER in principal.roles:
        return gettext(
            "This case is assigned to another case officer: a case officer reads only the cases "
            "assigned to them. A supervisor can assign it to you."
        )
    return gettext(
        "Case files are read by intake officers, the assigned case officer, decision-makers, "
        "appeals officers and supervisors. Ask an administrator if your work needs one of these "
        "roles."
    )


# --- Lists --------------------------------------------------------------------------------


@bp.get("/")
@login_required
def index():
    principal = _principal()
    if not principal.roles & CASE_READERS:
        abort(403)
    officers = queries.case_officers()
    form = forms.CaseSearchForm(request.args, officers=officers)
    if not form.validate():
        # A filter that is not valid (a state that does not exist, a NUL) filters nothing; its
        # error is shown beside it.
        for field in form:
            if field.errors:
                field.data = None
    officer_id = int(form.officer.data) if (form.officer.data or "").isdigit() else None
    filters = {
        "today": clock.today(),
        "q": form.q.data or "",
        "state": form.state.data or "",
        "officer_id": officer_id,
        "overdue": bool(form.overdue.data),
    }
    page = queries.search(principal, **filters, after=page_cursor(request.args.get("after")))
    # Only the parameters this page declares go back into its links: any other key (``endpoint``,
    # ``_external``, ``_scheme``) would be an argument of url_for itself (a 500, or links made
    # absolute from the Host header).
    kept = {field.name: request.args[field.name] for field in form if request.args.get(field.name)}
    # A search says how many cases it found; the unfiltered list (every case) does not count.
    found = queries.count_matching(principal, **filters) if kept else None
    services.record_list_read(principal, page.cases, searched=bool(kept))
    next_url = url_for(".index", **kept, after=page.next_after) if page.next_after else None
    first_url = url_for(".index", **kept) if request.args.get("after") else None
    return render_template(
        "cases/list.html",
        form=form,
        page=page,
        today=clock.today(),
        next_url=next_url,
        first_url=first_url,
        searched=bool(kept),
        found=found,
        count_limit=queries.COUNT_LIMIT,
    )


def page_cursor(raw: str | None) -> int | None:
    """The ``after`` of a list's next page: a row id, or nothing (a value no id can have, such as
    a number too large for the database's integer, is the first page, not a database error)."""
    if raw is None or not raw.isdigit() or len(raw) > 18:
        return None
    return int(raw)


# --- Intake -------------------------------------------------------------------------------


def _without_dependant(data: MultiDict, index: int) -> MultiDict:
    """The posted fields with dependant row ``index`` removed and the rows after it renumbered."""
    kept: MultiDict = MultiDict()
    for key, value in data.items(multi=True):
        parts = key.split("-", 2)
        if parts[0] == "dependants" and len(parts) == 3 and parts[1].isdigit():
            row = int(parts[1])
            if row == index:
                continue
            if row > index:
                key = f"dependants-{row - 1}-{parts[2]}"
        kept.add(key, value)
    return kept


@bp.route("/new", methods=["GET", "POST"])
@login_required
def intake():
    principal = _principal()
    today = clock.today()
    procedure.check(
        "register", procedure.CaseFacts(state=None), principal.actor, procedure.Context(today=today)
    )
    duplicates, refusal, status = [], None, 200
    if request.method == "GET":
        restored = restore_form()
        form = forms.IntakeForm(formdata=restored) if restored else forms.IntakeForm(formdata=None)
        return render_template(
            "cases/intake.html", form=form, duplicates=duplicates, refusal=refusal
        )
    if "add_dependant" in request.form:
        form = forms.IntakeForm()
        if len(form.dependants) < forms.MAX_DEPENDANTS:
            form.dependants.append_entry()
        return render_template(
            "cases/intake.html",
            form=form,
            duplicates=duplicates,
            refusal=refusal,
            focus=f"dependants-{len(form.dependants) - 1}-given_names",
        )
    if request.form.get("remove_dependant", "").isdigit():
        form = forms.IntakeForm(
            formdata=_without_dependant(request.form, int(request.form["remove_dependant"]))
        )
        return render_template(
            "cases/intake.html", form=form, duplicates=duplicates, refusal=refusal
        )
    form = forms.IntakeForm()
    form.validate()
    if "_back" in request.form:  # back from a follow-up question: the first page as it was
        clear_errors(form)
        return render_template(
            "cases/intake.html", form=form, duplicates=duplicates, refusal=refusal
        )
    question = follow_up(form, request.form)
    if question is not None:
        return follow_up_page(
            form, question, gettext("Register an application"), submit_name="register"
        )
    if form.errors:
        return render_template(
            "cases/intake.html", form=form, duplicates=duplicates, refusal=refusal
        ), 422
    data = form.application_data()
    if not form.duplicates_dismissed.data:
        duplicates = queries.possible_duplicates([data["applicant"], *data["dependants"]])
        if duplicates:
            return render_template(
                "cases/intake.html", form=form, duplicates=duplicates, refusal=refusal
            )
    try:
        # The application and each person's provisional certificate, in one transaction: a
        # refusal of either undoes both, and the form comes back filled in.
        with savepoint():
            application = services.register_application(principal, data)
            document_services.issue_provisional_certificates(principal, application)
    except ProcedureError as error:
        refusal, status = _field_error(form, error), error.status
        question = follow_up_in_error(form)  # an answer of a question's own page: shown there
        if question is not None and refusal is None:
            return follow_up_page(
                form, question, gettext("Register an application"), status, "register"
            )
        return render_template(
            "cases/intake.html", form=form, duplicates=[], refusal=refusal
        ), status
    flash(
        gettext(
            "Application %(number)s of %(name)s registered.",
            number=application.case_number,
            name=application.applicant.full_name,
        ),
        "success",
    )
    return redirect(url_for(".case", application_id=application.id))


def _field_error(form, error: ProcedureError) -> str | None:
    """Put an InvalidField's message beside its field (None then); else return the message."""
    message = procedure_message(error)
    if isinstance(error, InvalidField) and form is not None:
        field = field_at(form, error.field)
        if field is not None:
            field.errors = [*list(field.errors), message]
            return None
    return message


# --- The case page ------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionPage:
    form: type
    save: Callable  # (principal, application, form, target) -> None
    defaults: Callable | None = None  # (application, target, today) -> dict


# The page of each action of the procedure that staff take in the browser: its form and what
# saving it does (one ``services`` function). The procedure definition stays the source of the
# actions: a page is registered only for an action it defines (``action_page``), and it is offered
# only when ``Application.available_actions`` allows it.
ACTION_PAGES: dict[str, ActionPage] = {}


def action_page(name: str, form: type, defaults: Callable | None = None) -> Callable:
    """Register ``save(principal, application, form, target)`` as the page of the procedure's
    action ``name``, asked with ``form``; ``defaults(application, target, today)``: its answers
    before anything is typed."""
    if name not in procedure.ACTIONS_BY_NAME:
        raise ValueError(f"{name!r} is not an action of the procedure")

    def register(save: Callable) -> Callable:
        ACTION_PAGES[name] = ActionPage(form, save, defaults)
        return save

    return register


def _today_default(name):
    return lambda application, target, today: {name: today}


def row_id(target) -> int | None:
    """A row's id from a form or an address: digits that fit the database's integer, else None."""
    text = str(target or "")
    return int(text) if text.isdigit() and len(text) <= 18 else None


def _relevant_state(application: Application, target: str | None) -> RelevantState:
    row = db.session.get(RelevantState, row_id(target)) if row_id(target) is not None else None
    if row is None or row.application_id != application.id:
        abort(404)
    return row


def _inquiry(application: Application, target: str | None) -> Inquiry:
    row = db.session.get(Inquiry, row_id(target)) if row_id(target) is not None else None
    if row is None or row.application_id != application.id:
        abort(404)
    return row


def _finding_defaults(application, target, today):
    row = _relevant_state(application, target)
    return {"finding": row.finding, "reasoning": row.reasoning or ""}


def _text(field) -> str | None:
    """An optional text as typed, trimmed; None when nothing was typed."""
    return (field.data or "").strip() or None


@action_page("assign", forms.AssignForm)
@action_page("reassign", forms.AssignForm)
def _assign(principal, application, form, target):
    services.assign(principal, application, form.case_officer.data)


@action_page("add_relevant_state", forms.RelevantStateForm)
def _add_relevant_state(principal, application, form, target):
    services.add_relevant_state(
        principal, application, form.country.data, form.links.data, form.person_id.data
    )


@action_page("record_finding", forms.FindingForm, _finding_defaults)
def _record_finding(principal, application, form, target):
    services.record_finding(
        principal,
        _relevant_state(application, target),
        form.finding.data,
        form.reasoning.data.strip(),
    )


@action_page("record_evidence", forms.EvidenceForm, _today_default("received_on"))
def _record_evidence_page(principal, application, form, target):
    _record_evidence(principal, application, form)


@action_page("send_inquiry", forms.InquiryForm, _today_default("sent_on"))
def _send_inquiry(principal, application, form, target):
    services.send_inquiry(
        principal,
        application,
        form.country.data,
        form.authority.data.strip(),
        form.sent_on.data,
        form.consent_on.data,
        form.person_id.data,
    )


@action_page("record_inquiry_response", forms.InquiryResponseForm, _today_default("received_on"))
def _record_inquiry_response(principal, application, form, target):
    services.record_inquiry_response(
        principal, _inquiry(application, target), form.received_on.data, form.outcome.data
    )


@action_page("record_interview", forms.InterviewForm, _today_default("held_on"))
def _record_interview(principal, application, form, target):
    services.record_interview(
        principal,
        application,
        {
            "held_on": form.held_on.data,
            "interpreter_language": _text(form.interpreter_language),
            "legal_representative": _text(form.legal_representative),
            "summary": form.summary.data.strip(),
            "read_back": bool(form.read_back.data),
            "person_id": form.person_id.data,
        },
    )


@action_page("extend_decision_due", forms.ExtensionForm)
def _extend_decision_due(principal, application, form, target):
    services.extend_decision_due(principal, application, form.reasons.data.strip())


@action_page("recommend", forms.RecommendationForm)
def _recommend(principal, application, form, target):
    services.recommend(principal, application, form.outcome_data())


@action_page("return_to_examination", forms.ReasonsForm)
def _return_to_examination(principal, application, form, target):
    services.return_to_examination(principal, application, form.reasons.data.strip())


@action_page("decide", forms.DecisionForm, _today_default("notified_on"))
def _decide(principal, application, form, target):
    services.decide(principal, application, form.outcome_data())


@action_page("lodge_appeal", forms.AppealForm, _today_default("lodged_on"))
def _lodge_appeal(principal, application, form, target):
    services.lodge_appeal(
        principal, application, form.grounds.data.strip(), form.lodged_on.data, form.person_id.data
    )


@action_page("decide_appeal", forms.AppealDecisionForm)
def _decide_appeal(principal, application, form, target):
    services.decide_appeal(
        principal, application, form.outcome.data, form.reasons.data.strip(), form.person_id.data
    )


@action_page("withdraw", forms.ReasonsForm)
def _withdraw(principal, application, form, target):
    services.withdraw(principal, application, form.reasons.data.strip())


@action_page("close", forms.ReasonsForm)
def _close(principal, application, form, target):
    services.close(principal, application, form.reasons.data.strip())


@action_page("refer", forms.ReferralForm)
def _refer(principal, application, form, target):
    services.refer(
        principal,
        application,
        form.referral_target.data,
        form.reasons.data.strip(),
        form.person_id.data,
    )


@action_page("record_referral_outcome", forms.ReferralOutcomeForm, _today_default("on"))
def _record_referral_outcome(principal, application, form, target):
    services.record_referral_outcome(
        principal,
        application,
        _person_id(application, target),
        form.outcome.data,
        form.on.data,
        _text(form.reference),
    )


@action_page("propose_cessation", forms.ProceedingForm, _today_default("notified_on"))
def _propose_cessation(principal, application, form, target):
    services.propose_proceeding(principal, application, "cessation", _proceeding_data(form))


@action_page("propose_cancellation", forms.ProceedingForm, _today_default("notified_on"))
def _propose_cancellation(principal, application, form, target):
    services.propose_proceeding(principal, application, "cancellation", _proceeding_data(form))


@action_page("record_proceeding_reply", forms.ProceedingReplyForm, _today_default("received_on"))
def _record_proceeding_reply(principal, application, form, target):
    services.record_proceeding_reply(
        principal,
        application,
        _open_proceeding_kind(application, target),
        {
            "person_id": _person_id(application, target),
            "received_on": form.received_on.data,
            "summary": form.summary.data.strip(),
        },
    )


@action_page("decide_proceeding", forms.ProceedingDecisionForm, _today_default("notified_on"))
def _decide_proceeding(principal, application, form, target):
    services.decide_proceeding(
        principal,
        application,
        _open_proceeding_kind(application, target),
        {
            "person_id": _person_id(application, target),
            "outcome": form.outcome.data,
            "reasons": form.reasons.data.strip(),
            "notified_on": form.notified_on.data,
        },
    )


@action_page("lodge_proceeding_appeal", forms.ProceedingAppealForm, _today_default("lodged_on"))
def _lodge_proceeding_appeal(principal, application, form, target):
    services.lodge_proceeding_appeal(
        principal,
        application,
        _open_proceeding_kind(application, target),
        {
            "person_id": _person_id(application, target),
            "lodged_on": form.lodged_on.data,
            "grounds": form.grounds.data.strip(),
        },
    )


@action_page("decide_proceeding_appeal", forms.ProceedingAppealDecisionForm)
def _decide_proceeding_appeal(principal, application, form, target):
    services.decide_proceeding_appeal(
        principal,
        application,
        _open_proceeding_kind(application, target),
        {
            "person_id": _person_id(application, target),
            "outcome": form.outcome.data,
            "reasons": form.reasons.data.strip(),
        },
    )


@action_page("record_detention", forms.DetentionForm)
def _record_detention(principal, application, form, target):
    services.record_detention(
        principal, application, form.person_id.data, form.place.data.strip(), form.since.data
    )


@action_page("record_guardian", forms.GuardianForm)
def _record_guardian(principal, application, form, target):
    services.record_guardian(
        principal, application, form.person_id.data, form.guardian.data.strip()
    )


# Actions on one row of the page: a relevant State, an inquiry, or a person (their referral, their
# proceeding); the overview lists them on their rows, not among the case's own steps.
ROW_ACTIONS = overview.ROW_ACTIONS
PERSON_ROWS = {
    "record_referral_outcome",
    "record_proceeding_reply",
    "decide_proceeding",
    "lodge_proceeding_appeal",
    "decide_proceeding_appeal",
}
# Actions whose form names the person concerned (each person is examined and decided on their own).
PERSON_ACTIONS = {
    "add_relevant_state",
    "record_evidence",
    "send_inquiry",
    "record_interview",
    "lodge_appeal",
    "decide_appeal",
    "refer",
    "propose_cessation",
    "propose_cancellation",
    "record_detention",
    "record_guardian",
}


def _record_evidence(principal, application: Application, form) -> None:
    """The evidence and, if one is sent, its file: the file is checked (type by content, size)
    before anything is recorded, so that a refused file leaves no evidence without its copy."""
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    upload = request.files.get(form.file.name)
    name, content = "", b""
    if upload is not None and upload.filename:
        content = upload.stream.read(limit + 1)
        if content:
            name = uploads.clean_name(upload.filename)
    if content:
        try:
            uploads.check_content(name, content, limit)
        except uploads.FileTooLarge:
            raise InvalidField(
                "file",
                N_("The file is larger than %(megabytes)d MB."),
                megabytes=limit // (1024 * 1024),
            ) from None
    evidence = services.record_evidence(
        principal,
        application,
        {
            "kind": form.kind.data,
            "description": form.description.data.strip(),
            "received_on": form.received_on.data,
            "country": form.country.data or None,
            "person_id": form.person_id.data,
        },
    )
    if content:
        uploads.attach_file(principal, application, evidence, name, content)


@bp.get("/<int:application_id>/evidence/<int:evidence_id>/files/<int:file_id>")
@login_required
def evidence_file(application_id: int, evidence_id: int, file_id: int):
    """Download a file of the evidence (whoever may read the case); every download is audited."""
    application = load_case(application_id)
    row = db.session.get(EvidenceFile, file_id) if file_id <= 2**62 else None
    if row is None or row.evidence_id != evidence_id or row.application_id != application.id:
        refuse_page(
            404, gettext("File not found"), gettext("This case has no such file of evidence.")
        )
    content = uploads.read_file(_principal(), application, row, channel="web")
    return as_download(row, content)


def _person_id(application: Application, target: str | None) -> int:
    person = application.person(row_id(target)) if row_id(target) is not None else None
    if person is None:
        abort(404)
    return person.id


def _open_proceeding_kind(application: Application, target: str | None) -> str:
    proceeding = application.proceeding(_person_id(application, target))
    if proceeding is None:
        abort(404)
    return proceeding.kind


def _proceeding_data(form) -> dict:
    return {
        "person_id": form.person_id.data,
        "reasons": form.reasons.data.strip(),
        "notified_on": form.notified_on.data,
        "nationality_acquired": form.nationality_acquired.data or None,
    }


def _person_label(application: Application, person) -> str:
    from ..web import label  # as in sdp.web.procedure_message

    relationship = application.relationship_of(person.id)
    words = (
        gettext("applicant")
        if relationship == "applicant"
        else label("Relationship", relationship).lower()
    )
    return f"{person.full_name} ({words})"


def form_prefix(action: str, target=None) -> str:
    return f"{action}-{target}" if target not in (None, "") else action


def _build_form(action: str, application: Application, today, target=None, formdata=None):
    page = ACTION_PAGES[action]
    data = page.defaults(application, target, today) if page.defaults and formdata is None else {}
    form_class = page.form
    if action == "decide":  # one outcome for each other person awaiting a decision
        form_class = forms.decision_form_for(
            [
                person
                for person in application.persons_awaiting_decision()
                if person.id != application.applicant_id
            ]
        )
    if action in PERSON_ACTIONS and formdata is None:
        data.setdefault("person_id", application.applicant_id)
    form = form_class(formdata=formdata, prefix=form_prefix(action, target), data=data)
    if action in PERSON_ACTIONS:
        persons = application.persons()
        if action in (
            "propose_cessation",
            "propose_cancellation",
        ):  # only a final recognition can cease
            persons = [
                person
                for person in persons
                if application.person_facts(person).recognition_is_final(today)
            ]
        form.person_id.choices = [
            (person.id, _person_label(application, person)) for person in persons
        ]
    if action == "decide_proceeding":
        form.set_kind(_open_proceeding_kind(application, target))
    if action in ("assign", "reassign"):
        form.case_officer.choices = [("", gettext("Choose a case officer"))] + [
            (officer.email, f"{officer.name} ({officer.email})")
            for officer in queries.case_officers()
        ]
    return form


@bp.route("/<int:application_id>", methods=["GET", "POST"])
@login_required
def case(application_id: int):
    """The case overview: the next step, the task list, the records and the timeline. Each action
    has its own page (``action``); this page holds no form. A form elsewhere that names its action
    (``_action``, as the supervisor's home assigns from its list) is answered as that action's page.
    """
    if request.method == "POST":
        load_case(application_id)  # who may not read the case learns nothing of the action's form
        name, target = request.form.get("_action", ""), request.form.get("_target", "")
        if name not in ACTION_PAGES:
            abort(400)
        return action(application_id, name.replace("_", "-"), row_id(target))
    application = load_case(application_id)
    # Partners' document checks of this case wait in the audit journal for up to a second:
    # chained first, so that the history shows every one (sdp.registry.audit). First, before
    # this request writes its own read: on SQLite the request's write transaction holds the one
    # writer lock until it commits, and the chainer's own transaction would wait for it forever.
    chain_now()
    principal = _principal()
    today = clock.today()
    services.record_read(principal, application, "web")
    return render_template("cases/case.html", **_case_context(application, principal, today))


# Actions that cannot be undone from the case page: each asks its answers to be checked first.
IRREVERSIBLE = frozenset(
    {
        "decide",
        "decide_appeal",
        "withdraw",
        "close",
        "decide_proceeding",
        "decide_proceeding_appeal",
    }
)


def _check_offered(action: str, application: Application, principal, today, target) -> None:
    """Raise the procedure's refusal (403 or 409) unless this person may take the action now,
    about the person of the row when the action concerns one."""
    if action in {a.name for a in application.available_actions(principal.actor, today)}:
        return
    person = (
        application.person(row_id(target))
        if action in PERSON_ROWS and row_id(target) is not None
        else None
    )
    params = {"person": application.person_facts(person)} if person else {}
    procedure.check(
        action,
        application.facts(today, person.id if person else None),
        principal.actor,
        procedure.Context(today=today, params=params),
    )


def _check_row(action: str, application: Application, target: str | None) -> None:
    """404 unless the row an action names (a State, an inquiry, a person) belongs to this case."""
    if (action in ROW_ACTIONS) != (target is not None):
        abort(404)
    if action == "record_finding":
        _relevant_state(application, target)
    elif action == "record_inquiry_response":
        _inquiry(application, target)
    elif action in PERSON_ROWS:
        _person_id(application, target)


def _row_exists(action: str, application: Application, target: str | None) -> bool:
    try:
        _check_row(action, application, target)
    except NotFound:
        return False
    return True


@bp.route("/<int:application_id>/<slug>", methods=["GET", "POST"])
@bp.route("/<int:application_id>/<slug>/<int:target>", methods=["GET", "POST"])
@login_required
def action(application_id: int, slug: str, target: int | None = None):
    """One action of the procedure on its own page: its question, a back link to the case, and,
    before anything irreversible, a page to check the answers."""
    name = slug.replace("-", "_")
    if name not in ACTION_PAGES or "_" in slug:
        abort(404)
    application = load_case(application_id)
    principal = _principal()
    today = clock.today()
    row = str(target) if target is not None else None
    form, refusal, status, conflict = None, None, 200, None
    opened = _opened(application, request.form if request.method == "POST" else None)
    try:
        if request.method == "POST" and _row_exists(name, application, row):
            # Built first, so that a refusal (someone acted a moment before) keeps what was typed.
            form = _build_form(name, application, today, row, formdata=request.form)
            if "change" not in request.form:
                # No lost update: a save over a version of the case the person had not seen is
                # refused (EditConflict, 409), before anything else is checked or done.
                locking.expect_version(application, request.form.get("version"))
        if row is not None:
            # A row that is not there is not found, whoever asks (they may read the case).
            _check_row(name, application, row)
        _check_offered(name, application, principal, today, row)
        _check_row(name, application, row)
        if request.method in ("GET", "HEAD"):  # HEAD: a GET whose body is not sent
            restored = restore_form()
            form = _build_form(name, application, today, row, formdata=restored or None)
            if restored:  # kept across an expired session: still the version it was opened on
                opened = _opened(application, restored)
        else:
            # "change": back from checking the answers, to the question with the answers in it;
            # "_back": back from a follow-up question (sdp.forms.follow_up), likewise.
            if form is None:
                # A POST's form is built above (had its row been missing, _check_row would have
                # answered 404). A HEAD request, which Flask routes here as a GET but whose
                # method is not "GET", arrives without one: an error, as it always was.
                raise RuntimeError("the action's form was not built before its checks")
            question = None
            if "change" not in request.form and "_back" not in request.form:
                form.validate()
                question = follow_up(form, request.form)
                status = 422 if form.errors else 200
            if question is not None:
                caption = gettext("Case %(number)s", number=application.case_number)
                return follow_up_page(form, question, caption, status)
            if "change" not in request.form and "_back" not in request.form and not form.errors:
                if name in IRREVERSIBLE and request.form.get("confirm") != "yes":
                    return render_template(
                        "cases/check_answers.html",
                        application=application,
                        action=name,
                        form=form,
                        target=row,
                        answers=answers(form, application),
                        form_url=action_url(application, name, row),
                    )
                with savepoint():  # refused: undone, and the page comes back filled in
                    ACTION_PAGES[name].save(principal, application, form, row)
                flash(result_message(name, application, form, row), "success")
                return redirect(url_for(".case", application_id=application.id))
    except ProcedureError as error:
        if (
            form is None
        ):  # not this person's action, or not now: the procedure's reason, nothing to fill
            heading, whose = refused_step_words(error)
            return render_template(
                "errors/error.html",
                error=error,
                code=error.status,
                heading=heading,
                message=f"{procedure_message(error)} {whose}".strip(),
            ), error.status
        application = load_case(application_id)
        refusal, status = _field_error(form, error), error.status
        if isinstance(error, locking.EditConflict):
            # What the other person did, shown above what this person typed; saving again now is
            # saving over it knowingly, so the form carries the version it has just shown.
            conflict = _changes_shown(
                locking.changes_since(application, request.form.get("seen")), form
            )
            opened = _opened(application, None)
    return render_template(
        "cases/action.html",
        application=application,
        action=name,
        form=form,
        target=row,
        form_url=action_url(application, name, row),
        refusal=refusal,
        case=case_dict(application, principal, today),
        irreversible=name in IRREVERSIBLE,
        opened=opened,
        conflict=conflict,
    ), status


def _changes_shown(events, form) -> list[dict]:
    """Each change made since the form was opened: what (the action), who and when, and the new
    values of the fields this form also asks for (the ones the two people may disagree on)."""
    from ..web import fdate, timeline_title  # as in sdp.web.procedure_message

    shown = []
    for event in events:
        fields = []
        for name, change in (event.changes or {}).items():
            field = getattr(form, name, None) if form is not None else None
            if field is None or not hasattr(field, "label"):
                continue
            pair = change if isinstance(change, list) and len(change) == 2 else [None, change]
            if REDACTED in pair:  # a text the audit trail does not keep: the case page shows it
                words = gettext("Changed: the case page shows the text now.")
            else:
                words = gettext(
                    "Now: %(after)s (before: %(before)s)",
                    after=_in_words(field, pair[1]),
                    before=_in_words(field, pair[0]),
                )
            fields.append((str(field.label.text), words))
        shown.append(
            {
                "what": timeline_title(event.action),
                "who": event.actor_label,
                "when": fdate(event.at, "short"),
                "fields": fields,
            }
        )
    return shown


def _in_words(field, value) -> str:
    """A recorded value as the form's field shows it (a choice by its name)."""
    if value in (None, "", []):
        return "—"
    values = value if isinstance(value, list) else [value]
    names = {}
    for choice in getattr(field, "choices", None) or []:
        if isinstance(choice, tuple):
            names[str(choice[0])] = str(choice[1])
    return ", ".join(names.get(str(item), str(item)) for item in values)


def _opened(application: Application, posted) -> dict:
    """The version of the case a form was opened on, and the last change the person had before
    them (``locking``): as posted (a form sent back to be corrected), else the case's now."""
    if posted is not None and posted.get("version"):
        return {"version": posted.get("version"), "seen": posted.get("seen", "")}
    return {"version": application.version, "seen": locking.last_change_id(application)}


def answers(form, application: Application) -> list[tuple[str, str, str]]:
    """The answers given, as (field id, question, answer in words), for the "check your answers"
    page."""
    # Could move to the top (no cycle needs it here): left for the package's owners.
    from ..web import fdate

    rows = []
    not_applying = [
        field_at(form, question.path)
        for question in getattr(form, "follow_ups", ())
        if not question.applies(form)
    ]
    for field in form:
        if field.type in ("CSRFTokenField", "HiddenField") or field.data in (None, "", [], False):
            continue
        if any(field is other for other in not_applying):
            continue  # a follow-up question that does not apply: neither shown nor stored
        if field.type == "DateInputField" or hasattr(field.data, "isoformat"):
            shown = fdate(field.data)
        elif getattr(field, "choices", None) is not None:
            chosen = field.data if isinstance(field.data, list) else [field.data]
            names = dict(
                (str(value), text)
                for value, text, *_ in (
                    (c[0], c[1]) if isinstance(c, tuple) else (c.value, c.label)
                    for c in field.choices
                )
            )
            shown = ", ".join(str(names.get(str(value), value)) for value in chosen)
        elif field.type == "BooleanField":
            shown = gettext("Yes")
        else:
            shown = str(field.data)
        rows.append((field.id, str(field.label.text), shown))
    return rows


def result_message(name: str, application: Application, form, target) -> str:
    """What happened and to whom, in words, for the banner on the case page."""
    # Could move to the top (no cycle needs it here): left for the package's owners.
    from ..web import country_name, fdate, label

    db.session.refresh(application)
    person = (
        application.person(form.person_id.data)
        if hasattr(form, "person_id") and form.person_id.data
        else None
    )
    who = person.full_name if person else application.applicant.full_name
    if name in ("assign", "reassign") and application.case_officer:
        return gettext("Case assigned to %(name)s.", name=application.case_officer.name)
    if name == "add_relevant_state":
        return gettext(
            "%(state)s added as a relevant State for %(name)s.",
            state=country_name(form.country.data),
            name=who,
        )
    if name == "record_finding":
        row = _relevant_state(application, target)
        return gettext(
            "Finding on %(state)s recorded: %(finding)s.",
            state=country_name(row.country),
            finding=label("Finding", row.finding),
        )
    if name == "record_evidence":
        return gettext("Evidence recorded for %(name)s.", name=who)
    if name == "send_inquiry":
        inquiry = application.inquiries[-1]
        return gettext(
            "Inquiry to %(authority)s (%(state)s) recorded; the answer is due on %(date)s.",
            authority=inquiry.authority,
            state=country_name(inquiry.country),
            date=fdate(inquiry.response_due),
        )
    if name == "record_inquiry_response":
        inquiry = _inquiry(application, target)
        return gettext(
            "Answer of %(authority)s recorded: %(outcome)s.",
            authority=inquiry.authority,
            outcome=label("InquiryOutcome", inquiry.outcome),
        )
    if name == "record_interview":
        return gettext(
            "Interview of %(name)s on %(date)s recorded.", name=who, date=fdate(form.held_on.data)
        )
    if name == "extend_decision_due":
        return gettext(
            "Decision period extended to %(date)s.", date=fdate(application.decision_due)
        )
    if name == "recommend":
        return gettext(
            "Recommendation sent for decision: %(outcome)s.",
            outcome=label("DecisionOutcome", form.outcome.data),
        )
    if name == "decide":
        return gettext(
            "Decision recorded: %(outcomes)s.",
            outcomes="; ".join(
                outcome_words(person.full_name, application.determination(person.id).outcome)
                for person in application.persons()
                if application.determination(person.id).outcome
            ),
        )
    if name == "decide_appeal":
        outcome = application.determination(person.id if person else application.applicant_id)
        if outcome.appeal_outcome == "upheld":
            return gettext("Appeal of %(name)s decided: the first decision stands.", name=who)
        return gettext(
            "Appeal of %(name)s decided: the first decision is overturned; %(outcome)s.",
            name=who,
            outcome=outcome_words(who, outcome.outcome),
        )
    if name == "return_to_examination":
        return gettext(
            "Case %(number)s returned to %(officer)s for more examination.",
            number=application.case_number,
            officer=application.case_officer.name
            if application.case_officer
            else gettext("the case officer"),
        )
    if name == "withdraw":
        return gettext(
            "Withdrawal recorded: %(name)s withdrew the application; case %(number)s is closed.",
            name=who,
            number=application.case_number,
        )
    if name == "close":
        return gettext(
            "Case %(number)s of %(name)s closed.", number=application.case_number, name=who
        )
    if name == "lodge_appeal":
        return gettext("Appeal of %(name)s lodged.", name=who)
    if name == "refer":
        return gettext(
            "%(name)s referred to %(target)s.",
            name=who,
            target=label("ReferralTarget", form.referral_target.data),
        )
    if name in PERSON_ROWS:
        return _person_row_message(
            name, application, application.person(_person_id(application, target))
        )
    if name in ("propose_cessation", "propose_cancellation"):
        proceeding = _proceeding_saved(
            application, person.id if person else application.applicant_id
        )
        return gettext(
            "%(kind)s of the recognition of %(name)s proposed; the reply is due on %(date)s.",
            kind=label("ProceedingKind", proceeding.kind),
            name=who,
            date=fdate(proceeding.reply_due),
        )
    if name == "record_detention":
        return gettext(
            "Detention of %(name)s recorded: %(place)s, since %(date)s.",
            name=who,
            place=form.place.data.strip(),
            date=fdate(form.since.data),
        )
    if name == "record_guardian":
        return gettext(
            "%(guardian)s recorded as the guardian or representative of %(name)s.",
            guardian=form.guardian.data.strip(),
            name=who,
        )
    return gettext(
        "%(action)s: recorded for %(name)s.",
        action=gettext(procedure.ACTIONS_BY_NAME[name].title),
        name=who,
    )


def outcome_words(name: str, outcome: str | None) -> str:
    """A person's own outcome as a clause: "María Pérez recognised as stateless"."""
    if outcome == "recognized":
        return gettext("%(name)s recognised as stateless", name=name)
    if outcome == "rejected":
        return gettext("%(name)s not recognised as stateless", name=name)
    if outcome == "excluded":
        return gettext("%(name)s excluded from protection as a stateless person", name=name)
    if outcome == "family_unity":
        return gettext("%(name)s stays with the recognised family (family unity)", name=name)
    if outcome == "referred":
        return gettext("%(name)s referred to the civil registry", name=name)
    return gettext("%(name)s not decided yet", name=name)


def _person_row_message(name: str, application: Application, person) -> str:
    """The banner of an action on one person's referral or proceeding."""

    who = person.full_name
    if name == "record_referral_outcome":
        determination = application.determination(person.id)
        return gettext(
            "Civil registry's answer for %(name)s recorded: %(status)s.",
            name=who,
            status=label("ReferralStatus", determination.referral_status),
        )
    proceeding = _proceeding_saved(application, person.id)
    kind = label("ProceedingKind", proceeding.kind)
    if name == "record_proceeding_reply":
        return gettext(
            "Reply of %(name)s to the %(kind)s recorded (received on %(date)s).",
            name=who,
            kind=kind.lower(),
            date=fdate(proceeding.reply_received_on),
        )
    if name == "decide_proceeding":
        if proceeding.status == "maintained":
            return gettext(
                "%(kind)s decided: the recognition of %(name)s is maintained.", kind=kind, name=who
            )
        return gettext(
            "%(kind)s decided: %(name)s is no longer recognised as stateless (%(status)s).",
            kind=kind,
            name=who,
            status=label("ProceedingStatus", proceeding.status).lower(),
        )
    if name == "lodge_proceeding_appeal":
        return gettext(
            "Appeal of %(name)s against the %(kind)s lodged.", name=who, kind=kind.lower()
        )
    return gettext(
        "Appeal of %(name)s against the %(kind)s decided: %(outcome)s.",
        name=who,
        kind=kind.lower(),
        outcome=label("AppealOutcome", proceeding.appeal_outcome).lower(),
    )


def _proceeding_saved(application: Application, person_id: int) -> Proceeding:
    """The person's proceeding that the action just saved opened or changed (so there is one:
    a missing one is a bug, as in ``Application.determination``)."""
    proceeding = application.proceeding(person_id)
    if proceeding is None:
        raise LookupError(f"person {person_id} has no proceeding in case {application.id}")
    return proceeding


def _person_row_open(action: str, application: Application, person) -> bool:
    """Whether the person has a row for this action: a referral awaiting the registry, or an open
    proceeding."""
    if action == "record_referral_outcome":
        return application.determination(person.id).referral_status == "pending"
    proceeding = application.proceeding(person.id)
    if proceeding is None:
        return False
    if action == "lodge_proceeding_appeal":
        return proceeding.status in ("ceased", "cancelled") and proceeding.appeal_lodged_on is None
    if action == "decide_proceeding_appeal":
        return proceeding.appeal_lodged_on is not None and proceeding.appeal_decided_on is None
    if proceeding.status != "proposed":
        return False
    return action == "decide_proceeding" or proceeding.reply_received_on is None


def _case_context(application: Application, principal, today) -> dict:
    case = case_dict(application, principal, today)
    choices = application.action_choices(principal.actor, today)
    allowed = {choice.action.name for choice in choices if choice.allowed}
    may_issue_identity_document = any(
        procedure.is_allowed(
            "issue_document",
            application.facts(today),
            principal.actor,
            procedure.Context(
                today=today,
                params={
                    "type": DocumentType.IDENTITY_DOCUMENT,
                    "person": application.person_facts(person),
                },
            ),
        )
        for person in application.persons()
    )
    task_list = overview.steps(
        application, case, choices, procedure_message, may_issue_identity_document
    )
    row_links = {}  # (action, row id) -> url, for the links beside each State, inquiry and person
    for name in allowed & ROW_ACTIONS:
        if name == "record_finding":
            rows = [row.id for row in application.relevant_states]
        elif name == "record_inquiry_response":
            rows = [inquiry.id for inquiry in application.inquiries if inquiry.outcome is None]
        else:
            rows = [
                person.id
                for person in application.persons()
                if _person_row_open(name, application, person)
            ]
        for row in rows:
            row_links[(name, row)] = action_url(application, name, row)
    events = (  # partners' checks chained already (``case``)
        db.session.execute(
            select(AuditEvent)
            .where(AuditEvent.case_id == application.id, AuditEvent.action != "case.read")
            .order_by(AuditEvent.id)
        )
        .scalars()
        .all()
    )
    reads = db.session.execute(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.case_id == application.id, AuditEvent.action == "case.read"
        )
    ).scalar_one()
    evidence_files: dict[int, list[EvidenceFile]] = {}
    for evidence_file in db.session.execute(
        select(EvidenceFile)
        .where(EvidenceFile.application_id == application.id)
        .order_by(EvidenceFile.id)
    ).scalars():
        evidence_files.setdefault(evidence_file.evidence_id, []).append(evidence_file)
    return {
        "application": application,
        "case": case,
        "today": today,
        "available": sorted(allowed),
        "evidence_files": evidence_files,
        "steps": task_list,
        "next_step": overview.next_step(task_list),
        "other_actions": overview.other_actions(application, choices, task_list),
        "row_links": row_links,
        "deadline": overview.running_deadline(application, case, today),
        "events": timeline.timeline(application, events, db.session),
        "reads": reads,
        "persons": [
            (application.applicant, None),
            *((d.person, d.relationship_to_applicant) for d in application.dependants),
        ],
        "person_rows": [
            (person, application.person_facts(person)) for person in application.persons()
        ],
        "is_supervisor": Role.SUPERVISOR in principal.roles,
        "may_read_births": bool(principal.roles & BIRTH_READERS)
        and "births.show" in current_app.view_functions,
    }
