"""Name matching that ignores accents, case and extra spaces.

Registry checks and duplicate detection compare *keys*, not the names as written:
"José  MARÍA" and "jose maria" have the same key. The key is stored beside the name
and indexed, so a look-up is an index search on both SQLite and PostgreSQL.
"""

import unicodedata


def name_key(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    cleaned = "".join(ch if ch.isalnum() else " " for ch in without_marks.casefold())
    return " ".join(cleaned.split())


def name_tokens(name: str) -> set[str]:
    return set(name_key(name).split())


def similar_names(given_a: str, family_a: str, given_b: str, family_b: str) -> bool:
    """Whether two people's names may be the same person's.

    Tolerates a transposed or missing surname (Latin American names carry two, and
    one is often dropped): the given names must share a word, and one person's
    surnames must be contained in the other's.
    """
    if not name_tokens(given_a) & name_tokens(given_b):
        return False
    family_a_tokens, family_b_tokens = name_tokens(family_a), name_tokens(family_b)
    if not family_a_tokens or not family_b_tokens:
        return False
    return family_a_tokens <= family_b_tokens or family_b_tokens <= family_a_tokens
