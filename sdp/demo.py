"""A realistic demo data set, made through the same services as real work.

Users of every role (password ``demo-password-2026``; see README), and families in
every state of the procedure.
"""

from datetime import timedelta

from sqlalchemy import func, select

from . import clock
from .auth import totp
from .auth.models import User
from .auth.principal import SYSTEM
from .auth.services import assign_totp_secret, create_user
from .cases import services
from .cases.models import Application
from .domain.vocabulary import Role
from .extensions import db

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
    ("smalloffice@demo.sdp.pe", "Pedro Ayala Condori", [Role.INTAKE_OFFICER, Role.CASE_OFFICER, Role.DECISION_MAKER]),
]

FAMILIES = [
    # (given, family, sex, birth date, birth country, locality, languages, asylum status, asylum country)
    ("María José", "Pérez Gómez", "F", "1991-03-14", "VE", "Maracaibo", ["es"], "asylum_seeker", "VE"),
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
]


def database_is_empty() -> bool:
    return db.session.execute(select(func.count(User.id))).scalar_one() == 0


def _person(family) -> dict:
    given, family_names, sex, dob, country, locality, languages, asylum, asylum_country = family
    from datetime import date

    return {"given_names": given, "family_names": family_names, "sex": sex, "date_of_birth": date.fromisoformat(dob),
            "place_of_birth": {"country": country, "locality": locality}, "languages": languages,
            "asylum": {"status": asylum, "country": asylum_country}}


