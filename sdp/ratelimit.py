"""Rate limits of the API (Flask-Limiter): one budget per token, or per address without one.

The key is the SHA-256 digest of a *valid* bearer token (never the token itself), so a
partner's budget follows its token whatever address it calls from. A request with no token,
or with a token that is unknown, expired or revoked, counts against its address instead:
inventing tokens does not buy a fresh budget. Only the API is limited (``/api/``).

The counters live where ``RATELIMIT_STORAGE_URI`` says: ``memory://`` (one process, the
default) or ``redis://127.0.0.1:6379`` (production: several app servers share the counts).
The limits are settings (``SDP_RATELIMIT_TOKEN``, ``SDP_RATELIMIT_ANONYMOUS``), read at each
request, in Flask-Limiter's notation (``600 per minute``, ``10 per second; 20000 per day``).
"""

from flask import current_app, request

_KEY = "sdp.ratelimit_key"


def rate_limit_key() -> str:
    if _KEY not in request.environ:
        from .api import bearer_principal, bearer_token
        from .auth.tokens import digest

        if bearer_principal() is not None:
            key = "token:" + digest(bearer_token())
        else:
            key = "address:" + (request.remote_addr or "unknown")
        request.environ[_KEY] = key
    return request.environ[_KEY]


def api_limit() -> str:
    """The limit of the current request's key: a token's, or an address's."""
    if rate_limit_key().startswith("token:"):
        return current_app.config["SDP_RATELIMIT_TOKEN"]
    return current_app.config["SDP_RATELIMIT_ANONYMOUS"]


def not_the_api() -> bool:
    return not request.path.startswith("/api/")


def retry_after_seconds() -> int | None:
    """Seconds until the breached limit of this request resets (for ``Retry-After``)."""
    import time

    from .extensions import limiter

    current = limiter.current_limit
    if current is None:
        return None
    return max(1, int(current.reset_at - time.time()))
