"""Case lists (search, filters, keyset pagination) and the home page of each role."""

from datetime import date, timedelta

import pytest
from sqlalchemy import event, select, update

from sdp import clock
from sdp.cases import queries
from sdp.cases.models import Appeal, Application
from sdp.extensions import db
from tests.cases.helpers import Office, person, register

from .conftest import text_of

TODAY = clock.today()


@pytest.fixture
def office(api_as):
    return Office(api_as)


def numbers_in(response) -> list[str]:
    """The case numbers in the page's tables, in order."""
    import re

    tables = re.findall(r"<table.*?</table>", response.get_data(as_text=True), flags=re.S)
    return [number for table in tables for number in re.findall(r">(SDP-\d{4}-\d{6})<", table)]


def test_search_by_case_number_and_by_names_ignoring_accents_and_case(office, web_as):
    perez = register(
        office.intake,
        applicant=person(given="María José", family="Pérez Gómez"),
        dependants=[person(given="Sofía", family="Núñez", dob="2020-01-01", relationship="child")],
    )
    other = register(office.intake, applicant=person(given="João", family="Da Silva"))
    supervisor = web_as(office.supervisor.user)
    assert numbers_in(
        supervisor.get("/cases/", query_string={"q": perez["case_number"].lower()})
    ) == [perez["case_number"]]
    short = perez["case_number"].removeprefix("SDP-").replace("-00000", "-")
    assert numbers_in(supervisor.get("/cases/", query_string={"q": short})) == [
        perez["case_number"]
    ]
    for query in ("perez", "PÉREZ GÓMEZ", "maria", "María José Pérez", "nunez", "joao da silva"):
        expected = other["case_number"] if "silva" in query else perez["case_number"]
        assert numbers_in(supervisor.get("/cases/", query_string={"q": query})) == [expected], query
    assert numbers_in(supervisor.get("/cases/", query_string={"q": "gomez perez maria"})) == []
    assert "No case matches." in text_of(supervisor.get("/cases/", query_string={"q": "zzz"}))


def _count_line(response) -> str | None:
    import re

    found = re.search(r'id="search-count">(.*?)</p>', response.get_data(as_text=True), re.S)
    return found.group(1).strip() if found else None


def test_a_search_says_how_many_cases_it_found(office, web_as, monkeypatch):
    """Issue 13: the case search showed no result count."""
    for given in ("Ana", "Rosa", "Luz"):
        register(office.intake, applicant=person(given=given, family="Quispe Huamán"))
    register(office.intake, applicant=person(given="Pedro", family="Mamani"))
    supervisor = web_as(office.supervisor.user)
    assert _count_line(supervisor.get("/cases/", query_string={"q": "quispe"})) == ("3 cases found")
    assert _count_line(supervisor.get("/cases/", query_string={"q": "mamani"})) == ("1 case found")
    assert _count_line(supervisor.get("/cases/", query_string={"q": "zzz"})) == ("0 cases found")
    # The whole list (no filter) is not a search: no count.
    assert _count_line(supervisor.get("/cases/")) is None
    # The count is bounded: past the limit it says "more than".
    monkeypatch.setattr(queries, "COUNT_LIMIT", 2)
    assert _count_line(supervisor.get("/cases/", query_string={"q": "quispe"})) == (
        "More than 2 cases found"
    )
    # A case officer's count is of the cases they may read (none of these).
    monkeypatch.setattr(queries, "COUNT_LIMIT", 1000)
    officer = web_as(office.officer.user)
    assert _count_line(officer.get("/cases/", query_string={"q": "quispe"})) == ("0 cases found")
    spanish = supervisor.get("/cases/", query_string={"q": "quispe", "lang": "es"})
    assert _count_line(spanish) == "3 casos encontrados"


def test_filters_by_state_officer_and_overdue(office, web_as):
    fresh = register(office.intake)
    examined = office.examined_case()
    late = register(office.intake, registered_on=(TODAY - timedelta(days=200)).isoformat())
    supervisor = web_as(office.supervisor.user)
    assert numbers_in(supervisor.get("/cases/", query_string={"state": "under_examination"})) == [
        examined["case_number"]
    ]
    assert numbers_in(
        supervisor.get("/cases/", query_string={"officer": str(office.officer.user.id)})
    ) == [examined["case_number"]]
    assert numbers_in(supervisor.get("/cases/", query_string={"overdue": "y"})) == [
        late["case_number"]
    ]
    assert set(numbers_in(supervisor.get("/cases/"))) == {
        fresh["case_number"],
        examined["case_number"],
        late["case_number"],
    }


def test_case_officers_list_only_their_own_cases(office, web_as):
    mine = office.examined_case()
    register(office.intake)
    assert numbers_in(web_as(office.officer.user).get("/cases/")) == [mine["case_number"]]
    assert web_as("reviewer").get("/cases/").status_code == 403
    assert web_as("admin").get("/cases/").status_code == 403


