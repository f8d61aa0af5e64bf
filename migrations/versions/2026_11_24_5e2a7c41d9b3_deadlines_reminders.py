"""Deadlines, their change log, reminder messages; course versions can require renewal.

Reviewed by hand: three new tables and one new nullable column
(course_versions.renewal_required_on); nothing existing changes meaning. The unique key
(user_id, kind, period_key) on reminder_messages is what makes sending exactly-once.
Downgrade drops the tables (and with them the send log) and the column.

Revision ID: 5e2a7c41d9b3
Revises: 5b2e9d0c7a41
Create Date: 2026-11-24 10:40:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "5e2a7c41d9b3"
down_revision = "5b2e9d0c7a41"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("course_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("renewal_required_on", sa.Date(), nullable=True))

    op.create_table(
        "deadlines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("administration_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["administration_id"],
            ["administrations.id"],
            name=op.f("fk_deadlines_administration_id_administrations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadlines")),
        sa.UniqueConstraint("administration_id", name=op.f("uq_deadlines_administration_id")),
    )
    op.create_table(
        "deadline_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("administration_id", sa.Integer(), nullable=True),
        sa.Column("old_due_on", sa.Date(), nullable=True),
        sa.Column("new_due_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_deadline_changes_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["administration_id"],
            ["administrations.id"],
            name=op.f("fk_deadline_changes_administration_id_administrations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadline_changes")),
    )
    with op.batch_alter_table("deadline_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_deadline_changes_changed_at"), ["changed_at"], unique=False
        )

    op.create_table(
        "reminder_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("period_key", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("administration_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("planned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["administration_id"],
            ["administrations.id"],
            name=op.f("fk_reminder_messages_administration_id_administrations"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_reminder_messages_requested_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_reminder_messages_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_messages")),
        sa.UniqueConstraint(
            "user_id",
            "kind",
            "period_key",
            name=op.f("uq_reminder_messages_user_id_kind_period_key"),
        ),
    )
    with op.batch_alter_table("reminder_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reminder_messages_administration_id"),
            ["administration_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_reminder_messages_planned_at"), ["planned_at"], unique=False
        )
        batch_op.create_index("ix_reminder_messages_status_id", ["status", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("reminder_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_reminder_messages_status_id")
        batch_op.drop_index(batch_op.f("ix_reminder_messages_planned_at"))
        batch_op.drop_index(batch_op.f("ix_reminder_messages_administration_id"))
    op.drop_table("reminder_messages")

    with op.batch_alter_table("deadline_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deadline_changes_changed_at"))
    op.drop_table("deadline_changes")
    op.drop_table("deadlines")

    with op.batch_alter_table("course_versions", schema=None) as batch_op:
        batch_op.drop_column("renewal_required_on")
