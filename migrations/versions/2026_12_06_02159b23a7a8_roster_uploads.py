"""Roster uploads in the database: a previewed roster file waits here for its confirmation.

Reviewed by hand: one new table, nothing existing changes. It replaced the files under
instance/uploads/, which only the app server that showed the preview could see. The token
is unique (its index answers the confirmation's lookup); created_at is indexed for the
DELETE of expired uploads. Downgrade drops the table: uploads waiting for confirmation are
lost and must be uploaded again (they expire after a day anyway).

Revision ID: 02159b23a7a8
Revises: 8c49c3a6b2cc
Create Date: 2026-12-06 22:03:20.394857

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "02159b23a7a8"
down_revision = "8c49c3a6b2cc"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "roster_uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("uploader_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["uploader_id"], ["users.id"], name=op.f("fk_roster_uploads_uploader_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_uploads")),
    )
    with op.batch_alter_table("roster_uploads", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_roster_uploads_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_roster_uploads_token"), ["token"], unique=True)


def downgrade():
    with op.batch_alter_table("roster_uploads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_roster_uploads_token"))
        batch_op.drop_index(batch_op.f("ix_roster_uploads_created_at"))

    op.drop_table("roster_uploads")
