"""A realistic demo data set, made through the same services as real work.

Users of every role (password ``demo-password-2026``; see README), and families in
every state of the procedure.
"""

import importlib
import importlib.util
from datetime import date, timedelta

from sqlalchemy import func, select

from . import FEATURES, clock
from .auth import totp
from .auth.models import User
from .auth.principal import SYSTEM
from .auth.services import assign_totp_secret, create_user
from .cases import services
from .cases.models import Application
from .domain.vocabulary import Role
from .extensions import db
from .schemas import country_name

DEMO_PASSWORD = "demo-password-2026"
# The second factor of the demo users whose roles need one (decision-makers, appeals officers,
# supervisors, admins). Demo data only, published in the README: codes come from
# `.venv/bin/python -c "import pyotp; print(pyotp.TOTP('SDPDEMOSECRETFORTOTPCODESPERUABC').now())"`.
DEMO_TOTP_SECRET = "SDPDEMOSECRETFORTOTPCODESPERUABC"

DEMO_USERS = [
    ("intake@demo.sdp.pe", "Rosa Quispe Mamani", [Role.INTAKE_OFFICER]),
    ("officer@demo.sdp.pe", "Jorge Huamán Torres", [Role.CASE_OFFICER]),
    ("officer2@demo.sdp.pe", "Lucía Fernández Ríos", [Role.CASE_OFFICER]),
    ("decider@demo.sdp.pe", "Carmen Salazar Vega", [Role.DECISION_MAKER]),
    ("appeals@demo.sdp.pe", "Martín Castillo Ñahui", [Role.APPEALS_OFFICER]),
    ("registrar@demo.sdp.pe", "Ana Chávez Poma", [Role.REGISTRAR]),
    ("supervisor@demo.sdp.pe", "Elena Gutiérrez Paz", [Role.SUPERVISOR]),
    ("reviewer@demo.sdp.pe", "Congresista Demo", [Role.REVIEWER]),
    ("admin@demo.sdp.pe", "Administrador Demo", [Role.ADMIN]),
    (
        "smalloffice@demo.sdp.pe",
        "Pedro Ayala Condori",
        [Role.INTAKE_OFFICER, Role.CASE_OFFICER, Role.DECISION_MAKER],
    ),
]

FAMILIES = [
    # (given, family, sex, birth date, birth country, locality, languages, asylum status, asylum
    # country)
    (
        "María José",
        "Pérez Gómez",
        "F",
        "1991-03-14",
        "VE",
        "Maracaibo",
        ["es"],
        "asylum_seeker",
        "VE",
    ),
    ("João", "Da Silva Conceição", "M", "1985-07-02", "BR", "Manaus", ["pt"], "none", None),
    ("Yusuf", "Al-Hassan", "M", "1979-11-30", "SY", "Aleppo", ["ar", "es"], "refugee", "SY"),
    ("Ángela", "Núñez Ortiz", "F", "2009-01-22", "CO", "Cúcuta", ["es"], "none", None),
    ("Iryna", "Kovalenko", "F", "1994-05-09", "UA", "Kharkiv", ["uk", "en"], "none", None),
    ("Luis Alberto", "Mendoza Ñique", "M", "1988-12-01", "VE", "Caracas", ["es"], "refugee", "VE"),
    ("Fatou", "Diallo", "F", "1996-08-17", "SN", "Dakar", ["fr", "wo"], "none", None),
    ("Esteban", "Rojas Huanca", "M", "2001-04-05", "PE", "Tumbes", ["es", "qu"], "none", None),
    ("Nour", "Haddad", "F", "1990-02-28", "LB", "Beirut", ["ar"], "none", None),
    ("Camila", "Suárez Peña", "F", "1999-10-10", "VE", "Valencia", ["es"], "asylum_seeker", "VE"),
    ("Tomás", "Gonçalves Araújo", "M", "1982-06-21", "PT", "Porto", ["pt", "es"], "none", None),
    ("Kateryna", "Bondarenko Ávila", "F", "1987-09-03", "RU", "Rostov", ["ru", "es"], "none", None),
    ("Hamid", "Karimi", "M", "1984-04-12", "IR", "Tabriz", ["fa", "es"], "none", None),
    ("Aliou", "Bah", "M", "1993-01-30", "GN", "Conakry", ["fr", "es"], "none", None),
    ("Dilnoza", "Rashidova", "F", "1989-07-07", "UZ", "Samarkand", ["uz", "ru"], "none", None),
    ("Wilmer", "Epieyú Iguarán", "M", "1994-03-18", "CO", "Uribia", ["guc", "es"], "none", None),
    (
        "Yorman",
        "Díaz Colmenares",
        "M",
        None,
        "VE",
        "Maracay",
        ["es"],
        "none",
        None,
    ),  # a child: born 15 years ago
]


