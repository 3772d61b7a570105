"""an administrator resets a staff member's password (a temporary one, changed at the next
sign-in) or second factor, and the user pages keep no lost update (issue 13)

``users.version`` is the account's version, checked by the administrators' pages as a case's is;
``must_change_password``, ``password_expires_at`` and ``password_reset_by_id`` describe a temporary
password; ``totp_reset_by_id`` names who cleared the second factor until a new one is enrolled.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
        batch.add_column(sa.Column("password_expires_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("password_reset_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("totp_reset_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch.create_foreign_key(
            batch.f("fk_users_password_reset_by_id_users"),
            "users",
            ["password_reset_by_id"],
            ["id"],
        )
        batch.create_foreign_key(
            batch.f("fk_users_totp_reset_by_id_users"), "users", ["totp_reset_by_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(batch.f("fk_users_totp_reset_by_id_users"), type_="foreignkey")
        batch.drop_constraint(batch.f("fk_users_password_reset_by_id_users"), type_="foreignkey")
        batch.drop_column("version")
        batch.drop_column("totp_reset_by_id")
        batch.drop_column("password_reset_by_id")
        batch.drop_column("password_expires_at")
        batch.drop_column("must_change_password")
