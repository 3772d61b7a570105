"""The person check: does someone with these names and date of birth have a case here?

One query whatever the number of matches: the person keys are indexed (date of birth, then
folded names), and a person matches as the applicant or as a dependant of a case.
"""

from datetime import date

from sqlalchemy import bindparam, select, union

from .. import clock
from ..auth.principal import Principal
from ..cases.models import Appeal, Application, Decision, Dependant, Person
from ..domain.names import name_key
from ..domain.procedure import CaseFacts
from ..domain.vocabulary import DecisionOutcome, State
from ..extensions import db
from .audit import PERSON_QUERY, person_query_digest, record_check


def _removal_facts(state: str, outcome: str | None, appeal_due: date | None, notified_on: date | None,
                   appeal_id: int | None) -> CaseFacts:
    """The facts ``CaseFacts.protected_from_removal`` rests on, read without loading the case file."""
    return CaseFacts(state=State(state), decision_outcome=DecisionOutcome(outcome) if outcome else None,
                     appeal_due=appeal_due, notified_on=notified_on, appeal_lodged=appeal_id is not None)


def _cases_of_persons_query():
    persons = select(Person.id).where(Person.date_of_birth == bindparam("date_of_birth"),
                                      Person.family_key == bindparam("family_key"),
                                      Person.given_key == bindparam("given_key"))
    case_ids = union(select(Application.id.label("id")).where(Application.applicant_id.in_(persons)),
                     select(Dependant.application_id.label("id")).where(Dependant.person_id.in_(persons))).subquery()
    return (select(Application.case_number, Application.state, Decision.outcome, Decision.appeal_due,
                   Decision.notified_on, Appeal.id)
            .join(case_ids, case_ids.c.id == Application.id)
            .outerjoin(Decision, Decision.application_id == Application.id)
            .outerjoin(Appeal, Appeal.application_id == Application.id)
            .order_by(Application.case_number))


# Built once: every person check runs it.
_CASES_OF_PERSONS = _cases_of_persons_query()


def matching_cases(given_names: str, family_names: str, date_of_birth: date, today: date) -> list[dict]:
    """The cases of everyone with these names (as keys) and date of birth: applicants and dependants."""
    rows = db.session.execute(_CASES_OF_PERSONS, {"date_of_birth": date_of_birth, "family_key": name_key(family_names),
                                                  "given_key": name_key(given_names)})
    return [{"case_number": case_number, "status": state,
             "protected_from_removal": _removal_facts(state, outcome, appeal_due, notified_on,
                                                      appeal_id).protected_from_removal(today)}
            for case_number, state, outcome, appeal_due, notified_on, appeal_id in rows]


def check_person(principal: Principal, given_names: str, family_names: str, date_of_birth: date) -> list[dict]:
    """Answer a partner's person check and audit it (client, token, time, query digest, matches)."""
    matches = matching_cases(given_names, family_names, date_of_birth, clock.today())
    record_check(principal, "person_check", PERSON_QUERY,
                 person_query_digest(given_names, family_names, date_of_birth),
                 {"matches": [match["case_number"] for match in matches]})
    db.session.commit()
    return matches
