"""What every web form shares: the one rule on stored text (``sdp.domain.text``), on every text
field of every form, without each field having to remember it.

Forms derive from ``GuardedForm`` (a page's form, with its CSRF token) or ``GuardedSubForm`` (a
part of one, inside a ``FormField``). WTForms combines the ``Meta`` classes of a form's bases,
so the guard's ``bind_field`` runs for every field, including those of forms added later.

``DateInputField`` is every date a person types on a page: three inputs, day, month and year
(GOV.UK "date input"), rendered by the ``date`` macro of ``templates/macros/forms.html``.
"""

from datetime import date

from flask import current_app, render_template
from flask_babel import format_date, gettext, lazy_gettext
from flask_wtf import FlaskForm
from wtforms import Field, FieldList, Form, FormField, StringField
from wtforms.utils import unset_value
from wtforms.validators import StopValidation, ValidationError

from . import clock
from .domain.dates import DATE_PARTS, PartsFault, earliest_birth, parse_date_parts
from .domain.text import LONE_SURROGATE, NUL, text_fault


def storable_text(form, field) -> None:
    """A text the database can store: no NUL character, no lone surrogate."""
    fault = text_fault(field.data) if isinstance(field.data, str) else None
    if fault == NUL:
        raise ValidationError(
            gettext("This text contains a NUL character, which cannot be stored. Remove it.")
        )
    if fault == LONE_SURROGATE:
        raise ValidationError(
            gettext("This text contains a character that cannot be stored. Remove it.")
        )


class TextGuardMeta:
    def bind_field(self, form, unbound_field, options):
        field = super().bind_field(form, unbound_field, options)
        # TextAreaField, HiddenField, EmailField, PasswordField... are all StringFields. A new list
        # per bound field: the class's list of validators is shared by every instance.
        if isinstance(field, StringField):
            field.validators = [*field.validators, storable_text]
        return field


class GuardedForm(FlaskForm):
    class Meta(TextGuardMeta):
        pass


class GuardedSubForm(Form):
    class Meta(TextGuardMeta):
        pass


def field_at(form, path: str):
    """The field an API-style dotted path names on a form (``applicant.date_of_birth``,
    ``dependants.0.date_of_birth``), or None: services name fields as the API does, and the page
    shows their errors beside the same field."""
    current = form
    for part in path.split("."):
        if isinstance(current, FormField):
            current = current.form
        if isinstance(current, FieldList):
            if not part.isdigit() or int(part) >= len(current.entries):
                return None
            current = current.entries[int(part)]
            continue
        current = getattr(current, part, None)
        if current is None:
            return None
    return (
        current
        if hasattr(current, "errors") and not isinstance(current, (FormField, FieldList))
        else None
    )


# --- Dates: day, month and year --------------------------------------------------------------


def _missing_message(subject, missing: tuple[str, ...]) -> str:
    messages = {
        ("day",): lazy_gettext("%(subject)s must include a day"),
        ("month",): lazy_gettext("%(subject)s must include a month"),
        ("year",): lazy_gettext("%(subject)s must include a year"),
        ("day", "month"): lazy_gettext("%(subject)s must include a day and month"),
        ("day", "year"): lazy_gettext("%(subject)s must include a day and year"),
        ("month", "year"): lazy_gettext("%(subject)s must include a month and year"),
    }
    return str(messages[missing]) % {"subject": subject}


def earliest_date_of_birth(form) -> date:
    return earliest_birth(clock.today())


def pilot_start(form) -> date:
    return current_app.config["POLICY"].pilot_start


