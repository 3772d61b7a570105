"""How a Peruvian parent is Peruvian decides a child born abroad (Law 32421), through the API
and the registrar's form, on the real database.

Born abroad to a parent Peruvian by birth: Peruvian once registered (``ius_sanguinis``). The only
Peruvian parent(s) Peruvian by naturalization or by option: refused (422), pointing to a
statelessness screening under the 1961 Convention Art. 4 safeguard. A Peruvian parent of a child
born abroad must say how they are Peruvian (422 naming ``<parent>.nationality_basis``).
"""

import re

import pytest
from sqlalchemy import func, select

from sdp.auth.principal import Principal
from sdp.births.models import BirthRegistration
from sdp.births.schemas import BirthCreateSchema
from sdp.births.services import register_birth
from sdp.domain.nationality import STATELESS_PARENT_HAS_NO_NATIONALITY
from sdp.domain.procedure import InvalidField
from sdp.domain.vocabulary import Role
from sdp.extensions import db

from .helpers import TODAY, birth, child, days_ago, parent

ARGENTINA = child(given="Lucía", family="Rojas Blanco", country="AR", locality="Buenos Aires")


def count() -> int:
    return db.session.execute(select(func.count(BirthRegistration.id))).scalar_one()


# --- API ---------------------------------------------------------------------------


@pytest.fixture
def registrar(api_as):
    return api_as("registrar")


def post(registrar, body):
    return registrar.post("/api/v1/births", json=body)


def test_born_in_argentina_to_a_mother_peruvian_by_birth_is_ius_sanguinis(registrar, api_as):
    response = post(
        registrar,
        birth(
            child=ARGENTINA,
            mother=parent(
                "Rosa", "Blanco Quispe", "1990-02-11", nationality="PE", nationality_basis="birth"
            ),
        ),
    )
    assert response.status_code == 201, response.json
    assert response.json["nationality"] == {"country": "PE", "basis": "ius_sanguinis"}
    saved = db.session.execute(select(BirthRegistration)).scalar_one()
    assert (saved.mother_nationality_basis, saved.father_nationality_basis) == ("birth", None)
    record = api_as("supervisor").get(f"/api/v1/births/{response.json['registration_number']}")
    assert (
        record.json["mother"]["nationality"] == "PE"
        and record.json["mother"]["nationality_basis"] == "birth"
    )


@pytest.mark.parametrize("basis", ["naturalization", "option"])
def test_born_in_argentina_to_a_father_peruvian_only_by_naturalization_or_option_is_refused(
    registrar, basis
):
    response = post(
        registrar,
        {
            "child": ARGENTINA,
            "father": parent(
                "Esteban", "Rojas Huanca", "1985-04-05", nationality="PE", nationality_basis=basis
            ),
        },
    )
    assert response.status_code == 422, response.json
    assert list(response.json["errors"]) == ["child.place_of_birth.country"]
    message = response.json["message"]
    assert "Law 32421" in message and "only through a parent who is Peruvian by birth" in message
    assert "1961 Convention Art. 4" in message and "would otherwise be stateless" in message
    assert "statelessness screening" in message and "ex officio" in message
    assert count() == 0


def test_a_naturalized_father_and_an_argentine_mother_still_points_to_the_screening(registrar):
    response = post(
        registrar,
        {
            "child": ARGENTINA,
            "mother": parent("Ana", "Blanco", nationality="AR"),
            "father": parent(
                "Esteban",
                "Rojas Huanca",
                "1985-04-05",
                nationality="PE",
                nationality_basis="naturalization",
            ),
        },
    )
    assert response.status_code == 422
    assert "1961 Convention Art. 4" in response.json["message"]
    assert "statelessness screening" in response.json["message"]


