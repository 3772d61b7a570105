"""Registering births, and reading them: every change and every read audited.

``register_birth`` is the one way a birth enters the registry, from the API, the web form
and the demo data alike. The nationality rule, the late-registration rule and the
duplicate key are pure domain rules (``sdp.domain.nationality``,
``sdp.domain.deadlines``, ``sdp.domain.birth_registration``); this module applies them to
the database.
"""

import re
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..audit import services as audit
from ..auth.principal import Principal
from ..cases.models import Application, Person
from ..domain import dates, deadlines, nationality, procedure
from ..domain.access import BIRTH_READERS
from ..domain.birth_registration import duplicate_key, normalise_registration_number
from ..domain.names import name_key, similar_names
from ..domain.procedure import Forbidden, InvalidField, NotAllowedNow
from ..domain.vocabulary import (
    N_,
    AsylumStatus,
    PeruvianNationalityBasis,
    ReferralTarget,
    Sex,
)
from ..extensions import db
from ..registry.audit import record_partner_read
from ..unit_of_work import savepoint
from .models import BirthRegistration
from .numbering import next_registration_number

# A registration date before this is a typing error (the registration number has a four-digit year).


class DuplicateBirth(NotAllowedNow):
    """The same child is registered already: HTTP 409, with the existing record's number."""

    def __init__(self, existing: BirthRegistration) -> None:
        self.existing = existing
        self.registration_number = existing.registration_number
        super().__init__(
            N_("This child is already registered under number %(number)s."),
            number=existing.registration_number,
        )


# --- Registering -------------------------------------------------------------------


def _find_case(parent: dict, role: str) -> Application | None:
    number = (parent.get("case_number") or "").strip().upper()
    if not number:
        return None
    application = db.session.execute(
        select(Application).where(Application.case_number == number)
    ).scalar_one_or_none()
    if application is None:
        raise InvalidField(f"{role}.case_number", N_("There is no SDP case with this number."))
    return application


def _person_on_case(parent: dict, application: Application, role: str) -> Person:
    """The parent as recorded on their SDP case: the birth links to the person, not a copy.

    Matched on the date of birth and names (tolerant of accents, case and a missing
    surname). A case number that does not hold this parent is refused, so a typing error
    cannot attach a child to a stranger's case file.
    """
    for person in application.persons():
        if person.date_of_birth == parent["date_of_birth"] and similar_names(
            parent["given_names"], parent["family_names"], person.given_names, person.family_names
        ):
            return person
    raise InvalidField(
        f"{role}.case_number",
        N_(
            "No person with this name and date of birth is on that SDP case: check the case "
            "number, or the parent's names and date of birth."
        ),
    )


def _new_person(parent: dict, default_sex: Sex) -> Person:
    asylum = parent.get("asylum") or {}
    place = parent["place_of_birth"]
    person = Person(
        sex=parent.get("sex") or default_sex.value,
        date_of_birth=parent["date_of_birth"],
        birth_country=place["country"],
        birth_locality=place.get("locality"),
        languages=list(parent.get("languages") or []),
        asylum_status=asylum.get("status") or AsylumStatus.NONE.value,
        asylum_country=asylum.get("country"),
    )
    person.set_names(parent["given_names"], parent["family_names"])
    return person


def _parent_facts(parent: dict | None, person: Person | None) -> nationality.Parent | None:
    if parent is None:
        return None
    asylum = (parent.get("asylum") or {}).get("status") or (
        person.asylum_status if person else None
    )
    basis = parent.get("nationality_basis")
    return nationality.Parent(
        nationality=parent.get("nationality"),
        stateless=bool(parent.get("stateless")),
        asylum_status=AsylumStatus(asylum or AsylumStatus.NONE),
        nationality_basis=PeruvianNationalityBasis(basis) if basis else None,
    )


def _basis_value(facts: nationality.Parent | None) -> str | None:
    return facts.nationality_basis.value if facts and facts.nationality_basis else None


