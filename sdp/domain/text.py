"""What a stored text may hold: one rule for every text the API or a web form stores.

A lone surrogate (an unpaired UTF-16 code unit, such as the JSON escape ``"\\ud800"``) cannot
be encoded in UTF-8, so the database driver fails on it; PostgreSQL cannot store the NUL
character at all. Both used to reach the database and come back as a 500 (issue 15). They are
refused where the input is parsed, naming the field: ``sdp.schemas.StrictSchema`` for the API,
``sdp.web.TextGuardMeta`` for the web forms.
"""

NUL = "nul"
LONE_SURROGATE = "lone_surrogate"


def text_fault(value: str) -> str | None:
    """Why ``value`` cannot be stored (``NUL``, ``LONE_SURROGATE``), or None when it can."""
    if "\x00" in value:
        return NUL
    # Python keeps a lone surrogate from JSON as a code point in U+D800..U+DFFF; a pair that
    # JSON escapes as two units is decoded into one character outside that range.
    if any("\ud800" <= ch <= "\udfff" for ch in value):
        return LONE_SURROGATE
    return None


# The characters the rule allows, as a JSON Schema pattern (the OpenAPI description states it).
# Written with escapes that ECMA-262 regular expressions (JSON Schema's dialect) understand.
ALLOWED_TEXT_PATTERN = r"^[^\u0000\uD800-\uDFFF]*$"
