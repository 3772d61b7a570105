"""The person check: does someone with these names and date of birth have a case here?

One query whatever the number of matches: the person keys are indexed (date of birth, then
folded names), and a person matches as the applicant or as a dependant of a case.
"""

from datetime import date

from sqlalchemy import Row, bindparam, select

from .. import clock
from ..auth.principal import Principal
from ..cases import standing
from ..cases.models import Application, Determination, Person, Proceeding
from ..domain.names import name_key
from ..extensions import db
from .audit import PERSON_QUERY, person_keys_digest, record_check


def _cases_of_persons_query():
    """Each case in which a matching person is the applicant or a dependant, with that person's
    own standing (domain.md, section 4: protection is the person's, not the case's)."""
    persons = select(Person.id).where(
        Person.date_of_birth == bindparam("date_of_birth"),
        Person.family_key == bindparam("family_key"),
        Person.given_key == bindparam("given_key"),
    )
    return (
        select(Application.case_number, *standing.COLUMNS)
        .join(Determination, Determination.application_id == Application.id)
        .outerjoin(Proceeding, standing.latest_proceeding_join())
        .where(Determination.person_id.in_(persons))
        .order_by(Application.case_number)
    )


# Built once: every person check runs it.
_CASES_OF_PERSONS = _cases_of_persons_query()


def matching_cases_of_keys(
    given_key: str, family_key: str, date_of_birth: date, today: date, connection=None
) -> list[dict]:
    """The cases of everyone with these names and date of birth: applicants and dependants. The
    names come folded by ``name_key`` (a check folds them once, for its look-up and its audit).
    ``connection``: where to run the query instead of the ORM session (the lean path)."""
    rows = (connection or db.session).execute(
        _CASES_OF_PERSONS,
        {"date_of_birth": date_of_birth, "family_key": family_key, "given_key": given_key},
    )
    return [
        {
            "case_number": row.case_number,
            "status": row.state,
            "protected_from_removal": _protected_from_removal(row, today),
        }
        for row in rows
    ]


def _protected_from_removal(row: Row, today: date) -> bool:
    facts = standing.facts_of_row(row)  # never None here: every row is a person's determination
    return facts is not None and standing.protected_from_removal(facts, today)


def check_person(
    principal: Principal, given_names: str, family_names: str, date_of_birth: date
) -> list[dict]:
    """Answer a partner's person check and audit it (client, token, time, query digest, matches)."""
    given_key, family_key = name_key(given_names), name_key(family_names)
    matches = matching_cases_of_keys(given_key, family_key, date_of_birth, clock.today())
    record_check(
        principal,
        "person_check",
        PERSON_QUERY,
        person_keys_digest(given_key, family_key, date_of_birth),
        {"matches": [match["case_number"] for match in matches]},
    )
    return matches