def _find_existing(key: str, certificate_number: str | None) -> BirthRegistration | None:
    condition = BirthRegistration.duplicate_key == key
    if certificate_number:
        condition = or_(
            condition, BirthRegistration.live_birth_certificate_number == certificate_number
        )
    return db.session.execute(
        select(BirthRegistration).where(condition).limit(1)
    ).scalar_one_or_none()


def register_birth(principal: Principal, data: dict) -> BirthRegistration:
    """Register a birth: nationality by the rule, late registration marked, duplicates refused.

    Raises ``Forbidden`` (not a registrar), ``InvalidField`` (422, naming the field; among
    them ``NotPeruvianByBirth``), ``DuplicateBirth`` (409, with the existing number).
    """
    procedure.check_act("register_birth", principal.actor)
    today = clock.today()
    policy = current_app.config["POLICY"]
    child, mother_data, father_data = data["child"], data.get("mother"), data.get("father")
    place = child["place_of_birth"]
    registered_on = data.get("registered_on") or today
    # Not in the future, not before the pilot, and on or after the birth (sdp/domain/dates.py).
    dates.check_registration(
        registered_on,
        today=today,
        pilot_start=policy.pilot_start,
        births=[("child.date_of_birth", child["date_of_birth"])],
    )
    for role, parent in (("mother", mother_data), ("father", father_data)):
        if parent and parent.get("date_of_birth"):
            dates.check_date_of_birth(f"{role}.date_of_birth", parent["date_of_birth"], today)
    for role, parent in (("mother", mother_data), ("father", father_data)):
        if parent:
            nationality.check_parent(
                role,
                parent.get("nationality"),
                bool(parent.get("stateless")),
                parent.get("nationality_basis"),
            )

    mother_case = _find_case(mother_data, "mother") if mother_data else None
    father_case = _find_case(father_data, "father") if father_data else None
    mother = (
        _person_on_case(mother_data, mother_case, "mother") if mother_data and mother_case else None
    )
    father = (
        _person_on_case(father_data, father_case, "father") if father_data and father_case else None
    )
    mother_facts, father_facts = (
        _parent_facts(mother_data, mother),
        _parent_facts(father_data, father),
    )

    result = nationality.nationality_at_birth(
        nationality.Birth(
            country=place["country"],
            foundling=bool(data.get("foundling")),
            mother=mother_facts,
            father=father_facts,
        )
    )

    late = deadlines.is_late_birth_registration(child["date_of_birth"], registered_on, policy)
    evidence = (data.get("late_registration_evidence") or "").strip() or None
    if late and not evidence:
        raise InvalidField(
            "late_registration_evidence",
            N_(
                "This is a late registration (more than %(days)s days after the birth): record the "
                "supporting evidence of the birth (for example the live-birth certificate, a "
                "health or baptism record, or witnesses' statements)."
            ),
            days=policy.birth_registration_days,
        )

    if mother is None and mother_data:
        mother = _new_person(mother_data, Sex.FEMALE)
    if father is None and father_data:
        father = _new_person(father_data, Sex.MALE)
    key = duplicate_key(
        child_given_names=child["given_names"],
        child_family_names=child["family_names"],
        date_of_birth=child["date_of_birth"],
        birth_country=place["country"],
        birth_locality=place.get("locality"),
        mother_given_names=mother.given_names if mother else None,
        mother_family_names=mother.family_names if mother else None,
        mother_date_of_birth=mother.date_of_birth if mother else None,
    )
    certificate = (data.get("live_birth_certificate_number") or "").strip() or None
    existing = _find_existing(key, certificate)
    if existing is not None:
        raise DuplicateBirth(existing)

    declarant = data.get("declarant") or {}
    registration = BirthRegistration(
        registration_number=next_registration_number(registered_on.year),
        child_given_names=child["given_names"].strip(),
        child_family_names=child["family_names"].strip(),
        child_given_key=name_key(child["given_names"]),
        child_family_key=name_key(child["family_names"]),
        child_sex=child["sex"],
        child_date_of_birth=child["date_of_birth"],
        birth_country=place["country"],
        birth_locality=(place.get("locality") or "").strip() or None,
        foundling=bool(data.get("foundling")),
        mother=mother,
        father=father,
        mother_case_id=mother_case.id if mother_case else None,
        father_case_id=father_case.id if father_case else None,
        mother_nationality=mother_facts.nationality if mother_facts else None,
        father_nationality=father_facts.nationality if father_facts else None,
        mother_stateless=bool(mother_facts and mother_facts.stateless),
        father_stateless=bool(father_facts and father_facts.stateless),
        mother_asylum_status=mother_facts.asylum_status.value if mother_facts else None,
        father_asylum_status=father_facts.asylum_status.value if father_facts else None,
        mother_nationality_basis=_basis_value(mother_facts),
        father_nationality_basis=_basis_value(father_facts),
        nationality_country=result.country,
        nationality_basis=result.basis.value,
        registered_on=registered_on,
        late_registration=late,
        late_registration_evidence=evidence,
        live_birth_certificate_number=certificate,
        declarant_name=(declarant.get("name") or "").strip() or None,
        declarant_relationship=declarant.get("relationship"),
        declarant_document=(declarant.get("identity_document") or "").strip() or None,
        duplicate_key=key,
        registered_by_id=principal.id if principal.kind == "user" else None,
        created_at=clock.now(),
    )
    try:
        with savepoint():
            db.session.add(registration)
            db.session.flush()
    except IntegrityError:
        # Another registrar committed the same child (or certificate) a moment ago: the UNIQUE
        # constraint let only one through. Show theirs (the savepoint undid this one, and the
        # request's rollback undoes the rest).
        existing = _find_existing(key, certificate)
        if existing is None:
            raise
        raise DuplicateBirth(existing) from None

    changes = {
        "registration_number": registration.registration_number,
        "registered_on": registered_on,
        "nationality": result.country,
        "basis": result.basis,
        "late_registration": late,
        "mother_case": mother_case.case_number if mother_case else None,
        "father_case": father_case.case_number if father_case else None,
    }
    linked = [case for case in (mother_case, father_case) if case is not None]
    audit.record(
        principal,
        "birth.register",
        "birth_registration",
        registration.id,
        case_id=linked[0].id if linked else None,
        changes=changes,
    )
    if len(linked) == 2 and linked[0].id != linked[1].id:
        audit.record(
            principal,
            "birth.register",
            "birth_registration",
            registration.id,
            case_id=linked[1].id,
            changes=changes,
        )
    db.session.flush()
    return registration


