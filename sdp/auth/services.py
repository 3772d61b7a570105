"""Creating users and tokens: audited like every other change."""

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, cast

from flask_babel import gettext
from sqlalchemy import CursorResult, String, and_, func, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from .. import clock
from ..audit import services as audit
from ..audit.models import AuditEvent
from ..domain.access import credential_reset_refusal
from ..domain.conflicts import AccountEditConflict, check_version
from ..domain.vocabulary import N_, Role
from ..extensions import db
from . import totp
from .grants import add_proposals
from .models import ApiToken, RoleGrant, User, UserRole
from .passwords import hash_password, password_problem, verify_password
from .principal import Principal
from .tokens import create_token, is_expired


class AccountError(ValueError):
    pass


def create_user(actor: Principal, email: str, name: str, roles: list[str], password: str) -> User:
    email = email.strip().lower()
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    unknown = [role for role in roles if role not in Role.__members__.values()]
    if unknown or not roles:
        raise AccountError(
            f"Unknown roles: {', '.join(unknown)}."
            if unknown
            else "A user needs at least one role."
        )
    if db.session.execute(select(User.id).where(User.email == email)).first():
        raise AccountError(f"A user with the email {email} already exists.")
    by_an_admin = actor.kind == "user"
    user = User(
        email=email,
        name=name.strip(),
        password_hash=hash_password(password),
        created_at=clock.now(),
        session_epoch=0,
        failed_sign_ins=0,
        active=True,
        created_by_id=actor.id if by_an_admin else None,
    )
    db.session.add(user)
    if not by_an_admin:
        # The command line, at set-up, by whoever runs the server (who holds the database anyway).
        user.role_rows = [UserRole(role=Role(role).value) for role in sorted(set(roles))]
    db.session.flush()
    audit.record(
        actor, "user.create", "user", user.id, changes={"email": email, "roles": sorted(set(roles))}
    )
    if by_an_admin:
        # An admin on the web: roles that read personal data wait for a second admin
        # (sdp/auth/grants.py).

        add_proposals(actor, user, [Role(role) for role in roles])
    db.session.flush()
    return user


