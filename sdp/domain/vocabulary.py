"""The words the code, the UI and the API share (domain.md, section 4).

Each enumeration's values are the exact strings of the contract. Human labels are
marked with ``N_`` so Babel extracts them; they are translated where they are shown.
"""

from enum import StrEnum


def N_(message: str) -> str:
    """Mark a string for translation without translating it here (no Flask in domain)."""
    return message


class State(StrEnum):
    REGISTERED = "registered"
    UNDER_EXAMINATION = "under_examination"
    PENDING_DECISION = "pending_decision"
    RECOGNIZED = "recognized"
    REJECTED = "rejected"
    UNDER_APPEAL = "under_appeal"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"
    REFERRED = "referred"
    CEASED = "ceased"
    CANCELLED = "cancelled"


class Route(StrEnum):
    APPLICATION = "application"
    EX_OFFICIO = "ex_officio"


class AsylumStatus(StrEnum):
    NONE = "none"
    ASYLUM_SEEKER = "asylum_seeker"
    REFUGEE = "refugee"


class Link(StrEnum):
    BIRTH = "birth"
    DESCENT_MOTHER = "descent_mother"
    DESCENT_FATHER = "descent_father"
    MARRIAGE = "marriage"
    ADOPTION = "adoption"
    HABITUAL_RESIDENCE = "habitual_residence"
    FORMER_NATIONALITY = "former_nationality"


class Finding(StrEnum):
    NATIONAL = "national"
    NOT_NATIONAL = "not_national"
    UNDETERMINED = "undetermined"


class InquiryOutcome(StrEnum):
    CONFIRMS_NATIONAL = "confirms_national"
    DENIES_NATIONAL = "denies_national"
    NO_RECORD = "no_record"
    INCONCLUSIVE = "inconclusive"


class InquiryStatus(StrEnum):
    PENDING = "pending"
    ANSWERED = "answered"
    UNANSWERED = "unanswered"


class DecisionOutcome(StrEnum):
    RECOGNIZED = "recognized"
    REJECTED = "rejected"
    EXCLUDED = "excluded"


class ExclusionGround(StrEnum):
    """1954 Convention, Art. 1(2)."""

    UN_AGENCY_PROTECTION = "un_agency_protection"  # Art. 1(2)(i)
    RIGHTS_OF_NATIONALS = "rights_of_nationals"  # Art. 1(2)(ii)
    SERIOUS_CRIME = "serious_crime"  # Art. 1(2)(iii)


class AppealOutcome(StrEnum):
    UPHELD = "upheld"
    OVERTURNED = "overturned"


class ReferralTarget(StrEnum):
    LATE_BIRTH_REGISTRATION = "late_birth_registration"
    NATIONALITY_CONFIRMATION = "nationality_confirmation"


class PersonOutcome(StrEnum):
    """Each person's own outcome (domain.md, section 4)."""

    RECOGNIZED = "recognized"
    REJECTED = "rejected"
    EXCLUDED = "excluded"
    FAMILY_UNITY = "family_unity"  # holds a nationality; stays with a recognised family member
    REFERRED = "referred"  # confirmed Peruvian by the civil registry: leaves the procedure


class ReferralStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED_PERUVIAN = "confirmed_peruvian"
    REFUSED = "refused"


class ProceedingKind(StrEnum):
    CESSATION = "cessation"  # a nationality acquired or recovered
    CANCELLATION = "cancellation"  # recognition obtained by fraud


class ProceedingStatus(StrEnum):
    PROPOSED = "proposed"
    CEASED = "ceased"
    CANCELLED = "cancelled"
    MAINTAINED = "maintained"


class Vulnerability(StrEnum):
    OLDER_PERSON = "older_person"
    DISABILITY = "disability"
    SURVIVOR_OF_VIOLENCE = "survivor_of_violence"
    UNACCOMPANIED_CHILD = "unaccompanied_child"


class Role(StrEnum):
    INTAKE_OFFICER = "intake_officer"
    CASE_OFFICER = "case_officer"
    DECISION_MAKER = "decision_maker"
    APPEALS_OFFICER = "appeals_officer"
    REGISTRAR = "registrar"
    SUPERVISOR = "supervisor"
    REVIEWER = "reviewer"
    ADMIN = "admin"


class Scope(StrEnum):
    """What a partner system's token may do."""

    REGISTRY_READ = "registry:read"