# --- Reading -----------------------------------------------------------------------


# Built once: every registry birth check runs it.
_BY_NUMBER = select(BirthRegistration).where(
    BirthRegistration.registration_number == bindparam("number")
)
# What a partner's check reads of a registration: its answer (RegistryBirthOut's fields) and its
# audit event (the id). Columns rather than the entity's 35, as the document check reads its
# document: the least the check needs, so the parents' data is never read for a partner.
_REGISTRY_CHECK_BY_NUMBER = select(
    BirthRegistration.id,
    BirthRegistration.registration_number,
    BirthRegistration.child_given_names,
    BirthRegistration.child_family_names,
    BirthRegistration.child_sex,
    BirthRegistration.child_date_of_birth,
    BirthRegistration.birth_country,
    BirthRegistration.birth_locality,
    BirthRegistration.nationality_country,
    BirthRegistration.nationality_basis,
    BirthRegistration.late_registration,
).where(BirthRegistration.registration_number == bindparam("number"))


def find_registration(registration_number: str, connection=None) -> BirthRegistration | None:
    """The registration, or with ``connection`` (the registry's lean path) the row of what a
    partner's check answers: those columns, no ORM object."""
    number = normalise_registration_number(registration_number)
    if connection is not None:
        return connection.execute(_REGISTRY_CHECK_BY_NUMBER, {"number": number}).first()
    return db.session.execute(_BY_NUMBER, {"number": number}).scalar_one_or_none()


