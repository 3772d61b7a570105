"""Issuing, reissuing and revoking documents, and reading them: one function each,
checked against the procedure and audited in the same transaction."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app, url_for
from sqlalchemy import Row, bindparam, select

from .. import clock
from ..audit import services as audit
from ..auth.models import User
from ..auth.principal import Principal
from ..births.models import BirthRegistration
from ..cases import services as cases
from ..cases import standing
from ..cases.models import Application, Determination, Person, Proceeding
from ..domain import deadlines, document_lifecycle, procedure
from ..domain.access import BIRTH_READERS, may_read_case
from ..domain.determination import PersonFacts
from ..domain.procedure import Context, InvalidField, NotAllowedNow, ProcedureError
from ..domain.text import text_fault
from ..domain.vocabulary import N_, DocumentStatus, DocumentType, PersonOutcome, State
from ..extensions import db
from ..registry.audit import record_partner_read
from . import payload, serials, signing
from .models import Document
from .presenters import qr_text
from .render.drawing import qr_mask

CASE_TYPES = (
    DocumentType.PROVISIONAL_CERTIFICATE,
    DocumentType.IDENTITY_DOCUMENT,
    DocumentType.TRAVEL_DOCUMENT,
    DocumentType.DECISION_LETTER,
)
SECOND_LANGUAGES = ("en", "pt")  # languages the decision letter is also written in, besides Spanish


def _policy():
    return current_app.config["POLICY"]


class NotConfigured(ProcedureError):
    """The server lacks a setting that documents need: nothing is issued until an operator sets
    it."""

    status = 503


def _public_base_url() -> str:
    """The verification address printed on documents (SDP_PUBLIC_URL, e.g. https://apatridia.gob.pe).
    Configuration only: a request's Host header must never choose what a document prints."""
    configured = current_app.config.get("PUBLIC_BASE_URL")
    if not configured:
        raise NotConfigured(
            N_(
                "No document can be issued: the verification address printed on documents "
                "(SDP_PUBLIC_URL) is not configured on this server."
            )
        )
    return configured


def _new_serial() -> str:
    """A serial no document has, whose first 9 symbols (the document number of the machine-readable
    zone, ``mrz.split_serial``) no document has either."""
    while True:
        serial = serials.new_serial()
        document_number_prefix = serial[: len("XXXX-XXXX-X")]
        if (
            db.session.execute(
                select(Document.id).where(
                    Document.serial.startswith(document_number_prefix, autoescape=True)
                )
            ).first()
            is None
        ):
            return serial


# --- Status ---------------------------------------------------------------------------


def holder_facts(application_id: int | None, person_id: int | None) -> PersonFacts | None:
    """The holder's own facts that a document's validity depends on (the case is read from the
    session when it is already loaded)."""
    if application_id is None or person_id is None:
        return None
    application = cases.case_by_id(application_id)
    if application is None:
        return None
    person = application.person(person_id)
    return application.person_facts(person) if person is not None else None


def status_of(document: Document, today: date, holder: PersonFacts | None = None) -> DocumentStatus:
    """valid, revoked, expired or superseded, today (see ``sdp.domain.document_lifecycle``)."""
    if (
        holder is None
        and document.status == DocumentStatus.VALID
        and document_lifecycle.depends_on_case(document.type)
    ):
        holder = holder_facts(document.application_id, document.person_id)
    return document_lifecycle.status(
        DocumentStatus(document.status), document.valid_until, document.type, holder, today
    )


# --- Staff's view of a document ----------------------------------------------------------


def document_dict(document: Document, today: date, status: DocumentStatus | None = None) -> dict:
    """A document as staff see it: the issuing endpoints' answer, and each document of a case's
    JSON (``case_documents``)."""
    return {
        "serial": document.serial,
        "type": document.type,
        "status": (status or status_of(document, today)).value,
        "issued_on": document.issued_on,
        "valid_until": document.valid_until,
        "pdf_url": url_for("documents_web.pdf", serial=document.serial, _external=False)
        if "documents_web.pdf" in current_app.view_functions
        else f"/documents/{document.serial}.pdf",
        "qr": qr_text(document),
        "holder": {
            "given_names": document.holder_given_names,
            "family_names": document.holder_family_names,
            "date_of_birth": document.holder_date_of_birth,
        },
        "person_id": document.person_id,
        "languages": (document.languages or "es").split(),
        "key_id": document.key_id,
        "revoked_on": document.revoked_on,
        "revocation_reason": document.revocation_reason,
    }


def case_documents(application_id: int, today: date) -> list[dict]:
    """A case's documents as staff see them, oldest first (the ``documents`` of the case's JSON,
    sdp.cases.presenters, and of ``GET /applications/<id>/documents``)."""
    documents = db.session.execute(
        select(Document).where(Document.application_id == application_id).order_by(Document.id)
    ).scalars()
    return [document_dict(document, today) for document in documents]


# --- Issuing ----------------------------------------------------------------------------


def _holder(application: Application, person_id: int | None) -> tuple[Person, str]:
    if person_id is None or person_id == application.applicant_id:
        return application.applicant, "applicant"
    for dependant in application.dependants:
        if dependant.person_id == person_id:
            return dependant.person, dependant.relationship_to_applicant
    raise InvalidField(
        "person_id", N_("This person is neither the applicant nor a dependant of the case.")
    )


def _recognized_on(application: Application) -> date | None:
    decision, appeal = application.decision, application.appeal
    return deadlines.recognition_date(
        decision.notified_on if decision else None, appeal.decided_on if appeal else None
    )


def _letter_languages(application: Application, holder: Person) -> list[str]:
    candidates = list(holder.languages or [])[:1]
    if application.decision and application.decision.notification_language:
        candidates.append(application.decision.notification_language)
    for tag in candidates:
        primary = tag.split("-")[0].lower()
        if primary in SECOND_LANGUAGES:
            return ["es", primary]
    return ["es"]


def _user_name(user_id: int | None) -> str | None:
    user = db.session.get(User, user_id) if user_id else None
    return user.name if user else None


def _countries_excepted(document_type: str, valid_except: list[str] | None) -> list[str]:
    """The countries a travel document is not valid for (1954 Schedule, para. 4: as many as
    possible)."""
    if not valid_except:
        return []
    if document_type != DocumentType.TRAVEL_DOCUMENT:
        raise InvalidField("valid_except", N_("Only a travel document may exclude countries."))
    if "PE" in valid_except:
        raise InvalidField(
            "valid_except",
            N_("A travel document issued by Peru is always valid for the return to Peru."),
        )
    return sorted(set(valid_except))


def _case_content(
    application: Application,
    holder: Person,
    relationship: str,
    document_type: str,
    valid_months: int | None,
    valid_except: list[str] | None = None,
) -> dict[str, Any]:
    policy = _policy()
    content: dict[str, Any] = {
        "verify_url": _public_base_url(),
        "case_number": application.case_number,
        "registered_on": application.registered_on.isoformat(),
        "relationship": relationship,
        "holder": {
            "sex": holder.sex,
            "place_of_birth": {"country": holder.birth_country, "locality": holder.birth_locality},
        },
    }
    if document_type in (DocumentType.IDENTITY_DOCUMENT, DocumentType.TRAVEL_DOCUMENT):
        recognized_on = _recognized_on(application)
        content["recognized_on"] = recognized_on.isoformat() if recognized_on else None
        if valid_months:
            content["valid_months"] = valid_months
        if document_type == DocumentType.TRAVEL_DOCUMENT:
            # What the Schedule's model prints on its fourth page, as it stood on the day of issue.
            content["valid_except"] = list(valid_except or [])
            content["issuing_authority"] = current_app.config["DOCUMENT_ISSUING_AUTHORITY"]
            content["issuing_place"] = current_app.config["DOCUMENT_ISSUING_PLACE"]
    if document_type == DocumentType.DECISION_LETTER:
        # The letter notifies the holder's own decision (domain.md, section 4): their outcome, the
        # findings on their own relevant States, their own appeal.
        decision, determination = application.decision, application.determination(holder.id)
        if decision is None:  # the procedure allows the letter only after the decision
            raise LookupError(f"case {application.id} has no decision to notify")
        own_findings = [
            finding
            for finding in decision.findings
            if finding.get("person_id", holder.id) == holder.id
        ]
        content["decision"] = {
            "outcome": determination.outcome or decision.outcome,
            "exclusion_ground": determination.exclusion_ground
            if determination.outcome
            else decision.exclusion_ground,
            "reasons": determination.reasons or decision.reasons,
            "findings": own_findings,
            "decided_on": (determination.decided_on or decision.decided_on).isoformat(),
            "notified_on": (determination.notified_on or decision.notified_on).isoformat(),
            "appeal_due": (determination.appeal_due or decision.appeal_due).isoformat(),
            "decided_by": _user_name(determination.decided_by_id or decision.decided_by_id),
        }
        content["appeal"] = (
            None
            if determination.appeal_lodged_on is None
            else {
                "lodged_on": determination.appeal_lodged_on.isoformat(),
                "outcome": determination.appeal_outcome,
                "reasons": determination.appeal_reasons,
                "decided_on": determination.appeal_decided_on.isoformat()
                if determination.appeal_decided_on
                else None,
            }
        )
        content["final_state"] = (
            State.RECOGNIZED.value
            if determination.outcome == PersonOutcome.RECOGNIZED
            else State.REJECTED.value
        )
        content["appeal_window_working_days"] = policy.appeal_window_working_days
        content["naturalization_years"] = policy.naturalization_years
        content["naturalization_general_years"] = policy.naturalization_general_years
    return content


@dataclass(frozen=True)
class _Holder:
    given_names: str
    family_names: str
    date_of_birth: date


def _sign_and_add(actor: Principal, document: Document, holder: _Holder) -> Document:
    signer = signing.current_signer()
    signing.publish(signer)
    document.key_id = signer.key_id
    document.qr_payload = signing.sign(
        payload.QrFields(
            key_id=signer.key_id,
            serial=document.serial,
            type=DocumentType(document.type),
            given_names=holder.given_names,
            family_names=holder.family_names,
            date_of_birth=holder.date_of_birth,
            issued_on=document.issued_on,
            valid_until=document.valid_until,
        ),
        signer,
    )
    # The QR code opens the verification page (payload.qr_text); its text is kept with the
    # document so that every later render prints the same code.
    content = document.content or {}  # set by the caller, with the verification address
    text = payload.qr_text(content["verify_url"], document.qr_payload)
    document.content = {**content, "qr_text": text, "qr_mask": qr_mask(text)}
    db.session.add(document)
    db.session.flush()
    return document


def _supersede(previous: list[Document], new: Document) -> list[str]:
    serials_superseded = []
    for old in previous:
        if old.id != new.id and old.status == DocumentStatus.VALID:
            old.status, old.superseded_by_id = DocumentStatus.SUPERSEDED.value, new.id
            serials_superseded.append(old.serial)
    return serials_superseded


def _finish(actor: Principal, action: str, document: Document, changes: dict) -> None:
    audit.record(
        actor,
        f"document.{action}",
        "document",
        document.id,
        case_id=document.application_id,
        changes=changes,
    )
    db.session.flush()


def issue_document(
    actor: Principal,
    application: Application,
    document_type: str,
    *,
    person_id: int | None = None,
    valid_months: int | None = None,
    valid_except: list[str] | None = None,
    _action: str = "issue",
    _replaces: Document | None = None,
) -> Document:
    """Issue a case document; a valid earlier one of the same type for the same person is
    superseded."""
    today = clock.today()
    holder, relationship = _holder(application, person_id)
    # Each person's own status decides (domain.md, section 4): a statelessness document for
    # someone who holds a nationality is the worst error this software can make.
    procedure.check(
        "issue_document",
        application.facts(today),
        actor.actor,
        Context(
            today=today, params={"type": document_type, "person": application.person_facts(holder)}
        ),
    )
    valid_until, months = document_lifecycle.validity(document_type, today, valid_months, _policy())
    excepted = _countries_excepted(document_type, valid_except)
    languages = (
        _letter_languages(application, holder)
        if document_type == DocumentType.DECISION_LETTER
        else ["es"]
    )
    if document_type == DocumentType.TRAVEL_DOCUMENT:
        languages = ["es", "en"]
    document = Document(
        serial=_new_serial(),
        type=document_type,
        application_id=application.id,
        person_id=holder.id,
        holder_given_names=holder.given_names,
        holder_family_names=holder.family_names,
        holder_date_of_birth=holder.date_of_birth,
        status=DocumentStatus.VALID.value,
        issued_on=today,
        valid_until=valid_until,
        issued_by_id=actor.id,
        created_at=clock.now(),
        languages=" ".join(languages),
        content=_case_content(application, holder, relationship, document_type, months, excepted),
    )
    _sign_and_add(
        actor, document, _Holder(holder.given_names, holder.family_names, holder.date_of_birth)
    )
    previous = list(
        db.session.execute(
            select(Document).where(
                Document.application_id == application.id,
                Document.type == document_type,
                Document.person_id == holder.id,
                Document.status == DocumentStatus.VALID.value,
                Document.id != document.id,
            )
        ).scalars()
    )
    if _replaces is not None and _replaces not in previous:
        previous.append(_replaces)
    superseded = _supersede(previous, document)
    changes = {
        "serial": document.serial,
        "type": document_type,
        "person_id": holder.id,
        "issued_on": today,
        "valid_until": valid_until,
        "key_id": document.key_id,
        "languages": document.languages,
    }
    if superseded:
        changes["superseded"] = superseded
    _finish(actor, _action, document, changes)
    return document


def issue_provisional_certificates(actor: Principal, application: Application) -> list[Document]:
    """At intake, each person of the application receives a provisional certificate (the
    procedure's ``register``; domain.md, section 4: each person is protected until their own
    decision is final). In the intake's transaction: no application without its certificates."""
    return [
        issue_document(
            actor, application, DocumentType.PROVISIONAL_CERTIFICATE, person_id=person.id
        )
        for person in application.persons()
    ]


def _birth_content(birth: BirthRegistration) -> dict[str, Any]:
    def parent(person_id: int | None) -> dict | None:
        person = db.session.get(Person, person_id) if person_id else None
        return (
            None
            if person is None
            else {"given_names": person.given_names, "family_names": person.family_names}
        )

    return {
        "verify_url": _public_base_url(),
        "registration_number": birth.registration_number,
        "registered_on": birth.registered_on.isoformat(),
        "late_registration": bool(birth.late_registration),
        "foundling": bool(birth.foundling),
        "holder": {
            "sex": birth.child_sex,
            "place_of_birth": {"country": birth.birth_country, "locality": birth.birth_locality},
        },
        "mother": parent(birth.mother_id),
        "father": parent(birth.father_id),
        "nationality": {"country": birth.nationality_country, "basis": birth.nationality_basis},
    }


def issue_birth_record(
    actor: Principal,
    birth: BirthRegistration,
    *,
    _action: str = "issue",
    _replaces: Document | None = None,
) -> Document:
    """Issue the extract of a birth registration (registrar or supervisor)."""
    procedure.check_act("issue_birth_record", actor.actor)
    today = clock.today()
    document = Document(
        serial=_new_serial(),
        type=DocumentType.BIRTH_RECORD.value,
        birth_registration_id=birth.id,
        holder_given_names=birth.child_given_names,
        holder_family_names=birth.child_family_names,
        holder_date_of_birth=birth.child_date_of_birth,
        status=DocumentStatus.VALID.value,
        issued_on=today,
        valid_until=None,
        issued_by_id=actor.id,
        created_at=clock.now(),
        languages="es",
        content=_birth_content(birth),
    )
    _sign_and_add(
        actor,
        document,
        _Holder(birth.child_given_names, birth.child_family_names, birth.child_date_of_birth),
    )
    previous = list(
        db.session.execute(
            select(Document).where(
                Document.birth_registration_id == birth.id,
                Document.status == DocumentStatus.VALID.value,
                Document.id != document.id,
            )
        ).scalars()
    )
    superseded = _supersede(previous, document)
    changes = {
        "serial": document.serial,
        "type": document.type,
        "registration_number": birth.registration_number,
        "issued_on": today,
        "key_id": document.key_id,
    }
    if superseded:
        changes["superseded"] = superseded
    _finish(actor, _action, document, changes)
    return document


def reissue(actor: Principal, document: Document) -> Document:
    """A new document in place of ``document`` (lost, damaged, renewed): the old serial is
    superseded."""
    document_lifecycle.check_reissue(document.status)
    if document.type == DocumentType.BIRTH_RECORD:
        birth = db.session.get(BirthRegistration, document.birth_registration_id)
        if birth is None:  # a birth record always has its registration (issue_birth_record)
            raise LookupError(f"document {document.id} has no birth registration")
        return issue_birth_record(actor, birth, _action="reissue", _replaces=document)
    application = cases.case_by_id(document.application_id)
    if application is None:  # every other document is issued on a case (issue_document)
        raise LookupError(f"document {document.id} has no case")
    content = document.content or {}
    travel = document.type == DocumentType.TRAVEL_DOCUMENT
    return issue_document(
        actor,
        application,
        document.type,
        person_id=document.person_id,
        valid_months=content.get("valid_months") if travel else None,
        valid_except=content.get("valid_except") if travel else None,
        _action="reissue",
        _replaces=document,
    )


def revoke(actor: Principal, document: Document, reason: str) -> Document:
    """Revoke a document with a reason (supervisor): it then verifies as revoked."""
    procedure.check_act("revoke_document", actor.actor)
    if not reason or not reason.strip():
        raise InvalidField("reason", N_("A revocation needs its reason."))
    if text_fault(reason):
        raise InvalidField(
            "reason",
            N_("The reason contains a character that cannot be stored (NUL or a lone surrogate)."),
        )
    if document.status == DocumentStatus.REVOKED:
        raise NotAllowedNow(N_("This document is already revoked."))
    if document.status == DocumentStatus.SUPERSEDED:
        raise NotAllowedNow(N_("This document was already replaced by a newer one."))
    today = clock.today()
    document.status, document.revoked_on = DocumentStatus.REVOKED.value, today
    document.revocation_reason, document.revoked_by_id = reason.strip(), actor.id
    _finish(
        actor,
        "revoke",
        document,
        {
            "serial": document.serial,
            "status": ["valid", "revoked"],
            "revoked_on": today,
            "reason": reason.strip(),
        },
    )
    return document


# --- Reading ----------------------------------------------------------------------------


def find(serial: str) -> Document | None:
    canonical = serials.normalize(serial)
    if canonical is None:
        return None
    return db.session.execute(
        select(Document).where(Document.serial == canonical)
    ).scalar_one_or_none()


# What a check reads of a document: the registry's answer, the audit event, the QR comparison,
# and the case facts its status depends on. Columns rather than the entity, and the statement
# built once: every registry check runs it.
_CHECK_QUERY = (
    select(
        Document.id,
        Document.serial,
        Document.type,
        Document.status,
        Document.issued_on,
        Document.valid_until,
        Document.holder_given_names,
        Document.holder_family_names,
        Document.holder_date_of_birth,
        Document.application_id,
        Document.qr_payload,
        *standing.COLUMNS,
    )
    .outerjoin(Application, Application.id == Document.application_id)
    .outerjoin(
        Determination,
        (Determination.application_id == Document.application_id)
        & (Determination.person_id == Document.person_id),
    )
    .outerjoin(Proceeding, standing.latest_proceeding_join())
    .where(Document.serial == bindparam("serial"))
)


def find_with_status(
    serial: str, today: date, connection=None
) -> tuple[Row, DocumentStatus] | None:
    """A document (the columns of ``_CHECK_QUERY``) and its status today, in one query (the
    registry's hot path). ``connection``: where to run it instead of the ORM session (the
    registry's lean path, ``sdp.registry.lean``)."""
    canonical = serials.normalize(serial)
    if canonical is None:
        return None
    row = (connection or db.session).execute(_CHECK_QUERY, {"serial": canonical}).first()
    if row is None:
        return None
    return row, document_lifecycle.status(
        DocumentStatus(row.status), row.valid_until, row.type, standing.facts_of_row(row), today
    )


class VerificationFailed(Exception):
    """The payload is not genuine (malformed, altered, or signed by an unknown key)."""


def verify_payload(
    text: str, today: date, connection=None
) -> tuple[payload.QrFields, tuple[Row, DocumentStatus] | None]:
    """Check a scanned payload's signature, then find the document it names.

    The document found must say what the signed payload says; anything else is refused."""
    try:
        fields = signing.verify(text)
    except payload.PayloadError as error:
        raise VerificationFailed(str(error)) from error
    found = find_with_status(fields.serial, today, connection)
    if found is not None:
        document = found[0]
        if (document.qr_payload or "").strip() != payload.payload_of(text):
            raise VerificationFailed(
                "The QR code does not match the document issued with this serial."
            )
    return fields, found


def may_read(actor: Principal, document: Document) -> bool:
    if document.birth_registration_id is not None:
        return bool(actor.roles & BIRTH_READERS)
    application = cases.case_by_id(document.application_id)
    return application is not None and may_read_case(
        actor.roles, actor.id, application.case_officer_id
    )


def record_read(actor: Principal, document: Document | Row, channel: str) -> None:
    """Reads of a document (its PDF, a registry check, a public verification) are audited; a
    partner's registry check through the audit journal (sdp.registry.audit), before the answer."""
    if channel in PARTNER_CHANNELS:
        record_partner_read(
            actor,
            "document.read",
            "document",
            document.id,
            case_id=document.application_id,
            changes={"serial": document.serial, "channel": channel},
        )
        return  # nothing written here: the request's unit of work ends the look-up's transaction
    audit.record(
        actor,
        "document.read",
        "document",
        document.id,
        case_id=document.application_id,
        changes={"serial": document.serial, "channel": channel},
    )
    db.session.flush()


def record_failed_verification(channel: str) -> None:
    """A verification that found no genuine document is audited too (a forged code shown to a
    verifier is worth knowing), with nothing of the code and nothing of who asked."""
    audit.record(
        PUBLIC, "document.verification_failed", "document", None, changes={"channel": channel}
    )
    db.session.flush()


# The channels of a partner's registry check (sdp/documents/api.py).
PARTNER_CHANNELS = frozenset({"registry", "registry_qr"})
PUBLIC = Principal(kind="public", id=None, label="public verification page")