class DocumentType(StrEnum):
    PROVISIONAL_CERTIFICATE = "provisional_certificate"
    IDENTITY_DOCUMENT = "identity_document"
    TRAVEL_DOCUMENT = "travel_document"
    DECISION_LETTER = "decision_letter"
    BIRTH_RECORD = "birth_record"


class DocumentStatus(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    EXPIRED = "expired"
    SUPERSEDED = "superseded"


class NationalityBasis(StrEnum):
    IUS_SOLI = "ius_soli"
    FOUNDLING = "foundling"
    IUS_SANGUINIS = "ius_sanguinis"


class PeruvianNationalityBasis(StrEnum):
    """How a Peruvian parent is Peruvian (Law 32421): it decides a child born abroad's
    nationality."""

    BIRTH = "birth"
    NATURALIZATION = "naturalization"
    OPTION = "option"


class Relationship(StrEnum):
    CHILD = "child"
    SPOUSE = "spouse"
    OTHER = "other"


class Sex(StrEnum):
    FEMALE = "F"
    MALE = "M"
    UNSPECIFIED = "X"


# A dependant's relationship in the words a person uses when the sex is known ("Sofía Pérez
# (Daughter)", in Spanish "Hija"); the neutral label of ``Relationship`` otherwise.
RELATIONSHIP_BY_SEX: dict[tuple[Relationship, Sex], str] = {
    (Relationship.CHILD, Sex.FEMALE): N_("Daughter"),
    (Relationship.CHILD, Sex.MALE): N_("Son"),
    (Relationship.SPOUSE, Sex.FEMALE): N_("Wife"),
    (Relationship.SPOUSE, Sex.MALE): N_("Husband"),
}


class EvidenceKind(StrEnum):
    TESTIMONY = "testimony"
    DOCUMENT = "document"
    EXPERT_INFORMATION = "expert_information"
    OTHER = "other"


# Human labels, for the UI and the legislators' documents.
LABELS: dict[StrEnum, str] = {
    State.REGISTERED: N_("Registered"),
    State.UNDER_EXAMINATION: N_("Under examination"),
    State.PENDING_DECISION: N_("Pending decision"),
    State.RECOGNIZED: N_("Recognized as stateless"),
    State.REJECTED: N_("Rejected"),
    State.UNDER_APPEAL: N_("Under appeal"),
    State.WITHDRAWN: N_("Withdrawn"),
    State.CLOSED: N_("Closed"),
    State.REFERRED: N_("Referred"),
    State.CEASED: N_("Ceased"),
    State.CANCELLED: N_("Cancelled"),
    Route.APPLICATION: N_("Application by the person"),
    Route.EX_OFFICIO: N_("Ex officio"),
    AsylumStatus.NONE: N_("None"),
    AsylumStatus.ASYLUM_SEEKER: N_("Asylum seeker"),
    AsylumStatus.REFUGEE: N_("Refugee"),
    Link.BIRTH: N_("Birth on its territory"),
    Link.DESCENT_MOTHER: N_("Descent (mother)"),
    Link.DESCENT_FATHER: N_("Descent (father)"),
    Link.MARRIAGE: N_("Marriage"),
    Link.ADOPTION: N_("Adoption"),
    Link.HABITUAL_RESIDENCE: N_("Habitual residence"),
    Link.FORMER_NATIONALITY: N_("Former nationality"),
    Finding.NATIONAL: N_("National"),
    Finding.NOT_NATIONAL: N_("Not a national"),
    Finding.UNDETERMINED: N_("Undetermined"),
    InquiryOutcome.CONFIRMS_NATIONAL: N_("Confirms nationality"),
    InquiryOutcome.DENIES_NATIONAL: N_("Denies nationality"),
    InquiryOutcome.NO_RECORD: N_("No record"),
    InquiryOutcome.INCONCLUSIVE: N_("Inconclusive"),
    InquiryStatus.PENDING: N_("Pending"),
    InquiryStatus.ANSWERED: N_("Answered"),
    InquiryStatus.UNANSWERED: N_("Unanswered"),
    DecisionOutcome.EXCLUDED: N_("Excluded (Art. 1(2))"),
    ExclusionGround.UN_AGENCY_PROTECTION: N_(
        "Protection or assistance from a UN agency other than UNHCR (Art. 1(2)(i))"
    ),
    ExclusionGround.RIGHTS_OF_NATIONALS: N_(
        "Rights and obligations of nationals in the country of residence (Art. 1(2)(ii))"
    ),
    ExclusionGround.SERIOUS_CRIME: N_(
        "Serious reasons regarding crimes or acts contrary to the UN's purposes (Art. 1(2)(iii))"
    ),
    AppealOutcome.UPHELD: N_("Upheld (the first decision stands)"),
    AppealOutcome.OVERTURNED: N_("Overturned"),
    ReferralTarget.LATE_BIRTH_REGISTRATION: N_("Late birth registration"),
    ReferralTarget.NATIONALITY_CONFIRMATION: N_("Nationality confirmation"),
    PersonOutcome.FAMILY_UNITY: N_(
        "Family unity (holds a nationality; residence with a recognised family member)"
    ),
    ReferralStatus.PENDING: N_("Awaiting the civil registry"),
    ReferralStatus.CONFIRMED_PERUVIAN: N_("Confirmed Peruvian"),
    ReferralStatus.REFUSED: N_("Refused: the examination resumes"),
    ProceedingKind.CESSATION: N_("Cessation"),
    ProceedingKind.CANCELLATION: N_("Cancellation"),
    ProceedingStatus.PROPOSED: N_("Proposed: awaiting the person's reply"),
    ProceedingStatus.MAINTAINED: N_("Recognition maintained"),
    Vulnerability.OLDER_PERSON: N_("Older person"),
    Vulnerability.DISABILITY: N_("Person with a disability"),
    Vulnerability.SURVIVOR_OF_VIOLENCE: N_("Survivor of violence"),
    Vulnerability.UNACCOMPANIED_CHILD: N_("Unaccompanied child"),
    Role.INTAKE_OFFICER: N_("Intake officer"),
    Role.CASE_OFFICER: N_("Case officer"),
    Role.DECISION_MAKER: N_("Decision-maker"),
    Role.APPEALS_OFFICER: N_("Appeals officer"),
    Role.REGISTRAR: N_("Registrar"),
    Role.SUPERVISOR: N_("Supervisor"),
    Role.REVIEWER: N_("Reviewer (legislator)"),
    Role.ADMIN: N_("Administrator"),
    DocumentType.PROVISIONAL_CERTIFICATE: N_("Provisional certificate"),
    DocumentType.IDENTITY_DOCUMENT: N_("Identity document"),
    DocumentType.TRAVEL_DOCUMENT: N_("Travel document"),
    DocumentType.DECISION_LETTER: N_("Decision letter"),
    DocumentType.BIRTH_RECORD: N_("Birth record"),
    DocumentStatus.VALID: N_("Valid"),
    DocumentStatus.REVOKED: N_("Revoked"),
    DocumentStatus.EXPIRED: N_("Expired"),
    DocumentStatus.SUPERSEDED: N_("Superseded"),
    NationalityBasis.IUS_SOLI: N_("Born in Peru (ius soli)"),
    NationalityBasis.FOUNDLING: N_("Foundling found in Peru"),
    NationalityBasis.IUS_SANGUINIS: N_("Born abroad to a parent Peruvian by birth (ius sanguinis)"),
    Relationship.CHILD: N_("Child"),
    Relationship.SPOUSE: N_("Spouse"),
    Relationship.OTHER: N_("Other"),
    Sex.FEMALE: N_("Female"),
    Sex.MALE: N_("Male"),
    Sex.UNSPECIFIED: N_("Unspecified"),
    EvidenceKind.TESTIMONY: N_("Testimony of the applicant"),
    EvidenceKind.DOCUMENT: N_("Document"),
    EvidenceKind.EXPERT_INFORMATION: N_("Expert information on nationality law and practice"),
    EvidenceKind.OTHER: N_("Other"),
}
# DecisionOutcome.RECOGNIZED/REJECTED share their values with State; their labels too.

# Apart from LABELS: "birth" is a Link's value too, and LABELS is keyed by value.
PERUVIAN_NATIONALITY_BASIS_LABELS: dict[PeruvianNationalityBasis, str] = {
    PeruvianNationalityBasis.BIRTH: N_("Peruvian by birth"),
    PeruvianNationalityBasis.NATURALIZATION: N_("Peruvian by naturalization"),
    PeruvianNationalityBasis.OPTION: N_("Peruvian by option"),
}


def label(value: StrEnum) -> str:
    """The untranslated English label of a vocabulary value."""
    return LABELS.get(value, value.value.replace("_", " ").capitalize())


def values(enum: type[StrEnum]) -> list[str]:
    return [member.value for member in enum]
