"""The extract of a birth registration, with the basis of the child's nationality."""

from flask_babel import force_locale
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from ...domain.vocabulary import NationalityBasis, Sex, label
from ..i18n import T_, T, country_name
from ..models import Document
from .drawing import (
    P,
    build,
    e,
    fields_table,
    header_block,
    holder_rows,
    short_date,
    validity_rows,
    verification_note,
    with_qr,
)

BASIS_TEXT = {
    NationalityBasis.IUS_SOLI: T_(
        "Every person born in the territory of Peru is Peruvian by birth, whatever the nationality "
        "or status of the parents (Constitution of Peru, Article 52; Law 32421)."
    ),
    NationalityBasis.FOUNDLING: T_(
        "A minor found abandoned in Peru whose parents are unknown is Peruvian by birth (Law "
        "32421; 1961 Convention on the Reduction of Statelessness, Article 2)."
    ),
    NationalityBasis.IUS_SANGUINIS: T_(
        "A person born abroad to a mother or father who is Peruvian by birth is Peruvian once "
        "registered (Law 32421)."
    ),
}

# The child's nationality in one sentence, worded for the child's sex: Spanish and Portuguese
# agree the participle with the child ("nacida", "nacido"), and a child whose sex is not recorded
# reads a neutral wording. Whole sentences, not a label lower-cased into a frame, so that the
# country keeps its capital ("Perú") and every language its own order.
NATIONALITY_SENTENCES = {
    (NationalityBasis.IUS_SOLI, Sex.FEMALE): T_(
        "Peruvian by birth: she was born in Peru (ius soli)."
    ),
    (NationalityBasis.IUS_SOLI, Sex.MALE): T_("Peruvian by birth: he was born in Peru (ius soli)."),
    (NationalityBasis.IUS_SOLI, Sex.UNSPECIFIED): T_(
        "Peruvian by birth, having been born in Peru (ius soli)."
    ),
    (NationalityBasis.FOUNDLING, Sex.FEMALE): T_(
        "Peruvian by birth: she was found in Peru, of unknown parents."
    ),
    (NationalityBasis.FOUNDLING, Sex.MALE): T_(
        "Peruvian by birth: he was found in Peru, of unknown parents."
    ),
    (NationalityBasis.FOUNDLING, Sex.UNSPECIFIED): T_(
        "Peruvian by birth, having been found in Peru, of unknown parents."
    ),
    (NationalityBasis.IUS_SANGUINIS, Sex.FEMALE): T_(
        "Peruvian: she was born abroad to a mother or father Peruvian by birth (ius sanguinis)."
    ),
    (NationalityBasis.IUS_SANGUINIS, Sex.MALE): T_(
        "Peruvian: he was born abroad to a mother or father Peruvian by birth (ius sanguinis)."
    ),
    (NationalityBasis.IUS_SANGUINIS, Sex.UNSPECIFIED): T_(
        "Peruvian, having been born abroad to a mother or father Peruvian by birth (ius sanguinis)."
    ),
}


def nationality_sentence(basis: str | None, sex: str | None, country: str) -> str:
    """The sentence that states the child's nationality, in the current language."""
    if not basis:
        return T("Nationality of the child: %(country)s.", country=country)
    known_sex = Sex(sex) if sex in (Sex.FEMALE, Sex.MALE) else Sex.UNSPECIFIED
    return T(NATIONALITY_SENTENCES[(NationalityBasis(basis), known_sex)])


def birth_record(document: Document) -> bytes:
    content = document.content or {}
    nationality = content.get("nationality") or {}
    with force_locale("es"):
        title = T("Extract of a birth registration")
        country = country_name(nationality.get("country") or "PE", "es")
        basis = nationality.get("basis")
        rows = [(T("Registration number"), content.get("registration_number", ""))]
        rows += holder_rows(document)
        for parent, name in (("mother", T("Mother")), ("father", T("Father"))):
            person = content.get(parent)
            if person:
                rows.append((name, f"{person['given_names']} {person['family_names']}"))
        if content.get("foundling"):
            rows.append((T("Parents"), T("Unknown (foundling)")))
        rows += [
            (T("Registered on"), short_date(content.get("registered_on"))),
            (T("Late registration"), T("Yes") if content.get("late_registration") else T("No")),
            (T("Nationality"), country),
            (T("Basis"), T(label(NationalityBasis(basis))) if basis else "—"),
        ]
        rows += validity_rows(document)
        story = header_block(title, T("Civil registry of births"))
        story += [
            with_qr(fields_table(rows, 118 * mm), document),
            Spacer(1, 6 * mm),
            P(e(nationality_sentence(basis, (content.get("holder") or {}).get("sex"), country))),
        ]
        if basis in BASIS_TEXT:
            story.append(P(T(BASIS_TEXT[NationalityBasis(basis)])))
        story += [Spacer(1, 4 * mm), verification_note(document)]
    return build(document, story, title)
