"""Export files: deltagarlistor and samlad bild made by a job worker, for *Mina exporter*.

Reviewed by hand: one new table, nothing existing changes. The file's bytes are kept in
the table (shared by every app server and worker, backed up, deleted with one DELETE when
they expire). Indexed for a person's list (requester, newest first), the DELETE of expired
files (expires_at) and the clean-up of stuck ones (status). Downgrade drops the table: the
files not yet downloaded are lost (they can be asked for again).

Revision ID: 2569e7c6e7c3
Revises: 5e1a9c7d2b40
Create Date: 2026-12-06 22:26:28.268617

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "2569e7c6e7c3"
down_revision = "5e1a9c7d2b40"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "export_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("filters", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("row_count", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("export_log_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["export_log_id"],
            ["export_logs.id"],
            name=op.f("fk_export_files_export_log_id_export_logs"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["users.id"], name=op.f("fk_export_files_requested_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_files")),
    )
    with op.batch_alter_table("export_files", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_export_files_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(
            "ix_export_files_requester_created", ["requested_by_id", "created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_export_files_status"), ["status"], unique=False)


def downgrade():
    with op.batch_alter_table("export_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_export_files_status"))
        batch_op.drop_index("ix_export_files_requester_created")
        batch_op.drop_index(batch_op.f("ix_export_files_expires_at"))

    op.drop_table("export_files")
