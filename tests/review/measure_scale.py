"""How long the legislators' statistics take on a million cases (PostgreSQL). Not a test: run

    psql -h 127.0.0.1 -U postgres -d test -c "CREATE DATABASE sdp_scale"
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/sdp_scale .venv/bin/flask --app sdp db upgrade
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/sdp_scale \
        .venv/bin/python tests/review/measure_scale.py

It fills the empty database with synthetic rows in SQL (a million applications over three years,
their decisions, appeals, inquiries, 400,000 births and a million documents), then times the
report: the aggregate queries and the disclosure control.
"""

import statistics
import time
from datetime import date

from sqlalchemy import text

from sdp import create_app
from sdp.domain.policy import DEFAULT_POLICY
from sdp.extensions import db
from sdp.review import queries
from sdp.review.queries import Period
from sdp.review.report import build_report

CASES = 1_000_000
TODAY = date(2026, 11, 28)

FILL = [
    f"""INSERT INTO persons (id, given_names, family_names, given_key, family_key, sex,
            date_of_birth, birth_country, languages, asylum_status)
        SELECT g, 'A', 'B', 'a', 'b', 'F', DATE '1990-01-01', 'VE', '[]', 'none'
        FROM generate_series(1, {CASES}) g""",
    f"""INSERT INTO applications (id, case_number, route, state, registered_on, decision_due,
            decision_due_extended, priority, applicant_id, created_at)
        SELECT g, 'S-' || g, CASE WHEN g % 4 = 0 THEN 'ex_officio' ELSE 'application' END,
        (ARRAY['registered','under_examination','pending_decision','recognized','rejected',
               'under_appeal','withdrawn','closed','referred','ceased','cancelled'])[1 + g % 11],
        DATE '{TODAY}' - (g % 1095), DATE '{TODAY}' - (g % 1095) + 182, false, false, g, now()
        FROM generate_series(1, {CASES}) g""",
    """INSERT INTO decisions (application_id, outcome, reasons, findings, decided_on,
            notified_on, appeal_due)
        SELECT id, (ARRAY['recognized','rejected','excluded'])[1 + id % 3], 'r', '[]',
        LEAST(registered_on + (id % 300), DATE '2026-11-28'),
        LEAST(registered_on + (id % 300), DATE '2026-11-28'),
        LEAST(registered_on + (id % 300), DATE '2026-11-28') + 21
        FROM applications
        WHERE state IN ('recognized','rejected','under_appeal','ceased','cancelled')""",
    """INSERT INTO appeals (application_id, lodged_on, grounds, decision_due, outcome)
        SELECT a.id, d.notified_on + 5, 'g', d.notified_on + 47,
        CASE WHEN a.state = 'under_appeal' THEN NULL
             WHEN a.id % 2 = 0 THEN 'upheld' ELSE 'overturned' END
        FROM applications a JOIN decisions d ON d.application_id = a.id
        WHERE a.state = 'under_appeal' OR (a.state = 'rejected' AND a.id % 5 = 0)""",
    # Each person's own determination (domain.md, section 4): one per applicant (no dependants
    # here), mirroring the decision and the appeal's result.
    """INSERT INTO determinations (application_id, person_id, outcome, exclusion_ground,
            decided_on, notified_on, appeal_due, appeal_lodged_on, appeal_decision_due,
            appeal_outcome, referral_target, referral_status, referred_on)
        SELECT a.id, a.applicant_id,
        CASE WHEN p.outcome IS NOT NULL AND a.state IN ('recognized','rejected') THEN a.state
             ELSE d.outcome END,
        d.exclusion_ground, d.decided_on, d.notified_on, d.appeal_due,
        p.lodged_on, p.decision_due, p.outcome,
        CASE WHEN a.state = 'referred' THEN 'late_birth_registration' END,
        CASE WHEN a.state = 'referred' THEN 'pending' END,
        CASE WHEN a.state = 'referred' THEN a.registered_on + 30 END
        FROM applications a LEFT JOIN decisions d ON d.application_id = a.id
        LEFT JOIN appeals p ON p.application_id = a.id""",
    """INSERT INTO inquiries (application_id, person_id, country, authority, sent_on,
            response_due, received_on, outcome, consent_on)
        SELECT id, applicant_id,
        (ARRAY['VE','CO','EC','BO','HT','SY','LB','CL','AR','BR'])[1 + id % 10], 'x',
        registered_on + 10, registered_on + 100, CASE WHEN id % 3 = 0 THEN registered_on + 50 END,
        CASE WHEN id % 3 = 0 THEN 'no_record' END, registered_on + 10
        FROM applications WHERE id % 2 = 0""",
    f"""INSERT INTO birth_registrations (registration_number, child_given_names,
            child_family_names, child_given_key, child_family_key, child_sex, child_date_of_birth,
            birth_country, foundling, mother_nationality, father_nationality, nationality_country,
            nationality_basis, registered_on, late_registration, created_at)
        SELECT 'N-' || g, 'C', 'D', 'c', 'd', 'M', DATE '{TODAY}' - (g % 1095) - 20, 'PE', false,
        (ARRAY['VE','CO','PE','EC',NULL])[1 + g % 5], (ARRAY['PE','VE',NULL])[1 + g % 3],
        'PE', 'ius_soli', DATE '{TODAY}' - (g % 1095), g % 7 = 0, now()
        FROM generate_series(1, 400000) g""",
    f"""INSERT INTO documents (serial, type, application_id, holder_given_names,
            holder_family_names, holder_date_of_birth, status, issued_on, created_at)
        SELECT 'D-' || g,
        (ARRAY['provisional_certificate','identity_document','travel_document',
               'decision_letter'])[1 + g % 4],
        g, 'A', 'B', DATE '1990-01-01', 'valid', DATE '{TODAY}' - (g % 1095), now()
        FROM generate_series(1, {CASES}) g""",
    "ANALYZE",
]


def timed(function, *args, repeat: int = 5):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = function(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    app = create_app()
    with app.app_context():
        if db.session.execute(text("SELECT count(*) FROM applications")).scalar_one() == 0:
            start = time.perf_counter()
            for statement in FILL:
                db.session.execute(text(statement))
                db.session.commit()
            print(f"filled in {time.perf_counter() - start:.0f} s")
        counts = {
            table: db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in (
                "applications",
                "decisions",
                "appeals",
                "determinations",
                "inquiries",
                "birth_registrations",
                "documents",
            )
        }
        print(counts)
        year = Period.whole_months(date(2025, 12, 1), date(2026, 11, 30))
        for name, period in (("all three years", Period()), ("one year", year)):
            print(f"-- {name}")
            for query in (
                queries.applications_by_month,
                queries.cases_by_state,
                queries.decisions_by_outcome,
                queries.decision_days,
                queries.appeals_by_outcome,
                queries.documents_by_type,
            ):
                seconds, _ = timed(query, period)
                print(f"{query.__name__:32s} {seconds * 1000:7.0f} ms")
            for query in (
                queries.pending_by_state_and_overdue,
                queries.inquiries_by_country_and_status,
            ):
                seconds, _ = timed(query, period, TODAY)
                print(f"{query.__name__:32s} {seconds * 1000:7.0f} ms")
            seconds, report = timed(build_report, period, TODAY, DEFAULT_POLICY, repeat=3)
            print(
                f"{'whole report (queries + control)':32s} {seconds * 1000:7.0f} ms; "
                f"applications {report.table('applications_by_month').total}"
            )


if __name__ == "__main__":
    main()
