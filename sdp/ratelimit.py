"""Rate limits of the API: one budget per token, or per address without one.

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

**The API's limiter costs microseconds** (``ApiRateLimit``, issue 17, point 4). Every API request
passes it, so it is not Flask-Limiter (≈ 0.4 ms of a registry check's ≈ 3 ms in process, for
a fixed window): a fixed window per key, counted in this process (a dict under a lock) or, when
``RATELIMIT_STORAGE_URI`` names Redis, in **one pipelined Redis round trip** per request
(``INCR``, ``EXPIRE NX``, ``PTTL`` for each limit), under the keys Flask-Limiter used
(``LIMITS:LIMITER/sdp/<key>/api/<amount>/<multiples>/<unit>``), so counts carry over. If Redis
does not answer, this process counts in memory and tries Redis again after
``REDIS_RETRY_SECONDS``. The answer is as before: ``X-RateLimit-Limit``, ``-Remaining``,
``-Reset`` and ``-Retry-After`` on every API answer, and over the budget a 429 in the contract's
format with ``Retry-After`` (``sdp.errors``). Flask-Limiter stays for the limits of pages
(sign-in, public verification, the form stash), and no longer looks at ``/api/``.
"""

import os
import threading
import time
from functools import lru_cache

from flask import Flask, current_app, request
from flask_limiter import Limiter
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, storage_from_string
from werkzeug.exceptions import TooManyRequests

from . import request_hooks
from .auth.bearer import bearer_principal, bearer_token
from .auth.tokens import digest

_KEY = "sdp.ratelimit_key"


def rate_limit_key() -> str:
    if _KEY not in request.environ:
        token = bearer_token()
        if token is not None and bearer_principal() is not None:
            key = "token:" + digest(token)
        else:
            key = "address:" + (request.remote_addr or "unknown")
        request.environ[_KEY] = key
    return request.environ[_KEY]


# The pages' limits (sign-in, public verification, the form stash). The API has its own, cheaper
# limiter, one budget per token or address (ApiRateLimit below). Storage and header settings come
# from the app's config (RATELIMIT_*).
limiter = Limiter(key_func=rate_limit_key)


def api_limit() -> str:
    """The limit of the current request's key: a token's, or an address's."""
    if rate_limit_key().startswith("token:"):
        return current_app.config["SDP_RATELIMIT_TOKEN"]
    return current_app.config["SDP_RATELIMIT_ANONYMOUS"]


def not_the_api() -> bool:
    return not request.path.startswith("/api/")


def retry_after_seconds() -> int | None:
    """Seconds until the breached limit of this request resets (for ``Retry-After``)."""
    window = request.environ.get(_WINDOW)
    if window is not None:
        return max(1, int(window.reset_at - time.time()))
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
        super().__init__(
            uri, wrap_exceptions=wrap_exceptions, **options
        )  # its one start-up timer ends in 10 ms
        self._swept_at = time.monotonic()

    # Called by MemoryStorage before each count (name-mangled ``__schedule_expiry`` there).
    def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802 - the base class's private name
        now = time.monotonic()
        if now - self._swept_at >= self.SWEEP_SECONDS:
            self._swept_at = now
            # The base class's private method, which mypy knows only by its unmangled name.
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]


def storage_uri(configured: str) -> str:
    """The storage for ``RATELIMIT_STORAGE_URI``: in memory without timer threads; others as
    given."""
    return "sdp-" + configured if configured.startswith("memory://") else configured


# --- the API's limiter ---------------------------------------------------------------------

_WINDOW = "sdp.ratelimit_window"
REDIS_RETRY_SECONDS = 5.0


@lru_cache(maxsize=64)
def _limits_of(text: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(text))


class Window:
    """Where one request stands against one limit (what the headers say)."""

    __slots__ = ("item", "count", "reset_at")

    def __init__(self, item: RateLimitItem, count: int, reset_at: int):
        self.item, self.count, self.reset_at = item, count, reset_at

    @property
    def remaining(self) -> int:
        return max(0, self.item.amount - self.count)

    @property
    def breached(self) -> bool:
        return self.count > self.item.amount


