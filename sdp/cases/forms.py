"""The case-work forms (WTForms): what the pages parse before calling ``services``.

They check the shape of what was typed (required, lengths, codes, dates not in the
future); the procedure's rules stay in ``sdp.domain`` and are enforced by the services.
"""

from flask_babel import gettext, lazy_gettext
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
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

from .. import clock
from ..domain.vocabulary import AsylumStatus, DecisionOutcome
from ..schemas import valid_language
from ..web import choices, country_choices

MAX_DEPENDANTS = 30


def required(message):
    return DataRequired(message=message)


def not_in_future(form, field):
    if field.data and field.data > clock.today():
        raise ValidationError(gettext("The date may not be in the future."))


def language_tags(form, field):
    bad = [tag for tag in parse_languages(field.data) if not valid_language(tag)]
    if bad:
        raise ValidationError(gettext("Not a language code: %(codes)s. Use codes like es, qu or pt-BR.", codes=", ".join(bad)))


def language_tag(form, field):
    if field.data and not valid_language(field.data.strip()):
        raise ValidationError(gettext("Not a language code. Use codes like es, qu or pt-BR."))


def parse_languages(text: str | None) -> list[str]:
    return [tag for tag in (text or "").replace(";", ",").replace(" ", ",").split(",") if tag]


def not_blank(form, field):
    if field.data is not None and not str(field.data).strip():
        raise ValidationError(gettext("This field may not be blank."))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def Reasons(label=None, message=None):  # noqa: N802 - a field factory
    return TextAreaField(label or lazy_gettext("Reasons"),
                         validators=[required(message or lazy_gettext("Enter the reasons.")), not_blank, Length(max=20000)])


def Day(label, message=None, optional=False):  # noqa: N802
    validators = [Optional()] if optional else [InputRequired(message or lazy_gettext("Enter a date."))]
    return DateField(label, validators=[*validators, not_in_future])


# --- Intake ---------------------------------------------------------------------------------


