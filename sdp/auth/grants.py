"""Four eyes on access itself: roles that read personal data are granted by two admins.

The rule (which roles, who may approve) is plain Python in ``sdp/domain/access.py``
(``ROLES_GRANTED_BY_TWO_ADMINS``, ``approval_refusal``); this module applies it. Every change is
one function, audited in the same transaction:

- ``propose_role``: an admin proposes a role for an account (a pending ``RoleGrant``); a role
  that reads no personal data (reviewer) is granted at once. Creating an account on the admin
  page proposes its roles the same way (``services.create_user``): the account starts without them.
- ``approve_grant``: another admin (not the proposer, not the account's creator, not its holder)
  approves; the role takes effect. The account's sessions end (its next sign-in asks the second
  factor the role may need), and an account's first role that reads personal data starts with a
  second factor its holder enrols: one set up before the approval (by whoever chose the first
  password) stops working.
- ``refuse_grant``: any admin refuses (or the proposer withdraws) a pending proposal: refusing
  grants nothing, so it needs no second pair of eyes.

The command line (``flask users create``), used for the first set-up by whoever runs the server,
grants at once and is audited (``user.create`` by ``system``).
"""

from flask_babel import gettext
from sqlalchemy import select

from .. import clock
from ..audit import services as audit
from ..domain import vocabulary
from ..domain.access import ROLES_GRANTED_BY_TWO_ADMINS, approval_refusal, needs_second_admin
from ..domain.vocabulary import N_, Role
from ..extensions import db
from .models import RoleGrant, User, UserRole
from .principal import Principal

PENDING, APPROVED, REFUSED = "pending", "approved", "refused"

NOT_AN_ADMIN = N_("Only an administrator may propose, approve or refuse a role.")
ALREADY_HELD = N_("%(email)s already has the role %(role)s.")
ALREADY_PROPOSED = N_("The role %(role)s is already proposed for %(email)s and awaits approval.")
NOT_PENDING = N_("This proposal has already been decided.")


class GrantRefused(ValueError):
    """An admin may not do this with a grant; the message says why (in the user's language)."""


def _require_admin(actor: Principal) -> None:
    if actor.kind != "user" or Role.ADMIN not in actor.roles:
        raise GrantRefused(gettext(NOT_AN_ADMIN))


def _role_label(role: Role) -> str:

    return gettext(vocabulary.label(role))


def pending_grants() -> list[RoleGrant]:
    return list(
        db.session.execute(
            select(RoleGrant)
            .where(RoleGrant.status == PENDING)
            .order_by(RoleGrant.proposed_at, RoleGrant.id)
        ).scalars()
    )


def pending_roles(user: User) -> list[Role]:
    return [
        Role(grant.role)
        for grant in db.session.execute(
            select(RoleGrant).where(RoleGrant.user_id == user.id, RoleGrant.status == PENDING)
        ).scalars()
    ]


def refusal_for(actor: Principal, grant: RoleGrant) -> str | None:
    """Why ``actor`` may not approve ``grant`` (translated), or None."""
    if actor.kind != "user" or actor.id is None or Role.ADMIN not in actor.roles:
        return gettext(NOT_AN_ADMIN)
    if grant.status != PENDING:
        return gettext(NOT_PENDING)
    reason = approval_refusal(
        actor.id, grant.user_id, grant.proposed_by_id, grant.user.created_by_id
    )
    return gettext(reason) if reason else None


def _grant(user: User, role: Role) -> None:
    user.role_rows.append(UserRole(role=role.value))
    user.touch()  # an admin page open on the account had not seen this role


def add_proposals(actor: Principal, user: User, roles: list[Role]) -> list[RoleGrant]:
    """Within the caller's transaction: each role for ``user``, at once or as a pending proposal.
    Returns the pending proposals. The caller commits."""
    proposals = []
    for role in sorted(set(roles)):
        if not needs_second_admin(role):
            _grant(user, role)
            audit.record(actor, "user.role_grant", "user", user.id, changes={"role": role.value})
            continue
        grant = RoleGrant(
            user_id=user.id,
            role=role.value,
            status=PENDING,
            proposed_by_id=actor.id,
            proposed_at=clock.now(),
        )
        db.session.add(grant)
        db.session.flush()
        audit.record(
            actor,
            "role_grant.propose",
            "role_grant",
            grant.id,
            changes={"user": user.email, "role": role.value},
        )
        proposals.append(grant)
    return proposals


def propose_role(actor: Principal, user: User, role: Role) -> RoleGrant | None:
    """An admin proposes ``role`` for ``user``: pending until another admin approves it (None: a
    role that needs no second admin, granted at once)."""
    _require_admin(actor)
    params = {"email": user.email, "role": _role_label(role)}
    if role in user.roles:
        raise GrantRefused(gettext(ALREADY_HELD, **params))
    if role in pending_roles(user):
        raise GrantRefused(gettext(ALREADY_PROPOSED, **params))
    proposals = add_proposals(actor, user, [role])
    db.session.flush()
    return proposals[0] if proposals else None


def approve_grant(actor: Principal, grant: RoleGrant) -> None:
    """Another admin approves: the role takes effect, and the account signs in again for it."""
    refusal = refusal_for(actor, grant)
    if refusal:
        raise GrantRefused(refusal)
    user = grant.user
    first_access_to_personal_data = not (user.roles & ROLES_GRANTED_BY_TWO_ADMINS)
    grant.status, grant.decided_by_id, grant.decided_at = APPROVED, actor.id, clock.now()
    _grant(user, Role(grant.role))
    user.session_epoch = (user.session_epoch or 0) + 1
    changes = {
        "user": user.email,
        "role": grant.role,
        "proposed_by": grant.proposed_by_id,
        "sessions_ended": True,
    }
    if first_access_to_personal_data and user.totp_secret:
        user.totp_secret, user.totp_last_step = None, None
        changes["second_factor_cleared"] = True
    audit.record(actor, "role_grant.approve", "role_grant", grant.id, changes=changes)
    db.session.flush()


def refuse_grant(actor: Principal, grant: RoleGrant) -> None:
    """Any admin refuses a pending proposal (the proposer withdraws their own the same way)."""
    _require_admin(actor)
    if grant.status != PENDING:
        raise GrantRefused(gettext(NOT_PENDING))
    grant.status, grant.decided_by_id, grant.decided_at = REFUSED, actor.id, clock.now()
    audit.record(
        actor,
        "role_grant.refuse",
        "role_grant",
        grant.id,
        changes={"user": grant.user.email, "role": grant.role},
    )
    db.session.flush()
