"""The request's bearer token (``Authorization: Bearer <token>``) and whose it is.

One parser for every reader of the header: the API, its rate limiter, the reviewers' fence and
the staff's document downloads.
"""

from flask import request

from .principal import Principal
from .tokens import principal_for

# The principal of the request's token, looked up once per request and kept in the WSGI environ
# (not ``g``, which an app context shared by several requests would keep).
_PRINCIPAL = "sdp.principal"


def bearer_token() -> str | None:
    """The token the request carries, or None (no header, another scheme, an empty token)."""
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    raw = raw.strip()
    return raw if scheme.lower() == "bearer" and raw else None


def bearer_principal() -> Principal | None:
    """The principal of the request's bearer token, or None (no, unknown, expired or revoked
    token)."""
    if _PRINCIPAL not in request.environ:
        raw = bearer_token()
        request.environ[_PRINCIPAL] = principal_for(raw) if raw else None
    return request.environ[_PRINCIPAL]


def looked_up_principal() -> Principal | None:
    """The principal this request's token was found to be, if it was looked up (no look-up
    here: the access log names who asked, and asks nothing of the database)."""
    return request.environ.get(_PRINCIPAL)
