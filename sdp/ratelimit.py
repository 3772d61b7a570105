"""Rate limits of the API (Flask-Limiter): one budget per token, or per address without one.

The key is the SHA-256 digest of a *valid* bearer token (never the token itself), so a
partner's budget follows its token whatever address it calls from. A request with no token,
or with a token that is unknown, expired or revoked, counts against its address instead:
inventing tokens does not buy a fresh budget. Only the API is limited (``/api/``).

The counters live where ``RATELIMIT_STORAGE_URI`` says: ``memory://`` (one process, the
default) or ``redis://127.0.0.1:6379`` (production: several app servers share the counts).
In memory, the counters are kept by ``ThreadlessMemoryStorage`` (``sdp-memory://``, which the
settings put in place of ``memory://``): the same counts as the ``limits`` library's memory
storage, without its timer threads (issue 17, point 4).
The limits are settings (``SDP_RATELIMIT_TOKEN``, ``SDP_RATELIMIT_ANONYMOUS``), read at each
request, in Flask-Limiter's notation (``600 per minute``, ``10 per second; 20000 per day``).
"""

import time

from flask import current_app, request
from limits.storage import MemoryStorage

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


class ThreadlessMemoryStorage(MemoryStorage):
    """``limits``' memory storage without a thread per burst of requests.

    The original starts a ``threading.Timer`` 10 ms after each counted request, to drop expired
    counters: under a steady load that is a new thread about every 10 ms per worker, ≈ 1 ms of
    wall time per request (issue 17's profile). A fixed window needs no timer: ``get`` (run by
    every ``incr``) already drops an expired counter before counting. The timer's other work,
    forgetting the counters of keys that stopped calling, is done here inline, at most once
    every ``SWEEP_SECONDS``, by the request that finds it due.
    """

    STORAGE_SCHEME = ["sdp-memory"]
    SWEEP_SECONDS = 10.0

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)  # its one start-up timer ends in 10 ms
        self._swept_at = time.monotonic()

    # Called by MemoryStorage before each count (name-mangled ``__schedule_expiry`` there).
    def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802 - the base class's private name
        now = time.monotonic()
        if now - self._swept_at >= self.SWEEP_SECONDS:
            self._swept_at = now
            self._MemoryStorage__expire_events()


def storage_uri(configured: str) -> str:
    """The storage for ``RATELIMIT_STORAGE_URI``: in memory without timer threads; others as given."""
    return "sdp-" + configured if configured.startswith("memory://") else configured