def load_demo_data() -> str:
    users = {}
    for email, name, roles in DEMO_USERS:
        existing = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
        users[email] = existing or create_user(SYSTEM, email, name, [r.value for r in roles], DEMO_PASSWORD)
        if totp.required_for(roles) and not users[email].totp_secret:
            assign_totp_secret(SYSTEM, users[email], DEMO_TOTP_SECRET)
    intake, officer = users["intake@demo.sdp.pe"].principal, users["officer@demo.sdp.pe"].principal
    supervisor, decider = users["supervisor@demo.sdp.pe"].principal, users["decider@demo.sdp.pe"].principal
    appeals = users["appeals@demo.sdp.pe"].principal
    today = clock.today()

    def register(index: int, days_ago: int, dependants: list[dict] | None = None) -> Application:
        data = {"route": "ex_officio" if index % 4 == 3 else "application", "registered_on": today - timedelta(days=days_ago),
                "applicant": _person(FAMILIES[index]), "dependants": dependants or []}
        if data["route"] == "ex_officio":
            data["referring_authority"] = "CEPR"
        return services.register_application(intake, data)

    def examine(application: Application, findings: list[tuple[str, list[str], str]], sent_days_ago: int = 60,
                person_id: int | None = None, assign: bool = True):
        if assign:
            services.assign(supervisor, application, "officer@demo.sdp.pe")
        for country, links, finding in findings:
            rs = services.add_relevant_state(officer, application, country, links, person_id=person_id)
            if services.may_contact(country, services.asylum_claims(application)):
                inquiry = services.send_inquiry(officer, application, country, f"Consulate of {country} in Lima",
                                                today - timedelta(days=sent_days_ago),
                                                consent_on=today - timedelta(days=sent_days_ago + 1), person_id=person_id)
                if sent_days_ago < 90:
                    services.record_inquiry_response(officer, inquiry, today - timedelta(days=sent_days_ago // 2),
                                                     "no_record" if finding == "not_national" else "confirms_national")
            services.record_finding(officer, rs, finding, f"Nationality law of {country} examined with the evidence on file.")
        if person_id is not None:
            return
        services.record_interview(officer, application, {"held_on": today - timedelta(days=30), "interpreter_language": "es",
                                                         "summary": "The applicant explained their history and documents; the record was read back."})

    child = {"given_names": "Sofía", "family_names": "Pérez Gómez", "sex": "F", "date_of_birth": today - timedelta(days=400),
             "place_of_birth": {"country": "PE", "locality": "Lima"}, "languages": ["es"], "relationship": "child",
             "asylum": {"status": "asylum_seeker", "country": "VE"}}
    family0 = register(0, 3, [child])  # registered; the Lima-born child referred to the civil registry
    services.refer(supervisor, family0, "late_birth_registration",
                   "Born in Lima, never registered: Peruvian by birth; awaiting RENIEC.",
                   person_id=family0.dependants[0].person_id)
    a = register(1, 40)
    services.assign(supervisor, a, "officer2@demo.sdp.pe")  # under examination
    services.record_detention(supervisor, a, None, "Migration holding facility, Callao", today - timedelta(days=6))
    b = register(2, 80)
    examine(b, [("SY", ["birth", "descent_father"], "not_national")])
    services.recommend(officer, b, {"outcome": "recognized", "reasons": "No State considers the applicant a national."})
    c = register(3, 150)  # recognized
    examine(c, [("CO", ["birth"], "not_national"), ("VE", ["habitual_residence", "descent_mother"], "not_national")])
    services.recommend(officer, c, {"outcome": "recognized", "reasons": "Neither Colombia nor Venezuela considers her a national."})
    services.decide(decider, c, {"outcome": "recognized", "reasons": "Statelessness established to a reasonable degree.",
                                 "notified_on": today - timedelta(days=20), "notification_language": "es"})
    d = register(4, 170)  # rejected, appeal window open
    examine(d, [("UA", ["birth", "descent_mother"], "national")])
    services.recommend(officer, d, {"outcome": "rejected", "reasons": "Ukraine considers the applicant a national."})
    services.decide(decider, d, {"outcome": "rejected", "reasons": "Ukraine's law and practice confer nationality.",
                                 "notified_on": today - timedelta(days=2)})
    e = register(5, 175)  # under appeal
    examine(e, [("CO", ["habitual_residence"], "national")])
    services.recommend(officer, e, {"outcome": "rejected", "reasons": "Colombian nationality by residence."})
    services.decide(decider, e, {"outcome": "rejected", "reasons": "Colombia considers the applicant a national.",
                                 "notified_on": today - timedelta(days=5)})
    services.lodge_appeal(intake, e, "Colombia's consulate stated it has no record of the applicant.", today - timedelta(days=1))
    f = register(6, 20)
    services.withdraw(intake, f, "The applicant obtained a passport and withdrew in writing.")
    g = register(7, 15)
    services.refer(supervisor, g, "late_birth_registration", "Born in Tumbes, never registered: Peruvian by birth.")
    services.record_referral_outcome(supervisor, g, None, "confirmed_peruvian", today,
                                     reference="CUI 71234567")  # confirmed: nobody remains, the case ends
    h = register(8, 200)  # ceased
    examine(h, [("LB", ["birth", "descent_father"], "not_national")], sent_days_ago=120)
    services.recommend(officer, h, {"outcome": "recognized", "reasons": "Lebanon does not confer nationality through the mother."})
    services.decide(decider, h, {"outcome": "recognized", "reasons": "Statelessness established.",
                                 "notified_on": today - timedelta(days=100)})
    services.propose_proceeding(supervisor, h, "cessation", {
        "reasons": "The person acquired the nationality of her spouse's State.",
        "notified_on": today - timedelta(days=80), "nationality_acquired": "FR"})
    services.record_proceeding_reply(officer, h, "cessation", {
        "received_on": today - timedelta(days=70), "summary": "She confirmed the naturalisation and sent her passport."})
    services.decide_proceeding(decider, h, "cessation", {
        "outcome": "ceased", "reasons": "French nationality acquired by naturalisation.",
        "notified_on": today - timedelta(days=60)})
    i = register(9, 25)
    services.close(supervisor, i, "The applicant left Peru; no contact for three months.")
    j = register(10, 190)  # recognized on appeal
    examine(j, [("PT", ["descent_father"], "national"), ("BR", ["habitual_residence"], "not_national")])
    services.recommend(officer, j, {"outcome": "rejected", "reasons": "Portuguese nationality by descent seemed available."})
    services.decide(decider, j, {"outcome": "rejected", "reasons": "Portugal may consider him a national.",
                                 "notified_on": today - timedelta(days=60)})
    services.lodge_appeal(intake, j, "Portugal's consulate confirmed he was never registered.", today - timedelta(days=55))
    services.decide_appeal(appeals, j, "overturned", "No State considers him a national; statelessness established.")
    k = register(11, 60)  # cancelled
    examine(k, [("RU", ["birth"], "not_national")])
    services.recommend(officer, k, {"outcome": "recognized", "reasons": "No Russian record."})
    services.decide(decider, k, {"outcome": "recognized", "reasons": "Statelessness established.",
                                 "notified_on": today - timedelta(days=25)})
    services.propose_proceeding(users["smalloffice@demo.sdp.pe"].principal, k, "cancellation", {
        "reasons": "The birth certificate presented was forged.", "notified_on": today - timedelta(days=20)})
    services.record_proceeding_reply(officer, k, "cancellation", {
        "received_on": today - timedelta(days=15), "summary": "No explanation of the certificate was offered."})
    services.decide_proceeding(decider, k, "cancellation", {
        "outcome": "cancelled", "reasons": "The recognition rested on a forged birth certificate.",
        "notified_on": today - timedelta(days=10)})
    spouse = {"given_names": "Leila", "family_names": "Moradi", "sex": "F", "date_of_birth": today - timedelta(days=365 * 38),
              "place_of_birth": {"country": "IR", "locality": "Tehran"}, "languages": ["fa"], "relationship": "spouse",
              "asylum": {"status": "none", "country": None}}
    m = register(12, 160, [spouse])  # recognised applicant, spouse protected through family unity
    examine(m, [("IR", ["birth"], "not_national")])
    examine(m, [("IR", ["birth", "descent_father"], "national")], person_id=m.dependants[0].person_id, assign=False)
    services.recommend(officer, m, {"outcome": "recognized", "reasons": "Iran does not consider him a national."})
    services.decide(decider, m, {"outcome": "recognized", "reasons": "Statelessness established.",
                                 "notified_on": today - timedelta(days=30),
                                 "persons": [{"person_id": m.dependants[0].person_id, "outcome": "family_unity",
                                              "reasons": "Iranian national; protected as the spouse of a stateless person."}]})
    n = register(13, 120)  # recognised; cessation proposed, awaiting the reply
    examine(n, [("GN", ["birth"], "not_national")])
    services.recommend(officer, n, {"outcome": "recognized", "reasons": "No Guinean record."})
    services.decide(decider, n, {"outcome": "recognized", "reasons": "Statelessness established.",
                                 "notified_on": today - timedelta(days=70)})
    services.propose_proceeding(supervisor, n, "cessation", {
        "reasons": "The consulate of Senegal reports a passport issued to him.",
        "notified_on": today - timedelta(days=3), "nationality_acquired": "SN"})
    _load_feature_demo_data(users)
    count = db.session.execute(select(func.count(Application.id))).scalar_one()
    return f"Demo data loaded: {len(users)} users (password {DEMO_PASSWORD}), {count} applications."


def _load_feature_demo_data(users: dict) -> None:
    """Each feature with a ``demo`` module (``sdp/<feature>/demo.py``) adds its records: ``load(users)``."""
    import importlib
    import importlib.util

    from . import FEATURES

    for name in FEATURES:
        if importlib.util.find_spec(f"sdp.{name}.demo") is not None:
            importlib.import_module(f"sdp.{name}.demo").load(users)
