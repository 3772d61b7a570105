"""The case-work API's request and response bodies (contract.md)."""

from marshmallow import ValidationError, fields, validate, validates_schema

from ..domain.vocabulary import (
    AppealOutcome,
    AsylumStatus,
    DecisionOutcome,
    DocumentType,
    EvidenceKind,
    ExclusionGround,
    Finding,
    InquiryOutcome,
    Link,
    PersonOutcome,
    ProceedingStatus,
    ReferralStatus,
    ReferralTarget,
    Relationship,
    Route,
    Sex,
    Vulnerability,
    values,
)
from ..schemas import Country, IsoDate, Language, Name, PastDate, StrictBoolean, StrictSchema, Text


def one_of(enum):
    return validate.OneOf(values(enum))


class PlaceOfBirthSchema(StrictSchema):
    country = Country(required=True)
    locality = fields.String(validate=validate.Length(max=200), allow_none=True)


class AsylumSchema(StrictSchema):
    status = fields.String(required=True, validate=one_of(AsylumStatus))
    country = Country(
        allow_none=True, metadata={"description": "The asylum claim's country (ISO 3166-1 alpha-2)"}
    )

    @validates_schema
    def country_when_claimed(self, data, **kwargs):
        if data.get("status") in (
            AsylumStatus.ASYLUM_SEEKER,
            AsylumStatus.REFUGEE,
        ) and not data.get("country"):
            raise ValidationError(
                "The asylum claim's country is required for an asylum seeker or refugee.", "country"
            )


class DetentionSchema(StrictSchema):
    place = Text(200)
    since = PastDate(required=True, not_before="birth")


class PersonSchema(StrictSchema):
    given_names = Name()
    family_names = Name()
    sex = fields.String(required=True, validate=one_of(Sex))
    date_of_birth = PastDate(required=True, not_before="lifetime")
    place_of_birth = fields.Nested(PlaceOfBirthSchema, required=True)
    languages = fields.List(Language(), load_default=list, validate=validate.Length(max=20))
    asylum = fields.Nested(AsylumSchema, load_default=None, allow_none=True)
    detention = fields.Nested(DetentionSchema, load_default=None, allow_none=True)
    vulnerabilities = fields.List(
        fields.String(validate=one_of(Vulnerability)),
        load_default=list,
        validate=validate.Length(max=4),
    )
    guardian = fields.String(
        validate=validate.Length(min=1, max=200),
        allow_none=True,
        metadata={"description": "Guardian or representative of an unaccompanied child"},
    )


class DependantSchema(PersonSchema):
    relationship = fields.String(required=True, validate=one_of(Relationship))


class ApplicationCreateSchema(StrictSchema):
    route = fields.String(required=True, validate=one_of(Route))
    registered_on = PastDate(
        not_before="pilot_start", metadata={"description": "Defaults to today"}
    )
    referring_authority = fields.String(
        validate=validate.Length(max=120),
        allow_none=True,
        metadata={"description": "For ex officio cases: the authority that started it"},
    )
    applicant = fields.Nested(PersonSchema, required=True)
    dependants = fields.List(
        fields.Nested(DependantSchema), load_default=list, validate=validate.Length(max=30)
    )


class AssignSchema(StrictSchema):
    case_officer = fields.Email(required=True)


PERSON_ID_DESCRIPTION = (
    "A person of this case (default: the applicant); 422 for a person of another case"
)


def PersonId():  # noqa: N802 - a field factory, named like the fields it makes
    return fields.Integer(
        load_default=None,
        allow_none=True,
        metadata={"description": PERSON_ID_DESCRIPTION, "minimum": 1},
    )


class RelevantStateCreateSchema(StrictSchema):
    person_id = PersonId()
    country = Country(required=True)
    links = fields.List(
        fields.String(validate=one_of(Link)), required=True, validate=validate.Length(min=1, max=7)
    )


class FindingSchema(StrictSchema):
    finding = fields.String(required=True, validate=one_of(Finding))
    reasoning = Text()


class EvidenceCreateSchema(StrictSchema):
    person_id = PersonId()
    kind = fields.String(required=True, validate=one_of(EvidenceKind))
    description = Text()
    received_on = PastDate(required=True, not_before="registered_on")
    country = Country(allow_none=True)


class InquiryCreateSchema(StrictSchema):
    person_id = PersonId()
    country = Country(required=True)
    authority = Text(200)
    sent_on = PastDate(required=True, not_before="registered_on")
    consent_on = PastDate(
        required=True, metadata={"description": "The date the person concerned consented"}
    )


