"""The case-work pages. Thin: parse the form, call a ``services`` function (which enforces
the procedure and audits), render. The actions offered are ``Application.available_actions``."""

import io
from collections.abc import Callable
from dataclasses import dataclass

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
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
from ..auth.views import restore_form
from ..domain import procedure
from ..domain.access import BIRTH_READERS, CASE_READERS, may_read_case
from ..domain.procedure import InvalidField, ProcedureError
from ..domain.vocabulary import N_, DocumentType, Role
from ..extensions import db
from ..forms import field_at
from ..uploads import services as uploads
from ..uploads.models import EvidenceFile
from . import forms, overview, queries, services, timeline
from .models import Application, Inquiry, RelevantState
from .overview import action_url
from .presenters import case_dict

bp = Blueprint("cases_web", __name__, url_prefix="/cases")


def procedure_message(error: ProcedureError) -> str:
    """The procedure's refusal in the user's language, with its parameters translated too."""
    # Could move to the top (no cycle needs it here): left for the package's owners.
    from ..web import action_title, fdate, label

    params = dict(error.params)
    if "state" in params and params["state"]:
        params["state"] = label("State", params["state"])
    if "action" in params:
        params["action"] = action_title(params["action"])
    if "who" in params:
        params["who"] = gettext(params["who"])
    for name in ("appeal_due", "reply_due"):
        if params.get(name):
            params[name] = fdate(params[name])
    for name, vocabulary in (
        ("finding", "Finding"),
        ("kind", "ProceedingKind"),
        ("allowed", "ProceedingStatus"),
    ):
        if params.get(name):
            params[name] = label(vocabulary, params[name])
    text = gettext(error.message)
    return text % params if params else text


def _principal():
    return current_user.principal


def refuse_page(code: int, heading: str, message: str):
    """Stop the request with an error page that says what was refused or not found, and why."""
    abort(
        make_response(
            render_template("errors/error.html", code=code, heading=heading, message=message), code
        )
    )


def load_case(application_id: int) -> Application:
    application = db.session.get(Application, application_id) if application_id <= 2**62 else None
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
    page = queries.search(
        principal,
        today=clock.today(),
        q=form.q.data or "",
        state=form.state.data or "",
        officer_id=officer_id,
        overdue=bool(form.overdue.data),
        after=page_cursor(request.args.get("after")),
    )
    # Only the parameters this page declares go back into its links: any other key (``endpoint``,
    # ``_external``, ``_scheme``) would be an argument of url_for itself (a 500, or links made
    # absolute from the Host header).
    kept = {field.name: request.args[field.name] for field in form if request.args.get(field.name)}
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
    kept = MultiDict()
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
    if not form.validate():
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
        application = services.register_application(principal, data)
    except ProcedureError as error:
        db.session.rollback()
        refusal, status = _field_error(form, error), error.status
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
    run: Callable  # (principal, application, form, target) -> None
    defaults: Callable | None = None  # (application, target, today) -> dict


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


