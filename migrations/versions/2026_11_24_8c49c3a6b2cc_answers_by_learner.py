"""Frågeanalys per förvaltning: answers and chosen options carry their learner (user_id).

Reviewed:
* attempt_answers.user_id and answer_choices.user_id: the learner of the answer's attempt,
  copied (backfilled here in one UPDATE per table; learning.services.attempts writes it
  with every submitted answer). A förvaltning's answers were reached person → attempts →
  answers → choices, one index probe per attempt and per wrong answer (about 170,000 for a
  förvaltning of 12,000 people); with user_id they are one index range per person.
* Indexes: attempt_answers (user_id, first_try, question_id, is_correct) counts a person's
  first-try answers per question from the index alone; answer_choices (user_id, option_id)
  counts the options they chose. The index (attempt_id, first_try, is_correct,
  question_id, id) of d4a8e1f27b90 served only the path this replaces and is dropped: an
  attempt's answers are still found by the unique (attempt_id, question_id).
The downgrade drops the columns and their indexes and restores the dropped index (user_id
is derived from attempts, so nothing is lost).

Revision ID: 8c49c3a6b2cc
Revises: d4a8e1f27b90
Create Date: 2026-11-24 15:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8c49c3a6b2cc"
down_revision = "d4a8e1f27b90"
branch_labels = None
depends_on = None

OLD_ANSWER_COLUMNS = ["attempt_id", "first_try", "is_correct", "question_id", "id"]
BACKFILL = {
    "attempt_answers": "SELECT attempts.user_id FROM attempts"
    " WHERE attempts.id = attempt_answers.attempt_id",
    "answer_choices": "SELECT attempt_answers.user_id FROM attempt_answers"
    " WHERE attempt_answers.id = answer_choices.answer_id",
}


def upgrade():
    for table, learner in BACKFILL.items():  # answers first: choices copy from them
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        op.execute(f"UPDATE {table} SET user_id = ({learner})")  # noqa: S608 - constants
    with op.batch_alter_table("attempt_answers", schema=None) as batch_op:
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_attempt_answers_user_id_users"), "users", ["user_id"], ["id"]
        )
        batch_op.drop_index("ix_attempt_answers_attempt_first_try")
        batch_op.create_index(
            "ix_attempt_answers_user_first_try",
            ["user_id", "first_try", "question_id", "is_correct"],
            unique=False,
        )
    with op.batch_alter_table("answer_choices", schema=None) as batch_op:
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_answer_choices_user_id_users"), "users", ["user_id"], ["id"]
        )
        batch_op.create_index("ix_answer_choices_user_option", ["user_id", "option_id"])


def downgrade():
    with op.batch_alter_table("answer_choices", schema=None) as batch_op:
        batch_op.drop_index("ix_answer_choices_user_option")
        batch_op.drop_constraint(batch_op.f("fk_answer_choices_user_id_users"), type_="foreignkey")
        batch_op.drop_column("user_id")
    with op.batch_alter_table("attempt_answers", schema=None) as batch_op:
        batch_op.drop_index("ix_attempt_answers_user_first_try")
        batch_op.create_index(
            "ix_attempt_answers_attempt_first_try", OLD_ANSWER_COLUMNS, unique=False
        )
        batch_op.drop_constraint(batch_op.f("fk_attempt_answers_user_id_users"), type_="foreignkey")
        batch_op.drop_column("user_id")