def test_one_parent_peruvian_by_birth_is_enough_whatever_the_other(registrar):
    response = post(
        registrar,
        {
            "child": ARGENTINA,
            "mother": parent("Rosa", "Blanco", nationality="PE", nationality_basis="birth"),
            "father": parent(
                "Esteban",
                "Rojas",
                "1985-04-05",
                nationality="PE",
                nationality_basis="naturalization",
            ),
        },
    )
    assert response.status_code == 201, response.json
    assert response.json["nationality"] == {"country": "PE", "basis": "ius_sanguinis"}
    saved = db.session.execute(select(BirthRegistration)).scalar_one()
    assert (saved.mother_nationality_basis, saved.father_nationality_basis) == (
        "birth",
        "naturalization",
    )


@pytest.mark.parametrize("role", ["mother", "father"])
def test_a_peruvian_parent_of_a_child_born_abroad_must_say_how_they_are_peruvian(registrar, role):
    body = {"child": ARGENTINA, role: parent("Rosa", "Blanco", nationality="PE")}
    response = post(registrar, body)
    assert response.status_code == 422, response.json
    assert set(response.json["errors"]) == {f"{role}.nationality_basis"}
    assert (
        "by birth, by naturalization or by option"
        in response.json["errors"][f"{role}.nationality_basis"][0]
    )
    assert count() == 0
    explicit_null = post(registrar, {**body, role: {**body[role], "nationality_basis": None}})
    assert explicit_null.status_code == 422 and set(explicit_null.json["errors"]) == {
        f"{role}.nationality_basis"
    }


def test_born_in_peru_the_basis_is_not_needed_and_kept_when_given(registrar):
    unsaid = post(registrar, birth(mother=parent("Rosa", "Blanco", nationality="PE")))
    assert unsaid.status_code == 201, unsaid.json
    assert unsaid.json["nationality"] == {"country": "PE", "basis": "ius_soli"}
    naturalized = post(
        registrar,
        birth(
            child=child(given="Bea"),
            mother=parent("Rosa", "Blanco", nationality="PE", nationality_basis="naturalization"),
        ),
    )
    assert naturalized.status_code == 201
    assert naturalized.json["nationality"] == {"country": "PE", "basis": "ius_soli"}
    bases = (
        db.session.execute(
            select(BirthRegistration.mother_nationality_basis).order_by(BirthRegistration.id)
        )
        .scalars()
        .all()
    )
    assert bases == [None, "naturalization"]


@pytest.mark.parametrize(
    ("mother", "field"),
    [
        (parent(nationality="VE", nationality_basis="birth"), "mother.nationality_basis"),
        (parent(nationality=None, nationality_basis="birth"), "mother.nationality_basis"),
        (
            parent(nationality=None, stateless=True, nationality_basis="option"),
            "mother.nationality_basis",
        ),
        (parent(nationality="PE", nationality_basis="by_birth"), "mother.nationality_basis"),
        (parent(nationality="PE", nationality_basis="BIRTH"), "mother.nationality_basis"),
    ],
)
def test_a_basis_only_for_a_peruvian_parent_and_only_from_the_vocabulary(registrar, mother, field):
    response = post(registrar, {"child": ARGENTINA, "mother": mother})
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]
    assert count() == 0


def test_the_openapi_description_documents_the_basis(client):
    spec = client.get("/api/v1/openapi.json").json
    basis = spec["components"]["schemas"]["Parent"]["properties"]["nationality_basis"]
    assert [value for value in basis["enum"] if value is not None] == [
        "birth",
        "naturalization",
        "option",
    ]
    assert "Law 32421" in basis["description"] and "1961 Convention Art. 4" in basis["description"]


# --- The registrar's form ------------------------------------------------------------


