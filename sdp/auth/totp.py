"""The TOTP second factor (RFC 6238, 30-second steps, 6 digits; pyotp).

Required for the roles that decide or oversee (``SECOND_FACTOR_ROLES``). The secret is made on
the server, shown once at enrolment as an ``otpauth://`` URI and a QR code drawn on the server
(segno, an inline SVG ``data:`` image: no external service, no script), and stored encrypted
(``users.totp_secret``). A code is accepted for its own step or one step either side (clock
drift), and only for a step later than the last one accepted: the same code cannot be used twice.
"""

import base64
import time

import pyotp
import segno

from ..domain.vocabulary import Role

SECOND_FACTOR_ROLES = frozenset(
    {Role.DECISION_MAKER, Role.APPEALS_OFFICER, Role.SUPERVISOR, Role.ADMIN}
)
ISSUER = "SDP Perú"
STEP_SECONDS = 30
DRIFT_STEPS = 1


def required_for(roles) -> bool:
    return bool(SECOND_FACTOR_ROLES & set(roles))


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits from ``secrets``


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The QR code of ``uri`` as an SVG ``data:`` URI (allowed by the CSP's ``img-src data:``)."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, border=2, dark="#0b0c0c", light="#ffffff")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def current_step(at: float | None = None) -> int:
    return int((time.time() if at is None else at) // STEP_SECONDS)


def matching_step(
    secret: str, code: str, last_step: int | None, at: float | None = None
) -> int | None:
    """The time step ``code`` belongs to if it is valid now and not used before, else None."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp, now = pyotp.TOTP(secret), current_step(at)
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if last_step is not None and step <= last_step:
            continue
        if pyotp.utils.strings_equal(totp.at(step * STEP_SECONDS), code):
            return step
    return None
