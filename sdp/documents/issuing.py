"""Issuing a document as one question per page (GOV.UK "one thing per page", issue 13).

Which document, for whom, and, for a travel document, how long it is valid and for which
countries it is not: each its own page with a back link; then a page to check the answers,
because an issued document cannot be taken back (only revoked by a supervisor). The answers
travel in the address (document type, person id, months, country codes: nothing personal), so
the server keeps nothing between the pages and each page works without JavaScript.

A birth record has nothing to ask: its page is the check of what will be issued, for whom.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import IntegerField, RadioField, SelectField
from wtforms.validators import InputRequired, NumberRange

from .. import clock
from ..births.models import BirthRegistration
from ..cases.models import Application
from ..domain import procedure
from ..domain.policy import TRAVEL_DOCUMENT_MONTHS
from ..domain.procedure import ProcedureError
from ..domain.vocabulary import DocumentType, Role, label
from ..extensions import db
from ..forms import GuardedForm
from ..schemas import country_codes
from ..unit_of_work import savepoint
from ..web import country_choices, country_name, procedure_message
from ..web import label as web_label
from . import services

CASE_TYPES = [t for t in DocumentType if t != DocumentType.BIRTH_RECORD]
MAX_EXCEPTED = 3  # countries chosen by name; the API takes more
STEPS = ("document", "holder", "validity", "countries", "check")


@dataclass
class Answers:
    """What has been answered so far, read from the address (or the check page's hidden fields)."""

    type: str = ""
    person: int | None = None
    months: int | None = None
    excepted: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, values) -> "Answers":
        person = values.get("person", "")
        months = values.get("months", "")
        return cls(
            type=values.get("type", ""),
            person=int(person) if person.isdigit() and len(person) <= 18 else None,
            months=int(months) if months.isdigit() and len(months) <= 3 else None,
            excepted=[code for code in values.getlist("except") if code][:MAX_EXCEPTED],
        )

    def query(self) -> dict:
        answered = {
            "type": self.type,
            "person": self.person,
            "months": self.months,
            "except": self.excepted,
        }
        return {name: value for name, value in answered.items() if value not in ("", None, [])}

    @property
    def travel(self) -> bool:
        return self.type == DocumentType.TRAVEL_DOCUMENT


class DocumentTypeForm(GuardedForm):
    type = RadioField(
        _l("Which document do you want to issue?"),
        choices=[],
        validators=[InputRequired(_l("Choose the document to issue."))],
    )


class HolderForm(GuardedForm):
    person = RadioField(
        _l("Who is the document for?"),
        choices=[],
        coerce=int,
        validators=[InputRequired(_l("Choose the person the document is for."))],
    )


class ValidityForm(GuardedForm):
    months = IntegerField(
        _l("For how many months is the travel document valid?"),
        validators=[
            InputRequired(_l("Enter the number of months, from 3 to 24.")),
            NumberRange(*TRAVEL_DOCUMENT_MONTHS, _l("Enter the number of months, from 3 to 24.")),
        ],
    )


class CountriesForm(GuardedForm):
    except_1 = SelectField(_l("First country"), choices=[], validate_choice=False)
    except_2 = SelectField(_l("Second country"), choices=[], validate_choice=False)
    except_3 = SelectField(_l("Third country"), choices=[], validate_choice=False)


