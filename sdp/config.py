"""Settings from environment variables, with safe defaults for a pilot office."""

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .auth.passwords import HASH_PROFILES
from .domain.policy import PolicySettings
from .private_files import create_once
from .ratelimit import storage_uri


def _secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment, else one generated once into the instance folder."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    return create_once(Path(instance_path) / "secret_key", lambda: secrets.token_hex(32)).strip()


def _database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'sdp.sqlite'}"
    # Platform providers hand out postgres:// URLs; SQLAlchemy wants the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def public_url(text: str | None) -> str | None:
    """SDP_PUBLIC_URL, the address printed on documents for verification: ``https://host`` (with
    a port or a path if need be), nothing else. None when unset; ValueError when malformed."""
    if not text:
        return None
    parts = urlsplit(text.strip())
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.query
        or parts.fragment
        or parts.username
        or parts.password
    ):
        raise ValueError(
            f"SDP_PUBLIC_URL must be an address such as https://apatridia.gob.pe, not {text!r}"
        )
    return text.strip().rstrip("/")


def load(instance_path: str, overrides: dict | None = None) -> dict:
    environ = os.environ
    development = (
        environ.get("FLASK_DEBUG") == "1" or environ.get("SDP_ENV", "production") == "development"
    )
    database_url = _database_url(instance_path)
    config: dict[str, Any] = {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(database_url, environ),
        "POLICY": PolicySettings.from_environment(environ),
        "DEVELOPMENT": development,
        "MAX_CONTENT_LENGTH": int(environ.get("SDP_MAX_CONTENT_LENGTH", 10 * 1024 * 1024)),
        # Longest request target (path and query) the app answers; gunicorn's limit_request_line
        # is set above it (docs/deployment.md) so that the app, not gunicorn, answers with a 414.
        "MAX_URL_LENGTH": int(environ.get("SDP_MAX_URL_LENGTH", 4096)),
        "API_MAX_JSON_BYTES": int(environ.get("SDP_API_MAX_JSON_BYTES", 256 * 1024)),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": not development,
        "REMEMBER_COOKIE_SECURE": not development,
        "REMEMBER_COOKIE_HTTPONLY": True,
        # Argon2 cost (sdp/auth/passwords.py): "production"; a test suite may ask for "cheapest".
        "PASSWORD_HASH_PROFILE": environ.get("SDP_PASSWORD_HASH_PROFILE", "production"),
        # Reverse proxies we run in front of the app (nginx: 1): only then are X-Forwarded-For and
        # X-Request-Id believed (sdp/security/proxies.py).
        "TRUSTED_PROXIES": int(environ.get("SDP_TRUSTED_PROXIES", 0)),
        "IDLE_TIMEOUT_MINUTES": int(environ.get("SDP_IDLE_TIMEOUT_MINUTES", 30)),
        # However busy, a staff session ends this long after signing in (ASVS V3.3.1).
        "SESSION_MAX_HOURS": float(environ.get("SDP_SESSION_MAX_HOURS", 12)),
        "BABEL_DEFAULT_LOCALE": "es",
        "BABEL_DEFAULT_TIMEZONE": "America/Lima",
        "LANGUAGES": ["es", "en", "pt"],
        # Rate limits of the API (sdp/ratelimit.py): per partner or staff token, and per address
        # for requests without a valid token. Counters in memory, or in Redis for several servers.
        "RATELIMIT_STORAGE_URI": storage_uri(environ.get("RATELIMIT_STORAGE_URI", "memory://")),
        "SDP_RATELIMIT_TOKEN": environ.get("SDP_RATELIMIT_TOKEN", "1200 per minute"),
        "SDP_RATELIMIT_ANONYMOUS": environ.get("SDP_RATELIMIT_ANONYMOUS", "120 per minute"),
        # Sign-in (sdp/auth/views/): each attempt costs ~0.45 s of Argon2, so attempts are limited
        # per client address (many emails from one place) and per account (one email from many).
        "SDP_RATELIMIT_SIGN_IN_ADDRESS": environ.get(
            "SDP_RATELIMIT_SIGN_IN_ADDRESS", "30 per minute; 300 per hour"
        ),
        "SDP_RATELIMIT_SIGN_IN_ACCOUNT": environ.get(
            "SDP_RATELIMIT_SIGN_IN_ACCOUNT", "10 per minute; 60 per hour"
        ),
        # Forms kept across an expired session, per user (sdp/auth/stash.py).
        "SDP_RATELIMIT_FORM_STASH": environ.get("SDP_RATELIMIT_FORM_STASH", "10 per hour"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Retry-After itself goes only on a 429 (sdp.errors); Flask-Limiter would put it on every
        # answer.
        "RATELIMIT_HEADER_RETRY_AFTER": "X-RateLimit-Retry-After",
        "RATELIMIT_KEY_PREFIX": "sdp",  # a Redis shared with other systems keeps our counters apart
        # Redis down: keep limiting, per process, in memory, rather than refuse or stop limiting.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        # The audit keeps a keyed digest of each registry query, never the names
        # (sdp/registry/audit.py).
        "SDP_REGISTRY_QUERY_KEY": environ.get("SDP_REGISTRY_QUERY_KEY", ""),
        # flask-smorest: the OpenAPI description at /api/v1/openapi.json
        "API_TITLE": "Statelessness determination procedure (Peru)",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "WTF_CSRF_TIME_LIMIT": None,
        # Security and reliability (docs/security.md)
        "DATA_KEYS": environ.get("SDP_DATA_KEYS"),  # "kid:base64,..."; else the file below
        "DATA_KEYS_FILE": str(Path(instance_path) / "data_keys"),
        "UPLOAD_FOLDER": environ.get("SDP_UPLOAD_FOLDER") or str(Path(instance_path) / "uploads"),
        "UPLOAD_MAX_BYTES": int(environ.get("SDP_UPLOAD_MAX_BYTES", 8 * 1024 * 1024)),
        # Printed on every document (its QR code opens it): configuration, never the request's
        # Host header. Production issues no document without it; `make run` sets a local one.
        "PUBLIC_BASE_URL": environ.get("SDP_PUBLIC_URL")
        or ("http://127.0.0.1:5000" if development else None),
        # Named on the travel document as its issuing authority (1954 Convention, Schedule,
        # specimen).
        "DOCUMENT_ISSUING_AUTHORITY": environ.get(
            "SDP_ISSUING_AUTHORITY", "Ministerio de Relaciones Exteriores del Perú"
        ),
        "DOCUMENT_ISSUING_PLACE": environ.get("SDP_ISSUING_PLACE", "Lima"),
        "ACCESS_LOG": environ.get("SDP_ACCESS_LOG", "1") != "0",
        # The partner checks on their lean path (sdp/registry/lean.py); 0: through the whole app.
        "SDP_LEAN_REGISTRY": environ.get("SDP_LEAN_REGISTRY", "1") != "0",
        "LOG_FORMAT": environ.get("SDP_LOG_FORMAT", "json"),  # json | text
        "HSTS_SECONDS": int(environ.get("SDP_HSTS_SECONDS", 365 * 24 * 3600)),
        # Parallel lanes of the audit hash chain on PostgreSQL (sdp/audit/chain.py): at least the
        # number of requests that write at once across every app server (workers x threads).
        "SDP_AUDIT_LANES": max(1, int(environ.get("SDP_AUDIT_LANES", 32))),
        # The audit journal of partner checks (sdp/audit/journal.py, docs/deployment.md): its
        # folder (default <instance>/audit-journal), when its lines are fsynced (auto: where the
        # database promises power-loss durability), and who chains it into the trail ("process":
        # a process the app servers start and restart, sdp/audit/chainer_process.py; "thread": a
        # thread in each app process; "off": `flask audit chain --follow` runs beside).
        "SDP_AUDIT_JOURNAL": environ.get("SDP_AUDIT_JOURNAL", ""),
        "SDP_AUDIT_JOURNAL_FSYNC": environ.get("SDP_AUDIT_JOURNAL_FSYNC", "auto"),
        # How long the thread that fsyncs waits for other threads' lines to join (group commit).
        "SDP_AUDIT_JOURNAL_GROUP_WINDOW": float(
            environ.get("SDP_AUDIT_JOURNAL_GROUP_WINDOW_MS", 0.5)
        )
        / 1000,
        "SDP_AUDIT_CHAINER": environ.get("SDP_AUDIT_CHAINER", "process"),
        "SDP_AUDIT_CHAIN_INTERVAL": float(environ.get("SDP_AUDIT_CHAIN_INTERVAL", 1.0)),
        "SDP_AUDIT_CHAIN_BATCH": int(environ.get("SDP_AUDIT_CHAIN_BATCH", 500)),
    }
    config.update(overrides or {})
    config["PUBLIC_BASE_URL"] = public_url(config["PUBLIC_BASE_URL"])
    if config["PASSWORD_HASH_PROFILE"] not in HASH_PROFILES:
        raise ValueError(
            f"PASSWORD_HASH_PROFILE must be one of {sorted(HASH_PROFILES)}, "
            f"not {config['PASSWORD_HASH_PROFILE']!r}"
        )
    return config


def engine_options(database_url: str, environ=os.environ) -> dict:
    """Connection pools: connections are opened once and reused (opening one per request costs
    more than the query itself; see bench/RESULTS.md).

    PostgreSQL: each process (gunicorn worker) keeps at most ``SDP_DB_POOL_SIZE`` +
    ``SDP_DB_MAX_OVERFLOW`` connections; size them to the worker's threads, and keep
    app servers x workers x that sum under the server's ``max_connections`` (100 by default).
    The pre-ping costs a round trip per request; ``SDP_DB_POOL_PRE_PING=0`` saves it where
    failing the requests in flight once after a database restart or failover is acceptable.
    """
    if database_url.startswith("sqlite"):
        # Imported here, not at the top: a cycle (sdp.sqlite → sdp → sdp.config).
        from .sqlite import QueuedWriterConnection

        # SQLAlchemy's QueuePool keeps file connections open (one per thread in use); writers
        # queue on a file lock rather than sleep in SQLite's busy handler (sdp/sqlite.py).
        return {"connect_args": {"timeout": 30, "factory": QueuedWriterConnection}}
    return {
        "pool_pre_ping": environ.get("SDP_DB_POOL_PRE_PING", "1") not in ("0", "false", "no"),
        "pool_size": int(environ.get("SDP_DB_POOL_SIZE", 5)),
        "max_overflow": int(environ.get("SDP_DB_MAX_OVERFLOW", 5)),
        # Closed and reopened after 30 minutes: no connection outlives a proxy's or firewall's idle
        # timeout.
        "pool_recycle": int(environ.get("SDP_DB_POOL_RECYCLE", 1800)),
    }
