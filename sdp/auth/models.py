from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..crypto import EncryptedText
from ..domain.vocabulary import Role
from ..extensions import Base
from ..timestamps import LimaDateTime


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(LimaDateTime())
    # Bumped to end every session of the user (sign-out everywhere, revocation by an admin).
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(LimaDateTime())
    # The TOTP second factor's base32 secret, encrypted at rest; the last time step a code was
    # accepted for (a code is good once: a replay within its 30 seconds is refused).
    totp_secret: Mapped[str | None] = mapped_column(EncryptedText("users.totp_secret"))
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    preferred_locale: Mapped[str | None] = mapped_column(String(8))
    # The admin who created the account (None: the command line, at set-up): they chose its first
    # password, so they may not approve its roles (sdp/domain/access.py, approval_refusal).
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # A password reset by an administrator (sdp/auth/services.py, reset_password): the temporary
    # password works until ``password_expires_at`` and only to choose a new one; the admin who
    # gave it, and the one who cleared the second factor (until a new one is enrolled), may not
    # reset the other credential too (sdp/domain/access.py, credential_reset_refusal).
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    password_expires_at: Mapped[datetime | None] = mapped_column(LimaDateTime())
    password_reset_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    totp_reset_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # No lost update on the administrators' user pages (as a case's: sdp/cases/locking.py). Bumped
    # by hand (``touch``) by the changes an administrator may disagree with (status, roles,
    # sessions, password, second factor), not by a sign-in's bookkeeping; every ORM UPDATE of the
    # row still says ``WHERE version = <read>``, so two saves at the same moment cannot both pass.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    role_rows: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    def touch(self) -> None:
        """A change an administrator's open page had not seen: the account's next version."""
        self.version = (self.version or 1) + 1

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(Role(row.role) for row in self.role_rows)

    # Flask-Login
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"

    @property
    def principal(self):
        # Imported here, not at the top: a cycle (sdp.auth.principal → sdp → sdp.ratelimit →
        # sdp.auth.tokens → sdp.auth.models).
        from .principal import Principal

        return Principal(kind="user", id=self.id, label=self.email, roles=self.roles)


class UserRole(Base):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32), index=True)
    user: Mapped[User] = relationship(back_populates="role_rows")


class RoleGrant(Base):
    """A role proposed for an account by one admin, which takes effect (a ``UserRole``) only when
    another admin approves it (``sdp/auth/grants.py``; the rule: ``sdp/domain/access.py``). Kept
    after the decision, so the page and the database show who proposed and who decided."""

    __tablename__ = "role_grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), index=True)  # pending | approved | refused
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(LimaDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(LimaDateTime())

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id], lazy="joined")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id], lazy="joined")


class ApiToken(Base):
    """A bearer token. Only its SHA-256 is stored: the token itself is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))  # shown in listings to tell tokens apart
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    client_name: Mapped[str | None] = mapped_column(String(120))
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(LimaDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(LimaDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(LimaDateTime())

    user: Mapped[User | None] = relationship(lazy="joined")


class FormStash(Base):
    __tablename__ = "form_stashes"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(String(500))
    fields: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(LimaDateTime(), index=True)
