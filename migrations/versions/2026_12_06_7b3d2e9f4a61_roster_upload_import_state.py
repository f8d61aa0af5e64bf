"""Roster upload import state: a confirmed upload is imported by a job worker.

roster_uploads gets the state of its import: status (NULL while only previewed, then
queued, running, done or failed), the number typed for a mass deactivation, when it was
confirmed, started and finished, the Swedish reason of a failure and the import's log row
(roster_imports, SET NULL if that is ever deleted). All nullable, no backfill: uploads
waiting for their confirmation stay previewed. Indexed on status (the clean-up of stuck
imports). The downgrade deletes the confirmed rows (their bytes are gone or being applied;
the results stay in roster_imports), then drops the columns.

Revision ID: 7b3d2e9f4a61
Revises: 2569e7c6e7c3
Create Date: 2026-12-06 23:00:00.000000

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "7b3d2e9f4a61"
down_revision = "2569e7c6e7c3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("roster_uploads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("deactivate_count", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("started_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("error", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("roster_import_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_roster_uploads_status"), ["status"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_roster_uploads_roster_import_id_roster_imports"),
            "roster_imports",
            ["roster_import_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    op.execute("DELETE FROM roster_uploads WHERE status IS NOT NULL")
    with op.batch_alter_table("roster_uploads", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_roster_uploads_roster_import_id_roster_imports"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_roster_uploads_status"))
        batch_op.drop_column("roster_import_id")
        batch_op.drop_column("error")
        batch_op.drop_column("finished_at")
        batch_op.drop_column("started_at")
        batch_op.drop_column("confirmed_at")
        batch_op.drop_column("deactivate_count")
        batch_op.drop_column("status")
