"""Finding cases for the lists and home pages, fast at a million cases.

Pagination is by *keyset* (``id < last id shown``), never OFFSET: each page is one index
range scan however deep the user goes. Names are searched through the folded ``*_key``
columns as prefix *ranges* (``key >= 'perez' AND key < 'perez\\uffff'``), which both SQLite
and PostgreSQL answer from a b-tree index whatever the collation, unlike ``LIKE``.
"""

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, select, union_all
from sqlalchemy.orm import aliased

from ..auth.models import User
from ..auth.principal import Principal
from ..domain.access import ALL_CASES_READERS
from ..domain.names import name_key, similar_names
from ..domain.vocabulary import Role
from ..extensions import db
from .models import Application, Dependant, Person

PAGE_SIZE = 25
_CASE_NUMBER = re.compile(r"^(?:SDP-)?(\d{4})-(\d{1,6})$", re.IGNORECASE)
_TOP = "\uffff"


@dataclass
class Page:
    cases: list[Application]
    next_after: int | None  # the keyset of the next page, None on the last one


def _prefix(column, key: str):
    return and_(column >= key, column < key + _TOP)


def persons_named(text: str):
    """A subquery of the ids of persons whose folded names start like ``text``.

    One SELECT per way the words can be read, put together with UNION ALL (an id twice does no
    harm in an IN): each is an index-only range scan, where one SELECT with OR made the database
    combine the indexes and then read every matching person's row from the table."""
    key = name_key(text)
    tokens = key.split()
    conditions = [_prefix(Person.family_key, key), _prefix(Person.given_key, key)]
    for split in range(1, len(tokens)):  # "maria jose perez": given "maria jose", family "perez..."
        given, family = " ".join(tokens[:split]), " ".join(tokens[split:])
        conditions.append(
            and_(_prefix(Person.family_key, family), _prefix(Person.given_key, given))
        )
    return union_all(*(select(Person.id).where(condition) for condition in conditions))


def case_number_of(text: str) -> str | None:
    match = _CASE_NUMBER.match(text.strip())
    if not match:
        return None
    return f"SDP-{match.group(1)}-{int(match.group(2)):06d}"


def visible_to(principal: Principal):
    """Case officers see only their own cases; the other case readers see all."""
    if principal.roles & ALL_CASES_READERS:
        return None
    return Application.case_officer_id == principal.id


COUNT_LIMIT = 1000  # a search counts its matches up to here ("more than 1,000 cases")


def _matching(
    principal: Principal,
    *,
    today: date,
    q: str = "",
    state: str = "",
    officer_id: int | None = None,
    overdue: bool = False,
):
    """The ids of the cases this person may read that match the filters, as a SELECT; None when
    the text can match nothing (neither a case number nor a name)."""
    statement = select(Application.id)
    visibility = visible_to(principal)
    if visibility is not None:
        statement = statement.where(visibility)
    q = (q or "").strip()
    if q:
        number = case_number_of(q)
        if number:
            statement = statement.where(Application.case_number == number)
        elif name_key(q):
            named = persons_named(q)
            statement = statement.where(
                or_(
                    Application.applicant_id.in_(named),
                    Application.id.in_(
                        select(Dependant.application_id).where(Dependant.person_id.in_(named))
                    ),
                )
            )
        else:
            return None
    if state:
        statement = statement.where(Application.state == state)
    if officer_id:
        statement = statement.where(Application.case_officer_id == officer_id)
    if overdue:
        statement = statement.where(Application.overdue_condition(today))
    return statement


def search(
    principal: Principal,
    *,
    today: date,
    q: str = "",
    state: str = "",
    officer_id: int | None = None,
    overdue: bool = False,
    after: int | None = None,
    page_size: int | None = None,
) -> Page:
    page_size = page_size or PAGE_SIZE
    statement = _matching(
        principal, today=today, q=q, state=state, officer_id=officer_id, overdue=overdue
    )
    if statement is None:
        return Page([], None)
    if after:
        statement = statement.where(Application.id < after)
    # The page's ids first, from the indexes alone, then the page's cases: selecting whole rows in
    # one step made SQLite fetch and sort every match (50,000 for a common surname in a million
    # cases) to keep 26 (175 ms against 48 ms at a million cases; bench/RESULTS.md, section 5).
    page_ids = statement.order_by(Application.id.desc()).limit(page_size + 1)
    rows = (
        db.session.execute(
            select(Application).where(Application.id.in_(page_ids)).order_by(Application.id.desc())
        )
        .scalars()
        .all()
    )
    more = len(rows) > page_size
    rows = rows[:page_size]
    return Page(list(rows), rows[-1].id if more and rows else None)


def count_matching(
    principal: Principal,
    *,
    today: date,
    q: str = "",
    state: str = "",
    officer_id: int | None = None,
    overdue: bool = False,
) -> int:
    """How many cases match the filters, counted up to ``COUNT_LIMIT + 1``: a count bounded so
    that a common surname at a million cases costs what one page of the list costs."""
    statement = _matching(
        principal, today=today, q=q, state=state, officer_id=officer_id, overdue=overdue
    )
    if statement is None:
        return 0
    bounded = statement.limit(COUNT_LIMIT + 1).subquery()
    return db.session.execute(select(func.count()).select_from(bounded)).scalar_one()


def case_officers() -> list[User]:
    # Could move to the top (no cycle needs it here): left for the package's owners.
    from ..auth.models import UserRole

    return list(
        db.session.execute(
            select(User)
            .join(UserRole)
            .where(UserRole.role == Role.CASE_OFFICER.value, User.active.is_(True))
            .order_by(User.name)
        ).scalars()
    )


# --- Possible duplicates at intake ----------------------------------------------------------


@dataclass
class PossibleDuplicate:
    typed: str  # the name as typed on the form
    person: Person
    application: Application | None


def possible_duplicates(people: list[dict], limit_per_person: int = 10) -> list[PossibleDuplicate]:
    """Registered persons with the same date of birth and a similar name.

    One indexed query per date of birth (``ix_persons_dob_family_given``); the similarity
    (accents, case, a transposed or missing surname) is ``sdp.domain.names.similar_names``.
    """
    found: list[PossibleDuplicate] = []
    dependant_of = aliased(Dependant)
    for data in people:
        if not data.get("date_of_birth"):
            continue
        candidates = db.session.execute(
            select(Person).where(Person.date_of_birth == data["date_of_birth"]).limit(500)
        ).scalars()
        matches = [
            person
            for person in candidates
            if similar_names(
                data["given_names"], data["family_names"], person.given_names, person.family_names
            )
        ]
        for person in matches[:limit_per_person]:
            application = db.session.execute(
                select(Application)
                .where(
                    or_(
                        Application.applicant_id == person.id,
                        Application.id.in_(
                            select(dependant_of.application_id).where(
                                dependant_of.person_id == person.id
                            )
                        ),
                    )
                )
                .order_by(Application.id.desc())
                .limit(1)
            ).scalar_one_or_none()
            found.append(
                PossibleDuplicate(
                    f"{data['given_names']} {data['family_names']}", person, application
                )
            )
    return found
