"""four eyes on access itself: roles that read personal data (and the admin role) are proposed by
one admin and approved by another (issue 15)

``role_grants`` holds each proposal and its decision; ``users.created_by_id`` names the admin who
created an account (who may not approve its roles). Roles already held stay held: they were
granted before the rule, and the audit trail says by whom.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "role_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_role_grants_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"], ["users.id"], name=op.f("fk_role_grants_proposed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_role_grants_decided_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_grants")),
    )
    with op.batch_alter_table("role_grants") as batch:
        batch.create_index(batch.f("ix_role_grants_user_id"), ["user_id"], unique=False)
        batch.create_index(batch.f("ix_role_grants_status"), ["status"], unique=False)
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("created_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_users_created_by_id_users"), "users", ["created_by_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(batch.f("fk_users_created_by_id_users"), type_="foreignkey")
        batch.drop_column("created_by_id")
    with op.batch_alter_table("role_grants") as batch:
        batch.drop_index(batch.f("ix_role_grants_status"))
        batch.drop_index(batch.f("ix_role_grants_user_id"))
    op.drop_table("role_grants")
