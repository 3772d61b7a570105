"""Check digits (ISO/IEC 7064, MOD 11-10): a mistyped number is caught before any look-up.

MOD 11-10 is a hybrid system with one decimal check digit (no "X" as in MOD 11-2). It
detects every single-digit error, the commonest mistake when a number is copied from paper,
and about 98% of transpositions of adjacent digits (measured over the registration numbers
in ``tests/births/test_registration_numbers.py``); no single decimal check digit of these
standards catches them all.
"""


def _mod_11_10_remainder(digits: str) -> int:
    product = 10
    for character in digits:
        if not character.isdigit() or not character.isascii():
            raise ValueError(f"not a decimal digit: {character!r}")
        total = (product + int(character)) % 10 or 10
        product = (total * 2) % 11
    return product


def mod_11_10_check_digit(digits: str) -> str:
    """The check digit to append to ``digits``."""
    return str((11 - _mod_11_10_remainder(digits)) % 10)


def mod_11_10_is_valid(digits_with_check: str) -> bool:
    """Whether the last digit is the right check digit for the others."""
    if len(digits_with_check) < 2 or not (
        digits_with_check.isascii() and digits_with_check.isdigit()
    ):
        return False
    return mod_11_10_check_digit(digits_with_check[:-1]) == digits_with_check[-1]