class InquiryResponseSchema(StrictSchema):
    received_on = PastDate(required=True, not_before="sent_on")
    outcome = fields.String(required=True, validate=one_of(InquiryOutcome))


class InterviewCreateSchema(StrictSchema):
    person_id = PersonId()
    held_on = PastDate(required=True, not_before="registered_on")
    interpreter_language = Language(allow_none=True)
    legal_representative = fields.String(validate=validate.Length(max=200), allow_none=True)
    summary = Text()
    read_back = StrictBoolean(load_default=True)


class ExtensionSchema(StrictSchema):
    reasons = Text()


class RecommendationSchema(StrictSchema):
    outcome = fields.String(required=True, validate=one_of(DecisionOutcome))
    reasons = Text()
    exclusion_ground = fields.String(validate=one_of(ExclusionGround), allow_none=True)

    @validates_schema
    def ground_with_exclusion(self, data, **kwargs):
        excluded = data.get("outcome") == DecisionOutcome.EXCLUDED
        if excluded and not data.get("exclusion_ground"):
            raise ValidationError("An exclusion names its ground of Art. 1(2).", "exclusion_ground")
        if not excluded and data.get("exclusion_ground"):
            raise ValidationError(
                "An exclusion ground goes only with the outcome excluded.", "exclusion_ground"
            )


class PersonDecisionSchema(StrictSchema):
    person_id = fields.Integer(
        required=True,
        metadata={
            "description": (
                "A person of this case awaiting a decision; 422 for a person of another case"
            ),
            "minimum": 1,
        },
    )
    outcome = fields.String(
        required=True,
        validate=validate.OneOf(
            [
                PersonOutcome.RECOGNIZED,
                PersonOutcome.REJECTED,
                PersonOutcome.EXCLUDED,
                PersonOutcome.FAMILY_UNITY,
            ]
        ),
    )
    reasons = fields.String(validate=validate.Length(min=1, max=20000), allow_none=True)
    exclusion_ground = fields.String(validate=one_of(ExclusionGround), allow_none=True)

    @validates_schema
    def ground_with_exclusion(self, data, **kwargs):
        if (data.get("outcome") == PersonOutcome.EXCLUDED) != bool(data.get("exclusion_ground")):
            raise ValidationError(
                "An exclusion, and only an exclusion, names its ground of Art. 1(2).",
                "exclusion_ground",
            )


class DecisionSchema(RecommendationSchema):
    """The top-level outcome is the applicant's; every other person still in the procedure is
    named."""

    outcome = fields.String(
        load_default=None,
        validate=validate.OneOf(
            [
                PersonOutcome.RECOGNIZED,
                PersonOutcome.REJECTED,
                PersonOutcome.EXCLUDED,
                PersonOutcome.FAMILY_UNITY,
            ]
        ),
    )
    notified_on = PastDate(required=True, not_before="registered_on")
    notification_language = Language(allow_none=True)
    persons = fields.List(
        fields.Nested(PersonDecisionSchema), load_default=list, validate=validate.Length(max=31)
    )


class ReturnSchema(StrictSchema):
    reasons = Text()


class AppealCreateSchema(StrictSchema):
    person_id = PersonId()
    lodged_on = PastDate(load_default=None, not_before="decision_notified_on")
    grounds = Text()


class AppealDecisionSchema(StrictSchema):
    person_id = PersonId()
    outcome = fields.String(required=True, validate=one_of(AppealOutcome))
    reasons = Text()


class EndSchema(StrictSchema):
    """Withdrawal or closure: a reasoned act."""

    reasons = Text()


class ReferralSchema(StrictSchema):
    person_id = PersonId()
    target = fields.String(required=True, validate=one_of(ReferralTarget))
    reasons = Text()


class ReferralOutcomeSchema(StrictSchema):
    outcome = fields.String(
        required=True,
        validate=validate.OneOf([ReferralStatus.CONFIRMED_PERUVIAN, ReferralStatus.REFUSED]),
    )
    on = PastDate(required=True, not_before="referred_on")
    reference = fields.String(
        validate=validate.Length(min=1, max=64),
        allow_none=True,
        metadata={"description": "The civil registry's reference, e.g. the CUI"},
    )