class DateInputField(Field):
    """A date typed as three parts, ``<name>-day``, ``<name>-month``, ``<name>-year``.

    ``data`` is a ``date`` (or None); ``parts`` keeps what was typed, so that a page with an error
    comes back as it was filled in; ``wrong_parts`` names the inputs to highlight (every part when
    the whole date is wrong, such as a date in the future or an error from a service), and
    ``error_id`` the input the error summary links to, the first wrong one.

    ``subject`` names the date in a sentence ("The date of birth"); ``optional`` lets it be left
    empty (or a function of the form: empty allowed unless an earlier answer asks for the date);
    ``past`` (the default) refuses a date after today; ``earliest`` is a function of the form
    giving the first date allowed (``earliest_date_of_birth``, ``pilot_start``): the bounds
    of ``sdp.domain.dates``, which the services check again. ``birth`` asks browsers to offer a
    date of birth (``autocomplete="bday-*"``). A value posted under the bare name in ISO form
    (``2026-03-27``: a bookmarked statistics link) is read too.
    """

    def __init__(
        self,
        label=None,
        validators=None,
        *,
        subject=None,
        required_message=None,
        optional=False,
        past=True,
        earliest=None,
        birth=False,
        **kwargs,
    ):
        super().__init__(label, validators, **kwargs)
        self.subject = subject or label
        self.required_message = required_message
        self.optional = optional
        self.past = past
        self.earliest = earliest
        self.birth = birth
        self.parts = dict.fromkeys(DATE_PARTS, "")
        self.wrong_parts: tuple[str, ...] = ()
        self._fault = None

    @property
    def part_ids(self) -> dict[str, str]:
        return {part: f"{self.id}-{part}" for part in DATE_PARTS}

    @property
    def error_id(self) -> str:
        """The input an error links to: the first wrong part, else the day."""
        first = next((part for part in DATE_PARTS if part in self.wrong_parts), "day")
        return self.part_ids[first]

    def highlighted(self, part: str) -> bool:
        return bool(self.errors) and (part in self.wrong_parts or not self.wrong_parts)

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.process_errors = []
        if data is unset_value:
            try:
                data = self.default()
            except TypeError:
                data = self.default
        self.object_data = data
        self.data = data if isinstance(data, date) else None
        if self.data is not None:
            self.parts = {
                "day": str(self.data.day),
                "month": str(self.data.month),
                "year": str(self.data.year),
            }
        if formdata is None:
            return
        names = [f"{self.name}-{part}" for part in DATE_PARTS]
        if any(name in formdata for name in names):
            self.raw_data = [formdata.get(name, "") for name in names]
            self.parts = dict(zip(DATE_PARTS, self.raw_data, strict=True))
        elif formdata.get(self.name):
            self.raw_data = [formdata.get(self.name)]
            try:
                iso = date.fromisoformat(self.raw_data[0].strip())
            except ValueError:
                iso = None
            self.parts = (
                {"day": str(iso.day), "month": str(iso.month), "year": str(iso.year)}
                if iso
                else dict.fromkeys(DATE_PARTS, "")
            )
            self.data, self._fault = iso, None if iso else PartsFault.NOT_REAL
            self.wrong_parts = () if iso else DATE_PARTS
            return
        else:
            self.raw_data = []
            self.parts = dict.fromkeys(DATE_PARTS, "")
        self.data, self._fault, self.wrong_parts = parse_date_parts(
            self.parts["day"], self.parts["month"], self.parts["year"]
        )

    def _refuse(self, message, wrong=DATE_PARTS):
        self.wrong_parts = wrong
        raise StopValidation(str(message))

    def pre_validate(self, form):
        subject = self.subject
        if self._fault == PartsFault.EMPTY or (self.data is None and self._fault is None):
            if self.optional(form) if callable(self.optional) else self.optional:
                self.errors = []
                raise StopValidation()
            self._refuse(
                self.required_message or gettext("Enter %(subject)s", subject=str(subject).lower())
            )
        if self._fault == PartsFault.MISSING:
            self._refuse(_missing_message(subject, self.wrong_parts), self.wrong_parts)
        if self._fault == PartsFault.YEAR_DIGITS:
            self._refuse(gettext("The year must include 4 numbers"), ("year",))
        if self._fault in (PartsFault.NOT_A_NUMBER, PartsFault.NOT_REAL):
            self._refuse(
                gettext("%(subject)s must be a real date", subject=subject), self.wrong_parts
            )
        today = clock.today()
        if self.past and self.data > today:
            self._refuse(gettext("%(subject)s must be today or in the past", subject=subject))
        first = self.earliest(form) if self.earliest else None
        if first is not None and self.data < first:
            self._refuse(
                gettext(
                    "%(subject)s must be on or after %(date)s",
                    subject=subject,
                    date=format_date(first, "long"),
                )
            )

    def _value(self) -> str:
        return self.data.isoformat() if self.data else ""


# --- Conditional questions: asked only when an earlier answer makes them apply ----------------

# The names of the follow-up questions already asked, posted back by their page.
ASKED = "_asked"


