"""Reminder claims: a run claims a reminder row in the database before sending it.

reminder_messages.claimed_by ("host:pid:run") and claimed_at (UTC) replace the lock file
and the journal in instance/ (reminders/sending.py). Both nullable, no backfill: rows
sent before have no claim. The downgrade drops them (rows left "sending" are then settled
as before, without a journal: "unknown").

Revision ID: 5e1a9c7d2b40
Revises: 02159b23a7a8
Create Date: 2026-12-06 22:15:00.000000

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "5e1a9c7d2b40"
down_revision = "02159b23a7a8"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("reminder_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("reminder_messages", schema=None) as batch_op:
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("claimed_by")
