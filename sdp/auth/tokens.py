"""API bearer tokens: shown once, stored as a SHA-256 digest, looked up by that digest.

Tokens are 256 random bits, so a fast digest is as safe as a slow one here, and the
look-up on every API request stays one indexed query.
"""

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import bindparam, select

from .. import clock
from ..domain.vocabulary import Role
from ..extensions import db
from .models import ApiToken, User, UserRole
from .principal import Principal

TOKEN_PREFIX = "sdp_"


def digest(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


def create_token(*, user: User | None = None, client_name: str | None = None,
                 scopes: list[str] | None = None, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    if (user is None) == (client_name is None):
        raise ValueError("a token acts either as a user or as a partner client")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(token_hash=digest(raw), prefix=raw[:10], user=user, client_name=client_name,
                     scopes=sorted(set(scopes or [])), created_at=clock.now(), expires_at=expires_at)
    db.session.add(token)
    return token, raw


# Every API request runs this: one statement, built once, with the token, its user and the
# user's roles (one row per role; one row with NULLs for a partner token). Loading the same
# through the ORM took two queries and hydrated objects nobody keeps.
_PRINCIPAL_QUERY = (
    select(ApiToken.id, ApiToken.client_name, ApiToken.scopes, ApiToken.expires_at, ApiToken.revoked_at,
           ApiToken.user_id, User.email, User.active, UserRole.role)
    .select_from(ApiToken)
    .outerjoin(User, User.id == ApiToken.user_id)
    .outerjoin(UserRole, UserRole.user_id == User.id)
    .where(ApiToken.token_hash == bindparam("token_hash"))
)


def principal_for(raw_token: str) -> Principal | None:
    """The principal a token acts as, or None when it is unknown, expired or revoked."""
    rows = db.session.execute(_PRINCIPAL_QUERY, {"token_hash": digest(raw_token)}).all()
    if not rows:
        return None
    token = rows[0]
    if token.revoked_at is not None or is_expired(token):
        return None
    if token.user_id is not None:
        if not token.active:
            return None
        roles = frozenset(Role(row.role) for row in rows if row.role is not None)
        return Principal(kind="user", id=token.user_id, label=token.email, roles=roles, token_id=token.id)
    return Principal(kind="client", id=token.id, label=token.client_name or "client",
                     scopes=frozenset(token.scopes or []), token_id=token.id)


def is_expired(token) -> bool:
    """``token``: an ApiToken, or a row with its ``expires_at``."""
    return token.expires_at is not None and token.expires_at <= clock.now()
