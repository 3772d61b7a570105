"""the name indexes of persons carry the person's id (PostgreSQL)

The case lists' search by name reads person ids by a prefix of the folded family or given
name. With the id in the index (INCLUDE), PostgreSQL answers from the index alone; without it,
a common surname (50,000 persons in a million) meant reading each of those rows from the table
(85 ms against 16 ms, bench/RESULTS.md). SQLite's indexes carry the rowid (the id) already.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_persons_family_given", ["family_key", "given_key"]),
    ("ix_persons_given", ["given_key"]),
)


def _recreate(include: list[str]) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, columns in INDEXES:
        op.drop_index(name, table_name="persons")
        op.create_index(name, "persons", columns, unique=False, postgresql_include=include)


def upgrade():
    _recreate(["id"])


def downgrade():
    _recreate([])
