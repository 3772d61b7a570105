"""Who may read what (least privilege). Reviewers and admins never see personal data."""

from .vocabulary import N_, Role

# Roles whose work needs the case file. Case officers see only the cases assigned to them.
CASE_READERS = frozenset(
    {
        Role.INTAKE_OFFICER,
        Role.CASE_OFFICER,
        Role.DECISION_MAKER,
        Role.APPEALS_OFFICER,
        Role.SUPERVISOR,
    }
)
ALL_CASES_READERS = CASE_READERS - {Role.CASE_OFFICER}
BIRTH_READERS = frozenset({Role.REGISTRAR, Role.SUPERVISOR})
STATISTICS_READERS = frozenset({Role.REVIEWER, Role.SUPERVISOR})


def may_read_case(
    roles: frozenset[Role], actor_id: int | None, case_officer_id: int | None
) -> bool:
    if roles & ALL_CASES_READERS:
        return True
    return Role.CASE_OFFICER in roles and actor_id is not None and actor_id == case_officer_id


# --- Four eyes on access itself ------------------------------------------------------------
#
# "Admins never see personal data" must hold without trusting any one admin: an admin who could
# give an account (their own, or one whose password they chose) a role that reads personal data
# would read it through that account. So every role that reads cases or births, and the admin role
# itself (which grants roles), is granted by two admins: one proposes, another approves. Only the
# reviewer role (procedure and aggregate figures, never personal data) is granted by one.

ROLES_GRANTED_BY_TWO_ADMINS = CASE_READERS | BIRTH_READERS | frozenset({Role.ADMIN})


def needs_second_admin(role: Role) -> bool:
    return role in ROLES_GRANTED_BY_TWO_ADMINS


# Why an admin may not approve a proposed grant (the messages are translated by the pages).
APPROVER_IS_THE_GRANTEE = N_("You cannot approve a role for yourself.")
APPROVER_PROPOSED_IT = N_("You proposed this role: another administrator must approve it.")
APPROVER_CREATED_THE_ACCOUNT = N_(
    "You created this account: another administrator must approve its roles."
)


def approval_refusal(
    approver_id: int, grantee_id: int, proposer_id: int | None, account_creator_id: int | None
) -> str | None:
    """Why the admin ``approver_id`` may not approve a role proposed for the account ``grantee_id``,
    or None when they may: never for themselves, never what they proposed, never for an account
    they created (whose password they chose)."""
    if approver_id == grantee_id:
        return APPROVER_IS_THE_GRANTEE
    if approver_id == proposer_id:
        return APPROVER_PROPOSED_IT
    if approver_id == account_creator_id:
        return APPROVER_CREATED_THE_ACCOUNT
    return None


CREATOR_MAY_NOT_RESET_SECOND_FACTOR = N_(
    "You created this account and chose its first password: another administrator must clear its "
    "second factor."
)


def second_factor_reset_refusal(admin_id: int, account_creator_id: int | None) -> str | None:
    """Why an admin may not clear an account's second factor: the admin who created it chose its
    first password, and with the second factor cleared that password alone would let them enrol
    their own authenticator and sign in as the account."""
    return CREATOR_MAY_NOT_RESET_SECOND_FACTOR if admin_id == account_creator_id else None


# --- Resetting a staff member's password or second factor ------------------------------------
#
# Least privilege again: resetting a credential must never hand an account to the administrator
# who does it. So an administrator resets neither their own account (the change-password page
# is theirs) nor another administrator's password: an administrator who could take over another
# administrator's account would be both pairs of eyes of every four-eyes approval. An
# administrator's password is reset from the command line by whoever runs the server (who holds
# the database anyway). Clearing another administrator's lost second factor is allowed: without
# the password it opens nothing. And one administrator never holds both credentials of an account:
# the one who cleared its second factor (until a new one is enrolled) does not also reset its
# password, and the one who knows its temporary password does not also clear its second factor.
#
# What this does not close (left for a decision): the administrator who resets the password of an
# account with no second factor (intake officer, case officer, registrar: their roles do not ask
# for one) knows its temporary password until the holder changes it, and could sign in as the
# holder. The audit trail names them (``user.password_reset``) and the holder finds their password
# changed; closing it needs a second administrator to approve such a reset (as a role is), or a
# second factor for every role that reads personal data.

RESET_OWN_ACCOUNT = N_(
    "You cannot reset your own account here: change your password on the page “Change "
    "password”, or ask another administrator."
)
RESET_ANOTHER_ADMINISTRATOR = N_(
    "An administrator's password is not reset by another administrator: whoever runs the server "
    "resets it from the command line (flask users reset-password)."
)
RESET_INACTIVE_ACCOUNT = N_(
    "This account is deactivated: reactivate it before you reset its password or second factor."
)
NO_SECOND_FACTOR_TO_RESET = N_(
    "This account has no second factor set up: there is nothing to reset. If its roles need one, "
    "its holder sets it up at their next sign-in."
)
PASSWORD_AFTER_OWN_SECOND_FACTOR_RESET = N_(
    "You cleared this account's second factor and it has not been set up again: another "
    "administrator must reset its password."
)
SECOND_FACTOR_AFTER_OWN_PASSWORD_RESET = N_(
    "You gave this account its temporary password: another administrator must clear its second "
    "factor."
)


def credential_reset_refusal(
    what: str,
    *,
    admin_id: int,
    account_id: int,
    account_is_admin: bool,
    account_active: bool,
    account_has_second_factor: bool,
    creator_id: int | None,
    password_reset_by: int | None,
    second_factor_reset_by: int | None,
) -> str | None:
    """Why the administrator ``admin_id`` may not reset the ``what`` ("password" or
    "second_factor") of the account ``account_id``, or None when they may.

    ``password_reset_by``: the administrator who gave the account the temporary password it still
    has; ``second_factor_reset_by``: the one who cleared its second factor, not enrolled since."""
    if admin_id == account_id:
        return RESET_OWN_ACCOUNT
    if not account_active:
        return RESET_INACTIVE_ACCOUNT
    if what == "password":
        if account_is_admin:
            return RESET_ANOTHER_ADMINISTRATOR
        if second_factor_reset_by == admin_id:
            return PASSWORD_AFTER_OWN_SECOND_FACTOR_RESET
        return None
    if not account_has_second_factor:
        return NO_SECOND_FACTOR_TO_RESET
    if password_reset_by == admin_id:
        return SECOND_FACTOR_AFTER_OWN_PASSWORD_RESET
    return second_factor_reset_refusal(admin_id, creator_id)