def issue_token(
    actor: Principal,
    *,
    user_email: str | None = None,
    client_name: str | None = None,
    scopes: list[str] | None = None,
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    user = None
    if user_email is not None:
        user = db.session.execute(
            select(User).where(User.email == user_email.strip().lower())
        ).scalar_one_or_none()
        if user is None:
            raise AccountError(f"There is no user {user_email}.")
    token, raw = create_token(
        user=user, client_name=client_name, scopes=scopes, expires_at=expires_at
    )
    db.session.flush()
    audit.record(
        actor,
        "token.create",
        "api_token",
        token.id,
        changes={
            "user": user.email if user else None,
            "client": client_name,
            "scopes": token.scopes,
            "expires_at": expires_at,
        },
    )
    db.session.flush()
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
    candidates = list(
        db.session.execute(select(ApiToken).where(ApiToken.prefix == wanted[:10])).scalars()
    )
    if not candidates:
        raise AccountError(f"There is no token with the prefix {wanted[:10]}.")
    if len(candidates) > 1:
        ids = ", ".join(str(token.id) for token in candidates)
        raise AccountError(
            f"Several tokens have the prefix {wanted[:10]} (ids {ids}); give the id."
        )
    return candidates[0]


def revoke_token(actor: Principal, prefix_or_id: str) -> ApiToken:
    """Revoke a token at once: its next request is refused with 401."""
    token = find_token(prefix_or_id)
    if token.revoked_at is not None:
        raise AccountError(
            f"Token {token.prefix} ({token.id}) was already revoked on {token.revoked_at:%Y-%m-%d}."
        )
    token.revoked_at = clock.now()
    db.session.flush()
    audit.record(
        actor,
        "token.revoke",
        "api_token",
        token.id,
        changes={
            "prefix": token.prefix,
            "client": token.client_name,
            "user": token.user.email if token.user else None,
        },
    )
    db.session.flush()
    return token


def token_status(token: ApiToken) -> str:
    if token.revoked_at is not None:
        return "revoked"
    return "expired" if is_expired(token) else "active"


# --- Passwords, lock-out, second factor, sessions ----------------------------------------------

LOCK_AFTER_FAILURES = 5
LOCK_MINUTES = 5  # the first lock; each further failure doubles it ...
LOCK_MAX_MINUTES = 24 * 60  # ... up to a day


def set_password(actor: Principal, user: User, password: str) -> None:
    """Any change of a password goes through here (the policy applies), and ends every session."""
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_password(password)
    user.session_epoch = (user.session_epoch or 0) + 1
    # A temporary password given by an administrator (reset_password) is gone with it.
    user.must_change_password, user.password_expires_at = False, None
    user.password_reset_by_id = None
    user.touch()
    audit.record(actor, "user.password_change", "user", user.id, changes={"sessions_ended": True})
    db.session.flush()


WRONG_CURRENT_PASSWORD = N_("The current password is not right.")
SAME_PASSWORD = N_("The new password must be different from the current one.")
LOCKED_ACCOUNT = N_("Too many wrong passwords: your account is locked for a while.")


class PasswordChangeRefused(AccountError):
    """Why a user's change of their own password was refused: ``errors`` maps a field
    (``current_password``, ``new_password``) to its message; ``locked``: the account is locked."""

    def __init__(self, errors: dict[str, str], locked: bool = False):
        super().__init__(" ".join(errors.values()))
        self.errors, self.locked = errors, locked


def change_own_password(
    user: User, current: str, new: str, translate: Callable[[str], str] = str
) -> None:
    """A signed-in user changes their own password (ASVS V2.1.5, V2.1.6).

    The current password must verify, as at sign-in: a wrong one is a failed sign-in (it counts
    towards the lock-out), and while the account is locked it is not tried at all. The new one
    must pass the policy and differ from the current one. Then ``set_password``: audited with the
    user as actor, every session of the user ends. Messages in English or through ``translate``."""
    if is_locked(user):
        record_locked_attempt(user)
        raise PasswordChangeRefused({"current_password": translate(LOCKED_ACCOUNT)}, locked=True)
    errors = {}
    problem = password_problem(new, translate)
    if problem:
        errors["new_password"] = problem
    if not verify_password(user.password_hash, current):
        record_failed_sign_in(user, "password_change")
        if is_locked(user):
            raise PasswordChangeRefused(
                {"current_password": translate(LOCKED_ACCOUNT)}, locked=True
            )
        errors["current_password"] = translate(WRONG_CURRENT_PASSWORD)
    elif new == current:
        errors["new_password"] = translate(SAME_PASSWORD)
    if errors:
        raise PasswordChangeRefused(errors)
    set_password(user.principal, user, new)


def is_locked(user: User) -> bool:
    return user.locked_until is not None and user.locked_until > clock.now()


def lock_minutes(failures: int) -> int:
    """How long an account is locked after ``failures`` failures in a row (0: not locked)."""
    if failures < LOCK_AFTER_FAILURES:
        return 0
    return min(LOCK_MINUTES * 2 ** (failures - LOCK_AFTER_FAILURES), LOCK_MAX_MINUTES)


def record_failed_sign_in(user: User, step: str) -> None:
    """A wrong password or second-factor code for a known user: count it, lock when too many.
    ``step`` is "password", "second_factor" or "password_change" (the current password typed to
    change it); what was typed is never recorded.

    The count goes up in the database (``failed_sign_ins + 1``), never from the value this request
    loaded: guesses sent in parallel each loaded the account before any of them failed, and
    writing back "what I read + 1" would count them as one and let them outrun the lock-out. The
    UPDATE also holds the account's row (PostgreSQL) or the write lock (SQLite) until the commit,
    so the lock set below follows from the count that includes this failure."""
    failures = db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(failed_sign_ins=func.coalesce(User.failed_sign_ins, 0) + 1)
        .returning(User.failed_sign_ins)
    ).scalar_one()
    minutes = lock_minutes(failures)
    changes = {"step": step, "failed_sign_ins": failures}
    if minutes:
        user.locked_until = clock.now() + timedelta(minutes=minutes)
        changes["locked_until"] = user.locked_until
    audit.record(user.principal, "user.sign_in_failed", "user", user.id, changes=changes)
    db.session.flush()


def record_locked_attempt(user: User) -> None:
    audit.record(
        user.principal,
        "user.sign_in_refused_locked",
        "user",
        user.id,
        changes={"locked_until": user.locked_until},
    )
    db.session.flush()