def require_birth_reader(principal: Principal) -> None:
    if not principal.roles & BIRTH_READERS:
        raise Forbidden(N_("Your role may not see birth registrations."))


def record_read(principal: Principal, registration: BirthRegistration, channel: str) -> None:
    """Every read of a birth record is audited: who looked at which child, through what."""
    audit.record(
        principal,
        "birth.read",
        "birth_registration",
        registration.id,
        case_id=registration.mother_case_id or registration.father_case_id,
        changes={"channel": channel},
    )
    db.session.flush()


def record_registry_check(
    principal: Principal, registration_number: str, registration: BirthRegistration | None
) -> None:
    """A partner's check, found or not: the audit of who looked up what, with only the number
    asked; journaled (sdp.registry.audit) before the answer."""

    record_partner_read(
        principal,
        "registry.birth.read",
        "birth_registration",
        registration.id if registration else None,
        changes={
            "registration_number": registration_number[:40],
            "found": registration is not None,
        },
    )
    # Nothing is flushed: the journal holds the event, and on the registry's lean path a flush
    # would open an ORM session for a request that has none.


def record_list_read(
    principal: Principal, shown: list[BirthRegistration], searched_by: str | None = None
) -> None:
    """Every list of birth records is audited: how many were shown and, for a search, how the
    registrar searched and which registrations it showed (not the name typed)."""
    changes: dict[str, Any] = {"shown": len(shown)}
    if searched_by:
        changes["searched_by"] = searched_by
        changes["registration_numbers"] = [found.registration_number for found in shown]
    audit.record(principal, "birth.list", "birth_registration", None, changes=changes)
    db.session.flush()


_REGISTRATION_NUMBER = re.compile(r"^(?:NAC-)?(\d{4})-(\d{1,7})-(\d)$")
_TOP = "\uffff"


def registration_number_of(text: str) -> str | None:
    """A registration number as typed ("nac-2026-123-5", "2026-0000123-5") in its full form."""
    match = _REGISTRATION_NUMBER.match(normalise_registration_number(text))
    if not match:
        return None
    year, sequence, check = match.groups()
    return f"NAC-{year}-{int(sequence):07d}-{check}"


def _prefix(column, key: str):
    return and_(column >= key, column < key + _TOP)


def search_registrations(text: str, limit: int = 50) -> tuple[list[BirthRegistration], str]:
    """The registrations whose number is ``text``, or whose child's names start like it (as the
    case search reads names: accents and case ignored, given names then family names or the family
    names alone), newest first, at most ``limit + 1`` (one more tells the page there are more).
    Returns them with how the text was read: "number", "name", or "nothing"."""
    number = registration_number_of(text)
    if number:
        condition = BirthRegistration.registration_number == number
        searched_by = "number"
    else:
        key = name_key(text)
        if not key:
            return [], "nothing"
        tokens = key.split()
        conditions = [
            _prefix(BirthRegistration.child_family_key, key),
            _prefix(BirthRegistration.child_given_key, key),
        ]
        for split in range(1, len(tokens)):
            given, family = " ".join(tokens[:split]), " ".join(tokens[split:])
            conditions.append(
                and_(
                    _prefix(BirthRegistration.child_family_key, family),
                    _prefix(BirthRegistration.child_given_key, given),
                )
            )
        condition = or_(*conditions)
        searched_by = "name"
    found = db.session.execute(
        select(BirthRegistration)
        .where(condition)
        .order_by(BirthRegistration.id.desc())
        .limit(limit + 1)
    ).scalars()
    return list(found), searched_by


