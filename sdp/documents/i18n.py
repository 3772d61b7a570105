"""The documents' own wording in Spanish and Portuguese (English is the source text).

Documents are legal texts: their translations are a Flask-Babel domain of their own,
``documents`` (``sdp/translations/<lang>/LC_MESSAGES/documents.po``, beside the pages'
``messages.po``), extracted by ``make messages`` from the calls to ``T`` and the texts marked
with ``T_`` in ``sdp/documents``, and compiled by ``make translations``. A document is written in
its own language, whatever the reader's (the renderer sets it per section with
``force_locale``); a message missing from the domain falls back to the pages' catalogue (the
vocabulary), and is recorded in ``MISSING`` so that a test can see that no document falls back to
English unnoticed.
"""

from flask_babel import Domain, get_locale
from flask_babel import gettext as shared_gettext

from .. import PROJECT_ROOT, schemas
from ..domain.vocabulary import (
    ExclusionGround,
    Finding,
    Link,
    NationalityBasis,
    Relationship,
    Sex,
)

LANGUAGES = ("es", "en", "pt")  # the languages a document can be written in
DOCUMENTS = Domain(
    translation_directories=str(PROJECT_ROOT / "sdp" / "translations"), domain="documents"
)
# (language, message) pairs a document asked for and neither catalogue had: a test keeps it empty.
MISSING: set[tuple[str, str]] = set()


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "en"


def T(message: str, **params) -> str:  # noqa: N802 - the extraction keyword of this domain
    """``message`` in the current locale's language, with ``%(name)s`` parameters filled."""
    language = current_language()
    text = message
    if language != "en":
        text = DOCUMENTS.gettext(message)
        if text == message:
            text = shared_gettext(message)
            if text == message:
                MISSING.add((language, message))
    return text % params if params else text


def T_(message: str) -> str:  # noqa: N802 - the marking keyword of this domain
    """Marks a text that ``T`` translates later (in a table, a dictionary) for ``make messages``."""
    return message


# The vocabulary the documents print, in the documents' own wording (a document says "Hijo o
# hija" where a page says "Hija o hijo"). Listed so that ``make messages`` extracts it; a test
# checks that every label of these enums is here.
PRINTED_VOCABULARY = (Sex, Relationship, Link, Finding, NationalityBasis, ExclusionGround)
PRINTED_LABELS = (
    T_("Female"),
    T_("Male"),
    T_("Unspecified"),
    T_("Child"),
    T_("Spouse"),
    T_("Other"),
    T_("Birth on its territory"),
    T_("Descent (mother)"),
    T_("Descent (father)"),
    T_("Marriage"),
    T_("Adoption"),
    T_("Habitual residence"),
    T_("Former nationality"),
    T_("National"),
    T_("Not a national"),
    T_("Undetermined"),
    T_("Born in Peru (ius soli)"),
    T_("Foundling found in Peru"),
    T_("Born abroad to a parent Peruvian by birth (ius sanguinis)"),
    T_("Protection or assistance from a UN agency other than UNHCR (Art. 1(2)(i))"),
    T_("Rights and obligations of nationals in the country of residence (Art. 1(2)(ii))"),
    T_("Serious reasons regarding crimes or acts contrary to the UN's purposes (Art. 1(2)(iii))"),
)


def country_name(code: str, language: str) -> str:
    """As the pages name it (``sdp.schemas.country_name``)."""
    return schemas.country_name(code, language)