class FollowUp:
    """A question that applies only after an answer (``applies(form)``): the authority of an ex
    officio case, the ground of an exclusion, a person's asylum country. Its page's form leaves it
    out (carrying its value hidden); once the first page is answered, the question gets its own
    page, with a back link (GOV.UK's conditional reveal, without JavaScript). What does not apply
    is never stored: the form's ``*_data`` methods drop it.

    ``question(form)``, when given, is the page's heading, which names whom it asks about ("Which
    country did María Pérez seek asylum from?"): the same question of two people must not look
    alike. Else the heading is the field's label."""

    def __init__(self, path: str, applies, question=None):
        self.path = path  # the field, as ``field_at`` names it
        self.applies = applies
        self.question = question

    def within(self, prefix: str, part) -> "FollowUp":
        """The same question of a part of a form (``part``, the form of a ``FormField``: a person
        of the intake, a parent of a birth), named from the whole form (``prefix``: ``applicant``,
        ``dependants.0``): whether it applies, and its heading, read from that part."""
        question = self.question
        return FollowUp(
            f"{prefix}.{self.path}",
            lambda form: self.applies(part),
            (lambda form: question(part)) if question else None,
        )


def follow_ups_of(prefix: str, part) -> list[FollowUp]:
    """The follow-up questions of a sub-form (its ``follow_ups``), named from the whole form."""
    return [question.within(prefix, part) for question in getattr(part, "follow_ups", ())]


def follow_up_heading(form, field) -> str:
    """The heading of ``field``'s own page: its question, naming the person, or its label."""
    for question in getattr(form, "follow_ups", ()):
        if question.question is not None and field_at(form, question.path) is field:
            return str(question.question(form))
    return str(field.label.text)


def follow_up_page(
    form, question: Field, caption: str, status: int | None = None, submit_name: str | None = None
):
    """The page of a question that follows an answer (``follow_up``): ``templates/follow_up.html``
    with the question as its heading, naming the person it asks about, and ``caption`` above it
    (the form's purpose); 422 when the question has an error, unless ``status`` says."""
    page = render_template(
        "follow_up.html",
        form=form,
        field=question,
        heading=follow_up_heading(form, question),
        caption=caption,
        submit_name=submit_name,
    )
    return page, status or (422 if question.errors else 200)


def follow_up_in_error(form) -> Field | None:
    """The first follow-up question that applies and has an error (one a service put beside it
    after the pages were answered), or None: shown on its own page, where the field is."""
    for question in getattr(form, "follow_ups", ()):
        field = field_at(form, question.path)
        if field is not None and field.errors and question.applies(form):
            return field
    return None


def _fields_with_errors(form) -> list:
    found = []
    for field in form:
        if isinstance(field, FieldList):
            for entry in field.entries:
                found += _fields_with_errors(entry.form) if isinstance(entry, FormField) else []
        elif isinstance(field, FormField):
            found += _fields_with_errors(field.form)
        elif field.errors:
            found.append(field)
    return found


def follow_up(form, posted) -> Field | None:
    """The follow-up question to show on its own page now, or None (then the form's page).

    Call after ``form.validate()``. A follow-up that does not apply, or is not asked yet, has no
    error of its own (cleared here). When anything else is wrong, None: the first page shows it
    (the follow-ups' errors cleared too, as they are not on that page). Else the first follow-up
    that applies and was neither asked nor answered yet, or is wrong."""
    asked = set(posted.getlist(ASKED)) if posted is not None else set()
    applying = []
    for question in getattr(form, "follow_ups", ()):
        field = field_at(form, question.path)
        if field is None:
            continue
        # Answered already (a page where JavaScript revealed it, or before going back): checked
        # as asked; not answered nor asked yet: no error, it gets its page.
        if field.data not in (None, "", []):
            asked.add(field.name)
        if not question.applies(form) or field.name not in asked:
            field.errors = []
        if question.applies(form):
            applying.append(field)
    if any(field not in applying for field in _fields_with_errors(form)):
        for field in applying:
            field.errors = []
        return None
    return next((field for field in applying if field.name not in asked or field.errors), None)


def clear_errors(form) -> None:
    """No error shown: a page shown again as it was (back from a follow-up question)."""
    for field in _fields_with_errors(form):
        field.errors = []
    form.form_errors = []