def database_is_empty() -> bool:
    return db.session.execute(select(func.count(User.id))).scalar_one() == 0


def _country(code: str) -> str:
    """A country's name in Spanish, the language officers write the case files in."""

    return country_name(code, "es")


def _person(family) -> dict:
    given, family_names, sex, dob, country, locality, languages, asylum, asylum_country = family

    born = (
        date.fromisoformat(dob) if dob else clock.today().replace(day=1) - timedelta(days=15 * 365)
    )
    return {
        "given_names": given,
        "family_names": family_names,
        "sex": sex,
        "date_of_birth": born,
        "place_of_birth": {"country": country, "locality": locality},
        "languages": languages,
        "asylum": {"status": asylum, "country": asylum_country},
    }


def load_demo_data() -> str:
    users = {}
    for email, name, roles in DEMO_USERS:
        existing = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
        users[email] = existing or create_user(
            SYSTEM, email, name, [r.value for r in roles], DEMO_PASSWORD
        )
        if totp.required_for(roles) and not users[email].totp_secret:
            assign_totp_secret(SYSTEM, users[email], DEMO_TOTP_SECRET)
    intake, officer = users["intake@demo.sdp.pe"].principal, users["officer@demo.sdp.pe"].principal
    supervisor, decider = (
        users["supervisor@demo.sdp.pe"].principal,
        users["decider@demo.sdp.pe"].principal,
    )
    appeals = users["appeals@demo.sdp.pe"].principal
    today = clock.today()

    def register(index: int, days_ago: int, dependants: list[dict] | None = None) -> Application:
        data = {
            "route": "ex_officio" if index % 4 == 3 else "application",
            "registered_on": today - timedelta(days=days_ago),
            "applicant": _person(FAMILIES[index]),
            "dependants": dependants or [],
        }
        if data["route"] == "ex_officio":
            data["referring_authority"] = "CEPR"
        return services.register_application(intake, data)

    def examine(
        application: Application,
        findings: list[tuple[str, list[str], str]],
        sent_days_ago: int = 60,
        person_id: int | None = None,
        assign: bool = True,
    ):
        if assign:
            services.assign(supervisor, application, "officer@demo.sdp.pe")
        for country, links, finding in findings:
            rs = services.add_relevant_state(
                officer, application, country, links, person_id=person_id
            )
            if services.may_contact(country, services.asylum_claims(application)):
                inquiry = services.send_inquiry(
                    officer,
                    application,
                    country,
                    f"Consulado de {_country(country)} en Lima",
                    today - timedelta(days=sent_days_ago),
                    consent_on=today - timedelta(days=sent_days_ago + 1),
                    person_id=person_id,
                )
                if sent_days_ago < 90:
                    services.record_inquiry_response(
                        officer,
                        inquiry,
                        today - timedelta(days=sent_days_ago // 2),
                        "no_record" if finding == "not_national" else "confirms_national",
                    )
            services.record_finding(
                officer,
                rs,
                finding,
                f"Se examinó la ley de nacionalidad de {_country(country)} y su aplicación con las "
                "pruebas del expediente.",
            )
        if person_id is not None:
            return
        services.record_interview(
            officer,
            application,
            {
                "held_on": today - timedelta(days=30),
                "interpreter_language": "es",
                "summary": (
                    "La persona solicitante explicó su historia y sus documentos; se le leyó el "
                    "acta."
                ),
            },
        )

    child = {
        "given_names": "Sofía",
        "family_names": "Pérez Gómez",
        "sex": "F",
        "date_of_birth": today - timedelta(days=400),
        "place_of_birth": {"country": "PE", "locality": "Lima"},
        "languages": ["es"],
        "relationship": "child",
        "asylum": {"status": "asylum_seeker", "country": "VE"},
    }
    family0 = register(
        0, 3, [child]
    )  # registered; the Lima-born child referred to the civil registry
    services.refer(
        supervisor,
        family0,
        "late_birth_registration",
        "Nacida en Lima, nunca inscrita: peruana de nacimiento; se espera la respuesta del RENIEC.",
        person_id=family0.dependants[0].person_id,
    )
    a = register(1, 40)
    services.assign(supervisor, a, "officer2@demo.sdp.pe")  # under examination
    services.record_detention(
        supervisor, a, None, "Depósito de Migraciones, Callao", today - timedelta(days=6)
    )
    b = register(2, 80)
    examine(b, [("SY", ["birth", "descent_father"], "not_national")])
    services.recommend(
        officer,
        b,
        {
            "outcome": "recognized",
            "reasons": "Ningún Estado considera nacional a la persona solicitante.",
        },
    )
    c = register(3, 150)  # recognized
    examine(
        c,
        [
            ("CO", ["birth"], "not_national"),
            ("VE", ["habitual_residence", "descent_mother"], "not_national"),
        ],
    )
    services.recommend(
        officer,
        c,
        {"outcome": "recognized", "reasons": "Ni Colombia ni Venezuela la consideran nacional."},
    )
    services.decide(
        decider,
        c,
        {
            "outcome": "recognized",
            "reasons": "Apatridia establecida en grado razonable.",
            "notified_on": today - timedelta(days=20),
            "notification_language": "es",
        },
    )
    d = register(4, 170)  # rejected, appeal window open
    examine(d, [("UA", ["birth", "descent_mother"], "national")])
    services.recommend(
        officer,
        d,
        {"outcome": "rejected", "reasons": "Ucrania considera nacional a la persona solicitante."},
    )
    services.decide(
        decider,
        d,
        {
            "outcome": "rejected",
            "reasons": "La ley de Ucrania y su aplicación le confieren la nacionalidad.",
            "notified_on": today - timedelta(days=2),
        },
    )
    e = register(5, 175)  # under appeal
    examine(e, [("CO", ["habitual_residence"], "national")])
    services.recommend(
        officer, e, {"outcome": "rejected", "reasons": "Nacionalidad colombiana por residencia."}
    )
    services.decide(
        decider,
        e,
        {
            "outcome": "rejected",
            "reasons": "Colombia considera nacional a la persona solicitante.",
            "notified_on": today - timedelta(days=5),
        },
    )
    services.lodge_appeal(
        intake,
        e,
        "El consulado de Colombia declaró que no tiene registro de la persona solicitante.",
        today - timedelta(days=1),
    )
    f = register(6, 20)
    services.withdraw(
        intake, f, "La persona solicitante obtuvo un pasaporte y desistió por escrito."
    )
    g = register(7, 15)
    services.refer(
        supervisor,
        g,
        "late_birth_registration",
        "Nacido en Tumbes, nunca inscrito: peruano de nacimiento.",
    )
    services.record_referral_outcome(
        supervisor, g, None, "confirmed_peruvian", today, reference="CUI 71234567"
    )  # confirmed: nobody remains, the case ends
    h = register(8, 200)  # ceased
    examine(h, [("LB", ["birth", "descent_father"], "not_national")], sent_days_ago=120)
    services.recommend(
        officer,
        h,
        {
            "outcome": "recognized",
            "reasons": "El Líbano no confiere la nacionalidad por vía materna.",
        },
    )
    services.decide(
        decider,
        h,
        {
            "outcome": "recognized",
            "reasons": "Apatridia establecida.",
            "notified_on": today - timedelta(days=100),
        },
    )
    services.propose_proceeding(
        supervisor,
        h,
        "cessation",
        {
            "reasons": "La persona adquirió la nacionalidad del Estado de su cónyuge.",
            "notified_on": today - timedelta(days=80),
            "nationality_acquired": "FR",
        },
    )
    services.record_proceeding_reply(
        officer,
        h,
        "cessation",
        {
            "received_on": today - timedelta(days=70),
            "summary": "Confirmó la naturalización y envió su pasaporte.",
        },
    )
    services.decide_proceeding(
        decider,
        h,
        "cessation",
        {
            "outcome": "ceased",
            "reasons": "Nacionalidad francesa adquirida por naturalización.",
            "notified_on": today - timedelta(days=60),
        },
    )
    i = register(9, 25)
    services.close(
        supervisor, i, "La persona solicitante salió del Perú; sin contacto desde hace tres meses."
    )
    j = register(10, 190)  # recognized on appeal
    examine(
        j, [("PT", ["descent_father"], "national"), ("BR", ["habitual_residence"], "not_national")]
    )
    services.recommend(
        officer,
        j,
        {
            "outcome": "rejected",
            "reasons": "La nacionalidad portuguesa por ascendencia parecía accesible.",
        },
    )
    services.decide(
        decider,
        j,
        {
            "outcome": "rejected",
            "reasons": "Portugal podría considerarlo nacional.",
            "notified_on": today - timedelta(days=60),
        },
    )
    services.lodge_appeal(
        intake,
        j,
        "El consulado de Portugal confirmó que nunca fue inscrito.",
        today - timedelta(days=55),
    )
    services.decide_appeal(
        appeals, j, "overturned", "Ningún Estado lo considera nacional; apatridia establecida."
    )
    k = register(11, 60)  # cancelled
    examine(k, [("RU", ["birth"], "not_national")])
    services.recommend(officer, k, {"outcome": "recognized", "reasons": "Sin registro en Rusia."})
    services.decide(
        decider,
        k,
        {
            "outcome": "recognized",
            "reasons": "Apatridia establecida.",
            "notified_on": today - timedelta(days=25),
        },
    )
    services.propose_proceeding(
        users["smalloffice@demo.sdp.pe"].principal,
        k,
        "cancellation",
        {
            "reasons": "El acta de nacimiento presentada era falsa.",
            "notified_on": today - timedelta(days=20),
        },
    )
    services.record_proceeding_reply(
        officer,
        k,
        "cancellation",
        {
            "received_on": today - timedelta(days=15),
            "summary": "No se ofreció ninguna explicación sobre el acta.",
        },
    )
    services.decide_proceeding(
        decider,
        k,
        "cancellation",
        {
            "outcome": "cancelled",
            "reasons": "El reconocimiento se basó en un acta de nacimiento falsa.",
            "notified_on": today - timedelta(days=10),
        },
    )
    spouse = {
        "given_names": "Leila",
        "family_names": "Moradi",
        "sex": "F",
        "date_of_birth": today - timedelta(days=365 * 38),
        "place_of_birth": {"country": "IR", "locality": "Tehran"},
        "languages": ["fa"],
        "relationship": "spouse",
        "asylum": {"status": "none", "country": None},
    }
    m = register(12, 160, [spouse])  # recognised applicant, spouse protected through family unity
    examine(m, [("IR", ["birth"], "not_national")])
    examine(
        m,
        [("IR", ["birth", "descent_father"], "national")],
        person_id=m.dependants[0].person_id,
        assign=False,
    )
    services.recommend(
        officer, m, {"outcome": "recognized", "reasons": "Irán no lo considera nacional."}
    )
    services.decide(
        decider,
        m,
        {
            "outcome": "recognized",
            "reasons": "Apatridia establecida.",
            "notified_on": today - timedelta(days=30),
            "persons": [
                {
                    "person_id": m.dependants[0].person_id,
                    "outcome": "family_unity",
                    "reasons": "Nacional iraní; protegida como cónyuge de una persona apátrida.",
                }
            ],
        },
    )
    n = register(13, 120)  # recognised; cessation proposed, awaiting the reply
    examine(n, [("GN", ["birth"], "not_national")])
    services.recommend(officer, n, {"outcome": "recognized", "reasons": "Sin registro en Guinea."})
    services.decide(
        decider,
        n,
        {
            "outcome": "recognized",
            "reasons": "Apatridia establecida.",
            "notified_on": today - timedelta(days=70),
        },
    )
    services.propose_proceeding(
        supervisor,
        n,
        "cessation",
        {
            "reasons": "El consulado de Senegal informa que se le expidió un pasaporte.",
            "notified_on": today - timedelta(days=3),
            "nationality_acquired": "SN",
        },
    )
    _show_every_marker(users, register, today)
    _load_feature_demo_data(users)
    count = db.session.execute(select(func.count(Application.id))).scalar_one()
    return f"Demo data loaded: {len(users)} users (password {DEMO_PASSWORD}), {count} applications."


def _show_every_marker(users: dict, register, today) -> None:
    """Cases that show each marker of the home pages: an overdue case whose inquiry went unanswered,
    a case due within days whose inquiry is still awaited, a detained applicant whose inquiry is
    pending, and an unaccompanied child waiting for a case officer."""
    supervisor = users["supervisor@demo.sdp.pe"].principal
    officer, officer2 = (
        users["officer@demo.sdp.pe"].principal,
        users["officer2@demo.sdp.pe"].principal,
    )

    def inquire(who, application, country: str, sent_days_ago: int) -> None:
        services.add_relevant_state(who, application, country, ["birth"])
        sent_on = today - timedelta(days=sent_days_ago)
        services.send_inquiry(
            who,
            application,
            country,
            f"Consulado de {_country(country)} en Lima",
            sent_on,
            consent_on=sent_on,
        )

    late = register(14, 200)  # past its decision date; Uzbekistan never answered
    services.assign(supervisor, late, "officer@demo.sdp.pe")
    inquire(officer, late, "UZ", 120)
    soon = register(15, 176)  # decision due within days; Colombia's answer awaited
    services.assign(supervisor, soon, "officer@demo.sdp.pe")
    inquire(officer, soon, "CO", 30)
    detained = (
        db.session.execute(select(Application).where(Application.detained.is_(True)))
        .scalars()
        .first()
    )
    inquire(officer2, detained, "BR", 20)
    child = _person(FAMILIES[16])
    child.update(
        vulnerabilities=["unaccompanied_child"], guardian="Defensoría del Pueblo, oficina de Tacna"
    )
    services.register_application(
        users["intake@demo.sdp.pe"].principal,
        {
            "route": "ex_officio",
            "referring_authority": "Defensoría del Pueblo",
            "registered_on": today - timedelta(days=4),
            "applicant": child,
            "dependants": [],
        },
    )


def _load_feature_demo_data(users: dict) -> None:
    """Each feature with a ``demo`` module (``sdp/<feature>/demo.py``) adds its records:
    ``load(users)``."""

    for name in FEATURES:
        if importlib.util.find_spec(f"sdp.{name}.demo") is not None:
            importlib.import_module(f"sdp.{name}.demo").load(users)
