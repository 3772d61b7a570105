"""Issue 13, point 3, on the birth form: how a Peruvian parent is Peruvian, and the country of a
parent's asylum claim, are asked on their own page when they apply and are not answered (GOV.UK's
conditional reveal without JavaScript), each page naming the parent; "Back" returns the form with
every answer; what does not apply is never stored."""

import re

import pytest
from sqlalchemy import func, select

from sdp.births.models import BirthRegistration
from sdp.extensions import db

from .test_births_web import form

MOTHER = "Daniela Rivas Colmenares"
PERUVIAN_MOTHER = {"mother-nationality": "PE", "mother-asylum_status": "none"}

QUESTIONS = {
    "asylum_country": {
        "applies": {"mother-asylum_country": None},  # a refugee (form()), no country given
        "field": "mother-asylum_country",
        "answer": {"mother-asylum_country": "CO"},
        "wrong": {"mother-asylum_country": ""},
        "error": "The asylum claim&#39;s country is needed for an asylum seeker or refugee.",
        "heading": f"Which country did {MOTHER} seek asylum from?",
        "stored": lambda registration: registration.mother.asylum_country,
        "value": "CO",
        "shown": '<option value="CO" selected>',
    },
    "nationality_basis": {
        "applies": PERUVIAN_MOTHER,
        "field": "mother-nationality_basis",
        "answer": {"mother-nationality_basis": "birth"},
        # Born abroad, a Peruvian parent must say how they are Peruvian (the service's rule).
        "wrong": {"mother-nationality_basis": "", "child-birth_country": "AR"},
        "error": "by birth, by naturalization or by option",
        "heading": f"How is {MOTHER} Peruvian?",
        "stored": lambda registration: registration.mother_nationality_basis,
        "value": "birth",
        "shown": 'name="mother-nationality_basis" type="radio" value="birth" checked',
    },
}


@pytest.fixture
def registrar(make_user, sign_in):
    return sign_in(make_user("registrar"))


def count() -> int:
    return db.session.execute(select(func.count(BirthRegistration.id))).scalar_one()


def registration() -> BirthRegistration:
    return db.session.execute(select(BirthRegistration)).scalar_one()


def heading_of(html: str) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert found, "no heading"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


@pytest.mark.parametrize("name", QUESTIONS)
def test_the_question_is_its_own_page_when_it_applies(registrar, name):
    question = QUESTIONS[name]
    first = registrar.get("/births/new").get_data(as_text=True)
    assert f'id="{question["field"]}"' not in first  # never asked on the first page
    response = registrar.post("/births/new", data=form(**question["applies"]))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and count() == 0, html[:2000]
    assert 'id="follow-up"' in html and "govuk-error-summary" not in html
    assert f'id="{question["field"]}"' in html
    assert heading_of(html) == question["heading"]  # naming the parent
    assert "Register a birth" in html  # the caption
    assert 'name="child-given_names" value="Valentina"' in html and 'name="_back"' in html
    asked = {**form(**question["applies"]), "_asked": question["field"]}
    done = registrar.post("/births/new", data={**asked, **question["answer"]})
    assert done.status_code == 303, done.get_data(as_text=True)[:2000]
    assert question["stored"](registration()) == question["value"]


@pytest.mark.parametrize("name", QUESTIONS)
def test_a_wrong_answer_is_shown_beside_the_field_on_its_page(registrar, name):
    question = QUESTIONS[name]
    asked = {**form(**question["applies"]), "_asked": question["field"]}
    response = registrar.post("/births/new", data={**asked, **question["wrong"]})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and count() == 0
    assert 'id="follow-up"' in html and heading_of(html) == question["heading"]
    assert f'id="{question["field"]}-error"' in html and question["error"] in html
    assert f'<a href="#{question["field"]}">Mother: ' in html  # the summary links to it


@pytest.mark.parametrize("name", QUESTIONS)
def test_back_returns_the_form_with_every_answer(registrar, name):
    question = QUESTIONS[name]
    asked = {**form(**question["applies"]), "_asked": question["field"]}
    back = registrar.post("/births/new", data={**asked, **question["answer"], "_back": "1"})
    html = back.get_data(as_text=True)
    assert back.status_code == 200 and 'id="follow-up"' not in html and count() == 0
    assert "govuk-error-summary" not in html and 'value="Valentina"' in html
    # Shown under the answer it follows, as GOV.UK's conditional reveal shows it, with the answer.
    assert f'id="{question["field"]}-conditional"' in html and question["shown"] in html
    again = {k: v for k, v in asked.items() if k != "_asked"}
    done = registrar.post("/births/new", data={**again, **question["answer"]})
    assert done.status_code == 303
    assert question["stored"](registration()) == question["value"]


def test_answers_that_do_not_apply_are_not_asked_nor_stored(registrar):
    # A Venezuelan mother who is no asylum seeker: a basis and a claim's country typed before
    # the nationality and the status were changed mean nothing.
    data = form(
        **{
            "mother-asylum_status": "none",
            "mother-asylum_country": "CO",
            "mother-nationality_basis": "birth",
        }
    )
    response = registrar.post("/births/new", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    saved = registration()
    assert saved.mother_nationality_basis is None and saved.mother.asylum_country is None


def test_a_parent_not_recorded_is_asked_nothing(registrar):
    # The father's fields are empty (not known): his default status asks no question.
    response = registrar.post("/births/new", data=form(**{"father-nationality": "PE"}))
    assert response.status_code == 303
    assert registration().father is None


def test_the_questions_of_both_parents_come_one_after_the_other(registrar):
    data = form(
        **{
            **PERUVIAN_MOTHER,
            "father-given_names": "Luis",
            "father-family_names": "Mendoza Paz",
            "father-date_of_birth": "1990-01-02",
            "father-birth_country": "VE",
            "father-nationality": "VE",
            "father-asylum_status": "asylum_seeker",
        }
    )
    asked: list[str] = []
    headings = []
    for field, answer in (
        ("mother-nationality_basis", {"mother-nationality_basis": "naturalization"}),
        ("father-asylum_country", {"father-asylum_country": "VE"}),
    ):
        response = registrar.post("/births/new", data={**data, "_asked": asked})
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and f'id="{field}"' in html, field
        headings.append(heading_of(html))
        asked.append(field)
        data.update(answer)
    assert headings == [
        f"How is {MOTHER} Peruvian?",
        "Which country did Luis Mendoza Paz seek asylum from?",
    ]
    done = registrar.post("/births/new", data={**data, "_asked": asked})
    assert done.status_code == 303, done.get_data(as_text=True)[:2000]
    saved = registration()
    assert saved.mother_nationality_basis == "naturalization"
    assert saved.father.asylum_country == "VE" and saved.father_asylum_status == "asylum_seeker"


def test_another_error_is_shown_on_the_form_before_any_question(registrar):
    response = registrar.post(
        "/births/new",
        data=form(**{"father-given_names": "Luis", "father-asylum_status": "refugee"}),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="follow-up"' not in html
    assert 'id="father-family_names-error"' in html
    assert "father-asylum_country-error" not in html  # its own page, once the rest is right