def form(**changes) -> dict:
    data = {
        "child-given_names": "Lucía",
        "child-family_names": "Rojas Blanco",
        "child-sex": "F",
        "child-date_of_birth": days_ago(20),
        "child-birth_country": "AR",
        "child-birth_locality": "Buenos Aires",
        "mother-given_names": "Andreína",
        "mother-family_names": "Blanco Paz",
        "mother-date_of_birth": "1997-08-30",
        "mother-birth_country": "AR",
        "mother-nationality": "AR",
        "mother-asylum_status": "none",
        "father-given_names": "Esteban",
        "father-family_names": "Rojas Huanca",
        "father-date_of_birth": "1985-04-05",
        "father-birth_country": "PE",
        "father-birth_locality": "Tumbes",
        "father-nationality": "PE",
        "father-nationality_basis": "birth",
        "father-asylum_status": "none",
        "declarant_name": "Esteban Rojas Huanca",
        "declarant_relationship": "father",
        "registered_on": TODAY.isoformat(),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def desk(make_user, sign_in):
    return sign_in(make_user("registrar"))


@pytest.mark.parametrize("role", ["mother", "father"])
def test_the_form_asks_each_parent_how_they_are_peruvian_with_radios_named_in_words(desk, role):
    # Asked of a Peruvian parent only, on its own page (sdp.forms.follow_up), naming the parent.
    assert "nationality_basis-conditional" not in desk.get("/births/new").get_data(as_text=True)
    data = form(**{f"{role}-nationality": "PE", f"{role}-nationality_basis": None})
    page = desk.post("/births/new", data=data)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="follow-up"' in html
    name = "Andreína Blanco Paz" if role == "mother" else "Esteban Rojas Huanca"
    assert f"How is {name} Peruvian?</label>" in html or f"How is {name} Peruvian?</h1>" in html
    radios = re.findall(
        rf'<input class="govuk-radios__input" id="({role}-nationality_basis[-0-9]*)" '
        rf'name="{role}-nationality_basis" type="radio" value="([a-z]+)"',
        html,
    )
    assert [value for _, value in radios] == ["birth", "naturalization", "option"], role
    for field_id, _ in radios:
        assert re.search(f'<label class="govuk-label govuk-radios__label" for="{field_id}">', html)
    assert (
        "Peruvian by birth" in html
        and "Peruvian by naturalization" in html
        and "Peruvian by option" in html
    )
    assert "Needed when the child was born abroad" in html
    assert not re.search(
        rf'name="{role}-nationality_basis" type="radio" value="[a-z]+" checked', html
    )


def test_a_child_born_abroad_to_a_father_peruvian_by_birth_is_registered(desk):
    response = desk.post("/births/new", data=form())
    assert response.status_code == 303, response.get_data(as_text=True)
    saved = db.session.execute(select(BirthRegistration)).scalar_one()
    assert saved.nationality_basis == "ius_sanguinis"
    assert (saved.father_nationality, saved.father_nationality_basis) == ("PE", "birth")
    assert saved.mother_nationality_basis is None
    page = desk.get(response.headers["Location"]).get_data(as_text=True)
    assert "Born abroad to a parent Peruvian by birth (ius sanguinis)" in page
    assert "How this parent is Peruvian" in page and "Peruvian by birth" in page


def test_a_father_peruvian_only_by_naturalization_is_refused_with_the_screening_and_the_form_kept(
    desk,
):
    response = desk.post("/births/new", data=form(**{"father-nationality_basis": "naturalization"}))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    refusal = re.search(
        r'<div class="govuk-warning-text" id="refusal">.*?</div>\s*</div>', html, re.S
    ).group(0)
    assert "This birth cannot be registered as Peruvian" in refusal
    assert "Law 32421" in refusal and "1961 Convention Art. 4" in refusal
    assert "statelessness screening" in refusal and "ex officio" in refusal
    assert 'id="child-birth_country-error"' in html
    assert re.search(
        r'name="father-nationality_basis" type="radio" value="naturalization" checked', html
    )
    assert (
        'value="Rojas Huanca"' in html
        and 'value="Buenos Aires"' in html
        and 'value="Tumbes"' in html
    )
    assert re.search(r'<option value="PE" selected>', html)
    assert count() == 0


def test_a_peruvian_parent_of_a_child_born_abroad_without_a_basis_is_asked_beside_the_field(desk):
    unsaid = form(**{"father-nationality_basis": None})
    asked = desk.post("/births/new", data=unsaid)  # first the question, on its own page
    assert asked.status_code == 200 and 'id="follow-up"' in asked.get_data(as_text=True)
    # Left unanswered: the service's rule (a child born abroad), beside the field on that page.
    response = desk.post("/births/new", data={**unsaid, "_asked": "father-nationality_basis"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="follow-up"' in html
    assert re.search(
        r'id="father-nationality_basis-error" class="govuk-error-message">'
        r'<span class="govuk-visually-hidden">Error:</span> Say how this parent is Peruvian',
        html,
    )
    assert '<a href="#father-nationality_basis">' in html  # the summary links to the first radio
    assert (
        'id="father-nationality_basis" name="father-nationality_basis" type="radio" value="birth"'
        in html
    )
    assert 'value="Rojas Huanca"' in html and 'value="Esteban Rojas Huanca"' in html
    assert 'id="refusal"' not in html
    assert count() == 0
    done = desk.post("/births/new", data=form())
    assert done.status_code == 303 and count() == 1


def test_a_basis_left_chosen_for_a_parent_who_is_not_peruvian_is_ignored(desk):
    response = desk.post(
        "/births/new",
        data=form(
            **{
                "child-birth_country": "PE",
                "child-birth_locality": "Lima",
                "mother-nationality_basis": "option",
            }
        ),
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    saved = db.session.execute(select(BirthRegistration)).scalar_one()
    assert saved.nationality_basis == "ius_soli" and saved.mother_nationality_basis is None


def test_an_unknown_basis_from_the_form_is_an_error_beside_the_field(desk):
    response = desk.post("/births/new", data=form(**{"father-nationality_basis": "by_marriage"}))
    assert response.status_code == 422
    assert 'id="father-nationality_basis-error"' in response.get_data(as_text=True)
    assert count() == 0


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "es",
            (
                "Peruano de nacimiento",
                "Peruano por naturalización",
                "Peruano por opción",
                "Ley 32421",
            ),
        ),
        ("pt", ("Peruano nato", "Peruano naturalizado", "Peruano por opção", "Lei 32421")),
    ],
)
def test_the_question_and_the_refusal_in_spanish_and_portuguese(desk, language, words):
    desk.get(f"/language/{language}")
    page = desk.post("/births/new", data=form(**{"father-nationality_basis": None}))
    page = page.get_data(as_text=True)  # the question, on its own page
    assert all(word in page for word in words[:3])
    refused = desk.post("/births/new", data=form(**{"father-nationality_basis": "naturalization"}))
    html = refused.get_data(as_text=True)
    assert (
        refused.status_code == 422
        and words[3] in html
        and "1961" in html
        and "art. 4" in html.lower()
    )


def test_the_api_and_the_service_refuse_a_stateless_parent_s_nationality_in_the_rule_s_words(
    registrar,
):
    """One rule (sdp.domain.nationality.parent_refusal): the API's schema answers in its words,
    and the service, called without the schema, refuses the same body on the same field."""
    mother = parent(nationality="AR", stateless=True)
    response = post(registrar, {"child": ARGENTINA, "mother": mother})
    assert response.status_code == 422
    assert response.json["errors"]["mother.nationality"] == [STATELESS_PARENT_HAS_NO_NATIONALITY]

    body = BirthCreateSchema().load({"child": ARGENTINA, "mother": {**mother, "stateless": False}})
    body["mother"]["stateless"] = True
    a_registrar = Principal(
        kind="user", id=None, label="registrar", roles=frozenset({Role.REGISTRAR})
    )
    with pytest.raises(InvalidField) as refused:
        register_birth(a_registrar, body)
    assert refused.value.field == "mother.nationality"
    assert refused.value.message == STATELESS_PARENT_HAS_NO_NATIONALITY
    assert count() == 0
