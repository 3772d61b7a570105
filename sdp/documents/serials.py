"""Document serial numbers: random (so they cannot be guessed or enumerated), short enough
to read aloud or type, with a check symbol that catches a mistyped or swapped character.

A serial is 11 random symbols of Crockford's base32 (55 bits) and Crockford's check
symbol (the value modulo 37), grouped by four: ``7KQ3-M9XR-T2HD``. Values 32 to 36 of
the check would need the symbols ``*~$=U``; serials whose check falls there are drawn
again, so a serial uses only letters and digits and still checks by Crockford's rule.
Pure Python: no Flask, no database (uniqueness is the caller's, with a unique index).
"""

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
CHECK_SYMBOLS = ALPHABET + "*~$=U"
RANDOM_SYMBOLS = 11
GROUP = 4
# Crockford's decoding is forgiving: I and L read as 1, O as 0.
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})


def _value(symbols: str) -> int:
    value = 0
    for symbol in symbols:
        value = value * 32 + ALPHABET.index(symbol)
    return value


def check_symbol(symbols: str) -> str:
    return CHECK_SYMBOLS[_value(symbols) % 37]


def new_serial() -> str:
    """A fresh random serial (55 bits of entropy), formatted in groups of four."""
    while True:
        symbols = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_SYMBOLS))
        check = check_symbol(symbols)
        if check in ALPHABET:
            return _format(symbols + check)


def _format(compact: str) -> str:
    return "-".join(compact[i : i + GROUP] for i in range(0, len(compact), GROUP))


def normalize(text: str) -> str | None:
    """The canonical form of a typed serial (case, spaces, hyphens and I/L/O forgiven),
    or None when it cannot be a serial (wrong length, unknown symbol, wrong check)."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    compact = "".join(text.split()).replace("-", "").upper().translate(_READ_AS)
    if len(compact) != RANDOM_SYMBOLS + 1:
        return None
    symbols, check = compact[:-1], compact[-1]
    if any(symbol not in ALPHABET for symbol in symbols) or check != check_symbol(symbols):
        return None
    return _format(compact)


def is_valid(text: str) -> bool:
    return normalize(text) is not None
