"""The catalogues: Spanish (default), English and Portuguese, complete, none fuzzy, none stale."""

import subprocess
import sys

import pytest
from babel.messages.pofile import read_po

from sdp import PROJECT_ROOT

from .conftest import sign_in, text_of

TRANSLATIONS = PROJECT_ROOT / "sdp" / "translations"
LOCALES = ("es", "en", "pt")


def catalogue(locale: str):
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale=locale)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """Every translatable string of the code and templates now (N_, lazy_gettext and its alias _l
    included)."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "-k",
            "lazy_gettext",
            "-k",
            "_l",
            "--no-location",
            "-o",
            str(pot),
            ".",
        ],
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as source:
        return {message.id for message in read_po(source) if message.id}


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_is_translated_and_none_is_fuzzy(locale):
    untranslated, fuzzy = [], []
    for message in catalogue(locale):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            untranslated.append(message.id)
        if message.fuzzy:
            fuzzy.append(message.id)
    assert not untranslated, f"{locale}: untranslated {untranslated[:10]}"
    assert not fuzzy, f"{locale}: fuzzy {fuzzy[:10]}"


@pytest.mark.parametrize("locale", LOCALES)
def test_the_catalogue_has_every_string_of_the_code(locale, extracted):
    missing = extracted - {message.id for message in catalogue(locale) if message.id}
    assert not missing, f"{locale}: run `make messages` and translate: {sorted(missing)[:10]}"


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_are_kept(locale):
    problems = [(message.id, errors) for message, errors in catalogue(locale).check()]
    assert not problems, problems[:5]


def test_english_is_identical_to_the_source():
    for message in catalogue("en"):
        if message.id:
            assert message.string == message.id, message.id


def test_the_pages_speak_each_language(web_as):
    client = web_as("supervisor", lang=None)
    assert 'lang="es"' in client.get("/cases/").get_data(as_text=True)
    pages = {}
    for lang in LOCALES:
        client.get(f"/language/{lang}")
        pages[lang] = text_of(client.get("/cases/"))
    assert "Buscar casos" not in pages["en"] and "Quitar los filtros" not in pages["es"]
    assert (
        "Estado del caso" in pages["es"]
        and "State of the case" in pages["en"]
        and "Situação do caso" in pages["pt"]
    )
    assert "Cerrar sesión" in pages["es"] and "Sign out" in pages["en"] and "Sair" in pages["pt"]


def test_procedure_refusals_are_translated_with_their_parameters(api_as, web_as):
    from tests.cases.helpers import Office

    office = Office(api_as)
    case = office.decided(outcome="recognized")
    # (A recognised case may still be decided for persons awaiting a decision; a recommendation may
    # not.)
    officer = web_as(office.officer.user, lang="es")
    response = officer.post(
        f"/cases/{case['id']}",
        data={"_action": "recommend", "recommend-outcome": "rejected", "recommend-reasons": "x"},
    )
    assert response.status_code == 409
    assert (
        "Esta acción no está permitida mientras el caso está en estado «Reconocido como apátrida»."
        in text_of(response)
    )


def test_the_sign_in_page_is_spanish_by_default(client):
    assert "Iniciar sesión" in text_of(client.get("/sign-in"))
    assert 'lang="es"' in client.get("/sign-in").get_data(as_text=True)


def test_a_user_with_a_preferred_language_gets_it(client, make_user):
    from sdp.extensions import db

    user = make_user("supervisor")
    user.preferred_locale = "pt"
    db.session.commit()
    sign_in(client, user)
    assert "Pesquisar casos" in client.get("/cases/").get_data(as_text=True)
