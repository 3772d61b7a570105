"""The machine-readable zone (MRZ) of the identity and travel documents, per ICAO Doc 9303.

A Convention travel document is accepted at borders as a machine-readable travel document
(Annex 9 to the Chicago Convention, Standard 3.12; UNHCR's 2017 guide for machine-readable
Convention travel documents): the travel document carries a TD3 zone (two lines of 44
characters, Doc 9303 part 4) and the identity document a TD1 zone (three lines of 30,
part 5). Everything here follows Doc 9303 part 3 (characters, check digits, names, dates).

- Issuing State ``PER``; nationality ``XXA``, Doc 9303's code for "stateless person as
  defined in Article 1 of the 1954 Convention".
- Document code: ``P<`` for the travel document and ``I<`` for the identity document (the
  second character is the issuing State's choice; a filler says "no sub-type").
- **Document number.** A serial is 12 symbols (``7KQ3-M9XR-T2HD``) and the field holds 9:
  the first 9 symbols are the document number, with its own check digit, and the last 3
  open the optional data field (TD3 line 2, TD1 line 1). Reading a zone back, the serial is
  the document number followed by the first 3 characters of that optional data field.
  Every serial is drawn so that its first 9 symbols are unique too
  (``services._new_serial``), so a border system that keys on the document number alone
  finds one document. Crockford's alphabet (digits, letters without I, L, O, U) is a subset
  of the MRZ's characters, so nothing needs mapping.
- **Names** (part 3, section 6): the family names (primary identifier), ``<<``, the given
  names (secondary identifier); spaces and hyphens become ``<``; apostrophes and other
  punctuation are dropped; letters are written without accents by Doc 9303's
  transliteration table (``Ñ`` → ``N``, ``Ü`` → ``UE``, ``ß`` → ``SS``, ``Æ`` → ``AE``...).
  A name too long for its field keeps the whole family name and cuts the given names; a
  family name longer than the field is cut at the field's end.

Pure Python: no Flask, no database.
"""

import unicodedata
from dataclasses import dataclass
from datetime import date

ISSUING_STATE = "PER"
STATELESS = "XXA"  # Doc 9303 part 3: stateless person (1954 Convention, Article 1)
FILLER = "<"
TRAVEL_DOCUMENT_CODE = "P<"
IDENTITY_DOCUMENT_CODE = "I<"
SERIAL_SYMBOLS = 12
DOCUMENT_NUMBER_LENGTH = 9
_ALLOWED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<")

# Doc 9303 part 3, section 6, "Transliteration of multinational Latin-based characters": the
# letters that become two (the others lose their accents: Á → A, Ç → C, Ñ → N).
_TWO_LETTERS = {
    "Ä": "AE",
    "Å": "AA",
    "Æ": "AE",
    "Ĳ": "IJ",
    "Ö": "OE",
    "Ø": "OE",
    "Œ": "OE",
    "Ü": "UE",
    "ß": "SS",
    "ẞ": "SS",
    "Þ": "TH",
    "Ð": "D",
    "Đ": "D",
    "Ł": "L",
    "Ħ": "H",
    "Ŧ": "T",
    "Ŋ": "N",
    "ı": "I",
}
_SEPARATORS = set(" -\u2010\u2011\u2012\u2013\u2014\t")  # spaces and hyphens become a filler


def check_digit(text: str) -> str:
    """Doc 9303 part 3, 4.9: weights 7, 3, 1 repeating; digits count as themselves, A-Z as 10-35,
    ``<`` as 0."""
    total = 0
    for index, char in enumerate(text):
        if char.isdigit():
            value = int(char)
        elif "A" <= char <= "Z":
            value = ord(char) - ord("A") + 10
        elif char == FILLER:
            value = 0
        else:
            raise ValueError(f"{char!r} cannot appear in a machine-readable zone")
        total += value * (7, 3, 1)[index % 3]
    return str(total % 10)


