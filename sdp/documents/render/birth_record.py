"""The extract of a birth registration, with the basis of the child's nationality."""

from flask_babel import force_locale
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from ...domain.vocabulary import NationalityBasis, label
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
            P(
                T(
                    "Nationality of the child: %(country)s, by %(basis)s.",
                    country=e(country),
                    basis=e(T(label(NationalityBasis(basis))).lower()) if basis else "—",
                )
            ),
        ]
        if basis in BASIS_TEXT:
            story.append(P(T(BASIS_TEXT[NationalityBasis(basis)])))
        story += [Spacer(1, 4 * mm), verification_note(document)]
    return build(document, story, title)
