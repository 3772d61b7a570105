"""The registrar's birth registration form: the child, the mother, the father, the declarant.

The form checks what a form can (required fields, lengths, dates); the rules of the law
(nationality, late registration, duplicates, case links) are the service's, which raises
errors naming the same fields.
"""

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FormField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from .. import clock
from ..domain.birth_registration import DECLARANT_LABELS, DeclarantRelationship
from ..domain.nationality import (
    NATIONALITY_BASIS_NEEDED,
    PERU,
    nationality_basis_needed,
    parent_refusal,
)
from ..domain.vocabulary import (
    LABELS,
    PERUVIAN_NATIONALITY_BASIS_LABELS,
    AsylumStatus,
    PeruvianNationalityBasis,
    Sex,
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
from ..web import country_choices as localized_country_choices

try:  # WTForms 3.3 deprecates (value, label) tuples
    from wtforms.fields.choices import SelectChoice as _Choice
except ImportError:  # pragma: no cover - older WTForms

    def _Choice(value, label):  # noqa: N802
        return (value, label)


def choices(pairs) -> list:
    return [_Choice(value, label) for value, label in pairs]


def country_choices(blank_label=None) -> list:
    """The app's one list of countries, named in the registrar's language (``sdp.web``)."""
    return choices(localized_country_choices(str(blank_label) if blank_label is not None else None))


class ChildForm(GuardedSubForm):
    given_names = StringField(_l("Given names"), [DataRequired(), Length(max=200)])
    family_names = StringField(_l("Family names"), [DataRequired(), Length(max=200)])
    # No sex is chosen for the registrar: a preselected one is recorded unread.
    sex = SelectField(
        _l("Sex"),
        [DataRequired(_l("Choose the child's sex."))],
        choices=choices([("", _l("Choose")), *((sex.value, _l(LABELS[sex])) for sex in Sex)]),
        default="",
    )
    date_of_birth = DateInputField(
        _l("Date of birth"),
        subject=_l("The date of birth"),
        required_message=_l("Enter the date of birth."),
        earliest=earliest_date_of_birth,
        birth=True,
    )
    birth_country = SelectField(_l("Country of birth (for a foundling: where found)"), default="PE")
    birth_locality = StringField(
        _l("Place of birth (district, city)"), [Optional(), Length(max=200)]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.birth_country.choices = country_choices()


class ParentForm(GuardedSubForm):
    """Optional as a whole: a parent is recorded when any of their names is filled in."""

    given_names = StringField(_l("Given names"), [Optional(), Length(max=200)])
    family_names = StringField(_l("Family names"), [Optional(), Length(max=200)])
    date_of_birth = DateInputField(
        _l("Date of birth"),
        subject=_l("The date of birth"),
        optional=True,
        earliest=earliest_date_of_birth,
        birth=True,
    )
    birth_country = SelectField(_l("Country of birth"), default="")
    birth_locality = StringField(_l("Place of birth"), [Optional(), Length(max=200)])
    nationality = SelectField(_l("Nationality"), default="")
    # Only when the nationality is Peru: for a child born abroad, it decides the child's
    # nationality.
    nationality_basis = RadioField(
        _l("If Peruvian: how is this parent Peruvian?"),
        [Optional()],
        choices=choices(
            (basis.value, _l(PERUVIAN_NATIONALITY_BASIS_LABELS[basis]))
            for basis in PeruvianNationalityBasis
        ),
        description=_l(
            "Needed when the child was born abroad: Law 32421 makes a child born abroad Peruvian "
            "only through a parent who is Peruvian by birth."
        ),
    )
    stateless = BooleanField(_l("Stateless (no State considers this parent a national)"))
    asylum_status = SelectField(
        _l("Asylum status"),
        choices=choices((status.value, _l(LABELS[status])) for status in AsylumStatus),
        default=AsylumStatus.NONE.value,
    )
    asylum_country = SelectField(_l("Country of the asylum claim"), default="")
    case_number = StringField(_l("SDP case number, if any"), [Optional(), Length(max=20)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.birth_country.choices = country_choices(_l("Choose a country"))
        self.nationality.choices = country_choices(_l("Unknown"))
        self.asylum_country.choices = country_choices(_l("None"))

    @property
    def given(self) -> bool:
        return bool((self.given_names.data or "").strip() or (self.family_names.data or "").strip())

    @property
    def full_name(self) -> str:
        names = ((self.given_names.data or "").strip(), (self.family_names.data or "").strip())
        return " ".join(name for name in names if name)

    @property
    def peruvian(self) -> bool:
        return self.given and self.nationality.data == PERU

    @property
    def claims_asylum(self) -> bool:
        return self.given and (self.asylum_status.data or AsylumStatus.NONE) != AsylumStatus.NONE

    # Each on its own page, only for a parent who is recorded and to whom it applies
    # (sdp.forms.follow_up), naming the parent.
    follow_ups = (
        FollowUp(
            "nationality_basis",
            lambda parent: parent.peruvian,
            lambda parent: gettext("How is %(name)s Peruvian?", name=parent.full_name),
        ),
        FollowUp(
            "asylum_country",
            lambda parent: parent.claims_asylum,
            lambda parent: gettext(
                "Which country did %(name)s seek asylum from?", name=parent.full_name
            ),
        ),
    )

    def check_complete(self) -> bool:
        """The fields a recorded parent needs; errors beside each field."""
        if not self.given:
            return True
        required = [self.given_names, self.family_names, self.date_of_birth, self.birth_country]
        ok = True
        for field in required:
            if not field.data and not field.errors:
                field.errors = [*field.errors, _l("Needed for a parent who is recorded.")]
                ok = False
        # The basis is dropped for a parent who is not Peruvian (``to_data``): only the first rule
        # of sdp.domain.nationality.parent_refusal can fail here.
        refusal = parent_refusal(self.nationality.data, bool(self.stateless.data), None)
        if refusal:
            field = getattr(self, refusal[0])
            field.errors = [*field.errors, _l(refusal[1])]
            ok = False
        if self.claims_asylum and not self.asylum_country.data:
            self.asylum_country.errors = [
                *self.asylum_country.errors,
                _l("The asylum claim's country is needed for an asylum seeker or refugee."),
            ]
            ok = False
        return ok

    def to_data(self) -> dict | None:
        if not self.given:
            return None
        status = self.asylum_status.data or AsylumStatus.NONE.value
        return {
            "given_names": self.given_names.data.strip(),
            "family_names": self.family_names.data.strip(),
            "date_of_birth": self.date_of_birth.data,
            "place_of_birth": {
                "country": self.birth_country.data,
                "locality": (self.birth_locality.data or "").strip() or None,
            },
            "nationality": self.nationality.data or None,
            "stateless": bool(self.stateless.data),
            # A basis left chosen after the nationality was changed from Peru means nothing:
            # dropped.
            "nationality_basis": (self.nationality_basis.data or None)
            if self.nationality.data == PERU
            else None,
            # The country of a claim only for an asylum seeker or a refugee.
            "asylum": {
                "status": status,
                "country": (self.asylum_country.data or None)
                if status != AsylumStatus.NONE
                else None,
            },
            "case_number": (self.case_number.data or "").strip() or None,
        }


class BirthForm(GuardedForm):
    child = FormField(ChildForm, label=_l("The child"))
    foundling = BooleanField(_l("Foundling: found abandoned, parents unknown"))
    mother = FormField(ParentForm, label=_l("Mother"))
    father = FormField(ParentForm, label=_l("Father"))
    live_birth_certificate_number = StringField(
        _l("Live-birth certificate number (CNV), if any"), [Optional(), Length(max=40)]
    )
    declarant_name = StringField(_l("Declarant's full name"), [DataRequired(), Length(max=200)])
    declarant_relationship = SelectField(
        _l("Declarant is"),
        choices=choices(
            (value.value, _l(DECLARANT_LABELS[value])) for value in DeclarantRelationship
        ),
        default=DeclarantRelationship.MOTHER.value,
    )
    declarant_document = StringField(
        _l("Declarant's identity document"), [Optional(), Length(max=40)]
    )
    registered_on = DateInputField(
        _l("Registration date"),
        subject=_l("The registration date"),
        required_message=_l("Enter the registration date."),
        earliest=pilot_start,
        default=clock.today,
    )
    late_registration_evidence = TextAreaField(
        _l("Supporting evidence (required for a late registration)"),
        [Optional(), Length(max=20000)],
    )

    @property
    def follow_ups(self) -> list[FollowUp]:
        """The parents' questions that follow an answer, the mother's first."""
        return [
            *follow_ups_of("mother", self.mother.form),
            *follow_ups_of("father", self.father.form),
        ]

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        basis_needed = nationality_basis_needed(
            self.child.form.birth_country.data, bool(self.foundling.data)
        )
        for parent in (self.mother.form, self.father.form):
            ok = parent.check_complete() and ok
            # Asked on the parent's own question page (sdp.forms.follow_up), before the service.
            field = parent.nationality_basis
            if basis_needed and parent.peruvian and not field.data and not field.errors:
                field.errors = [*field.errors, _l(NATIONALITY_BASIS_NEEDED)]
                ok = False
        return ok

    def to_data(self) -> dict:
        """The same body the API takes (``BirthCreateSchema``)."""
        child = self.child.form
        return {
            "child": {
                "given_names": child.given_names.data.strip(),
                "family_names": child.family_names.data.strip(),
                "sex": child.sex.data,
                "date_of_birth": child.date_of_birth.data,
                "place_of_birth": {
                    "country": child.birth_country.data,
                    "locality": (child.birth_locality.data or "").strip() or None,
                },
            },
            "mother": self.mother.form.to_data(),
            "father": self.father.form.to_data(),
            "foundling": bool(self.foundling.data),
            "registered_on": self.registered_on.data,
            "live_birth_certificate_number": (self.live_birth_certificate_number.data or "").strip()
            or None,
            "declarant": {
                "name": self.declarant_name.data.strip(),
                "relationship": self.declarant_relationship.data,
                "identity_document": (self.declarant_document.data or "").strip() or None,
            },
            "late_registration_evidence": (self.late_registration_evidence.data or "").strip()
            or None,
        }

    # Where a service error about a field of the API body is shown on this form.
    FIELD_FOR = {
        "child.place_of_birth.country": ("child", "birth_country"),
        "child.place_of_birth.locality": ("child", "birth_locality"),
        "mother.nationality": ("mother", "nationality"),
        "father.nationality": ("father", "nationality"),
        "declarant.name": (None, "declarant_name"),
    }

    def field_for(self, path: str):
        """The form field an error about ``path`` belongs beside, or None for the whole form."""
        parts = self.FIELD_FOR.get(path) or tuple(path.split("."))
        container: object = self  # this form, then the subform (FormField) a part names
        for index, part in enumerate(parts):
            if part is None:
                continue
            field = getattr(container, part, None)
            if field is None:
                return None
            if index < len(parts) - 1:
                container = field.form if isinstance(field, FormField) else None
                if container is None:
                    return None
            else:
                return field
        return None


class BirthSearchForm(GuardedSubForm):
    """The search of the births list (a GET form: no CSRF token, bookmarkable)."""

    q = StringField(_l("Registration number or name"), validators=[Optional(), Length(max=200)])
