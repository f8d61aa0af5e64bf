"""Gruppomgång: group sessions, their participants, and where a completion was earned.

group_sessions (course version, modules, leader, optional förvaltning, status, joining,
position, revealed modules, the join code's secret, state_version) and group_participants
(joined, removed, left, without phone, marked present by). attempts.group_session_id
(indexed: the leader's "N av M har svarat") and completions.group_session_id, both
nullable: every earlier attempt and completion was made alone. modules.discuss_prompts
(module.yaml `discuss:`), '[]' for the versions already loaded. The downgrade drops them
all (a completion stays, without its session).

Revision ID: ba13824ef36a
Revises: 7b3d2e9f4a61
Create Date: 2026-12-07 00:03:48.196872

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "ba13824ef36a"
down_revision = "7b3d2e9f4a61"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "group_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("course_version_id", sa.Integer(), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("administration_id", sa.Integer(), nullable=True),
        sa.Column("module_positions", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("joining_open", sa.Boolean(), nullable=False),
        sa.Column("current_module", sa.Integer(), nullable=False),
        sa.Column("current_step", sa.String(length=10), nullable=False),
        sa.Column("current_page", sa.Integer(), nullable=True),
        sa.Column("revealed_modules", sa.JSON(), nullable=False),
        sa.Column("join_secret", sa.String(length=64), nullable=False),
        sa.Column("state_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["administration_id"],
            ["administrations.id"],
            name=op.f("fk_group_sessions_administration_id_administrations"),
        ),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_group_sessions_course_id_courses")
        ),
        sa.ForeignKeyConstraint(
            ["course_version_id"],
            ["course_versions.id"],
            name=op.f("fk_group_sessions_course_version_id_course_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["leader_id"], ["users.id"], name=op.f("fk_group_sessions_leader_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_sessions")),
    )
    with op.batch_alter_table("group_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_sessions_leader_id"), ["leader_id"], unique=False
        )

    op.create_table(
        "group_participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("has_no_phone", sa.Boolean(), nullable=False),
        sa.Column("marked_present_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_session_id"],
            ["group_sessions.id"],
            name=op.f("fk_group_participants_group_session_id_group_sessions"),
        ),
        sa.ForeignKeyConstraint(
            ["marked_present_by_id"],
            ["users.id"],
            name=op.f("fk_group_participants_marked_present_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_group_participants_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_participants")),
        sa.UniqueConstraint(
            "group_session_id",
            "user_id",
            name=op.f("uq_group_participants_group_session_id_user_id"),
        ),
    )
    with op.batch_alter_table("group_participants", schema=None) as batch_op:
        batch_op.create_index("ix_group_participants_user_id", ["user_id"], unique=False)

    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("group_session_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_attempts_group_session_id"), ["group_session_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_attempts_group_session_id_group_sessions"),
            "group_sessions",
            ["group_session_id"],
            ["id"],
        )

    with op.batch_alter_table("completions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("group_session_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_completions_group_session_id_group_sessions"),
            "group_sessions",
            ["group_session_id"],
            ["id"],
        )

    with op.batch_alter_table("modules", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("discuss_prompts", sa.JSON(), server_default=sa.text("'[]'"), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("modules", schema=None) as batch_op:
        batch_op.drop_column("discuss_prompts")

    with op.batch_alter_table("completions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_completions_group_session_id_group_sessions"), type_="foreignkey"
        )
        batch_op.drop_column("group_session_id")

    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_attempts_group_session_id_group_sessions"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_attempts_group_session_id"))
        batch_op.drop_column("group_session_id")

    with op.batch_alter_table("group_participants", schema=None) as batch_op:
        batch_op.drop_index("ix_group_participants_user_id")

    op.drop_table("group_participants")
    with op.batch_alter_table("group_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_sessions_leader_id"))

    op.drop_table("group_sessions")
