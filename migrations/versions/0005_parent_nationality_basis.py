"""a birth registration records how each Peruvian parent is Peruvian (Law 32421)

A child born abroad is Peruvian by birth only through a parent who is Peruvian by birth;
a parent Peruvian by naturalization or by option passes on no nationality at birth abroad
(the 1961 Convention Art. 4 safeguard, a statelessness screening, covers a child who would
otherwise be stateless). So the registration keeps each parent's basis: ``birth``,
``naturalization`` or ``option``; NULL when not given (existing rows, and parents who are not
Peruvian).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COLUMNS = ("mother_nationality_basis", "father_nationality_basis")


def upgrade():
    with op.batch_alter_table("birth_registrations") as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table("birth_registrations") as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
