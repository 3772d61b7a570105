"""The case-work forms (WTForms): what the pages parse before calling ``services``.

They check the shape of what was typed (required, lengths, codes, dates not in the
future); the procedure's rules stay in ``sdp.domain`` and are enforced by the services.
"""

from flask import current_app
from flask_babel import gettext, lazy_gettext
from wtforms import (
    BooleanField,
    FieldList,
    FileField,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..domain.vocabulary import (
    AsylumStatus,
    DecisionOutcome,
    PersonOutcome,
    ProceedingKind,
    ProceedingStatus,
    ReferralStatus,
    Vulnerability,
    label,
)
from ..forms import (
    DateInputField,
    FollowUp,
    GuardedForm,
    GuardedSubForm,
    earliest_date_of_birth,
    follow_ups_of,
    pilot_start,
)
from ..web import choices, country_choices, language_choices

MAX_DEPENDANTS = 30
DETAINED, NOT_DETAINED = "yes", "no"


def required(message):
    return DataRequired(message=message)


def _claims_asylum(status_field) -> bool:
    return status_field is not None and status_field.data in (
        AsylumStatus.ASYLUM_SEEKER,
        AsylumStatus.REFUGEE,
    )


class LanguageField(SelectField):
    """A language chosen by its name in the user's language; the BCP 47 code is what is stored."""

    def __init__(self, label=None, **kwargs):
        super().__init__(
            label,
            choices=lambda: language_choices(gettext("Choose a language")),
            default="",
            invalid_choice_message=lazy_gettext("Choose a language from the list."),
            **kwargs,
        )


def not_blank(form, field):
    if field.data is not None and not str(field.data).strip():
        raise ValidationError(gettext("This field may not be blank."))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def Reasons(label=None, message=None):  # noqa: N802 - a field factory
    return TextAreaField(
        label or lazy_gettext("Reasons"),
        validators=[
            required(message or lazy_gettext("Enter the reasons.")),
            not_blank,
            Length(max=20000),
        ],
    )


def Day(label, subject, message=None, optional=False, earliest=None):  # noqa: N802
    """A date of the case, typed as day, month and year; never after today."""
    return DateInputField(
        label, subject=subject, required_message=message, optional=optional, earliest=earliest
    )


# --- Intake ---------------------------------------------------------------------------------


class PersonFields(GuardedSubForm):
    given_names = StringField(
        lazy_gettext("Given names"),
        validators=[required(lazy_gettext("Enter the given names.")), not_blank, Length(max=200)],
    )
    family_names = StringField(
        lazy_gettext("Family names"),
        validators=[required(lazy_gettext("Enter the family names.")), not_blank, Length(max=200)],
    )
    sex = RadioField(
        lazy_gettext("Sex"), validators=[InputRequired(lazy_gettext("Choose the sex."))]
    )
    date_of_birth = DateInputField(
        lazy_gettext("Date of birth"),
        subject=lazy_gettext("The date of birth"),
        required_message=lazy_gettext("Enter the date of birth."),
        earliest=earliest_date_of_birth,
        birth=True,
    )
    birth_country = SelectField(
        lazy_gettext("Country of birth"),
        validators=[required(lazy_gettext("Choose the country of birth."))],
    )
    birth_locality = StringField(
        lazy_gettext("Place of birth (town or city)"), validators=[Optional(), Length(max=200)]
    )
    # Chosen by name (codes kept behind); "Choose a language from the list." for anything else.
    languages = MultiCheckboxField(
        lazy_gettext("Languages"),
        validators=[Optional()],
        choices=lambda: language_choices(None),
        invalid_choice_message=lazy_gettext("Choose a language from the list."),
        description=lazy_gettext("The languages the person understands."),
    )
    asylum_status = RadioField(
        lazy_gettext("Asylum status"),
        default=AsylumStatus.NONE.value,
        validators=[InputRequired(lazy_gettext("Choose the asylum status."))],
    )
    asylum_country = SelectField(
        lazy_gettext("Country of the asylum claim"),
        default="",
        description=lazy_gettext(
            "The State the person fears persecution from: it will never be contacted."
        ),
    )
    vulnerabilities = MultiCheckboxField(
        lazy_gettext("Vulnerabilities (the case is prioritised)"), validators=[Optional()]
    )
    guardian = StringField(
        lazy_gettext("Guardian or representative (unaccompanied child)"),
        validators=[Optional(), Length(max=200)],
        description=lazy_gettext(
            "Leave empty if none is appointed yet: one must be recorded before the interview."
        ),
    )
    # Asked of everyone ("No" chosen, as the asylum status is "None"); where and since when only
    # of a person detained, each on its own page.
    detained = RadioField(
        lazy_gettext("Is this person detained?"),
        # Not posted (a client other than the page, whose radios always post one): not detained.
        default=NOT_DETAINED,
    )
    detention_place = StringField(
        # No Optional(): it would stop the check that a detained person's place is given.
        lazy_gettext("Place of detention"),
        validators=[Length(max=200)],
    )
    detention_since = Day(
        lazy_gettext("Detained since"),
        lazy_gettext("The date the detention started"),
        lazy_gettext("Enter the date the detention started."),
        optional=lambda person: not person.is_detained,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sex.choices = choices("Sex")
        self.asylum_status.choices = choices("AsylumStatus")
        self.birth_country.choices = country_choices(gettext("Choose a country"))
        self.asylum_country.choices = country_choices(gettext("Choose a country"))
        self.vulnerabilities.choices = choices("Vulnerability")
        self.detained.choices = [(DETAINED, gettext("Yes")), (NOT_DETAINED, gettext("No"))]

    @property
    def person_name(self) -> str:
        """The person's name as typed, for the questions asked about them."""
        return " ".join(
            part
            for part in (
                (self.given_names.data or "").strip(),
                (self.family_names.data or "").strip(),
            )
            if part
        )

    @property
    def claims_asylum(self) -> bool:
        return _claims_asylum(self.asylum_status)

    @property
    def is_detained(self) -> bool:
        return self.detained.data == DETAINED

    @property
    def unaccompanied_child(self) -> bool:
        return Vulnerability.UNACCOMPANIED_CHILD in (self.vulnerabilities.data or [])

    # Each on its own page, only when it applies (sdp.forms.follow_up), naming the person.
    follow_ups = (
        FollowUp(
            "asylum_country",
            lambda person: person.claims_asylum,
            lambda person: gettext(
                "Which country did %(name)s seek asylum from?", name=person.person_name
            ),
        ),
        FollowUp(
            "guardian",
            lambda person: person.unaccompanied_child,
            lambda person: gettext(
                "Who is the guardian or representative of %(name)s?", name=person.person_name
            ),
        ),
        FollowUp(
            "detention_place",
            lambda person: person.is_detained,
            lambda person: gettext("Where is %(name)s detained?", name=person.person_name),
        ),
        FollowUp(
            "detention_since",
            lambda person: person.is_detained,
            lambda person: gettext(
                "Since when has %(name)s been detained?", name=person.person_name
            ),
        ),
    )

    def validate_detention_place(self, field):
        if self.is_detained and not (field.data or "").strip():
            raise ValidationError(gettext("Enter the place of detention."))

    def validate_asylum_country(self, field):
        if self.claims_asylum and not field.data:
            raise ValidationError(gettext("Choose the country of the asylum claim."))

    def person_data(self) -> dict:
        status = self.asylum_status.data or AsylumStatus.NONE.value
        # What does not apply is not stored: a claim's country of a person who claims no asylum,
        # a guardian of a person who is no unaccompanied child, a detention of a person free.
        return {
            "given_names": self.given_names.data.strip(),
            "family_names": self.family_names.data.strip(),
            "sex": self.sex.data,
            "date_of_birth": self.date_of_birth.data,
            "place_of_birth": {
                "country": self.birth_country.data,
                "locality": (self.birth_locality.data or "").strip() or None,
            },
            "languages": list(self.languages.data or []),
            "asylum": {
                "status": status,
                "country": self.asylum_country.data if self.claims_asylum else None,
            },
            "vulnerabilities": list(self.vulnerabilities.data or []),
            "guardian": (self.guardian.data or "").strip() or None
            if self.unaccompanied_child
            else None,
            "detention": (
                {"place": self.detention_place.data.strip(), "since": self.detention_since.data}
                if self.is_detained
                else None
            ),
        }


class DependantFields(PersonFields):
    relationship = SelectField(
        lazy_gettext("Relationship to the applicant"),
        validators=[required(lazy_gettext("Choose the relationship."))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.relationship.choices = choices("Relationship", blank=gettext("Choose"))


class IntakeForm(GuardedForm):
    route = RadioField(
        lazy_gettext("Route"),
        default="application",
        validators=[InputRequired(lazy_gettext("Choose how the case started."))],
    )
    referring_authority = StringField(
        lazy_gettext("Referring authority (ex officio cases)"), validators=[Length(max=120)]
    )
    registered_on = Day(
        lazy_gettext("Date of registration"),
        lazy_gettext("The date of registration"),
        optional=True,
        earliest=pilot_start,
    )
    applicant = FormField(PersonFields, label=lazy_gettext("Applicant"))
    dependants = FieldList(
        FormField(DependantFields),
        label=lazy_gettext("Dependant"),
        min_entries=0,
        max_entries=MAX_DEPENDANTS,
    )
    duplicates_dismissed = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.route.choices = choices("Route")
        self.registered_on.description = gettext("Leave empty for today.")

    @property
    def follow_ups(self) -> list[FollowUp]:
        """Asked on its own page when it applies (sdp.forms.follow_up): the authority of an ex
        officio case, then each person's questions, the applicant's first."""
        return [
            FollowUp("referring_authority", lambda form: form.route.data == "ex_officio"),
            *follow_ups_of("applicant", self.applicant.form),
            *(
                question
                for index, entry in enumerate(self.dependants.entries)
                for question in follow_ups_of(f"dependants.{index}", entry.form)
            ),
        ]

    def validate_referring_authority(self, field):
        if self.route.data == "ex_officio" and not (field.data or "").strip():
            raise ValidationError(gettext("Name the authority that started the case."))

    def application_data(self) -> dict:
        return {
            "route": self.route.data,
            # Only an ex officio case names the authority that started it.
            "referring_authority": (self.referring_authority.data or "").strip() or None
            if self.route.data == "ex_officio"
            else None,
            "registered_on": self.registered_on.data,
            "applicant": self.applicant.form.person_data(),
            "dependants": [
                {**entry.form.person_data(), "relationship": entry.form.relationship.data}
                for entry in self.dependants
            ],
        }


# --- Case page actions ------------------------------------------------------------------------


class ActionForm(GuardedForm):
    """Every action form names its action; row actions name their row (``target``)."""

    action = HiddenField()
    target = HiddenField()


def _person_id(value):
    return int(value) if value not in (None, "") else None


def PersonConcerned():  # noqa: N802 - a field factory, named like the fields it makes
    """Each person is examined on their own: the form names whom the act concerns, by name
    (choices set by the case page from the persons of the case; the applicant unless another is
    chosen). The service refuses a person of another case (422 beside this field)."""
    return SelectField(
        lazy_gettext("Person concerned"),
        coerce=_person_id,
        validate_choice=False,
        validators=[Optional()],
    )


class AssignForm(ActionForm):
    case_officer = SelectField(
        lazy_gettext("Case officer"), validators=[required(lazy_gettext("Choose a case officer."))]
    )


class RelevantStateForm(ActionForm):
    person_id = PersonConcerned()
    country = SelectField(
        lazy_gettext("State"), validators=[required(lazy_gettext("Choose the State."))]
    )
    links = MultiCheckboxField(
        lazy_gettext("Links with this State"),
        validators=[required(lazy_gettext("Choose at least one link."))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices(gettext("Choose a country"))
        self.links.choices = choices("Link")


class FindingForm(ActionForm):
    finding = RadioField(
        lazy_gettext("Finding"), validators=[InputRequired(lazy_gettext("Choose a finding."))]
    )
    reasoning = Reasons(
        lazy_gettext("Reasoning (law and practice of this State)"),
        lazy_gettext("Enter the reasoning."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.finding.choices = choices("Finding")


class EvidenceForm(ActionForm):
    person_id = PersonConcerned()
    kind = RadioField(
        lazy_gettext("Kind of evidence"),
        validators=[InputRequired(lazy_gettext("Choose the kind of evidence."))],
    )
    description = TextAreaField(
        lazy_gettext("Description"),
        validators=[required(lazy_gettext("Describe the evidence.")), not_blank, Length(max=20000)],
    )
    received_on = Day(lazy_gettext("Received on"), lazy_gettext("The date received"))
    country = SelectField(lazy_gettext("State it concerns"), validators=[Optional()])
    # Checked by the upload service (type by content, size), which says what is wrong beside it.
    file = FileField(lazy_gettext("A copy of the evidence (optional)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices("EvidenceKind")
        self.file.description = gettext(
            "A PDF, JPEG or PNG file of up to %(megabytes)d MB.",
            megabytes=current_app.config["UPLOAD_MAX_BYTES"] // (1024 * 1024),
        )
        self.country.choices = country_choices(gettext("None in particular"))


class InquiryForm(ActionForm):
    person_id = PersonConcerned()
    country = SelectField(
        lazy_gettext("State"), validators=[required(lazy_gettext("Choose the State."))]
    )
    authority = StringField(
        lazy_gettext("Authority"),
        validators=[required(lazy_gettext("Name the authority.")), not_blank, Length(max=200)],
    )
    consent_on = Day(
        lazy_gettext("The person concerned consented on"), lazy_gettext("The date of consent")
    )
    sent_on = Day(lazy_gettext("Sent on"), lazy_gettext("The date sent"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices(gettext("Choose a country"))


class InquiryResponseForm(ActionForm):
    received_on = Day(lazy_gettext("Received on"), lazy_gettext("The date received"))
    outcome = RadioField(
        lazy_gettext("Outcome"), validators=[InputRequired(lazy_gettext("Choose the outcome."))]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.choices = choices("InquiryOutcome")


class InterviewForm(ActionForm):
    person_id = PersonConcerned()
    held_on = Day(lazy_gettext("Held on"), lazy_gettext("The date of the interview"))
    interpreter_language = LanguageField(
        lazy_gettext("Interpreter's language"),
        description=lazy_gettext("Leave blank if no interpreter was needed."),
    )
    legal_representative = StringField(
        lazy_gettext("Legal representative"), validators=[Optional(), Length(max=200)]
    )
    summary = TextAreaField(
        lazy_gettext("Summary"),
        validators=[
            required(lazy_gettext("Enter the summary of the interview.")),
            not_blank,
            Length(max=20000),
        ],
    )
    read_back = BooleanField(
        lazy_gettext("The record was read back to the applicant"), default=True
    )


class ExtensionForm(ActionForm):
    reasons = Reasons()


class RecommendationForm(ActionForm):
    outcome = RadioField(
        lazy_gettext("Outcome"), validators=[InputRequired(lazy_gettext("Choose the outcome."))]
    )
    exclusion_ground = SelectField(
        lazy_gettext("Exclusion ground (only for an exclusion)"), default=""
    )
    reasons = Reasons()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.choices = [
            (value, label)
            for value, label in (
                (DecisionOutcome.RECOGNIZED.value, gettext("Recognized as stateless")),
                (DecisionOutcome.REJECTED.value, gettext("Rejected")),
                (DecisionOutcome.EXCLUDED.value, gettext("Excluded (Art. 1(2))")),
            )
        ]
        self.exclusion_ground.choices = choices("ExclusionGround", blank=gettext("Choose"))

    # The ground is asked, on its own page, only of an exclusion.
    follow_ups = (
        FollowUp("exclusion_ground", lambda form: form.outcome.data == DecisionOutcome.EXCLUDED),
    )

    def validate_exclusion_ground(self, field):
        if self.outcome.data == DecisionOutcome.EXCLUDED and not field.data:
            raise ValidationError(gettext("An exclusion names its ground of Art. 1(2)."))

    def outcome_data(self) -> dict:
        excluded = self.outcome.data == DecisionOutcome.EXCLUDED
        return {
            "outcome": self.outcome.data,
            "reasons": self.reasons.data.strip(),
            # A ground left chosen after the outcome was changed means nothing: not stored.
            "exclusion_ground": (self.exclusion_ground.data or None) if excluded else None,
        }


PERSON_OUTCOME_PREFIX = "outcome_of_"


class DecisionForm(RecommendationForm):
    """The applicant's outcome, and one per other person still in the procedure
    (``decision_form_for`` adds those fields: each person decided on their own)."""

    notified_on = Day(lazy_gettext("Notified on"), lazy_gettext("The date of notification"))
    notification_language = LanguageField(
        lazy_gettext("Language of the notification"),
        description=lazy_gettext("A language the applicant understands."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.choices = [
            *self.outcome.choices,
            (
                PersonOutcome.FAMILY_UNITY.value,
                gettext(
                    "Family unity (holds a nationality; residence with a recognised family member)"
                ),
            ),
        ]
        for field in self.person_outcome_fields():
            field.choices = self.outcome.choices

    def person_outcome_fields(self) -> list:
        return [
            field for name, field in self._fields.items() if name.startswith(PERSON_OUTCOME_PREFIX)
        ]

    def outcome_data(self) -> dict:
        return {
            **super().outcome_data(),
            "notified_on": self.notified_on.data,
            "notification_language": (self.notification_language.data or "").strip() or None,
            "persons": [
                {
                    "person_id": int(field.short_name.removeprefix(PERSON_OUTCOME_PREFIX)),
                    "outcome": field.data,
                }
                for field in self.person_outcome_fields()
            ],
        }


def decision_form_for(persons) -> type[DecisionForm]:
    """A decision form naming an outcome for each of ``persons`` (the dependants awaiting one)."""
    fields = {
        f"{PERSON_OUTCOME_PREFIX}{person.id}": RadioField(
            lazy_gettext("Outcome for %(name)s", name=person.full_name),
            validators=[
                InputRequired(
                    lazy_gettext("Choose the outcome for %(name)s.", name=person.full_name)
                )
            ],
        )
        for person in persons
    }
    return type("PersonsDecisionForm", (DecisionForm,), fields)


class ReferralOutcomeForm(ActionForm):
    outcome = RadioField(
        lazy_gettext("The civil registry's answer"),
        validators=[InputRequired(lazy_gettext("Choose the civil registry's answer."))],
    )
    on = Day(lazy_gettext("Answered on"), lazy_gettext("The date of the answer"))
    reference = StringField(
        lazy_gettext("The civil registry's reference (for example the CUI)"),
        validators=[Optional(), Length(max=64)],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.choices = [
            (status.value, gettext(label(status)))
            for status in (ReferralStatus.CONFIRMED_PERUVIAN, ReferralStatus.REFUSED)
        ]


class ProceedingForm(ActionForm):
    """A proposal of cessation or cancellation, notified to the person with reasons."""

    person_id = PersonConcerned()
    nationality_acquired = SelectField(
        lazy_gettext("Nationality acquired or recovered (cessation)"),
        default="",
        validators=[Optional()],
    )
    reasons = Reasons()
    notified_on = Day(
        lazy_gettext("Proposal notified on"), lazy_gettext("The date of notification")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.nationality_acquired.choices = country_choices(gettext("Not applicable"))


class ProceedingReplyForm(ActionForm):
    received_on = Day(lazy_gettext("Reply received on"), lazy_gettext("The date received"))
    summary = TextAreaField(
        lazy_gettext("The person's reply"),
        validators=[required(lazy_gettext("Enter the reply.")), not_blank, Length(max=20000)],
    )


class ProceedingDecisionForm(ActionForm):
    outcome = RadioField(
        lazy_gettext("Decision"), validators=[InputRequired(lazy_gettext("Choose the decision."))]
    )
    reasons = Reasons()
    notified_on = Day(lazy_gettext("Notified on"), lazy_gettext("The date of notification"))

    def set_kind(self, kind: str) -> None:
        ended = (
            ProceedingStatus.CEASED
            if kind == ProceedingKind.CESSATION
            else ProceedingStatus.CANCELLED
        )
        self.outcome.choices = [
            (ended.value, gettext(label(ended))),
            (ProceedingStatus.MAINTAINED.value, gettext(label(ProceedingStatus.MAINTAINED))),
        ]


class ProceedingAppealForm(ActionForm):
    lodged_on = Day(
        lazy_gettext("Lodged on"), lazy_gettext("The date the appeal was lodged"), optional=True
    )
    grounds = TextAreaField(
        lazy_gettext("Grounds of the appeal"),
        validators=[
            required(lazy_gettext("Enter the grounds of the appeal.")),
            not_blank,
            Length(max=20000),
        ],
    )


class ProceedingAppealDecisionForm(ActionForm):
    outcome = RadioField(
        lazy_gettext("Outcome"), validators=[InputRequired(lazy_gettext("Choose the outcome."))]
    )
    reasons = Reasons()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.choices = choices("AppealOutcome")


class DetentionForm(ActionForm):
    person_id = PersonConcerned()
    place = StringField(
        lazy_gettext("Place of detention"),
        validators=[
            required(lazy_gettext("Enter the place of detention.")),
            not_blank,
            Length(max=200),
        ],
    )
    since = Day(lazy_gettext("Detained since"), lazy_gettext("The date the detention started"))


class GuardianForm(ActionForm):
    person_id = PersonConcerned()
    guardian = StringField(
        lazy_gettext("Guardian or representative"),
        validators=[
            required(lazy_gettext("Name the guardian or representative.")),
            not_blank,
            Length(max=200),
        ],
    )


class ReasonsForm(ActionForm):
    """Return to examination, withdrawal, closure: a reasoned act."""

    reasons = Reasons()


class AppealForm(ActionForm):
    person_id = PersonConcerned()
    lodged_on = Day(
        lazy_gettext("Lodged on"), lazy_gettext("The date the appeal was lodged"), optional=True
    )
    grounds = TextAreaField(
        lazy_gettext("Grounds of the appeal"),
        validators=[
            required(lazy_gettext("Enter the grounds of the appeal.")),
            not_blank,
            Length(max=20000),
        ],
    )


class AppealDecisionForm(ActionForm):
    person_id = PersonConcerned()
    outcome = RadioField(
        lazy_gettext("Outcome"), validators=[InputRequired(lazy_gettext("Choose the outcome."))]
    )
    reasons = Reasons()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.choices = choices("AppealOutcome")


class ReferralForm(ActionForm):
    person_id = PersonConcerned()
    referral_target = RadioField(
        lazy_gettext("Refer to"), validators=[InputRequired(lazy_gettext("Choose where to refer."))]
    )
    reasons = Reasons()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.referral_target.choices = choices("ReferralTarget")


class CaseSearchForm(GuardedSubForm):
    """The filters of the case lists (a GET form: no CSRF token, bookmarkable)."""

    q = StringField(lazy_gettext("Case number or name"), validators=[Optional(), Length(max=200)])
    state = SelectField(lazy_gettext("State of the case"), validators=[Optional()])
    officer = SelectField(lazy_gettext("Case officer"), validators=[Optional()])
    overdue = BooleanField(lazy_gettext("Only overdue cases"))

    def __init__(self, *args, officers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.state.choices = choices("State", blank=gettext("Any"))
        self.officer.choices = [
            ("", gettext("Any")),
            *((str(user.id), user.name) for user in officers),
        ]
