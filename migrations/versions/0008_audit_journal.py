"""audit journal: partner checks chained from a journal remember their journal line

Registry checks are appended to a journal file before they are answered and chained into
``audit_events`` in batches (``sdp.audit.journal``). Each such event keeps its journal file and
line number, unique together: a line chained twice (a chainer killed after its commit, then
restarted) is refused by the database itself. Events written directly leave both empty.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_events") as batch_op:
        batch_op.add_column(sa.Column("journal_file", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("journal_seq", sa.BigInteger(), nullable=True))
        batch_op.create_index(
            "ux_audit_events_journal_line", ["journal_file", "journal_seq"], unique=True
        )


def downgrade():
    with op.batch_alter_table("audit_events") as batch_op:
        batch_op.drop_index("ux_audit_events_journal_line")
        batch_op.drop_column("journal_seq")
        batch_op.drop_column("journal_file")