def record_sign_in(user: User, second_factor: bool) -> None:
    """A complete sign-in: the count of failures starts again."""
    user.failed_sign_ins = 0
    user.locked_until = None
    audit.record(
        user.principal, "user.sign_in", "user", user.id, changes={"second_factor": second_factor}
    )
    db.session.flush()


def use_totp_code(user: User, code: str) -> bool:
    """Whether ``code`` is the user's current second-factor code, not used before; marks it used.

    Marked in the database only if no request has used this step or a later one meanwhile: two
    requests with one code (a relayed code raced against its owner) both loaded the account
    before either used it, and only one of them may get in."""

    if not user.totp_secret:
        return False
    step = totp.matching_step(user.totp_secret, code, user.totp_last_step)
    if step is None:
        return False
    result = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    # An UPDATE's result is a CursorResult (rowcount), which Session.execute's type does not say.
    used = cast(CursorResult[Any], result).rowcount
    if used != 1:
        return False
    set_committed_value(user, "totp_last_step", step)
    return True


def enrol_totp(user: User, secret: str, code: str) -> bool:
    """Keeps ``secret`` as the user's second factor once they prove their app has it (``code``)."""

    step = totp.matching_step(secret, code, None)
    if step is None:
        return False
    user.totp_secret, user.totp_last_step = secret, step
    user.totp_reset_by_id = None
    user.touch()
    audit.record(
        user.principal, "user.totp_enrol", "user", user.id, changes={"second_factor": "totp"}
    )
    db.session.flush()
    return True


def assign_totp_secret(actor: Principal, user: User, secret: str) -> None:
    """Sets a known secret (the demo data's documented one); real users enrol through the pages."""
    user.totp_secret, user.totp_last_step = secret, None
    audit.record(actor, "user.totp_assign", "user", user.id, changes={"second_factor": "totp"})
    db.session.flush()


class ResetRefused(AccountError):
    """An administrator may not reset this credential of this account (the message says why, in
    the user's language): the page shows it, the state is unchanged (HTTP 409)."""


def _reset_refusal(actor: Principal, user: User, what: str) -> str | None:
    if actor.kind != "user" or actor.id is None:  # a user principal always has an id
        # The command line, run by whoever runs the server (who holds the database anyway):
        # the way an administrator's own password is reset.
        return None
    return credential_reset_refusal(
        what,
        admin_id=actor.id,
        account_id=user.id,
        account_is_admin=Role.ADMIN in user.roles,
        account_active=user.active,
        account_has_second_factor=bool(user.totp_secret),
        creator_id=user.created_by_id,
        password_reset_by=user.password_reset_by_id if user.must_change_password else None,
        second_factor_reset_by=user.totp_reset_by_id if not user.totp_secret else None,
    )


def reset_refusal(actor: Principal, user: User, what: str) -> str | None:
    """Why ``actor`` may not reset the ``what`` ("password", "second_factor") of ``user``, in the
    user's language, or None: the pages ask before offering the reset."""
    refusal = _reset_refusal(actor, user, what)
    return gettext(refusal) if refusal else None


def reset_totp(actor: Principal, user: User) -> None:
    """An admin clears a lost second factor: the user enrols again at their next sign-in, and every
    session of the user ends. Refused by ``sdp/domain/access.py`` (``credential_reset_refusal``):
    one's own account, an inactive one, the admin who created the account or gave it its
    temporary password."""

    refusal = reset_refusal(actor, user, "second_factor")
    if refusal:
        raise ResetRefused(refusal)
    user.totp_secret, user.totp_last_step = None, None
    user.totp_reset_by_id = actor.id if actor.kind == "user" else None
    user.session_epoch = (user.session_epoch or 0) + 1
    user.touch()
    audit.record(actor, "user.totp_reset", "user", user.id, changes={"sessions_ended": True})
    db.session.flush()


TEMPORARY_PASSWORD_HOURS = 72  # time to reach the person and for them to sign in (a weekend)
# No 0/O, 1/l: read aloud or copied from a screen without a mistake. 16 characters of 32:
# 80 bits, more than most passwords the policy accepts from a person.
TEMPORARY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"


