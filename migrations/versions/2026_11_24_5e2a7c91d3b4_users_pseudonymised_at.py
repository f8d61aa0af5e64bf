"""Users: pseudonymised_at, when gallring replaced a person's name, e-post and number.

Reviewed: one nullable column; existing people stay NULL (not pseudonymised). The
downgrade drops the column: the pseudonyms themselves stay in the name columns.

Revision ID: 5e2a7c91d3b4
Revises: 8f4c85df631a
Create Date: 2026-11-24 10:45:00.000000

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "5e2a7c91d3b4"
down_revision = "8f4c85df631a"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("pseudonymised_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("pseudonymised_at")
