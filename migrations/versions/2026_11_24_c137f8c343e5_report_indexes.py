"""Report speed: attempt_answers.first_try (backfilled) and two covering indexes.

Reviewed:
* `first_try` is true for the answers of a learner's first attempt at a module's knowledge
  check in an enrollment (attempt number 1: start_attempt numbers from 1), which is what the
  frågeanalys counts as "right the first time". Existing answers are backfilled from their
  attempts in one UPDATE. The index (question_id, first_try, is_correct) lets the
  frågeanalys count per question from the index alone; it starts with question_id, so it
  replaces the single-column index on question_id.
* placements: the index (unit_id, valid_from, valid_to) gets user_id and
  close_to_residents, so followup.rates counts headcount and completed per enhet and day
  from the index alone.
The downgrade restores the previous indexes and drops the column (the flag is derived from
attempts, so nothing is lost).

Revision ID: c137f8c343e5
Revises: 5e2a7c41d9b3
Create Date: 2026-11-24 10:32:38.557329

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c137f8c343e5"
down_revision = "5e2a7c41d9b3"
branch_labels = None
depends_on = None

PLACEMENT_PERIOD = ["unit_id", "valid_from", "valid_to"]


def upgrade():
    with op.batch_alter_table("attempt_answers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("first_try", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.execute(
        "UPDATE attempt_answers SET first_try = true"
        " WHERE attempt_id IN (SELECT id FROM attempts WHERE number = 1)"
    )
    with op.batch_alter_table("attempt_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attempt_answers_question_id"))
        batch_op.create_index(
            "ix_attempt_answers_question_first_try",
            ["question_id", "first_try", "is_correct"],
            unique=False,
        )
    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.drop_index("ix_placements_unit_period")
        batch_op.create_index(
            "ix_placements_unit_period_people",
            [*PLACEMENT_PERIOD, "user_id", "close_to_residents"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.drop_index("ix_placements_unit_period_people")
        batch_op.create_index("ix_placements_unit_period", PLACEMENT_PERIOD, unique=False)
    with op.batch_alter_table("attempt_answers", schema=None) as batch_op:
        batch_op.drop_index("ix_attempt_answers_question_first_try")
        batch_op.create_index(
            batch_op.f("ix_attempt_answers_question_id"), ["question_id"], unique=False
        )
        batch_op.drop_column("first_try")