class Issuing:
    """One case's document questions, for the person asking."""

    def __init__(self, application: Application, principal):
        self.application = application
        self.principal = principal
        self.today = clock.today()
        self.facts = application.facts(self.today)

    def may_issue(self, document_type: str, person) -> bool:
        params = {"type": document_type, "person": self.application.person_facts(person)}
        return procedure.is_allowed(
            "issue_document",
            self.facts,
            self.principal.actor,
            procedure.Context(today=self.today, params=params),
        )

    def holders(self, document_type: str) -> list:
        return [
            person
            for person in self.application.persons()
            if document_type in [t.value for t in CASE_TYPES]
            and self.may_issue(document_type, person)
        ]

    def types(self) -> list[tuple[str, str]]:
        return [(t.value, _(label(t))) for t in CASE_TYPES if self.holders(t.value)]

    def steps_for(self, answers: Answers) -> list[str]:
        steps = ["document"]
        if len(self.holders(answers.type)) > 1:
            steps.append("holder")
        if answers.travel:
            steps += ["validity", "countries"]
        return [*steps, "check"]

    def holder(self, answers: Answers):
        """The person the answers name, if the document may be issued to them; the only one possible
        when there is no choice to make."""
        holders = self.holders(answers.type)
        if len(holders) == 1 and answers.person is None:
            return holders[0]
        return next((person for person in holders if person.id == answers.person), None)

    def first_unanswered(self, answers: Answers) -> str:
        """The first question whose answer is missing or no longer possible."""
        if answers.type not in dict(self.types()):
            return "document"
        if self.holder(answers) is None:
            return "holder"
        if answers.travel and not (
            answers.months
            and TRAVEL_DOCUMENT_MONTHS[0] <= answers.months <= TRAVEL_DOCUMENT_MONTHS[1]
        ):
            return "validity"
        if any(code not in country_codes() or code == "PE" for code in answers.excepted):
            return "countries"
        return "check"


def step_url(application: Application, step: str, answers: Answers, **extra) -> str:
    base = url_for("documents_web.issue_question", application_id=application.id, step=step)
    query = {**answers.query(), **extra}
    return f"{base}?{urlencode(query, doseq=True)}" if query else base


def _neighbours(issuing: Issuing, step: str, answers: Answers) -> tuple[str, str]:
    """(back, next) addresses of a question: in the order of the questions, or, when changing an
    answer from the check page, back to it."""
    steps = issuing.steps_for(answers)
    index = steps.index(step) if step in steps else 0
    case_url = url_for("cases_web.case", application_id=issuing.application.id)
    if request.args.get("change"):
        check = step_url(issuing.application, "check", answers)
        return check, check
    back = step_url(issuing.application, steps[index - 1], answers) if index else case_url
    return back, step_url(issuing.application, steps[min(index + 1, len(steps) - 1)], answers)


def _form_for(issuing: Issuing, step: str, answers: Answers, formdata):
    if step == "document":
        form = DocumentTypeForm(formdata=formdata, data={"type": answers.type or None})
        form.type.choices = issuing.types()
    elif step == "holder":
        form = HolderForm(formdata=formdata, data={"person": answers.person})
        form.person.choices = [
            (person.id, _person_label(issuing.application, person))
            for person in issuing.holders(answers.type)
        ]
    elif step == "validity":
        default = answers.months or current_app.config["POLICY"].travel_document_months
        form = ValidityForm(formdata=formdata, data={"months": default})
    else:
        chosen = [*answers.excepted, "", "", ""]
        form = CountriesForm(
            formdata=formdata,
            data={f"except_{n}": chosen[n - 1] for n in range(1, MAX_EXCEPTED + 1)},
        )
        names = [("", _("None")), *[c for c in country_choices(None) if c[0] != "PE"]]
        for n in range(1, MAX_EXCEPTED + 1):
            form[f"except_{n}"].choices = names
    return form


def _answered(step: str, form, answers: Answers) -> Answers:
    if step == "document":
        return Answers(type=form.type.data)  # another document: its other answers start again
    if step == "holder":
        return Answers(answers.type, form.person.data, answers.months, answers.excepted)
    if step == "validity":
        return Answers(answers.type, answers.person, form.months.data, answers.excepted)
    codes = [form[f"except_{n}"].data for n in range(1, MAX_EXCEPTED + 1)]
    return Answers(answers.type, answers.person, answers.months, sorted({c for c in codes if c}))


def _person_label(application: Application, person) -> str:
    relationship = application.relationship_of(person.id)
    words = _("applicant") if relationship == "applicant" else label_of(relationship)
    return f"{person.full_name} ({words})"


def label_of(relationship: str) -> str:

    return web_label("Relationship", relationship).lower()


