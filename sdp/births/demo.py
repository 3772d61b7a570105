"""Demo births, registered through ``register_birth`` like real ones: to refugee, asylum-seeking
and stateless parents, one late, one foundling, one born abroad to a father Peruvian by birth, and
two linked to demo SDP cases (loaded after the cases, by ``sdp.demo``)."""

from datetime import date, timedelta

from sqlalchemy import select

from .. import clock
from ..cases.models import Application, Person
from ..domain.names import name_key
from ..extensions import db
from . import services

REGISTRAR = "registrar@demo.sdp.pe"


def _case_number_of(given: str, family: str, born: str) -> str | None:
    """The demo case whose applicant is this person (``sdp.demo.FAMILIES``), if loaded."""
    return (
        db.session.execute(
            select(Application.case_number)
            .join(Person, Application.applicant_id == Person.id)
            .where(
                Person.given_key == name_key(given),
                Person.family_key == name_key(family),
                Person.date_of_birth == date.fromisoformat(born),
            )
        )
        .scalars()
        .first()
    )


def _parent(
    given,
    family,
    born,
    country,
    locality,
    *,
    nationality=None,
    nationality_basis=None,
    stateless=False,
    asylum=None,
    asylum_country=None,
    case_number=None,
) -> dict:
    return {
        "given_names": given,
        "family_names": family,
        "date_of_birth": date.fromisoformat(born),
        "place_of_birth": {"country": country, "locality": locality},
        "nationality": nationality,
        "nationality_basis": nationality_basis,
        "stateless": stateless,
        "asylum": {"status": asylum or "none", "country": asylum_country},
        "case_number": case_number,
    }


def _child(given, family, sex, days_old, country, locality) -> dict:
    return {
        "given_names": given,
        "family_names": family,
        "sex": sex,
        "date_of_birth": clock.today() - timedelta(days=days_old),
        "place_of_birth": {"country": country, "locality": locality},
    }


def demo_births() -> list[dict]:
    maria_case = _case_number_of(
        "María José", "Pérez Gómez", "1991-03-14"
    )  # asylum seeker, case registered
    luis_case = _case_number_of(
        "Luis Alberto", "Mendoza Ñique", "1988-12-01"
    )  # refugee, case under appeal
    return [
        {  # refugee parents, the father's SDP case linked
            "child": _child("Valentina", "Mendoza Rivas", "F", 20, "PE", "Lima, Jesús María"),
            "mother": _parent(
                "Daniela",
                "Rivas Colmenares",
                "1993-06-18",
                "VE",
                "Barquisimeto",
                nationality="VE",
                asylum="refugee",
                asylum_country="VE",
            ),
            "father": _parent(
                "Luis Alberto",
                "Mendoza Ñique",
                "1988-12-01",
                "VE",
                "Caracas",
                nationality="VE",
                asylum="refugee",
                asylum_country="VE",
                case_number=luis_case,
            ),
            "live_birth_certificate_number": "1000234561",
            "declarant": {
                "name": "Daniela Rivas Colmenares",
                "relationship": "mother",
                "identity_document": "CPP 001234567",
            },
        },
        {  # asylum-seeking mother, her SDP case linked
            "child": _child("Mateo", "Pérez Gómez", "M", 12, "PE", "Lima, Hospital Loayza"),
            "mother": _parent(
                "María José",
                "Pérez Gómez",
                "1991-03-14",
                "VE",
                "Maracaibo",
                nationality="VE",
                asylum="asylum_seeker",
                asylum_country="VE",
                case_number=maria_case,
            ),
            "live_birth_certificate_number": "1000234578",
            "declarant": {"name": "María José Pérez Gómez", "relationship": "mother"},
        },
        {  # both parents stateless: Peruvian by birth all the same
            "child": _child("Layla", "Saleh Haddad", "F", 30, "PE", "Tacna"),
            "mother": _parent("Amira", "Haddad", "1995-01-09", "KW", "Jahra", stateless=True),
            "father": _parent("Karim", "Saleh", "1990-11-23", "KW", "Jahra", stateless=True),
            "live_birth_certificate_number": "1000234585",
            "declarant": {"name": "Karim Saleh", "relationship": "father"},
        },
        {  # late registration, with its supporting evidence
            "child": _child("Santiago", "Castro Pineda", "M", 400, "PE", "Zarumilla, Tumbes"),
            "mother": _parent(
                "Yesenia",
                "Pineda Ruiz",
                "1998-02-27",
                "CO",
                "Cali",
                nationality="CO",
                asylum="asylum_seeker",
                asylum_country="CO",
            ),
            "late_registration_evidence": (
                "Constancia de nacimiento del centro de salud de Zarumilla (sin CNV) y las "
                "declaraciones de dos testigos presentes en el parto."
            ),
            "declarant": {"name": "Yesenia Pineda Ruiz", "relationship": "mother"},
        },
        {  # a foundling found in Cusco
            "child": _child("Gabriel Ángel", "Sánchez Cusi", "M", 45, "PE", "Cusco"),
            "foundling": True,
            "declarant": {
                "name": "Unidad de Protección Especial de Cusco",
                "relationship": "authority",
            },
        },
        {  # born abroad to a father Peruvian by birth (Law 32421)
            "child": _child("Lucía", "Rojas Blanco", "F", 50, "VE", "Maracay"),
            "mother": _parent(
                "Andreína", "Blanco Paz", "1997-08-30", "VE", "Maracay", nationality="VE"
            ),
            "father": _parent(
                "Esteban",
                "Rojas Huanca",
                "2001-04-05",
                "PE",
                "Tumbes",
                nationality="PE",
                nationality_basis="birth",
            ),
            "declarant": {
                "name": "Esteban Rojas Huanca",
                "relationship": "father",
                "identity_document": "DNI 70123456",
            },
        },
    ]


def load(users: dict) -> None:
    registrar = users[REGISTRAR].principal
    for data in demo_births():
        try:
            services.register_birth(registrar, data)
        except services.DuplicateBirth:
            continue  # loaded before
