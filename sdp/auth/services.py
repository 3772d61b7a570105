"""Creating users and tokens: audited like every other change."""

from datetime import datetime

from sqlalchemy import select

from .. import clock
from ..audit import services as audit
from ..domain.vocabulary import Role
from ..extensions import db
from .models import ApiToken, User, UserRole
from .passwords import hash_password, password_problem
from .principal import Principal
from .tokens import create_token, is_expired, lima_time


class AccountError(ValueError):
    pass


def create_user(actor: Principal, email: str, name: str, roles: list[str], password: str) -> User:
    email = email.strip().lower()
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    unknown = [role for role in roles if role not in Role.__members__.values()]
    if unknown or not roles:
        raise AccountError(f"Unknown roles: {', '.join(unknown)}." if unknown else "A user needs at least one role.")
    if db.session.execute(select(User.id).where(User.email == email)).first():
        raise AccountError(f"A user with the email {email} already exists.")
    user = User(email=email, name=name.strip(), password_hash=hash_password(password), created_at=clock.now(),
                session_epoch=0, failed_sign_ins=0, active=True)
    user.role_rows = [UserRole(role=Role(role).value) for role in sorted(set(roles))]
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.create", "user", user.id, changes={"email": email, "roles": sorted(set(roles))})
    db.session.commit()
    return user


def issue_token(actor: Principal, *, user_email: str | None = None, client_name: str | None = None,
                scopes: list[str] | None = None, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    user = None
    if user_email is not None:
        user = db.session.execute(select(User).where(User.email == user_email.strip().lower())).scalar_one_or_none()
        if user is None:
            raise AccountError(f"There is no user {user_email}.")
    token, raw = create_token(user=user, client_name=client_name, scopes=scopes, expires_at=expires_at)
    db.session.flush()
    audit.record(actor, "token.create", "api_token", token.id,
                 changes={"user": user.email if user else None, "client": client_name, "scopes": token.scopes,
                          "expires_at": expires_at})
    db.session.commit()
    return token, raw


def list_tokens() -> list[ApiToken]:
    """Every token, newest first: the listing shows prefixes, never the tokens (not stored)."""
    return list(db.session.execute(select(ApiToken).order_by(ApiToken.id.desc())).scalars())


def find_token(prefix_or_id: str) -> ApiToken:
    """The token with this id or prefix (``sdp_AbC123``); an error when none or several match."""
    wanted = prefix_or_id.strip()
    if wanted.isdigit():
        token = db.session.get(ApiToken, int(wanted))
        if token is None:
            raise AccountError(f"There is no token {wanted}.")
        return token
    if len(wanted) < 6:
        raise AccountError("Give the token's id or its prefix as listed (e.g. sdp_AbC123).")
    # A whole token pasted by mistake is found too (by its prefix), and is not echoed back.
    candidates = list(db.session.execute(select(ApiToken).where(ApiToken.prefix == wanted[:10])).scalars())
    if not candidates:
        raise AccountError(f"There is no token with the prefix {wanted[:10]}.")
    if len(candidates) > 1:
        ids = ", ".join(str(token.id) for token in candidates)
        raise AccountError(f"Several tokens have the prefix {wanted[:10]} (ids {ids}); give the id.")
    return candidates[0]


def revoke_token(actor: Principal, prefix_or_id: str) -> ApiToken:
    """Revoke a token at once: its next request is refused with 401."""
    token = find_token(prefix_or_id)
    if token.revoked_at is not None:
        raise AccountError(f"Token {token.prefix} ({token.id}) was already revoked on {lima_time(token.revoked_at):%Y-%m-%d}.")
    token.revoked_at = clock.now()
    db.session.flush()
    audit.record(actor, "token.revoke", "api_token", token.id,
                 changes={"prefix": token.prefix, "client": token.client_name,
                          "user": token.user.email if token.user else None})
    db.session.commit()
    return token


def token_status(token: ApiToken) -> str:
    if token.revoked_at is not None:
        return "revoked"
    return "expired" if is_expired(token) else "active"
