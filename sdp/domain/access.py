"""Who may read what (least privilege). Reviewers and admins never see personal data."""

from .vocabulary import Role

# Roles whose work needs the case file. Case officers see only the cases assigned to them.
CASE_READERS = frozenset({Role.INTAKE_OFFICER, Role.CASE_OFFICER, Role.DECISION_MAKER,
                          Role.APPEALS_OFFICER, Role.SUPERVISOR})
ALL_CASES_READERS = CASE_READERS - {Role.CASE_OFFICER}
BIRTH_READERS = frozenset({Role.REGISTRAR, Role.SUPERVISOR})
STATISTICS_READERS = frozenset({Role.REVIEWER, Role.SUPERVISOR})


def may_read_case(roles: frozenset[Role], actor_id: int | None, case_officer_id: int | None) -> bool:
    if roles & ALL_CASES_READERS:
        return True
    return Role.CASE_OFFICER in roles and actor_id is not None and actor_id == case_officer_id