class ProceedingSchema(StrictSchema):
    """A proposal of cessation or cancellation, notified to the person."""

    person_id = PersonId()
    reasons = Text()
    notified_on = PastDate(required=True, not_before="registered_on")
    nationality_acquired = Country(
        allow_none=True, metadata={"description": "Cessation: the nationality acquired"}
    )


class ProceedingReplySchema(StrictSchema):
    person_id = PersonId()
    received_on = PastDate(required=True, not_before="proposal_notified_on")
    summary = Text()


class ProceedingDecisionSchema(StrictSchema):
    person_id = PersonId()
    outcome = fields.String(
        required=True,
        validate=validate.OneOf(
            [ProceedingStatus.CEASED, ProceedingStatus.CANCELLED, ProceedingStatus.MAINTAINED]
        ),
    )
    reasons = Text()
    notified_on = PastDate(required=True, not_before="proposal_notified_on")


class DetentionRecordSchema(DetentionSchema):
    person_id = PersonId()


class GuardianSchema(StrictSchema):
    person_id = PersonId()
    guardian = Text(200)


class DocumentCreateSchema(StrictSchema):
    type = fields.String(required=True, validate=one_of(DocumentType))


# --- Responses -------------------------------------------------------------------------


class DetentionOut(StrictSchema):
    place = fields.String()
    since = IsoDate()


class PersonOut(StrictSchema):
    id = fields.Integer()
    given_names = fields.String()
    family_names = fields.String()
    sex = fields.String()
    date_of_birth = IsoDate()
    place_of_birth = fields.Dict()
    languages = fields.List(fields.String())
    asylum = fields.Dict()
    detention = fields.Nested(DetentionOut, allow_none=True)
    vulnerabilities = fields.List(fields.String())
    guardian = fields.String(allow_none=True)
    relationship = fields.String()
    # Dependants: born in Peru on a pending case → Peruvian by birth, referral suggested (births
    # feature).
    referral_suggested = StrictBoolean()
    suggested_referral_target = fields.String(allow_none=True)
    birth_registration_number = fields.String(allow_none=True)


class RelevantStateOut(StrictSchema):
    id = fields.Integer()
    person_id = fields.Integer()
    country = fields.String()
    links = fields.List(fields.String())
    finding = fields.String()
    reasoning = fields.String(allow_none=True)
    found_on = IsoDate(allow_none=True)


class InquiryOut(StrictSchema):
    id = fields.Integer()
    person_id = fields.Integer()
    consent_on = IsoDate(allow_none=True)
    country = fields.String()
    authority = fields.String()
    sent_on = IsoDate()
    response_due = IsoDate()
    received_on = IsoDate(allow_none=True)
    outcome = fields.String(allow_none=True)
    status = fields.String()


class InterviewOut(StrictSchema):
    id = fields.Integer()
    person_id = fields.Integer()
    held_on = IsoDate()
    interpreter_language = fields.String(allow_none=True)
    legal_representative = fields.String(allow_none=True)
    summary = fields.String()
    read_back = StrictBoolean()


class EvidenceOut(StrictSchema):
    id = fields.Integer()
    person_id = fields.Integer()
    kind = fields.String()
    description = fields.String()
    received_on = IsoDate()
    country = fields.String(allow_none=True)


class RecommendationOut(StrictSchema):
    outcome = fields.String()
    exclusion_ground = fields.String(allow_none=True)
    reasons = fields.String()
    made_on = IsoDate()


class DecisionOut(StrictSchema):
    outcome = fields.String()
    exclusion_ground = fields.String(allow_none=True)
    reasons = fields.String()
    findings = fields.List(fields.Dict())
    decided_on = IsoDate()
    notified_on = IsoDate()
    notification_language = fields.String(allow_none=True)
    appeal_due = IsoDate()
    final = StrictBoolean()


class AppealOut(StrictSchema):
    lodged_on = IsoDate()
    grounds = fields.String()
    decision_due = IsoDate()
    outcome = fields.String(allow_none=True)
    reasons = fields.String(allow_none=True)
    decided_on = IsoDate(allow_none=True)


class DocumentOut(StrictSchema):
    serial = fields.String()
    type = fields.String()
    status = fields.String()
    issued_on = IsoDate()
    valid_until = IsoDate(allow_none=True)
    pdf_url = fields.String()
    qr = fields.String()


class CaseBirthChildOut(StrictSchema):
    given_names = fields.String()
    family_names = fields.String()
    sex = fields.String()
    date_of_birth = IsoDate()


