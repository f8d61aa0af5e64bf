"""Export log: who exported which deltagarlista or samlad bild, with which filters.

Reviewed by hand: one new table, nothing existing changes. actor_id is NULL for exports
from the command line. Downgrade drops the table (and with it the log).

Revision ID: 1db88a9f18c5
Revises: c95309c8bbc5
Create Date: 2026-11-24 08:48:30.241765

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "1db88a9f18c5"
down_revision = "c95309c8bbc5"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "export_logs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("filters", sa.Text(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_export_logs_actor_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_logs")),
    )
    with op.batch_alter_table("export_logs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_export_logs_created_at"), ["created_at"], unique=False)


def downgrade():
    with op.batch_alter_table("export_logs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_export_logs_created_at"))

    op.drop_table("export_logs")
