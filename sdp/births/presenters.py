"""A birth registration as each reader may see it (the schemas pick the fields)."""

from .models import BirthRegistration


def child_dict(registration: BirthRegistration) -> dict:
    return {
        "given_names": registration.child_given_names,
        "family_names": registration.child_family_names,
        "sex": registration.child_sex,
        "date_of_birth": registration.child_date_of_birth,
        "place_of_birth": {
            "country": registration.birth_country,
            "locality": registration.birth_locality,
        },
    }


def nationality_dict(registration: BirthRegistration) -> dict:
    return {"country": registration.nationality_country, "basis": registration.nationality_basis}


def created_dict(registration: BirthRegistration) -> dict:
    return {
        "registration_number": registration.registration_number,
        "late_registration": registration.late_registration,
        "nationality": nationality_dict(registration),
        "registered_on": registration.registered_on,
        "child": child_dict(registration),
    }


def registry_dict(registration: BirthRegistration) -> dict:
    """contract.md: the registry check's least data."""
    return {
        "registration_number": registration.registration_number,
        "child": child_dict(registration),
        "nationality": nationality_dict(registration),
        "late_registration": registration.late_registration,
    }


def _parent_dict(registration: BirthRegistration, role: str) -> dict | None:
    person = getattr(registration, role)
    if person is None:
        return None
    case = getattr(registration, f"{role}_case")
    return {
        "given_names": person.given_names,
        "family_names": person.family_names,
        "date_of_birth": person.date_of_birth,
        "nationality": getattr(registration, f"{role}_nationality"),
        "nationality_basis": getattr(registration, f"{role}_nationality_basis"),
        "stateless": getattr(registration, f"{role}_stateless"),
        "asylum_status": getattr(registration, f"{role}_asylum_status"),
        "case_number": case.case_number if case else None,
    }


def birth_dict(registration: BirthRegistration) -> dict:
    declarant = None
    if registration.declarant_name or registration.declarant_relationship:
        declarant = {
            "name": registration.declarant_name,
            "relationship": registration.declarant_relationship,
            "identity_document": registration.declarant_document,
        }
    return {
        **registry_dict(registration),
        "foundling": registration.foundling,
        "mother": _parent_dict(registration, "mother"),
        "father": _parent_dict(registration, "father"),
        "registered_on": registration.registered_on,
        "late_registration_evidence": registration.late_registration_evidence,
        "live_birth_certificate_number": registration.live_birth_certificate_number,
        "declarant": declarant,
    }
