"""The documents' own wording in Spanish and Portuguese (English is the source text).

Documents are legal texts: their translations live in this feature's catalogue
(``sdp/documents/translations/<lang>/LC_MESSAGES/documents.po``), read straight from the
.po file (no compile step), so a document never falls back to another language
unnoticed (a test checks that every text of every document is translated). The
language is flask-babel's current locale, which the renderer sets per section with
``force_locale``; a message missing here falls back to the app's shared catalogue.
"""

import io
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from flask_babel import get_locale
from flask_babel import gettext as shared_gettext

from .. import schemas

TRANSLATIONS = Path(__file__).parent / "translations"
LANGUAGES = ("es", "en", "pt")  # the languages a document can be written in
# (language, message) pairs a document asked for and neither catalogue had: a test keeps it empty.
MISSING: set[tuple[str, str]] = set()


@lru_cache(maxsize=8)
def catalogue(language: str) -> Translations | None:
    path = TRANSLATIONS / language / "LC_MESSAGES" / "documents.po"
    if not path.exists():
        return None
    with path.open("rb") as handle:
        po = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, po)
    buffer.seek(0)
    return Translations(fp=buffer, domain="documents")


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "en"


def T(message: str, **params) -> str:  # noqa: N802 - the extraction keyword of this catalogue
    """``message`` in the current locale's language, with ``%(name)s`` parameters filled."""
    language = current_language()
    text = message
    if language != "en":
        translations = catalogue(language)
        text = translations.gettext(message) if translations is not None else message
        if text == message:
            text = shared_gettext(message)
            if text == message:
                MISSING.add((language, message))
    return text % params if params else text


def country_name(code: str, language: str) -> str:
    """As the pages name it (``sdp.schemas.country_name``)."""
    return schemas.country_name(code, language)
