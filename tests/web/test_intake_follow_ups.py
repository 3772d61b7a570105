"""Issue 13, point 3: the intake's conditional questions, each on its own page when it applies and
is not answered (GOV.UK's conditional reveal without JavaScript): a person's asylum country (an
asylum seeker or refugee), guardian (an unaccompanied child), place and date of detention (a
person detained). Each page names the person it asks about; "Back" returns the first page with
every answer; an answer that does not apply is never stored."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from sdp import clock
from sdp.cases.models import Application, Person
from sdp.extensions import db

from .conftest import date_fields, text_of
from .test_intake import applicant_fields, dependant_fields

TODAY = clock.today()
DETAINED_SINCE = TODAY - timedelta(days=4)
APPLICANT = "María José Pérez Gómez"

# Each question: what makes it apply, its field, a good answer, a wrong one and its message, the
# heading (naming the person) and what is stored.
QUESTIONS = {
    "asylum_country": {
        "applies": {"applicant-asylum_status": "refugee"},
        "field": "applicant-asylum_country",
        "answer": {"applicant-asylum_country": "CO"},
        "wrong": {"applicant-asylum_country": ""},
        "error": "Choose the country of the asylum claim.",
        "heading": f"Which country did {APPLICANT} seek asylum from?",
        "stored": lambda person: person.asylum_country,
        "value": "CO",
        "shown": '<option value="CO" selected>',
    },
    "guardian": {
        "applies": {"applicant-vulnerabilities": ["unaccompanied_child"]},
        "field": "applicant-guardian",
        "answer": {"applicant-guardian": "Defensoría del Niño, Tumbes"},
        "wrong": {"applicant-guardian": "x" * 201},
        "error": "Field cannot be longer than 200 characters.",
        "heading": f"Who is the guardian or representative of {APPLICANT}?",
        "stored": lambda person: person.guardian,
        "value": "Defensoría del Niño, Tumbes",
        "shown": 'value="Defensoría del Niño, Tumbes"',
    },
    "detention_place": {
        "applies": {
            "applicant-detained": "yes",
            **date_fields("applicant-detention_since", DETAINED_SINCE),
        },
        "field": "applicant-detention_place",
        "answer": {"applicant-detention_place": "Comisaría de Tumbes"},
        "wrong": {"applicant-detention_place": " "},
        "error": "Enter the place of detention.",
        "heading": f"Where is {APPLICANT} detained?",
        "stored": lambda person: person.detention_place,
        "value": "Comisaría de Tumbes",
        "shown": 'value="Comisaría de Tumbes"',
    },
    "detention_since": {
        "applies": {
            "applicant-detained": "yes",
            "applicant-detention_place": "Comisaría de Tumbes",
        },
        "field": "applicant-detention_since",
        "answer": date_fields("applicant-detention_since", DETAINED_SINCE),
        "wrong": {
            "applicant-detention_since-day": "31",
            "applicant-detention_since-month": "2",
            "applicant-detention_since-year": str(TODAY.year),
        },
        "error": "The date the detention started must be a real date",
        "heading": f"Since when has {APPLICANT} been detained?",
        "stored": lambda person: person.detention_since,
        "value": DETAINED_SINCE,
        "shown": (
            'name="applicant-detention_since-year" type="text" inputmode="numeric" '
            f'value="{DETAINED_SINCE.year}"'
        ),
    },
}


def count_cases() -> int:
    return db.session.execute(select(func.count(Application.id))).scalar_one()


def applicant() -> Person:
    return db.session.execute(select(Application)).scalar_one().applicant


def heading_of(html: str) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert found, "no heading"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


@pytest.mark.parametrize("name", QUESTIONS)
def test_the_question_is_its_own_page_when_it_applies(web_as, name):
    question = QUESTIONS[name]
    intake = web_as("intake_officer")
    first = intake.get("/cases/new").get_data(as_text=True)
    assert f'id="{question["field"]}"' not in first  # not asked on the first page
    assert f'id="{question["field"]}-conditional"' not in first
    response = intake.post("/cases/new", data=applicant_fields(**question["applies"]))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and count_cases() == 0
    assert 'id="follow-up"' in html and "govuk-error-summary" not in html
    assert f'id="{question["field"]}"' in html or f'id="{question["field"]}-day"' in html
    # The heading is the question, naming whom it is about (the label of its field).
    assert heading_of(html) == question["heading"]
    assert re.search(r'<h1 class="govuk-(label-wrapper|fieldset__heading)">', html)
    assert "Register an application" in html  # the caption above it
    assert 'name="applicant-given_names" value="María José"' in html  # the answers carried
    assert 'name="_back"' in html
    # Answered: registered, and stored.
    asked = {**applicant_fields(**question["applies"]), "_asked": question["field"]}
    done = intake.post("/cases/new", data={**asked, **question["answer"]})
    assert done.status_code == 302, text_of(done)[:1500]
    assert question["stored"](applicant()) == question["value"]


@pytest.mark.parametrize("name", QUESTIONS)
def test_a_wrong_answer_is_shown_beside_the_field_on_its_page(web_as, name):
    question = QUESTIONS[name]
    intake = web_as("intake_officer")
    asked = {**applicant_fields(**question["applies"]), "_asked": question["field"]}
    response = intake.post("/cases/new", data={**asked, **question["wrong"]})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and count_cases() == 0
    assert 'id="follow-up"' in html and heading_of(html) == question["heading"]
    assert f'id="{question["field"]}-error"' in html and question["error"] in text_of(response)
    # The summary links to the field (a date: its first wrong part).
    assert re.search(rf'<a href="#{question["field"]}(-day)?">Applicant: ', html)


@pytest.mark.parametrize("name", QUESTIONS)
def test_back_returns_the_first_page_with_every_answer(web_as, name):
    question = QUESTIONS[name]
    intake = web_as("intake_officer")
    asked = {**applicant_fields(**question["applies"]), "_asked": question["field"]}
    back = intake.post("/cases/new", data={**asked, **question["answer"], "_back": "1"})
    html = back.get_data(as_text=True)
    assert back.status_code == 200 and 'id="follow-up"' not in html and count_cases() == 0
    assert "govuk-error-summary" not in html and 'value="María José"' in html
    # Shown under the answer it follows, as GOV.UK's conditional reveal shows it, with the answer.
    assert f'id="{question["field"]}-conditional"' in html and question["shown"] in html
    # Registered from the first page as it came back: the answer was kept.
    again = {k: v for k, v in asked.items() if k != "_asked"}
    done = intake.post("/cases/new", data={**again, **question["answer"]})
    assert done.status_code == 302, text_of(done)[:1500]
    assert question["stored"](applicant()) == question["value"]


@pytest.mark.parametrize("name", QUESTIONS)
def test_a_question_that_does_not_apply_is_not_asked_and_its_answer_not_stored(web_as, name):
    question = QUESTIONS[name]
    intake = web_as("intake_officer")
    # Typed before the answer it follows was changed: the status is none, no vulnerability, not
    # detained (the default of each).
    response = intake.post("/cases/new", data=applicant_fields(**question["answer"]))
    assert response.status_code == 302, text_of(response)[:1500]
    person = applicant()
    assert (person.asylum_country, person.guardian) == (None, None)
    assert (person.detention_place, person.detention_since) == (None, None)
    assert person.detained is False


def test_the_questions_come_one_after_the_other_and_each_names_its_person(web_as):
    intake = web_as("intake_officer")
    data = {
        **applicant_fields(
            **{"applicant-asylum_status": "asylum_seeker", "applicant-detained": "yes"}
        ),
        **dependant_fields(
            0, "Sofía", asylum_status="refugee", vulnerabilities="unaccompanied_child"
        ),
    }
    asked: list[str] = []
    headings = []
    answers = {
        "applicant-asylum_country": {"applicant-asylum_country": "VE"},
        "applicant-detention_place": {"applicant-detention_place": "Comisaría de Tumbes"},
        "applicant-detention_since": date_fields("applicant-detention_since", DETAINED_SINCE),
        "dependants-0-asylum_country": {"dependants-0-asylum_country": "VE"},
        "dependants-0-guardian": {},  # left empty: not known yet, recorded before the interview
    }
    for field, answer in answers.items():
        response = intake.post("/cases/new", data={**data, "_asked": asked})
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and 'id="follow-up"' in html, field
        assert f'id="{field}"' in html or f'id="{field}-day"' in html, field
        headings.append(heading_of(html))
        asked.append(field)
        data.update(answer)
    assert headings == [
        f"Which country did {APPLICANT} seek asylum from?",
        f"Where is {APPLICANT} detained?",
        f"Since when has {APPLICANT} been detained?",
        "Which country did Sofía Pérez Gómez seek asylum from?",
        "Who is the guardian or representative of Sofía Pérez Gómez?",
    ]
    done = intake.post("/cases/new", data={**data, "_asked": asked})
    assert done.status_code == 302, text_of(done)[:1500]
    application = db.session.execute(select(Application)).scalar_one()
    child = application.dependants[0].person
    assert application.applicant.asylum_country == "VE"
    assert application.applicant.detention_place == "Comisaría de Tumbes"
    assert application.applicant.detention_since == DETAINED_SINCE
    assert (child.asylum_country, child.guardian, child.detention_since) == ("VE", None, None)


def test_a_dependants_error_says_whose_it_is(web_as):
    intake = web_as("intake_officer")
    data = {**applicant_fields(), **dependant_fields(0, "Sofía", asylum_status="refugee")}
    response = intake.post("/cases/new", data={**data, "_asked": "dependants-0-asylum_country"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert heading_of(html) == "Which country did Sofía Pérez Gómez seek asylum from?"
    assert (
        '<a href="#dependants-0-asylum_country">Dependant 1: Choose the country of the asylum '
        "claim.</a>"
    ) in html


def test_another_error_is_shown_on_the_first_page_before_any_question(web_as):
    intake = web_as("intake_officer")
    data = applicant_fields(**{"applicant-family_names": "", "applicant-asylum_status": "refugee"})
    response = intake.post("/cases/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="follow-up"' not in html
    assert 'id="applicant-family_names-error"' in html
    assert "asylum_country-error" not in html  # asked on its own page, once the rest is right


@pytest.mark.parametrize(
    "lang, heading",
    [
        ("es", f"¿De qué país solicitó asilo {APPLICANT}?"),
        ("pt", f"De que país {APPLICANT} pediu asilo?"),
    ],
)
def test_the_question_is_in_the_officers_language(web_as, lang, heading):
    intake = web_as("intake_officer", lang=lang)
    response = intake.post(
        "/cases/new", data=applicant_fields(**QUESTIONS["asylum_country"]["applies"])
    )
    assert heading_of(response.get_data(as_text=True)) == heading
