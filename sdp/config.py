"""Settings from environment variables, with safe defaults for a pilot office."""

import os
import secrets
from pathlib import Path

from .domain.policy import PolicySettings


def _secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment, else one generated once into the instance folder."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = Path(instance_path) / "secret_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'sdp.sqlite'}"
    # Platform providers hand out postgres:// URLs; SQLAlchemy wants the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load(instance_path: str, overrides: dict | None = None) -> dict:
    environ = os.environ
    development = environ.get("FLASK_DEBUG") == "1" or environ.get("SDP_ENV", "production") == "development"
    database_url = _database_url(instance_path)
    config = {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(database_url),
        "POLICY": PolicySettings.from_environment(environ),
        "DEVELOPMENT": development,
        "MAX_CONTENT_LENGTH": int(environ.get("SDP_MAX_CONTENT_LENGTH", 10 * 1024 * 1024)),
        "API_MAX_JSON_BYTES": int(environ.get("SDP_API_MAX_JSON_BYTES", 256 * 1024)),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": not development,
        "REMEMBER_COOKIE_SECURE": not development,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "IDLE_TIMEOUT_MINUTES": int(environ.get("SDP_IDLE_TIMEOUT_MINUTES", 30)),
        "BABEL_DEFAULT_LOCALE": "es",
        "BABEL_DEFAULT_TIMEZONE": "America/Lima",
        "LANGUAGES": ["es", "en", "pt"],
        # Rate limits of the API (sdp/ratelimit.py): per partner or staff token, and per address
        # for requests without a valid token. Counters in memory, or in Redis for several servers.
        "RATELIMIT_STORAGE_URI": environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "SDP_RATELIMIT_TOKEN": environ.get("SDP_RATELIMIT_TOKEN", "1200 per minute"),
        "SDP_RATELIMIT_ANONYMOUS": environ.get("SDP_RATELIMIT_ANONYMOUS", "120 per minute"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Retry-After itself goes only on a 429 (sdp.errors); Flask-Limiter would put it on every answer.
        "RATELIMIT_HEADER_RETRY_AFTER": "X-RateLimit-Retry-After",
        "RATELIMIT_KEY_PREFIX": "sdp",  # a Redis shared with other systems keeps our counters apart
        # Redis down: keep limiting, per process, in memory, rather than refuse or stop limiting.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        # The audit keeps a keyed digest of each registry query, never the names (sdp/registry/audit.py).
        "SDP_REGISTRY_QUERY_KEY": environ.get("SDP_REGISTRY_QUERY_KEY", ""),
        # flask-smorest: the OpenAPI description at /api/v1/openapi.json
        "API_TITLE": "Statelessness determination procedure (Peru)",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "WTF_CSRF_TIME_LIMIT": None,
    }
    config.update(overrides or {})
    return config


def engine_options(database_url: str) -> dict:
    if database_url.startswith("sqlite"):
        # One connection per thread kept open (SQLAlchemy's default pool for files):
        # opening a connection per request costs more than the query itself.
        return {"connect_args": {"timeout": 30}}
    return {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 10}
