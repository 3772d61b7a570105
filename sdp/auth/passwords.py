"""Password hashing with Argon2id (argon2-cffi's recommended parameters), and the password policy:
at least ``MIN_LENGTH`` characters and not on the list of common passwords (``data/README.md``)."""

import gzip
from collections.abc import Callable
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..domain.vocabulary import N_

_hasher = PasswordHasher()
MIN_LENGTH = 12
MAX_LENGTH = 256  # Argon2 takes any length; a bound keeps a hashing request cheap
COMMON_PASSWORDS_FILE = Path(__file__).parent / "data" / "common-passwords.txt.gz"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def is_common(password: str) -> bool:
    return password.strip().lower() in common_passwords()


TOO_SHORT = N_("The password must have at least %(count)s characters.")
TOO_LONG = N_("The password must have at most %(count)s characters.")
TOO_COMMON = N_("This password is on a list of common passwords that attackers try first. Choose another.")


def password_problem(password: str, translate: Callable[[str], str] = str) -> str | None:
    """Why a password is not acceptable, or None: in English (the command line, the services),
    or through ``translate`` (``flask_babel.gettext`` on a page)."""
    if len(password) < MIN_LENGTH:
        return translate(TOO_SHORT) % {"count": MIN_LENGTH}
    if len(password) > MAX_LENGTH:
        return translate(TOO_LONG) % {"count": MAX_LENGTH}
    if is_common(password):
        return translate(TOO_COMMON)
    return None
