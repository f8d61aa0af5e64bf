"""Frågeanalys per förvaltning: covering indexes from people to their attempts' answers.

Reviewed:
* attempts: the index (user_id) becomes (user_id, id), so a förvaltning's people lead to
  their attempts from the index alone (PostgreSQL: an index-only scan).
* attempt_answers: the index (attempt_id) becomes (attempt_id, first_try, is_correct,
  question_id, id), so those attempts' answers are counted (first try, right, wrong, per
  question) from the index alone. Both new indexes start with the old column: foreign-key
  lookups and every other query that used the old ones can use them.
Nothing but indexes changes; the downgrade restores the previous ones.

Revision ID: d4a8e1f27b90
Revises: c137f8c343e5
Create Date: 2026-11-24 13:20:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "d4a8e1f27b90"
down_revision = "c137f8c343e5"
branch_labels = None
depends_on = None

ANSWER_COLUMNS = ["attempt_id", "first_try", "is_correct", "question_id", "id"]


def upgrade():
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_attempts_user_id")
        batch_op.create_index("ix_attempts_user_attempt", ["user_id", "id"], unique=False)
    with op.batch_alter_table("attempt_answers", schema=None) as batch_op:
        batch_op.drop_index("ix_attempt_answers_attempt_id")
        batch_op.create_index("ix_attempt_answers_attempt_first_try", ANSWER_COLUMNS, unique=False)


def downgrade():
    with op.batch_alter_table("attempt_answers", schema=None) as batch_op:
        batch_op.drop_index("ix_attempt_answers_attempt_first_try")
        batch_op.create_index("ix_attempt_answers_attempt_id", ["attempt_id"], unique=False)
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_attempts_user_attempt")
        batch_op.create_index("ix_attempts_user_id", ["user_id"], unique=False)