def recent_registrations(limit: int = 50) -> list[BirthRegistration]:
    return list(
        db.session.execute(
            select(BirthRegistration).order_by(BirthRegistration.id.desc()).limit(limit)
        ).scalars()
    )


# --- Births on an SDP case ----------------------------------------------------------


def _birth_summary(registration: BirthRegistration, application_id: int) -> dict[str, Any]:
    parents = [
        role
        for role, case_id in (
            ("mother", registration.mother_case_id),
            ("father", registration.father_case_id),
        )
        if case_id == application_id
    ]
    return {
        "registration_number": registration.registration_number,
        "child": {
            "given_names": registration.child_given_names,
            "family_names": registration.child_family_names,
            "sex": registration.child_sex,
            "date_of_birth": registration.child_date_of_birth,
        },
        "registered_on": registration.registered_on,
        "late_registration": registration.late_registration,
        "nationality": {
            "country": registration.nationality_country,
            "basis": registration.nationality_basis,
        },
        "parents_on_case": parents,
    }


def births_for_case(application_id: int) -> list[dict[str, Any]]:
    """Births registered to a parent on this SDP case, oldest first, for the case page and API."""
    registrations = db.session.execute(
        select(BirthRegistration)
        .where(
            or_(
                BirthRegistration.mother_case_id == application_id,
                BirthRegistration.father_case_id == application_id,
            )
        )
        .order_by(BirthRegistration.child_date_of_birth, BirthRegistration.id)
    ).scalars()
    return [_birth_summary(registration, application_id) for registration in registrations]


def registrations_of_persons(persons: list[Person]) -> dict[int, str]:
    """``{person id: registration number}`` for the persons whose birth is registered here
    (same date of birth and folded names), in one indexed query."""
    if not persons:
        return {}
    conditions = [
        and_(
            BirthRegistration.child_date_of_birth == person.date_of_birth,
            BirthRegistration.child_family_key == person.family_key,
            BirthRegistration.child_given_key == person.given_key,
        )
        for person in persons
    ]
    rows = db.session.execute(
        select(
            BirthRegistration.registration_number,
            BirthRegistration.child_date_of_birth,
            BirthRegistration.child_family_key,
            BirthRegistration.child_given_key,
        )
        .where(or_(*conditions))
        .order_by(BirthRegistration.id)
    ).all()
    found = {
        (
            row.child_date_of_birth,
            row.child_family_key,
            row.child_given_key,
        ): row.registration_number
        for row in rows
    }
    return {
        person.id: found[(person.date_of_birth, person.family_key, person.given_key)]
        for person in persons
        if (person.date_of_birth, person.family_key, person.given_key) in found
    }


def referral_candidates(application: Application, today: date | None = None) -> list[Person]:
    """Dependants born in Peru on a pending SDP case: Peruvian by birth (ius soli), so referred
    to birth registration or nationality confirmation rather than examined as stateless."""
    pending = application.is_pending(today or clock.today())
    return [
        dependant.person
        for dependant in application.dependants
        if nationality.referral_suggested(dependant.person.birth_country, pending)
    ]


def with_birth_links(case: dict[str, Any], application: Application, today: date) -> dict[str, Any]:
    """Add to a case's API dict its registered births and, per dependant, whether a referral
    is suggested and the birth registration that closes the question, when there is one."""
    case["births"] = births_for_case(application.id)
    candidates = {person.id for person in referral_candidates(application, today)}
    persons = [dependant.person for dependant in application.dependants]
    registered = registrations_of_persons(persons)
    for person, shown in zip(persons, case["dependants"], strict=True):
        shown["referral_suggested"] = person.id in candidates
        shown["birth_registration_number"] = registered.get(person.id)
        if person.id in candidates:
            target = (
                ReferralTarget.NATIONALITY_CONFIRMATION
                if person.id in registered
                else ReferralTarget.LATE_BIRTH_REGISTRATION
            )
            shown["suggested_referral_target"] = target.value
        else:
            shown["suggested_referral_target"] = None
    return case
