"""API bearer tokens: shown once, stored as a SHA-256 digest, looked up by that digest.

Tokens are 256 random bits, so a fast digest is as safe as a slow one here.

**The principal cache** (issue 17, point 2). Partner systems send every check with the same
token, so each process keeps token digest → principal and asks the database about a token at
most once a second (``PRINCIPAL_CACHE_SECONDS``): the whole cache is dropped each second. So a
revocation, a deactivation, a change of roles or scopes made anywhere (another worker, another
server, the command line, a plain SQL update) takes effect within one second everywhere, with
no counter to keep in step and no migration; expiry is checked at every request against the
cached ``expires_at``, so it is exact. A change committed by this process through the ORM
(``revoke_token``, ``set_active``, roles) empties the cache at once (``_forget_after_commit``).
Unknown, revoked and expired tokens are never cached: each such request asks the database, as
before. Cost: one query per second per active token per process, instead of one per request.
"""

import hashlib
import secrets
from datetime import datetime

from flask import current_app
from sqlalchemy import bindparam, select

from .. import clock
from ..domain.vocabulary import Role
from ..extensions import db
from ..process_cache import ModelChanges, ProcessCache
from .models import ApiToken, User, UserRole
from .principal import Principal

TOKEN_PREFIX = "sdp_"


def digest(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


def create_token(
    *,
    user: User | None = None,
    client_name: str | None = None,
    scopes: list[str] | None = None,
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    if (user is None) == (client_name is None):
        raise ValueError("a token acts either as a user or as a partner client")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        token_hash=digest(raw),
        prefix=raw[:10],
        user=user,
        client_name=client_name,
        scopes=sorted(set(scopes or [])),
        created_at=clock.now(),
        expires_at=expires_at,
    )
    db.session.add(token)
    return token, raw


# Every API request runs this: one statement, built once, with the token, its user and the
# user's roles (one row per role; one row with NULLs for a partner token). Loading the same
# through the ORM took two queries and hydrated objects nobody keeps.
_PRINCIPAL_QUERY = (
    select(
        ApiToken.id,
        ApiToken.client_name,
        ApiToken.scopes,
        ApiToken.expires_at,
        ApiToken.revoked_at,
        ApiToken.user_id,
        User.email,
        User.active,
        UserRole.role,
    )
    .select_from(ApiToken)
    .outerjoin(User, User.id == ApiToken.user_id)
    .outerjoin(UserRole, UserRole.user_id == User.id)
    .where(ApiToken.token_hash == bindparam("token_hash"))
)


PRINCIPAL_CACHE_SECONDS = 1.0  # the longest a revocation made elsewhere waits to take effect here
PRINCIPAL_CACHE_ENTRIES = (
    10_000  # beyond this many live tokens in one second, the cache starts afresh
)


def principal_for(raw_token: str) -> Principal | None:
    """The principal a token acts as, or None when it is unknown, expired or revoked."""
    cache = current_app.extensions.get("sdp_principal_cache")
    if cache is None:
        cache = current_app.extensions.setdefault(
            "sdp_principal_cache",
            ProcessCache(_principal_changes, PRINCIPAL_CACHE_SECONDS, PRINCIPAL_CACHE_ENTRIES),
        )
    entries = cache.current()
    token_hash = digest(raw_token)
    found = entries.get(token_hash)
    if found is None:
        found = _load_principal(token_hash)
        if found is None:
            return None
        entries[token_hash] = found
    principal, expires_at = found
    if expires_at is not None and expires_at <= clock.now():
        return None
    return principal


def forget_principals() -> None:
    """Empty this app's principal cache: the next request of every token asks the database."""
    current_app.extensions.pop("sdp_principal_cache", None)


def _load_principal(token_hash: str) -> tuple[Principal, datetime | None] | None:
    rows = db.session.execute(_PRINCIPAL_QUERY, {"token_hash": token_hash}).all()
    if not rows:
        return None
    token = rows[0]
    if token.revoked_at is not None or is_expired(token):
        return None
    if token.user_id is not None:
        if not token.active:
            return None
        roles = frozenset(Role(row.role) for row in rows if row.role is not None)
        return Principal(
            kind="user", id=token.user_id, label=token.email, roles=roles, token_id=token.id
        ), token.expires_at
    return Principal(
        kind="client",
        id=token.id,
        label=token.client_name or "client",
        scopes=frozenset(token.scopes or []),
        token_id=token.id,
    ), token.expires_at


# Commits of this process that changed a token, a user or a role: the cache starts afresh.
_principal_changes = ModelChanges(ApiToken, User, UserRole)


def is_expired(token) -> bool:
    """``token``: an ApiToken, or a row with its ``expires_at``."""
    return token.expires_at is not None and token.expires_at <= clock.now()