class ApiRateLimit:
    """A fixed window per key and limit: in this process, or in Redis with one round trip."""

    def __init__(self):
        self._counts: dict[str, list] = {}  # storage key → [window end (epoch s), count]
        self._lock = threading.Lock()
        self._swept_at = time.time()
        self._redis = None  # (uri, pid, client)
        self._redis_down_until = 0.0
        self._other = None  # (uri, pid, a limits storage) for any other storage URI

    def count(
        self, key: str, items: tuple[RateLimitItem, ...], prefix: str, storage: str
    ) -> list[Window]:
        keys = [
            f"LIMITER/{prefix}/{key}/api/{item.amount}/{item.multiples}/{item.GRANULARITY.name}"
            for item in items
        ]
        if storage.startswith(("memory://", "sdp-memory://")):
            return self._count_in_memory(keys, items)
        if time.time() >= self._redis_down_until:
            try:
                if storage.startswith(("redis://", "rediss://")):
                    return self._count_in_redis(storage, keys, items)
                # Any other storage of the limits library (Redis Sentinel or Cluster, memcached):
                # its own fixed window, a round trip per call, as Flask-Limiter counted it.
                return self._count_with_limits(storage, keys, items)
            except Exception:  # noqa: BLE001 - any storage failure: keep limiting, in memory
                self._redis_down_until = time.time() + REDIS_RETRY_SECONDS
        return self._count_in_memory(keys, items)

    def _count_with_limits(self, uri: str, keys: list[str], items) -> list[Window]:
        if self._other is None or self._other[:2] != (uri, os.getpid()):
            self._other = (uri, os.getpid(), storage_from_string(uri))
        storage = self._other[2]
        windows = []
        for key, item in zip(keys, items, strict=True):
            count = storage.incr(key, item.get_expiry())
            windows.append(Window(item, count, int(storage.get_expiry(key) + 1)))
        return windows

    def _count_in_memory(self, keys: list[str], items) -> list[Window]:
        now = time.time()
        windows = []
        with self._lock:
            if (
                now - self._swept_at >= 60
            ):  # forget the windows that ended (keys that stopped calling)
                self._counts = {k: v for k, v in self._counts.items() if v[0] > now}
                self._swept_at = now
            for key, item in zip(keys, items, strict=True):
                entry = self._counts.get(key)
                if entry is None or entry[0] <= now:
                    entry = self._counts[key] = [now + item.get_expiry(), 0]
                entry[1] += 1
                windows.append(Window(item, entry[1], int(entry[0] + 1)))
        return windows

    def _count_in_redis(self, uri: str, keys: list[str], items) -> list[Window]:
        client = self._client(uri)
        pipeline = client.pipeline(transaction=False)
        for key, item in zip(keys, items, strict=True):
            stored = "LIMITS:" + key
            pipeline.incr(stored)
            pipeline.expire(stored, item.get_expiry(), nx=True)
            pipeline.pttl(stored)
        replies = pipeline.execute()
        now = time.time()
        return [
            Window(item, replies[3 * n], int(now + max(replies[3 * n + 2], 0) / 1000 + 1))
            for n, item in enumerate(items)
        ]

    def _client(self, uri: str):
        # One client per process: a client made before gunicorn forks is not shared with the
        # workers.
        if self._redis is None or self._redis[:2] != (uri, os.getpid()):
            # Imported here: only a Redis storage needs the client.
            import redis

            self._redis = (
                uri,
                os.getpid(),
                redis.Redis.from_url(uri, socket_timeout=0.5, socket_connect_timeout=0.5),
            )
        return self._redis[2]


def count_this_request() -> Window:
    """Count the current API request against its key's limits, once: the window that the
    headers speak of (the limit exceeded, or else the one nearest to it), kept in the WSGI
    environ. A request already counted (by the registry's lean path, which then hands it to the
    Flask app) is not counted again."""
    window = request.environ.get(_WINDOW)
    if window is not None:
        return window
    config = current_app.config
    windows = current_app.extensions["sdp_api_rate_limit"].count(
        rate_limit_key(),
        _limits_of(api_limit()),
        config["RATELIMIT_KEY_PREFIX"],
        config["RATELIMIT_STORAGE_URI"],
    )
    breached = [window for window in windows if window.breached]
    window = breached[0] if breached else min(windows, key=lambda w: w.remaining)
    request.environ[_WINDOW] = window
    return window


def rate_limit_headers(headers, window: Window) -> None:
    """Add the ``X-RateLimit-*`` headers of ``window`` (to werkzeug's Headers, or to a list)."""
    values = (
        ("X-RateLimit-Limit", str(window.item.amount)),
        ("X-RateLimit-Remaining", str(window.remaining)),
        ("X-RateLimit-Reset", str(window.reset_at)),
        ("X-RateLimit-Retry-After", str(max(0, int(window.reset_at - time.time())))),
    )
    if isinstance(headers, list):
        headers.extend(values)
    else:
        for name, value in values:
            headers[name] = value


def init_app(app: Flask) -> None:
    """Limit every API request; Flask-Limiter (``sdp.ratelimit.limiter``) keeps the pages'
    limits."""
    app.extensions["sdp_api_rate_limit"] = ApiRateLimit()
    limiter.request_filter(not_the_pages)

    @request_hooks.before(app, "api_rate_limit")
    def _limit_the_api():
        if not_the_api():
            return None
        window = count_this_request()
        if window.breached:
            raise TooManyRequests(str(window.item))
        return None

    @request_hooks.after(app, "api_rate_limit_headers")
    def _rate_limit_headers(response):
        window = request.environ.get(_WINDOW)
        if window is not None:
            rate_limit_headers(response.headers, window)
        return response


def not_the_pages() -> bool:
    """Flask-Limiter's filter: the API is limited by ``ApiRateLimit``, not by it."""
    return request.path.startswith("/api/")
