"""Password hashing with Argon2id, and the password policy: at least ``MIN_LENGTH`` characters
and not on the list of common passwords (``data/README.md``).

The hashing cost is a setting (``PASSWORD_HASH_PROFILE``): ``production``, argon2-cffi's
recommended RFC 9106 low-memory profile (time 3, 64 MiB, about 0.5 s a hash on purpose), unless
a test suite asks for ``cheapest``, which no test pays for a hash it does not test (Warehouse's
pattern). A hash records its own parameters, so either profile verifies the other's hashes.
"""

import gzip
from collections.abc import Callable
from functools import cache
from pathlib import Path

from argon2 import Parameters, PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

from ..domain.vocabulary import N_

HASH_PROFILES: dict[str, Parameters] = {
    "production": profiles.RFC_9106_LOW_MEMORY,
    "cheapest": profiles.CHEAPEST,  # tests only: nothing to protect, nothing to wait for
}
MIN_LENGTH = 12
MAX_LENGTH = 256  # Argon2 takes any length; a bound keeps a hashing request cheap
COMMON_PASSWORDS_FILE = Path(__file__).parent / "data" / "common-passwords.txt.gz"


@cache
def _hasher(profile: str) -> PasswordHasher:
    return PasswordHasher.from_parameters(HASH_PROFILES[profile])


def _profile() -> str:
    return current_app.config["PASSWORD_HASH_PROFILE"] if has_app_context() else "production"


def _configured_hasher() -> PasswordHasher:
    return _hasher(_profile())


def hash_password(password: str) -> str:
    return _configured_hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _configured_hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash(profile: str) -> str:
    return _hasher(profile).hash("not a real password, only for timing")


def verify_nothing(password: str) -> None:
    """The same work as checking a password against a real hash of the configured profile,
    so that an unknown email or a locked account takes as long as a wrong password."""
    try:
        _hasher(_profile()).verify(_dummy_hash(_profile()), password)
    except (VerificationError, InvalidHashError):
        pass


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def is_common(password: str) -> bool:
    return password.strip().lower() in common_passwords()


TOO_SHORT = N_("The password must have at least %(count)s characters.")
TOO_LONG = N_("The password must have at most %(count)s characters.")
TOO_COMMON = N_(
    "This password is on a list of common passwords that attackers try first. Choose another."
)


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
