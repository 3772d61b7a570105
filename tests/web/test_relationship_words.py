"""Words a person uses (issue 13, walked at 390 px): a dependant is the applicant's daughter or
husband where the sex says so, never "Hija o hijo"; "Child" as a priority marker is a minor, and
on a birth registration the child registered, each in its own words in every language."""

import pytest

from tests.cases.helpers import person, register

from .conftest import text_of


@pytest.mark.parametrize(
    ("lang", "daughter", "husband", "unspecified"),
    [
        ("es", "Sofía Pérez Gómez (Hija)", "Luis Pérez (Esposo)", "Alex Pérez (Hija o hijo)"),
        ("pt", "Sofía Pérez Gómez (Filha)", "Luis Pérez (Marido)", "Alex Pérez (Filha ou filho)"),
        ("en", "Sofía Pérez Gómez (Daughter)", "Luis Pérez (Husband)", "Alex Pérez (Child)"),
    ],
)
def test_a_dependant_is_named_by_their_relationship_and_sex(
    api_as, web_as, lang, daughter, husband, unspecified
):
    intake = api_as("intake_officer")
    case = register(
        intake,
        dependants=[
            {**person(given="Sofía", dob="2019-03-02"), "relationship": "child"},
            {
                **person(given="Luis", family="Pérez", sex="M", dob="1985-06-01"),
                "relationship": "spouse",
            },
            {
                **person(given="Alex", family="Pérez", sex="X", dob="2021-01-09"),
                "relationship": "child",
            },
        ],
    )
    page = text_of(web_as(intake.user, lang=lang).get(f"/cases/{case['id']}"))
    assert daughter in page and husband in page and unspecified in page


@pytest.mark.parametrize(
    ("lang", "minor"), [("es", "Menor de edad"), ("pt", "Menor de idade"), ("en", "Child")]
)
def test_a_case_with_a_child_is_marked_as_a_minor_on_the_home_page(api_as, web_as, lang, minor):
    intake = api_as("intake_officer")
    register(
        intake, dependants=[{**person(given="Sofía", dob="2019-03-02"), "relationship": "child"}]
    )
    supervisor = web_as("supervisor", lang=lang)
    page = supervisor.get("/").get_data(as_text=True)
    assert f'sdp-marker">{minor}</strong>' in page
    assert "Hija o hijo" not in page and "Filha ou filho" not in page