class CaseBirthOut(StrictSchema):
    """A birth registered to a parent on this case (sdp.births.services.births_for_case)."""

    registration_number = fields.String()
    child = fields.Nested(CaseBirthChildOut)
    registered_on = IsoDate()
    late_registration = StrictBoolean()
    nationality = fields.Dict()
    parents_on_case = fields.List(fields.String())


class PersonAppealOut(StrictSchema):
    lodged_on = IsoDate()
    decision_due = IsoDate(allow_none=True)
    outcome = fields.String(allow_none=True)
    decided_on = IsoDate(allow_none=True)


class ReferralOut(StrictSchema):
    target = fields.String()
    status = fields.String(metadata={"description": "pending | confirmed_peruvian | refused"})
    referred_on = IsoDate(allow_none=True)
    answered_on = IsoDate(allow_none=True)
    reference = fields.String(allow_none=True)


class ProceedingOut(StrictSchema):
    status = fields.String(metadata={"description": "proposed | ceased | cancelled | maintained"})
    notified_on = IsoDate()
    reply_due = IsoDate()
    reply_received_on = IsoDate(allow_none=True)
    nationality_acquired = fields.String(allow_none=True)
    appeal_due = IsoDate(allow_none=True)
    appeal = fields.Nested(PersonAppealOut, allow_none=True)
    final = StrictBoolean()
    residence_until = IsoDate(
        allow_none=True,
        metadata={
            "description": (
                "After a final cessation: the last day of lawful residence (proposal of the "
                "regulation)"
            )
        },
    )


class PersonStatusOut(StrictSchema):
    """One person's own examination and outcome (domain.md, section 4)."""

    id = fields.Integer()
    relationship = fields.String()
    given_names = fields.String()
    family_names = fields.String()
    date_of_birth = IsoDate()
    relevant_states = fields.List(fields.Nested(RelevantStateOut))
    outcome = fields.String(allow_none=True)
    final = StrictBoolean()
    protected_from_removal = StrictBoolean()
    appeal_due = IsoDate(allow_none=True)
    appeal = fields.Nested(PersonAppealOut, allow_none=True)
    referral = fields.Nested(ReferralOut)
    cessation = fields.Nested(ProceedingOut)
    cancellation = fields.Nested(ProceedingOut)


class RefusedActionOut(StrictSchema):
    name = fields.String(metadata={"description": "an action of GET /api/v1/procedure"})
    status = fields.Integer(
        metadata={
            "description": "409: the case is not ready for it now; 403: not this caller's to take"
        }
    )
    reason = fields.String(
        metadata={
            "description": "the procedure's reason, as the error of that action would give it"
        }
    )


class ApplicationOut(StrictSchema):
    id = fields.Integer()
    case_number = fields.String()
    version = fields.Integer(
        metadata={
            "description": "Incremented by every change; send it back as If-Match to "
            "have a change refused (409) if the case moved on meanwhile"
        }
    )
    route = fields.String()
    referring_authority = fields.String(allow_none=True)
    state = fields.String()
    registered_on = IsoDate()
    decision_due = IsoDate()
    decision_due_extended = StrictBoolean()
    priority = StrictBoolean()
    detained = StrictBoolean()
    protected_from_removal = StrictBoolean()
    case_officer = fields.String(allow_none=True)
    applicant = fields.Nested(PersonOut)
    dependants = fields.List(fields.Nested(PersonOut))
    relevant_states = fields.List(fields.Nested(RelevantStateOut))
    evidence = fields.List(fields.Nested(EvidenceOut))
    inquiries = fields.List(fields.Nested(InquiryOut))
    interviews = fields.List(fields.Nested(InterviewOut))
    recommendation = fields.Nested(RecommendationOut, allow_none=True)
    decision = fields.Nested(DecisionOut, allow_none=True)
    appeal = fields.Nested(AppealOut, allow_none=True)
    documents = fields.List(fields.Nested(DocumentOut))
    births = fields.List(fields.Nested(CaseBirthOut))
    ended_on = IsoDate(allow_none=True)
    end_reasons = fields.String(allow_none=True)
    referral_target = fields.String(allow_none=True)
    naturalization_eligible_from = IsoDate(allow_none=True)
    available_actions = fields.List(fields.String())
    refused_actions = fields.List(fields.Nested(RefusedActionOut))
    persons = fields.List(fields.Nested(PersonStatusOut))
