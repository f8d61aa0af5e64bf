"""The learner's course language, and the language of attempts and completions.

users.course_language: the language a person chose for the course (NULL: not chosen, i.e.
Swedish). attempts.language: the language an attempt was started in (it is shown and
submitted in it); existing attempts were all Swedish (server default 'sv').
completions.language: the language of the attempt that completed the course (NULL for
imported completions); existing earned completions were all Swedish and are backfilled
'sv'. The downgrade drops the three columns (the choice is asked again).

Revision ID: 9a3f5d1c7e20
Revises: 4c1e8a2b9d57
Create Date: 2026-12-07 10:05:00.000000

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "9a3f5d1c7e20"
down_revision = "4c1e8a2b9d57"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("course_language", sa.String(length=20), nullable=True))
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=20), server_default="sv", nullable=False)
        )
    with op.batch_alter_table("completions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=20), nullable=True))
    op.execute("UPDATE completions SET language = 'sv' WHERE source = 'earned'")


def downgrade():
    with op.batch_alter_table("completions", schema=None) as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("course_language")
