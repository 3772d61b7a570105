"""A pilot year for the legislators' view: about sixty more applications over the last twelve
months, through the same services as real work, so that the results page has figures to show
(and still shows how small counts are protected). Deterministic: the same data every time.
"""

import random
from datetime import date, timedelta

from flask import current_app

from .. import clock
from ..cases import services
from ..domain.confidentiality import may_contact
from ..schemas import country_name

GIVEN = [
    "Ana",
    "Luis",
    "Carmen",
    "José",
    "Rosa",
    "Miguel",
    "Elena",
    "Pedro",
    "Sofía",
    "Andrés",
    "Valeria",
    "Diego",
    "Mariana",
    "Jesús",
    "Gabriela",
    "Samuel",
    "Daniela",
    "Omar",
    "Leila",
    "Yaneth",
]
FAMILY = [
    "Rodríguez",
    "González",
    "Hernández",
    "Ramírez",
    "Torres",
    "Flores",
    "Castro",
    "Rojas",
    "Silva",
    "Morales",
    "Vargas",
    "Herrera",
    "Medina",
    "Aguilar",
    "Paredes",
    "Campos",
    "Salas",
    "Benítez",
    "Khalil",
    "Mansour",
]
# Countries of birth of the pilot's applicants, most often Venezuela and Colombia.
COUNTRIES = ["VE"] * 9 + ["CO"] * 4 + ["EC", "BO", "HT", "SY", "LB", "CL"]
AUTHORITIES = ["Migraciones", "CEPR", "Defensoría del Pueblo"]
APPLICATIONS = 60


def load(users: dict) -> None:
    rng = random.Random(2026)
    today = clock.today()
    intake = users["intake@demo.sdp.pe"].principal
    supervisor = users["supervisor@demo.sdp.pe"].principal
    decider = users["decider@demo.sdp.pe"].principal
    appeals = users["appeals@demo.sdp.pe"].principal
    officers = [
        ("officer@demo.sdp.pe", users["officer@demo.sdp.pe"].principal),
        ("officer2@demo.sdp.pe", users["officer2@demo.sdp.pe"].principal),
    ]

    # Over the last year, or since the pilot started when that is more recent: no registration
    # may be dated before the pilot (sdp/domain/dates.py).

    span = max(30, min(365, (today - current_app.config["POLICY"].pilot_start).days))
    for index in range(APPLICATIONS):
        age = (4 + index * 6 + rng.randint(0, 5)) * span // 365  # days since registration
        registered_on = today - timedelta(days=age)
        country = rng.choice(COUNTRIES)
        asylum = rng.choice(["none", "none", "asylum_seeker", "refugee"])
        data = {
            "route": "ex_officio" if rng.random() < 0.25 else "application",
            "registered_on": registered_on,
            "applicant": {
                "given_names": rng.choice(GIVEN),
                "family_names": f"{rng.choice(FAMILY)} {rng.choice(FAMILY)}",
                "sex": rng.choice("FM"),
                "date_of_birth": date(
                    1960 + rng.randint(0, 45), rng.randint(1, 12), rng.randint(1, 28)
                ),
                "place_of_birth": {"country": country},
                "languages": ["es"],
                "asylum": {"status": asylum, "country": country if asylum != "none" else None},
            },
        }
        if data["route"] == "ex_officio":
            data["referring_authority"] = rng.choice(AUTHORITIES)
        application = services.register_application(intake, data)
        if age < 30:
            continue
        roll = rng.random()
        if age < 100 and roll < 0.25:
            ending = rng.choice(["withdraw", "close", "refer"])
            if ending == "withdraw":
                services.withdraw(
                    intake, application, "La persona solicitante desistió por escrito."
                )
            elif ending == "close":
                services.close(
                    supervisor,
                    application,
                    "Sin contacto con la persona solicitante desde hace tres meses.",
                )
            else:
                services.refer(
                    supervisor,
                    application,
                    "late_birth_registration",
                    "Nacida en el Perú, nunca inscrita.",
                )
            continue
        officer_email, officer = officers[index % 2]
        services.assign(supervisor, application, officer_email)
        if age < 100:
            continue
        outcome = "recognized" if roll < 0.55 else "rejected" if roll < 0.9 else "excluded"
        relevant = services.add_relevant_state(officer, application, country, ["birth"])
        if may_contact(country, services.asylum_claims(application)) and rng.random() < 0.6:
            sent_on = registered_on + timedelta(days=15)
            inquiry = services.send_inquiry(
                officer,
                application,
                country,
                f"Registro civil de {country_name(country, 'es')}",
                sent_on,
                consent_on=sent_on,
            )
            if rng.random() < 0.6:
                services.record_inquiry_response(
                    officer,
                    inquiry,
                    min(today, sent_on + timedelta(days=rng.randint(20, 120))),
                    "no_record" if outcome == "recognized" else "confirms_national",
                )
        services.record_finding(
            officer,
            relevant,
            "not_national" if outcome == "recognized" else "national",
            "Se examinaron la ley del Estado y su aplicación con las pruebas del expediente.",
        )
        services.recommend(
            officer,
            application,
            {"outcome": outcome, "reasons": "Motivos por cada Estado relevante."},
        )
        if age < 130:
            continue  # pending decision
        # Notified some four to six months after registration, as a decision would be, not on the
        # day the demo is loaded (the appeal, if any, a few days later, within its window).
        notified_on = min(today, registered_on + timedelta(days=rng.randint(120, 180)))
        services.decide(
            decider,
            application,
            {
                "outcome": outcome,
                "reasons": "Motivos por cada Estado relevante.",
                "notified_on": notified_on,
                "exclusion_ground": "serious_crime" if outcome == "excluded" else None,
            },
        )
        if outcome != "recognized" and rng.random() < 0.5:
            services.lodge_appeal(
                intake,
                application,
                "La persona solicitante impugna la conclusión.",
                min(today, notified_on + timedelta(days=rng.randint(2, 10))),
            )
            if rng.random() < 0.5:
                services.decide_appeal(
                    appeals,
                    application,
                    rng.choice(["upheld", "overturned"]),
                    "La apelación se examinó con el expediente.",
                )