class PersonFields(Form):
    given_names = StringField(lazy_gettext("Given names"), validators=[
        required(lazy_gettext("Enter the given names.")), not_blank, Length(max=200)])
    family_names = StringField(lazy_gettext("Family names"), validators=[
        required(lazy_gettext("Enter the family names.")), not_blank, Length(max=200)])
    sex = RadioField(lazy_gettext("Sex"), validators=[InputRequired(lazy_gettext("Choose the sex."))])
    date_of_birth = DateField(lazy_gettext("Date of birth"),
                              validators=[InputRequired(lazy_gettext("Enter the date of birth.")), not_in_future])
    birth_country = SelectField(lazy_gettext("Country of birth"),
                                validators=[required(lazy_gettext("Choose the country of birth."))])
    birth_locality = StringField(lazy_gettext("Place of birth (town or city)"), validators=[Optional(), Length(max=200)])
    languages = StringField(lazy_gettext("Languages"), validators=[Optional(), Length(max=200), language_tags],
                            description=lazy_gettext("Language codes separated by commas, for example: es, qu"))
    asylum_status = RadioField(lazy_gettext("Asylum status"), default=AsylumStatus.NONE.value,
                               validators=[InputRequired(lazy_gettext("Choose the asylum status."))])
    asylum_country = SelectField(lazy_gettext("Country of the asylum claim"), default="",
                                 description=lazy_gettext("The State the person fears persecution from: it will never be contacted."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sex.choices = choices("Sex")
        self.asylum_status.choices = choices("AsylumStatus")
        self.birth_country.choices = country_choices(gettext("Choose a country"))
        self.asylum_country.choices = country_choices(gettext("Not applicable"))

    def validate_asylum_country(self, field):
        if self.asylum_status.data in (AsylumStatus.ASYLUM_SEEKER, AsylumStatus.REFUGEE) and not field.data:
            raise ValidationError(gettext("Choose the country of the asylum claim."))

    def person_data(self) -> dict:
        status = self.asylum_status.data or AsylumStatus.NONE.value
        return {
            "given_names": self.given_names.data.strip(), "family_names": self.family_names.data.strip(),
            "sex": self.sex.data, "date_of_birth": self.date_of_birth.data,
            "place_of_birth": {"country": self.birth_country.data, "locality": (self.birth_locality.data or "").strip() or None},
            "languages": parse_languages(self.languages.data),
            "asylum": {"status": status, "country": self.asylum_country.data if status != AsylumStatus.NONE else None},
        }


class DependantFields(PersonFields):
    relationship = SelectField(lazy_gettext("Relationship to the applicant"),
                               validators=[required(lazy_gettext("Choose the relationship."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.relationship.choices = choices("Relationship", blank=gettext("Choose"))


class IntakeForm(FlaskForm):
    route = RadioField(lazy_gettext("Route"), default="application",
                       validators=[InputRequired(lazy_gettext("Choose how the case started."))])
    referring_authority = StringField(lazy_gettext("Referring authority (ex officio cases)"),
                                      validators=[Length(max=120)])
    registered_on = Day(lazy_gettext("Date of registration"), optional=True)
    applicant = FormField(PersonFields, label=lazy_gettext("Applicant"))
    dependants = FieldList(FormField(DependantFields), label=lazy_gettext("Dependant"), min_entries=0,
                           max_entries=MAX_DEPENDANTS)
    duplicates_dismissed = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.route.choices = choices("Route")
        self.registered_on.description = gettext("Leave empty for today.")

    def validate_referring_authority(self, field):
        if self.route.data == "ex_officio" and not (field.data or "").strip():
            raise ValidationError(gettext("Name the authority that started the case."))

    def application_data(self) -> dict:
        return {
            "route": self.route.data,
            "referring_authority": (self.referring_authority.data or "").strip() or None,
            "registered_on": self.registered_on.data,
            "applicant": self.applicant.form.person_data(),
            "dependants": [{**entry.form.person_data(), "relationship": entry.form.relationship.data}
                           for entry in self.dependants],
        }


# --- Case page actions ------------------------------------------------------------------------


class ActionForm(FlaskForm):
    """Every action form names its action; row actions name their row (``target``)."""

    action = HiddenField()
    target = HiddenField()


class AssignForm(ActionForm):
    case_officer = SelectField(lazy_gettext("Case officer"), validators=[required(lazy_gettext("Choose a case officer."))])


class RelevantStateForm(ActionForm):
    country = SelectField(lazy_gettext("State"), validators=[required(lazy_gettext("Choose the State."))])
    links = MultiCheckboxField(lazy_gettext("Links with this State"),
                               validators=[required(lazy_gettext("Choose at least one link."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices(gettext("Choose a country"))
        self.links.choices = choices("Link")


class FindingForm(ActionForm):
    finding = RadioField(lazy_gettext("Finding"), validators=[InputRequired(lazy_gettext("Choose a finding."))])
    reasoning = Reasons(lazy_gettext("Reasoning (law and practice of this State)"), lazy_gettext("Enter the reasoning."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.finding.choices = choices("Finding")


class EvidenceForm(ActionForm):
    kind = RadioField(lazy_gettext("Kind of evidence"), validators=[InputRequired(lazy_gettext("Choose the kind of evidence."))])
    description = TextAreaField(lazy_gettext("Description"), validators=[
        required(lazy_gettext("Describe the evidence.")), not_blank, Length(max=20000)])
    received_on = Day(lazy_gettext("Received on"))
    country = SelectField(lazy_gettext("State it concerns"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices("EvidenceKind")
        self.country.choices = country_choices(gettext("None in particular"))


class InquiryForm(ActionForm):
    country = SelectField(lazy_gettext("State"), validators=[required(lazy_gettext("Choose the State."))])
    authority = StringField(lazy_gettext("Authority"), validators=[
        required(lazy_gettext("Name the authority.")), not_blank, Length(max=200)])
    sent_on = Day(lazy_gettext("Sent on"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices(gettext("Choose a country"))


class InquiryResponseForm(ActionForm):
    received_on = Day(lazy_gettext("Received on"))
    outcome = RadioField(lazy_gettext("Outcome"), validators=[InputRequired(lazy_gettext("Choose the outcome."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.choices = choices("InquiryOutcome")


class InterviewForm(ActionForm):
    held_on = Day(lazy_gettext("Held on"))
    interpreter_language = StringField(lazy_gettext("Interpreter's language"), validators=[Optional(), language_tag],
                                       description=lazy_gettext("A language code, for example: es, qu, ar"))
    legal_representative = StringField(lazy_gettext("Legal representative"), validators=[Optional(), Length(max=200)])
    summary = TextAreaField(lazy_gettext("Summary"), validators=[
        required(lazy_gettext("Enter the summary of the interview.")), not_blank, Length(max=20000)])
    read_back = BooleanField(lazy_gettext("The record was read back to the applicant"), default=True)


class ExtensionForm(ActionForm):
    reasons = Reasons()


class RecommendationForm(ActionForm):
    outcome = RadioField(lazy_gettext("Outcome"), validators=[InputRequired(lazy_gettext("Choose the outcome."))])
    exclusion_ground = SelectField(lazy_gettext("Exclusion ground (only for an exclusion)"), default="")
    reasons = Reasons()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.choices = [(value, label) for value, label in (
            (DecisionOutcome.RECOGNIZED.value, gettext("Recognized as stateless")),
            (DecisionOutcome.REJECTED.value, gettext("Rejected")),
            (DecisionOutcome.EXCLUDED.value, gettext("Excluded (Art. 1(2))")))]
        self.exclusion_ground.choices = choices("ExclusionGround", blank=gettext("Not applicable"))

    def validate_exclusion_ground(self, field):
        excluded = self.outcome.data == DecisionOutcome.EXCLUDED
        if excluded and not field.data:
            raise ValidationError(gettext("An exclusion names its ground of Art. 1(2)."))
        if not excluded and field.data:
            raise ValidationError(gettext("An exclusion ground goes only with the outcome excluded."))

    def outcome_data(self) -> dict:
        return {"outcome": self.outcome.data, "reasons": self.reasons.data.strip(),
                "exclusion_ground": self.exclusion_ground.data or None}


class DecisionForm(RecommendationForm):
    notified_on = Day(lazy_gettext("Notified on"))
    notification_language = StringField(lazy_gettext("Language of the notification"), validators=[Optional(), language_tag],
                                        description=lazy_gettext("A language the applicant understands, for example: es"))

    def outcome_data(self) -> dict:
        return {**super().outcome_data(), "notified_on": self.notified_on.data,
                "notification_language": (self.notification_language.data or "").strip() or None}


class ReasonsForm(ActionForm):
    """Return to examination, withdrawal, closure, cessation, cancellation: a reasoned act."""

    reasons = Reasons()


class AppealForm(ActionForm):
    lodged_on = Day(lazy_gettext("Lodged on"), optional=True)
    grounds = TextAreaField(lazy_gettext("Grounds of the appeal"), validators=[
        required(lazy_gettext("Enter the grounds of the appeal.")), not_blank, Length(max=20000)])


class AppealDecisionForm(ActionForm):
    outcome = RadioField(lazy_gettext("Outcome"), validators=[InputRequired(lazy_gettext("Choose the outcome."))])
    reasons = Reasons()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.choices = choices("AppealOutcome")


class ReferralForm(ActionForm):
    referral_target = RadioField(lazy_gettext("Refer to"), validators=[InputRequired(lazy_gettext("Choose where to refer."))])
    reasons = Reasons()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.referral_target.choices = choices("ReferralTarget")


class CaseSearchForm(Form):
    """The filters of the case lists (a GET form: no CSRF token, bookmarkable)."""

    q = StringField(lazy_gettext("Case number or name"), validators=[Optional(), Length(max=200)])
    state = SelectField(lazy_gettext("State of the case"), validators=[Optional()])
    officer = SelectField(lazy_gettext("Case officer"), validators=[Optional()])
    overdue = BooleanField(lazy_gettext("Only overdue cases"))

    def __init__(self, *args, officers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.state.choices = choices("State", blank=gettext("Any"))
        self.officer.choices = [("", gettext("Any")), *((str(user.id), user.name) for user in officers)]
