"""The demo data set, loaded once for the module (a load is 3-5 s of CPU): it shows what the pages
can show (issue 13, point 8): every marker of the home pages, text in the page's language, and
acts dated over the pilot; and what each feature's part of it holds (second factors, births,
documents, the registry's person check)."""

import re
from collections import Counter

import pyotp
import pytest
from sqlalchemy import select

from sdp import clock
from sdp.auth.models import User
from sdp.cases.models import Application
from sdp.extensions import db
from tests.conftest import keep_the_modules_data

from .conftest import sign_in, text_of


@pytest.fixture
def demo(demo_data_for_the_module):
    """The demo data, loaded once for the module: its tests only read it."""
    return demo_data_for_the_module


@pytest.fixture
def _empty_database(app, demo_data_for_the_module):
    yield from keep_the_modules_data(app)


def home_of(app, user) -> str:
    from sdp.demo import DEMO_PASSWORD

    client = app.test_client()
    client.get("/language/en")
    sign_in(client, user, DEMO_PASSWORD)
    return text_of(client.get("/"))


def test_the_demo_shows_every_marker_of_the_home_pages(demo, app):
    officer = home_of(app, demo["officer@demo.sdp.pe"])
    for marker in (
        "Overdue",
        "Due within 14 days",
        "Unanswered",
        "Answer from Uzbekistan was due",
        "Answer from Colombia due",
    ):
        assert marker in officer, marker
    officer2 = home_of(app, demo["officer2@demo.sdp.pe"])
    assert "Answer from Brazil due" in officer2 and "Detained" in officer2
    supervisor = home_of(app, demo["supervisor@demo.sdp.pe"])
    for marker in ("Unaccompanied child", "Child", "Overdue"):
        assert marker in supervisor, marker


ENGLISH = re.compile(r"\b(the|was|were|with|and|of the|applicant)\b")


def test_the_demo_cases_free_text_is_in_spanish(demo):
    """Officers write in Spanish: no English sentence in a reason, a summary or an authority."""
    from sdp.cases import models

    texts = []
    for model, columns in (
        (models.RelevantState, ["reasoning"]),
        (models.Recommendation, ["reasons"]),
        (models.Decision, ["reasons"]),
        (models.Interview, ["summary"]),
        (models.Inquiry, ["authority"]),
        (models.Evidence, ["description"]),
        (Application, ["end_reasons"]),
        (models.Proceeding, ["reasons", "reply_summary", "decision_reasons"]),
    ):
        for row in db.session.execute(select(model)).scalars():
            texts += [getattr(row, column) for column in columns if getattr(row, column)]
    assert len(texts) > 100
    # Texts the system writes itself are catalogue messages, shown in the reader's language.
    from babel.support import Translations

    from sdp import PROJECT_ROOT

    spanish = Translations.load(str(PROJECT_ROOT / "sdp" / "translations"), ["es"])
    english = [text for text in texts if ENGLISH.search(text) and spanish.gettext(text) == text]
    assert english == []


def test_the_demo_acts_are_spread_over_the_pilot(demo, app):
    from sdp.cases.models import Decision

    pilot_start = app.config["POLICY"].pilot_start
    registered = [a.registered_on for a in db.session.execute(select(Application)).scalars()]
    assert min(registered) >= pilot_start
    assert (
        len({(day.year, day.month) for day in registered}) >= 10
    )  # every month of the pilot so far
    notified = [d.notified_on for d in db.session.execute(select(Decision)).scalars()]
    assert (
        len(set(notified)) > len(notified) // 2
    )  # not all notified on the day the demo was loaded
    assert all(day <= clock.today() for day in notified)


def test_demo_users_that_need_a_second_factor_have_the_documented_secret(demo, app):
    """Here, not in test_accounts.py, so as to read the module's demo data instead of loading
    it once more (3-5 s of CPU a load). Signs in the decision-maker, whom no other test here
    signs in (their code is then used)."""
    from sdp.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET

    decider = db.session.get(User, demo["decider@demo.sdp.pe"].id)
    assert decider.totp_secret == DEMO_TOTP_SECRET
    client = app.test_client()
    assert (
        client.post("/sign-in", data={"email": decider.email, "password": DEMO_PASSWORD}).headers[
            "Location"
        ]
        == "/sign-in/code"
    )
    assert (
        client.post("/sign-in/code", data={"code": pyotp.TOTP(DEMO_TOTP_SECRET).now()}).status_code
        == 302
    )
    assert db.session.get(User, demo["officer@demo.sdp.pe"].id).totp_secret is None


# What each feature's part of the demo data shows (sdp/<feature>/demo.py), here so that the module
# loads it once: each of these tests loaded it again in its feature's tests (3-5 s of CPU a load).


def test_demo_births_link_to_the_demo_cases(demo):
    from sdp.births import services
    from sdp.births.models import BirthRegistration

    linked = (
        db.session.execute(
            select(BirthRegistration).where(
                (BirthRegistration.mother_case_id.is_not(None))
                | (BirthRegistration.father_case_id.is_not(None))
            )
        )
        .scalars()
        .all()
    )
    assert {r.child_given_names for r in linked} == {"Valentina", "Mateo"}
    assert all(r.registered_on == clock.today() for r in linked)
    assert services.births_for_case(linked[0].mother_case_id or linked[0].father_case_id)


def test_demo_documents_of_every_case_type_each_verifiable_one_revoked_one_superseded(demo):
    from sdp.documents import services
    from sdp.documents.models import Document

    documents = list(db.session.execute(select(Document)).scalars())
    types = Counter(document.type for document in documents)
    assert {
        "provisional_certificate",
        "identity_document",
        "travel_document",
        "decision_letter",
    } <= set(types)
    statuses = Counter(document.status for document in documents)
    assert statuses["revoked"] == 1 and statuses["superseded"] >= 1
    assert any(
        document.languages == "es pt"
        for document in documents
        if document.type == "decision_letter"
    )
    today = clock.today()
    for document in documents:
        fields, found = services.verify_payload(document.qr_payload, today)
        assert fields.serial == document.serial and found[0].id == document.id


def test_the_person_check_protects_as_the_domain_does_in_every_state(demo, partner_api):
    """The registry's person check reads only a few columns; it must agree with each person's
    own standing in the domain (the case's ``persons[].protected_from_removal``), not with the
    case's label. (Its partner checks are journaled: no test here counts audit events.)"""
    from sdp.cases.presenters import person_status
    from sdp.registry.fields import PERSON_CHECK, unexpected_fields
    from tests.registry.helpers import persons_url

    reniec = partner_api("registry:read")
    today = clock.today()
    applications = db.session.execute(select(Application)).scalars().all()
    assert len({application.state for application in applications}) >= 11
    for application in applications:
        for someone in application.persons():
            response = reniec.get(
                persons_url(
                    someone.given_names, someone.family_names, someone.date_of_birth.isoformat()
                )
            )
            match = next(
                m for m in response.json["matches"] if m["case_number"] == application.case_number
            )
            assert match == {
                "case_number": application.case_number,
                "status": application.state,
                "protected_from_removal": person_status(application, someone, today)[
                    "protected_from_removal"
                ],
            }
            assert unexpected_fields(response.json, PERSON_CHECK) == []