def test_pagination_is_by_keyset_never_offset(office, web_as, app):
    cases = [register(office.intake, applicant=person(given=f"Persona{n}")) for n in range(5)]
    statements = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        if context.compiled is not None:
            statements.append(context.compiled.statement)

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        principal = office.supervisor.user.principal
        first = queries.search(principal, today=TODAY, page_size=2)
        second = queries.search(principal, today=TODAY, page_size=2, after=first.next_after)
        third = queries.search(principal, today=TODAY, page_size=2, after=second.next_after)
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    newest_first = [c["id"] for c in reversed(cases)]
    assert [a.id for a in first.cases + second.cases + third.cases] == newest_first
    assert third.next_after is None
    # (SQLite's compiler writes "LIMIT ? OFFSET 0"; what matters is that no query skips rows)
    assert statements and all(
        getattr(statement, "_offset_clause", None) is None for statement in statements
    )
    # The page links carry the keyset and keep the filters.
    page = web_as(office.supervisor.user).get("/cases/", query_string={"q": "persona"})
    assert len(numbers_in(page)) == 5


def test_the_list_pages_with_next_links(office, web_as, monkeypatch):
    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    cases = [register(office.intake) for _ in range(3)]
    supervisor = web_as(office.supervisor.user)
    html = supervisor.get("/cases/", query_string={"state": "registered"}).get_data(as_text=True)
    assert f"after={cases[1]['id']}" in html.replace("&amp;", "&") and "state=registered" in html


def test_the_search_plans_use_indexes(office):
    """At a million cases a page must be an index scan: check the plans SQLite or PostgreSQL
    choose."""
    register(office.intake)
    principal = office.supervisor.user.principal
    dialect = db.engine.dialect.name
    for kwargs in (
        {"q": "perez"},
        {"q": "SDP-2026-000001"},
        {"state": "registered"},
        {"after": 10},
    ):
        statement = _search_statement(principal, **kwargs)
        compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
        explain = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN "
        plan = " ".join(str(row) for row in db.session.execute(db.text(explain + str(compiled))))
        if dialect == "sqlite":
            assert (
                "USING INDEX" in plan
                or "USING INTEGER PRIMARY KEY" in plan
                or "USING COVERING INDEX" in plan
            ), (kwargs, plan)


def _search_statement(principal, **kwargs):
    captured = {}

    def capture(conn, cursor, statement, parameters, context, executemany):
        captured.setdefault(
            "statement", context.compiled.statement if context.compiled is not None else statement
        )

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        queries.search(principal, today=TODAY, **kwargs)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    return captured["statement"]


def test_home_pages_of_each_role(office, web_as):
    fresh = register(office.intake)
    examined = office.examined_case()
    pending = office.pending_decision()
    overdue = register(office.intake, registered_on=(TODAY - timedelta(days=200)).isoformat())
    db.session.execute(
        update(Application)
        .where(Application.id == examined["id"])
        .values(decision_due=TODAY + timedelta(days=3))
    )
    db.session.commit()

    intake_home = text_of(web_as(office.intake.user).get("/"))
    assert "Register a new application" in intake_home
    assert fresh["case_number"] in intake_home  # today's intakes

    officer_home = web_as(office.officer.user).get("/")
    numbers = numbers_in(officer_home)
    assert numbers == [examined["case_number"], pending["case_number"]]  # nearest deadline first
    assert "Due within 14 days" in text_of(officer_home)

    assert numbers_in(web_as(office.decider.user).get("/")) == [pending["case_number"]]
    supervisor_home = text_of(web_as(office.supervisor.user).get("/"))
    assert fresh["case_number"] in supervisor_home and overdue["case_number"] in supervisor_home
    assert "Overdue" in supervisor_home
    assert "No appeal is waiting." in text_of(web_as(office.appeals.user).get("/"))


def test_reviewers_go_to_the_procedure_and_admins_to_the_users(web_as):
    assert web_as("reviewer").get("/").headers["Location"] == "/review/procedure"
    assert web_as("admin").get("/").headers["Location"] == "/admin/users"
    assert "Birth registration" in text_of(web_as("registrar").get("/"))