def question(application: Application, principal, step: str):
    """One question's page (GET), or its answer (POST): on to the next question, or back with the
    error beside the field."""
    issuing = Issuing(application, principal)
    answers = Answers.read(request.args)
    if not issuing.types():
        abort(403)
    if step == "check":
        return check_page(issuing, answers)
    missing = issuing.first_unanswered(answers)
    if STEPS.index(missing) < STEPS.index(step) or step not in issuing.steps_for(answers):
        return redirect(step_url(application, missing, answers))
    form = _form_for(issuing, step, answers, request.form if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.validate() and not _country_error(step, form):
            answers = _answered(step, form, answers)
            _back, following = _neighbours(issuing, step, answers)
            if step == "document" and request.args.get("change"):
                following = step_url(application, issuing.first_unanswered(answers), answers)
            return redirect(following)
        status = 422
    back, _following = _neighbours(issuing, step, answers)
    return render_template(
        "documents/issue_question.html",
        application=application,
        step=step,
        form=form,
        back=back,
        answers=answers,
        type_label=dict(issuing.types()).get(answers.type, ""),
    ), status


def _country_error(step: str, form) -> bool:
    """A country not in the list (a forged form) is refused beside its field."""
    if step != "countries":
        return False
    wrong = False
    for n in range(1, MAX_EXCEPTED + 1):
        code = form[f"except_{n}"].data
        if code and (code not in country_codes() or code == "PE"):
            form[f"except_{n}"].errors = [_("Choose each country from the list.")]
            wrong = True
    return wrong


def check_page(issuing: Issuing, answers: Answers, refusal: str | None = None, status=200):
    application = issuing.application
    missing = issuing.first_unanswered(answers)
    if missing != "check":
        return redirect(step_url(application, missing, answers))
    holder = issuing.holder(answers)
    # (the step that changes the answer, or None where there is none; question; answer)
    rows: list[tuple[str | None, str, str]] = [
        ("document", _("Document"), dict(issuing.types())[answers.type])
    ]
    if "holder" in issuing.steps_for(answers):
        rows.append(("holder", _("Holder"), holder.full_name))
    else:
        rows.append((None, _("Holder"), holder.full_name))
    if answers.travel:
        rows.append(
            (
                "validity",
                _("Valid for"),
                _("%(months)d months", months=answers.months),
            )
        )
        rows.append(
            (
                "countries",
                _("Valid for all countries except"),
                ", ".join(country_name(code) for code in answers.excepted) or _("None"),
            )
        )
    steps = issuing.steps_for(answers)
    return render_template(
        "documents/issue_check.html",
        application=application,
        rows=[
            (
                step,
                question_label,
                answer,
                step_url(application, step, answers, change=1) if step else None,
            )
            for step, question_label, answer in rows
        ],
        answers=answers,
        holder=holder,
        back=step_url(application, steps[-2], answers),
        refusal=refusal,
    ), status


def issue(application: Application, principal):
    """The check page's confirmation: the document issued, the case page saying to whom."""
    issuing = Issuing(application, principal)
    answers = Answers.read(request.form)
    if request.form.get("confirm") != "yes":
        return check_page(issuing, answers)
    if any(code not in country_codes() for code in answers.excepted):
        flash(_("Choose each country from the list."), "error")
        return redirect(step_url(application, "countries", answers))
    person = issuing.holder(answers)
    try:
        with savepoint():
            document = services.issue_document(
                principal,
                application,
                answers.type,
                person_id=person.id if person else answers.person,
                valid_months=answers.months if answers.travel else None,
                valid_except=answers.excepted if answers.travel else [],
            )
    except ProcedureError as error:
        flash(procedure_message(error), "error")
        return redirect(step_url(application, "document", Answers()))
    flash(
        _(
            "%(document)s %(serial)s issued to %(name)s.",
            document=_(label(DocumentType(document.type))),
            serial=document.serial,
            name=f"{document.holder_given_names} {document.holder_family_names}",
        ),
        "success",
    )
    return redirect(url_for("cases_web.case", application_id=application.id) + "#documents")


# --- Birth records --------------------------------------------------------------------------


def birth_for(registration_number: str) -> BirthRegistration:
    birth = db.session.execute(
        select(BirthRegistration).where(
            BirthRegistration.registration_number == registration_number
        )
    ).scalar_one_or_none()
    if birth is None:
        abort(404)
    return birth


def birth_record_check(birth: BirthRegistration, principal):
    if not principal.has_role(Role.REGISTRAR, Role.SUPERVISOR):
        abort(403)
    return render_template("documents/issue_birth_record.html", birth=birth)