ACTION_PAGES: dict[str, ActionPage] = {
    "assign": ActionPage(
        forms.AssignForm, lambda p, a, f, t: services.assign(p, a, f.case_officer.data)
    ),
    "reassign": ActionPage(
        forms.AssignForm, lambda p, a, f, t: services.assign(p, a, f.case_officer.data)
    ),
    "add_relevant_state": ActionPage(
        forms.RelevantStateForm,
        lambda p, a, f, t: services.add_relevant_state(
            p, a, f.country.data, f.links.data, f.person_id.data
        ),
    ),
    "record_finding": ActionPage(
        forms.FindingForm,
        lambda p, a, f, t: services.record_finding(
            p, _relevant_state(a, t), f.finding.data, f.reasoning.data.strip()
        ),
        _finding_defaults,
    ),
    "record_evidence": ActionPage(
        forms.EvidenceForm,
        lambda p, a, f, t: _record_evidence(p, a, f),
        _today_default("received_on"),
    ),
    "send_inquiry": ActionPage(
        forms.InquiryForm,
        lambda p, a, f, t: services.send_inquiry(
            p,
            a,
            f.country.data,
            f.authority.data.strip(),
            f.sent_on.data,
            f.consent_on.data,
            f.person_id.data,
        ),
        _today_default("sent_on"),
    ),
    "record_inquiry_response": ActionPage(
        forms.InquiryResponseForm,
        lambda p, a, f, t: services.record_inquiry_response(
            p, _inquiry(a, t), f.received_on.data, f.outcome.data
        ),
        _today_default("received_on"),
    ),
    "record_interview": ActionPage(
        forms.InterviewForm,
        lambda p, a, f, t: services.record_interview(
            p,
            a,
            {
                "held_on": f.held_on.data,
                "interpreter_language": (f.interpreter_language.data or "").strip() or None,
                "legal_representative": (f.legal_representative.data or "").strip() or None,
                "summary": f.summary.data.strip(),
                "read_back": bool(f.read_back.data),
                "person_id": f.person_id.data,
            },
        ),
        _today_default("held_on"),
    ),
    "extend_decision_due": ActionPage(
        forms.ExtensionForm,
        lambda p, a, f, t: services.extend_decision_due(p, a, f.reasons.data.strip()),
    ),
    "recommend": ActionPage(
        forms.RecommendationForm, lambda p, a, f, t: services.recommend(p, a, f.outcome_data())
    ),
    "return_to_examination": ActionPage(
        forms.ReasonsForm,
        lambda p, a, f, t: services.return_to_examination(p, a, f.reasons.data.strip()),
    ),
    "decide": ActionPage(
        forms.DecisionForm,
        lambda p, a, f, t: services.decide(p, a, f.outcome_data()),
        _today_default("notified_on"),
    ),
    "lodge_appeal": ActionPage(
        forms.AppealForm,
        lambda p, a, f, t: services.lodge_appeal(
            p, a, f.grounds.data.strip(), f.lodged_on.data, f.person_id.data
        ),
        _today_default("lodged_on"),
    ),
    "decide_appeal": ActionPage(
        forms.AppealDecisionForm,
        lambda p, a, f, t: services.decide_appeal(
            p, a, f.outcome.data, f.reasons.data.strip(), f.person_id.data
        ),
    ),
    "withdraw": ActionPage(
        forms.ReasonsForm, lambda p, a, f, t: services.withdraw(p, a, f.reasons.data.strip())
    ),
    "close": ActionPage(
        forms.ReasonsForm, lambda p, a, f, t: services.close(p, a, f.reasons.data.strip())
    ),
    "refer": ActionPage(
        forms.ReferralForm,
        lambda p, a, f, t: services.refer(
            p, a, f.referral_target.data, f.reasons.data.strip(), f.person_id.data
        ),
    ),
    "record_referral_outcome": ActionPage(
        forms.ReferralOutcomeForm,
        lambda p, a, f, t: services.record_referral_outcome(
            p,
            a,
            _person_id(a, t),
            f.outcome.data,
            f.on.data,
            (f.reference.data or "").strip() or None,
        ),
        _today_default("on"),
    ),
    "propose_cessation": ActionPage(
        forms.ProceedingForm,
        lambda p, a, f, t: services.propose_proceeding(p, a, "cessation", _proceeding_data(f)),
        _today_default("notified_on"),
    ),
    "propose_cancellation": ActionPage(
        forms.ProceedingForm,
        lambda p, a, f, t: services.propose_proceeding(p, a, "cancellation", _proceeding_data(f)),
        _today_default("notified_on"),
    ),
    "record_proceeding_reply": ActionPage(
        forms.ProceedingReplyForm,
        lambda p, a, f, t: services.record_proceeding_reply(
            p,
            a,
            _open_proceeding_kind(a, t),
            {
                "person_id": _person_id(a, t),
                "received_on": f.received_on.data,
                "summary": f.summary.data.strip(),
            },
        ),
        _today_default("received_on"),
    ),
    "decide_proceeding": ActionPage(
        forms.ProceedingDecisionForm,
        lambda p, a, f, t: services.decide_proceeding(
            p,
            a,
            _open_proceeding_kind(a, t),
            {
                "person_id": _person_id(a, t),
                "outcome": f.outcome.data,
                "reasons": f.reasons.data.strip(),
                "notified_on": f.notified_on.data,
            },
        ),
        _today_default("notified_on"),
    ),
    "lodge_proceeding_appeal": ActionPage(
        forms.ProceedingAppealForm,
        lambda p, a, f, t: services.lodge_proceeding_appeal(
            p,
            a,
            _open_proceeding_kind(a, t),
            {
                "person_id": _person_id(a, t),
                "lodged_on": f.lodged_on.data,
                "grounds": f.grounds.data.strip(),
            },
        ),
        _today_default("lodged_on"),
    ),
    "decide_proceeding_appeal": ActionPage(
        forms.ProceedingAppealDecisionForm,
        lambda p, a, f, t: services.decide_proceeding_appeal(
            p,
            a,
            _open_proceeding_kind(a, t),
            {
                "person_id": _person_id(a, t),
                "outcome": f.outcome.data,
                "reasons": f.reasons.data.strip(),
            },
        ),
    ),
    "record_detention": ActionPage(
        forms.DetentionForm,
        lambda p, a, f, t: services.record_detention(
            p, a, f.person_id.data, f.place.data.strip(), f.since.data
        ),
    ),
    "record_guardian": ActionPage(
        forms.GuardianForm,
        lambda p, a, f, t: services.record_guardian(
            p, a, f.person_id.data, f.guardian.data.strip()
        ),
    ),
}
# Actions on one row of the page: a relevant State, an inquiry, or a person (their referral, their
# proceeding).
ROW_ACTIONS = {
    "record_finding",
    "record_inquiry_response",
    "record_referral_outcome",
    "record_proceeding_reply",
    "decide_proceeding",
    "lodge_proceeding_appeal",
    "decide_proceeding_appeal",
}
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
    content = upload.stream.read(limit + 1) if upload is not None and upload.filename else b""
    name = uploads.clean_name(upload.filename) if content else ""
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
    response = send_file(
        io.BytesIO(content),
        mimetype=row.content_type,
        as_attachment=True,
        download_name=row.original_name,
        max_age=0,
        etag=False,
        conditional=False,
    )
    # A file from outside is never run as a page of this site, whatever it contains.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


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
    from ..web import label  # as in procedure_message above

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
    form, refusal, status = None, None, 200
    try:
        if request.method == "POST" and _row_exists(name, application, row):
            # Built first, so that a refusal (someone acted a moment before) keeps what was typed.
            form = _build_form(name, application, today, row, formdata=request.form)
        if row is not None:
            # A row that is not there is not found, whoever asks (they may read the case).
            _check_row(name, application, row)
        _check_offered(name, application, principal, today, row)
        _check_row(name, application, row)
        if request.method == "GET":
            restored = restore_form()
            form = _build_form(name, application, today, row, formdata=restored or None)
        else:
            # "change": back from checking the answers, to the question with the answers in it.
            if "change" in request.form:
                pass
            elif form.validate():
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
                ACTION_PAGES[name].run(principal, application, form, row)
                flash(result_message(name, application, form, row), "success")
                return redirect(url_for(".case", application_id=application.id))
            else:
                status = 422
    except ProcedureError as error:
        db.session.rollback()
        if (
            form is None
        ):  # not this person's action, or not now: the procedure's reason, nothing to fill
            from ..error_words import refused_step_words

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
    ), status