def test_an_admin_lists_and_creates_users(web_as):
    admin = web_as("admin")
    page = text_of(admin.get("/admin/users"))
    assert admin.user.email in page
    response = admin.post(
        "/admin/users",
        data={
            "name": "Ana Pérez",
            "email": "Ana@Minrel.gob.pe",
            "roles": ["case_officer", "intake_officer"],
            "password": "x" * 12,
        },
    )
    assert response.status_code == 302
    page = text_of(admin.get("/admin/users"))
    assert "ana@minrel.gob.pe" in page and "Ana Pérez" in page
    response = admin.post(
        "/admin/users",
        data={"name": "Ana", "email": "ana@minrel.gob.pe", "roles": [], "password": "short"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert (
        "A user with this email address already exists." in html
        and "Choose at least one role." in html
    )
    assert "at least 12 characters" in html
    assert web_as("supervisor").get("/admin/users").status_code == 403


def test_dates_are_formatted_in_the_users_language(office, web_as):
    case = register(office.intake, registered_on=date(TODAY.year, 1, 15).isoformat())
    supervisor = web_as(office.supervisor.user, lang="es")
    assert "15 ene" in text_of(supervisor.get(f"/cases/{case['id']}"))
    supervisor.get("/language/en")
    assert "Jan 15" in text_of(supervisor.get(f"/cases/{case['id']}"))
    supervisor.get("/language/pt")
    assert "15 de jan." in text_of(supervisor.get(f"/cases/{case['id']}"))


def _rows_of(response, table_id: str) -> list[str]:
    """The text of each body row of the table ``table_id``, spaces collapsed."""
    import re
    from html import unescape

    html = response.get_data(as_text=True)
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, flags=re.S)
    assert table, f"no table {table_id}"
    body = table.group(0).split("<tbody", 1)[1]
    return [
        " ".join(unescape(re.sub(r"<[^>]+>", " ", row)).split())
        for row in re.findall(r"<tr.*?</tr>", body, flags=re.S)
    ]


def test_each_row_names_its_time_limit_the_next_step_and_the_answers_awaited(office, web_as):
    """Issue 13, point 5: "Decision due ...", "Answer from Colombia due ...", the procedure's next
    action."""
    sent = TODAY - timedelta(days=100)
    case = office.examined_case(
        finding="undetermined", registered_on=(sent - timedelta(days=1)).isoformat()
    )
    cid = case["id"]
    late = office.officer.post(
        f"/api/v1/applications/{cid}/inquiries",
        json={
            "country": "CO",
            "authority": "Registraduría",
            "sent_on": sent.isoformat(),
            "consent_on": sent.isoformat(),
        },
    )
    assert late.status_code == 201, late.json
    due = db.session.get(Application, cid).decision_due
    officer = web_as(office.officer.user)
    [row] = _rows_of(officer.get("/"), "my-cases")
    assert case["case_number"] in row
    assert f"Decision due {due.strftime('%b')} {due.day}, {due.year}" in row
    answer_due = sent + timedelta(days=90)
    assert (
        f"Answer from Colombia was due {answer_due.strftime('%b')} {answer_due.day}, "
        f"{answer_due.year} Unanswered" in row
    )
    assert row.endswith("Record a State's response")  # the unanswered inquiry comes first

    spanish = web_as(office.officer.user, lang="es")
    [row] = _rows_of(spanish.get("/"), "my-cases")
    assert "Decisión vence" in row and "Respuesta de Colombia" in row and "Sin respuesta" in row


def test_priority_markers_name_detention_children_and_unaccompanied_children(office, web_as):
    child = person(
        given="Sofía", dob=(TODAY - timedelta(days=3 * 365)).isoformat(), relationship="child"
    )
    with_child = register(office.intake, dependants=[child])
    alone = register(
        office.intake,
        applicant=person(
            given="Ángel",
            dob=(TODAY - timedelta(days=15 * 365)).isoformat(),
            vulnerabilities=["unaccompanied_child"],
            guardian="Defensoría",
        ),
    )
    detained = register(
        office.intake,
        applicant=person(given="Luis", detention={"place": "Callao", "since": TODAY.isoformat()}),
    )
    plain = register(office.intake, applicant=person(given="Ana"))
    rows = {
        row.split()[0]: row
        for row in _rows_of(web_as(office.supervisor.user).get("/"), "unassigned")
    }
    assert list(rows)[0] == detained["case_number"]  # detained cases come first
    assert "Detained" in rows[detained["case_number"]]
    assert "Unaccompanied child" in rows[alone["case_number"]]
    assert " Child " in rows[with_child["case_number"]]
    assert not any(
        word in rows[plain["case_number"]] for word in ("Detained", "Child", "Vulnerable")
    )
    assert rows[plain["case_number"]].endswith(
        "Assign a case officer Case officer for "
        + plain["case_number"]
        + " Choose a case officer "
        + " ".join(u.name for u in queries.case_officers())
        + " Assign "
        + plain["case_number"]
    )


def test_supervisors_see_each_officers_open_and_overdue_cases(office, web_as):
    office.examined_case()
    late = office.examined_case()
    db.session.execute(
        update(Application)
        .where(Application.id == late["id"])
        .values(decision_due=TODAY - timedelta(days=1))
    )
    db.session.commit()
    supervisor = web_as(office.supervisor.user)
    rows = _rows_of(supervisor.get("/"), "workload")
    assert any(row.startswith(f"{office.officer.user.name} 2 1") for row in rows), rows
    html = supervisor.get("/").get_data(as_text=True).replace("&amp;", "&")
    assert f"/cases/?officer={office.officer.user.id}&overdue=y" in html
    # the link leads to exactly that officer's overdue case
    assert numbers_in(
        supervisor.get("/cases/", query_string={"officer": office.officer.user.id, "overdue": "y"})
    ) == [late["case_number"]]


def test_the_intake_home_lists_only_todays_registrations_and_links_to_all_when_cut(
    office, web_as, monkeypatch
):
    from sdp.cases import home

    older = register(
        office.intake, registered_on=(TODAY - timedelta(days=30)).isoformat()
    )  # typed in today, registered before
    todays = [register(office.intake) for _ in range(3)]
    intake = web_as(office.intake.user)
    listed = [row.split()[0] for row in _rows_of(intake.get("/"), "todays-intakes")]
    assert listed == [case["case_number"] for case in reversed(todays)]
    assert older["case_number"] not in listed
    assert 'id="todays-intakes-all"' not in intake.get("/").get_data(as_text=True)
    monkeypatch.setattr(home, "LIMIT", 2)
    page = intake.get("/")
    assert len(_rows_of(page, "todays-intakes")) == 2
    assert "See all 3" in text_of(page)


def test_the_overdue_filter_the_rows_the_case_page_and_the_statistics_agree(office, web_as):
    """One rule (sdp.domain.deadlines) for "overdue": the lists' SQL
    (Application.overdue_condition), the rows' markers, the case page (which also tags an overdue
    appeal) and the statistics."""
    from sdp.cases.home import row_of
    from sdp.review.queries import Period, pending_by_state_and_overdue

    fresh = register(office.intake)
    late = office.examined_case(registered_on=(TODAY - timedelta(days=200)).isoformat())
    decided = office.decided("rejected")
    appealed = office.decided("rejected")
    assert office.intake.post(
        f"/api/v1/applications/{appealed['id']}/appeal",
        json={"grounds": "Disputed.", "lodged_on": TODAY.isoformat()},
    ).status_code in (200, 201)
    db.session.execute(
        update(Appeal)
        .where(Appeal.application_id == appealed["id"])
        .values(decision_due=TODAY - timedelta(days=1))
    )
    db.session.commit()
    ids = [fresh["id"], late["id"], decided["id"], appealed["id"]]
    in_sql = set(
        db.session.execute(
            select(Application.id).where(
                Application.id.in_(ids), Application.overdue_condition(TODAY)
            )
        ).scalars()
    )
    in_rows = {i for i in ids if row_of(db.session.get(Application, i), TODAY).overdue}
    assert in_sql == in_rows == {late["id"], appealed["id"]}

    supervisor = web_as(office.supervisor.user)
    tagged = set()
    for case in (fresh, late, decided, appealed):
        page = supervisor.get(f"/cases/{case['id']}").get_data(as_text=True)
        running = page.split('id="running-deadline"', 1)[1].split("</dd>", 1)[0]
        if "Overdue" in running:
            tagged.add(case["id"])
    assert tagged == in_sql
    appeal_page = supervisor.get(f"/cases/{appealed['id']}").get_data(as_text=True)
    appeal_row = appeal_page.split("Appeal decision due</dt>", 1)[1].split("</dd>", 1)[0]
    assert "Overdue" in appeal_row  # the case details tag the overdue appeal too

    every_id = db.session.execute(select(Application.id)).scalars().all()
    overdue_everywhere = sum(
        1 for i in every_id if row_of(db.session.get(Application, i), TODAY).overdue
    )
    counts = pending_by_state_and_overdue(Period(None, None), TODAY)
    assert sum(n for (_, late_flag), n in counts.items() if late_flag) == overdue_everywhere


def test_every_case_list_is_audited_with_the_cases_shown_never_the_search_typed(office, web_as):
    from sdp.audit.models import AuditEvent

    case = register(office.intake, applicant=person(given="Marisol", family="Quispe Huamán"))
    supervisor = web_as(office.supervisor.user)
    assert supervisor.get("/cases/?q=Quispe").status_code == 200
    assert supervisor.get("/cases/").status_code == 200
    events = (
        db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "case.list").order_by(AuditEvent.id)
        )
        .scalars()
        .all()
    )
    assert [event.changes["searched"] for event in events] == [True, False]
    assert all(case["id"] in event.changes["shown"] for event in events)
    assert "Quispe" not in str([event.changes for event in events])
