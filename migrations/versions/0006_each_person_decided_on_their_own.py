"""each person is examined and decided on their own (domain.md, section 4)

Relevant States, evidence, inquiries and interviews belong to a person of the case (existing
rows: the applicant's, as the case was examined until now). Each person has a determination
(outcome, appeal, referral) and may face a cessation or cancellation proceeding. Inquiries
record the date the person concerned consented. Persons record detention, vulnerabilities and
the guardian of an unaccompanied child.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

EXAMINATION_TABLES = ("relevant_states", "evidence", "inquiries", "interviews")


def upgrade():
    with op.batch_alter_table("persons") as batch:
        batch.add_column(sa.Column("detention_place", sa.Text(), nullable=True))
        batch.add_column(sa.Column("detention_since", sa.Date(), nullable=True))
        batch.add_column(sa.Column("vulnerabilities", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("guardian", sa.Text(), nullable=True))
    op.execute("UPDATE persons SET vulnerabilities = '[]'")
    with op.batch_alter_table("persons") as batch:
        batch.alter_column("vulnerabilities", existing_type=sa.JSON(), nullable=False)

    with op.batch_alter_table("applications") as batch:
        batch.add_column(
            sa.Column("detained", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    for table in EXAMINATION_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        # Until now a case was examined as the applicant's: existing rows are theirs.
        op.execute(
            f"UPDATE {table} SET person_id = (SELECT applicant_id FROM applications "
            f"WHERE applications.id = {table}.application_id)"
        )
        with op.batch_alter_table(table) as batch:
            batch.alter_column("person_id", existing_type=sa.Integer(), nullable=False)
            batch.create_foreign_key(
                f"fk_{table}_person_id_persons", "persons", ["person_id"], ["id"]
            )
            batch.create_index(f"ix_{table}_person_id", ["person_id"], unique=False)
    with op.batch_alter_table("relevant_states") as batch:
        batch.drop_constraint("uq_relevant_states_application_id", type_="unique")
        batch.create_unique_constraint(
            "uq_relevant_states_application_person_country",
            ["application_id", "person_id", "country"],
        )
    with op.batch_alter_table("inquiries") as batch:
        batch.add_column(sa.Column("consent_on", sa.Date(), nullable=True))

    op.create_table(
        "determinations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("exclusion_ground", sa.String(length=32), nullable=True),
        sa.Column("reasons", sa.Text(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("notified_on", sa.Date(), nullable=True),
        sa.Column("appeal_due", sa.Date(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("appeal_lodged_on", sa.Date(), nullable=True),
        sa.Column("appeal_grounds", sa.Text(), nullable=True),
        sa.Column("appeal_decision_due", sa.Date(), nullable=True),
        sa.Column("appeal_outcome", sa.String(length=16), nullable=True),
        sa.Column("appeal_reasons", sa.Text(), nullable=True),
        sa.Column("appeal_decided_on", sa.Date(), nullable=True),
        sa.Column("appeal_decided_by_id", sa.Integer(), nullable=True),
        sa.Column("referral_target", sa.String(length=32), nullable=True),
        sa.Column("referral_status", sa.String(length=24), nullable=True),
        sa.Column("referral_reasons", sa.Text(), nullable=True),
        sa.Column("referred_on", sa.Date(), nullable=True),
        sa.Column("referral_answered_on", sa.Date(), nullable=True),
        sa.Column("referral_reference", sa.String(length=64), nullable=True),
        sa.Column("referred_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name="fk_determinations_application_id_applications",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name="fk_determinations_person_id_persons"
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name="fk_determinations_decided_by_id_users"
        ),
        sa.ForeignKeyConstraint(
            ["appeal_decided_by_id"],
            ["users.id"],
            name="fk_determinations_appeal_decided_by_id_users",
        ),
        sa.ForeignKeyConstraint(
            ["referred_by_id"], ["users.id"], name="fk_determinations_referred_by_id_users"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_determinations"),
        sa.UniqueConstraint(
            "application_id", "person_id", name="uq_determinations_application_person"
        ),
    )
    with op.batch_alter_table("determinations") as batch:
        batch.create_index("ix_determinations_application_id", ["application_id"], unique=False)
        batch.create_index("ix_determinations_person_id", ["person_id"], unique=False)
        batch.create_index("ix_determinations_outcome", ["outcome"], unique=False)
    # Every person of an existing case gets a determination; a decided case's outcome was the
    # applicant's (the dependants were never decided on their own: they await a decision).
    op.execute(
        "INSERT INTO determinations (application_id, person_id) "
        "SELECT id, applicant_id FROM applications"
    )
    op.execute(
        "INSERT INTO determinations (application_id, person_id) "
        "SELECT application_id, person_id FROM dependants"
    )
    op.execute("""UPDATE determinations SET
        outcome = (SELECT d.outcome FROM decisions d
            WHERE d.application_id = determinations.application_id),
        exclusion_ground = (SELECT d.exclusion_ground FROM decisions d
            WHERE d.application_id = determinations.application_id),
        decided_on = (SELECT d.decided_on FROM decisions d
            WHERE d.application_id = determinations.application_id),
        notified_on = (SELECT d.notified_on FROM decisions d
            WHERE d.application_id = determinations.application_id),
        appeal_due = (SELECT d.appeal_due FROM decisions d
            WHERE d.application_id = determinations.application_id),
        decided_by_id = (SELECT d.decided_by_id FROM decisions d
            WHERE d.application_id = determinations.application_id),
        appeal_lodged_on = (SELECT a.lodged_on FROM appeals a
            WHERE a.application_id = determinations.application_id),
        appeal_decision_due = (SELECT a.decision_due FROM appeals a
            WHERE a.application_id = determinations.application_id),
        appeal_outcome = (SELECT a.outcome FROM appeals a
            WHERE a.application_id = determinations.application_id),
        appeal_decided_on = (SELECT a.decided_on FROM appeals a
            WHERE a.application_id = determinations.application_id),
        appeal_decided_by_id = (SELECT a.decided_by_id FROM appeals a
            WHERE a.application_id = determinations.application_id)
        WHERE person_id = (SELECT applicant_id FROM applications
            WHERE applications.id = determinations.application_id)""")
    # An appeal decided for the applicant changed their outcome.
    op.execute("""UPDATE determinations SET outcome = (SELECT state FROM applications
            WHERE applications.id = determinations.application_id)
        WHERE appeal_decided_on IS NOT NULL AND outcome IS NOT NULL""")
    # A referred case referred its applicant (awaiting the registry: the referral stays pending).
    op.execute("""UPDATE determinations SET referral_status = 'pending',
        referral_target = (SELECT referral_target FROM applications
            WHERE applications.id = determinations.application_id),
        referred_on = (SELECT ended_on FROM applications
            WHERE applications.id = determinations.application_id)
        WHERE person_id = (SELECT applicant_id FROM applications
            WHERE applications.id = determinations.application_id
            AND applications.state = 'referred')""")

    op.create_table(
        "proceedings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("nationality_acquired", sa.String(length=2), nullable=True),
        sa.Column("notified_on", sa.Date(), nullable=False),
        sa.Column("reply_due", sa.Date(), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("reply_received_on", sa.Date(), nullable=True),
        sa.Column("reply_summary", sa.Text(), nullable=True),
        sa.Column("decision_reasons", sa.Text(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decision_notified_on", sa.Date(), nullable=True),
        sa.Column("appeal_due", sa.Date(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("appeal_lodged_on", sa.Date(), nullable=True),
        sa.Column("appeal_grounds", sa.Text(), nullable=True),
        sa.Column("appeal_outcome", sa.String(length=16), nullable=True),
        sa.Column("appeal_decided_on", sa.Date(), nullable=True),
        sa.Column("appeal_decided_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name="fk_proceedings_application_id_applications",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name="fk_proceedings_person_id_persons"
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"], ["users.id"], name="fk_proceedings_proposed_by_id_users"
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name="fk_proceedings_decided_by_id_users"
        ),
        sa.ForeignKeyConstraint(
            ["appeal_decided_by_id"], ["users.id"], name="fk_proceedings_appeal_decided_by_id_users"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_proceedings"),
    )
    with op.batch_alter_table("proceedings") as batch:
        batch.create_index("ix_proceedings_application_id", ["application_id"], unique=False)
        batch.create_index("ix_proceedings_person_id", ["person_id"], unique=False)


def downgrade():
    op.drop_table("proceedings")
    op.drop_table("determinations")
    with op.batch_alter_table("inquiries") as batch:
        batch.drop_column("consent_on")
    with op.batch_alter_table("relevant_states") as batch:
        batch.drop_constraint("uq_relevant_states_application_person_country", type_="unique")
    # A case examined per person may hold the same State twice (two persons): the old constraint
    # keeps the applicant's row.
    op.execute(
        "DELETE FROM relevant_states WHERE person_id <> (SELECT applicant_id FROM applications "
        "WHERE applications.id = relevant_states.application_id)"
    )
    with op.batch_alter_table("relevant_states") as batch:
        batch.create_unique_constraint(
            "uq_relevant_states_application_id", ["application_id", "country"]
        )
    for table in EXAMINATION_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_person_id")
            batch.drop_constraint(f"fk_{table}_person_id_persons", type_="foreignkey")
            batch.drop_column("person_id")
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("detained")
    with op.batch_alter_table("persons") as batch:
        batch.drop_column("guardian")
        batch.drop_column("vulnerabilities")
        batch.drop_column("detention_since")
        batch.drop_column("detention_place")