def new_temporary_password() -> str:
    groups = ("".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(4)) for _ in range(4))
    return "-".join(groups)


def reset_password(actor: Principal, user: User) -> str:
    """An administrator (or the command line) resets a staff member's password: the system makes a
    temporary password, returned to be shown once and never stored in clear nor audited. It works
    for ``TEMPORARY_PASSWORD_HOURS``, and only to choose a new password at the next sign-in (the
    change-password page, ``set_password``). Every session of the user ends (their session
    epoch, which every session's id carries; no remember-me cookie is issued), and a lock-out
    ends: the person is about to sign in. Refused (``ResetRefused``) by ``sdp/domain/access.py``:
    one's own account, another administrator's, an inactive one, or an account whose second
    factor this admin cleared."""
    refusal = reset_refusal(actor, user, "password")
    if refusal:
        raise ResetRefused(refusal)
    temporary = new_temporary_password()
    user.password_hash = hash_password(temporary)
    user.must_change_password = True
    user.password_expires_at = clock.now() + timedelta(hours=TEMPORARY_PASSWORD_HOURS)
    user.password_reset_by_id = actor.id if actor.kind == "user" else None
    user.session_epoch = (user.session_epoch or 0) + 1
    user.failed_sign_ins, user.locked_until = 0, None
    user.touch()
    audit.record(
        actor,
        "user.password_reset",
        "user",
        user.id,
        changes={
            "sessions_ended": True,
            "must_change_password": True,
            "expires_at": user.password_expires_at,
        },
    )
    db.session.flush()
    return temporary


def temporary_password_expired(user: User) -> bool:
    return (
        user.must_change_password
        and user.password_expires_at is not None
        and user.password_expires_at <= clock.now()
    )


# --- No lost update on the administrators' user pages ------------------------------------------
#
# The mechanism of the case pages (``sdp/cases/locking.py``, ``sdp/domain/conflicts.py``): the
# page carries the account's version and the last audited change of the account it showed
# (``seen``); a save over a later version is refused with ``AccountEditConflict`` (409) and the
# page shows the changes made since.

_SIGN_IN_BOOKKEEPING = ("user.sign_in", "user.sign_in_failed", "user.sign_in_refused_locked")


def _account_changes(user: User):
    grants_of_user = select(RoleGrant.id.cast(String)).where(RoleGrant.user_id == user.id)
    return or_(
        and_(
            AuditEvent.entity == "user",
            AuditEvent.entity_id == str(user.id),
            AuditEvent.action.not_in(_SIGN_IN_BOOKKEEPING),
        ),
        and_(AuditEvent.entity == "role_grant", AuditEvent.entity_id.in_(grants_of_user)),
    )


def account_last_change_id(user: User) -> int:
    return audit.last_change_id(_account_changes(user))


def account_changes_since(user: User, seen: int | str | None) -> list[AuditEvent]:
    return audit.changes_since(_account_changes(user), seen)


def expect_account_version(user: User, version: int | str | None) -> None:
    """Raise ``AccountEditConflict`` unless ``version`` (None or "": not given) is the account's
    current version."""
    if version is None or version == "":
        return
    digits = str(version)
    if not digits.isdigit() or len(digits) > 9:
        raise AccountEditConflict(user.version, 0)
    check_version(user.version, int(digits), AccountEditConflict)


def end_sessions(actor: Principal, user: User) -> None:
    """Ends every web session of ``user`` (their session epoch changes)."""
    user.session_epoch = (user.session_epoch or 0) + 1
    user.touch()
    audit.record(
        actor, "user.sessions_end", "user", user.id, changes={"session_epoch": user.session_epoch}
    )
    db.session.flush()


def set_active(actor: Principal, user: User, active: bool) -> None:
    """Deactivates (every session and API token stops working) or reactivates a user."""
    if actor.kind == "user" and actor.id == user.id and not active:
        raise AccountError(gettext("You cannot deactivate your own account."))
    user.active = active
    user.touch()
    changes = {"active": active}
    if not active:
        user.session_epoch = (user.session_epoch or 0) + 1
        changes["sessions_ended"] = True
    else:
        user.failed_sign_ins, user.locked_until = 0, None
    audit.record(
        actor, "user.activate" if active else "user.deactivate", "user", user.id, changes=changes
    )
    db.session.flush()