def answers(form, application: Application) -> list[tuple[str, str, str]]:
    """The answers given, as (field id, question, answer in words), for the "check your answers"
    page."""
    # Could move to the top (no cycle needs it here): left for the package's owners.
    from ..web import fdate

    rows = []
    for field in form:
        if field.type in ("CSRFTokenField", "HiddenField") or field.data in (None, "", [], False):
            continue
        if field.type == "DateField" or hasattr(field.data, "isoformat"):
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
        proceeding = application.proceeding(person.id if person else application.applicant_id)
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
    from ..web import fdate, label

    who = person.full_name
    if name == "record_referral_outcome":
        determination = application.determination(person.id)
        return gettext(
            "Civil registry's answer for %(name)s recorded: %(status)s.",
            name=who,
            status=label("ReferralStatus", determination.referral_status),
        )
    proceeding = application.proceeding(person.id)
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
    # Partners' document checks of this case wait in the audit journal for up to a second:
    # chained first, so that the history shows every one (sdp.registry.audit).
    chain_now()
    events = (
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
    for row in db.session.execute(
        select(EvidenceFile)
        .where(EvidenceFile.application_id == application.id)
        .order_by(EvidenceFile.id)
    ).scalars():
        evidence_files.setdefault(row.evidence_id, []).append(row)
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