def transliterate(name: str) -> str:
    """A name in the MRZ's letters: upper case A-Z, fillers for spaces and hyphens, punctuation
    dropped."""
    out: list[str] = []
    for char in unicodedata.normalize("NFC", name.strip()).upper():
        if char in _TWO_LETTERS:
            out.append(_TWO_LETTERS[char])
        elif char in _SEPARATORS:
            if out and out[-1] != FILLER:
                out.append(FILLER)
        else:
            base = "".join(
                c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
            )
            out.append("".join(c for c in base if c in _ALLOWED and c != FILLER))
    return "".join(out).strip(FILLER)


def name_field(family_names: str, given_names: str, width: int) -> str:
    """``FAMILY<<GIVEN<NAMES`` filled to ``width``, cut as Doc 9303 part 3 says when too long:
    the given names first, then the family name."""
    primary, secondary = transliterate(family_names), transliterate(given_names)
    full = f"{primary}<<{secondary}" if secondary else primary
    if len(full) > width:
        full = full[:width]
        # a cut that ends on fillers would read as a shorter, complete name: drop them
        full = full.rstrip(FILLER)
    return full.ljust(width, FILLER)


def mrz_date(value: date | None) -> str:
    """YYMMDD; an unknown date is six fillers."""
    return value.strftime("%y%m%d") if value else FILLER * 6


def mrz_sex(sex: str | None) -> str:
    return sex if sex in ("F", "M") else FILLER  # X (unspecified) and unknown: a filler


def split_serial(serial: str) -> tuple[str, str]:
    """The 9-symbol document number and the 3 symbols that open the optional data."""
    compact = serial.replace("-", "")
    if len(compact) != SERIAL_SYMBOLS:
        raise ValueError("a document serial has 12 symbols")
    return compact[:DOCUMENT_NUMBER_LENGTH], compact[DOCUMENT_NUMBER_LENGTH:]


def serial_from_zone(document_number: str, optional_data: str) -> str:
    """The serial a zone's document number and optional data name (compact, without hyphens)."""
    return (document_number + optional_data[: SERIAL_SYMBOLS - DOCUMENT_NUMBER_LENGTH]).replace(
        FILLER, ""
    )


@dataclass(frozen=True)
class Holder:
    serial: str
    family_names: str
    given_names: str
    date_of_birth: date | None
    sex: str | None
    valid_until: date | None  # a document without an end date: the zone's expiry is fillers


def td3(holder: Holder) -> tuple[str, str]:
    """The travel document's two lines of 44 characters (Doc 9303 part 4)."""
    number, rest = split_serial(holder.serial)
    line1 = (
        TRAVEL_DOCUMENT_CODE
        + ISSUING_STATE
        + name_field(holder.family_names, holder.given_names, 39)
    )
    optional = rest.ljust(14, FILLER)
    birth, expiry = mrz_date(holder.date_of_birth), mrz_date(holder.valid_until)
    body = (
        number
        + check_digit(number)
        + STATELESS
        + birth
        + check_digit(birth)
        + mrz_sex(holder.sex)
        + expiry
        + check_digit(expiry)
        + optional
        + check_digit(optional)
    )
    composite = body[0:10] + body[13:20] + body[21:43]
    line2 = body + check_digit(composite)
    return line1, line2


def td1(holder: Holder) -> tuple[str, str, str]:
    """The identity document's three lines of 30 characters (Doc 9303 part 5)."""
    number, rest = split_serial(holder.serial)
    line1 = (
        IDENTITY_DOCUMENT_CODE
        + ISSUING_STATE
        + number
        + check_digit(number)
        + rest.ljust(15, FILLER)
    )
    birth, expiry = mrz_date(holder.date_of_birth), mrz_date(holder.valid_until)
    middle = (
        birth
        + check_digit(birth)
        + mrz_sex(holder.sex)
        + expiry
        + check_digit(expiry)
        + STATELESS
        + FILLER * 11
    )
    composite = line1[5:30] + middle[0:7] + middle[8:15] + middle[18:29]
    line2 = middle + check_digit(composite)
    line3 = name_field(holder.family_names, holder.given_names, 30)
    return line1, line2, line3
