"""Course language variants: the text of lättläst svenska and English beside the Swedish.

One table per content table, keyed by (the content row's id, language): course_version_texts
(title, description), module_texts (title, summary, estimated_minutes at that language's
reading speed), page_texts (title, html, source_note, word_count), question_texts (prompt,
scenario) and option_texts (text, feedback). The Swedish stays in the content tables, so a
page, question or option is the same row in every language (progress and answers are
shared). Nothing to backfill: `flask courses sync` loads the variants as a new course
version once their files exist. The downgrade drops the tables (the variants' text is in
courses/ and is loaded again by the next sync).

Revision ID: 4c1e8a2b9d57
Revises: 7b3d2e9f4a61
Create Date: 2026-12-07 10:00:00.000000

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "4c1e8a2b9d57"
down_revision = "7b3d2e9f4a61"
branch_labels = None
depends_on = None

# (table, key column, referred table, text columns)
TEXT_TABLES = [
    (
        "course_version_texts",
        "version_id",
        "course_versions",
        [
            sa.Column("title", sa.String(length=200), nullable=False),
            sa.Column("description", sa.Text(), nullable=False),
        ],
    ),
    (
        "module_texts",
        "module_id",
        "modules",
        [
            sa.Column("title", sa.String(length=200), nullable=False),
            sa.Column("summary", sa.Text(), nullable=False),
            sa.Column("estimated_minutes", sa.Integer(), nullable=False),
        ],
    ),
    (
        "page_texts",
        "page_id",
        "pages",
        [
            sa.Column("title", sa.String(length=200), nullable=False),
            sa.Column("html", sa.Text(), nullable=False),
            sa.Column("source_note", sa.Text(), nullable=False),
            sa.Column("word_count", sa.Integer(), nullable=False),
        ],
    ),
    (
        "question_texts",
        "question_id",
        "questions",
        [
            sa.Column("prompt", sa.Text(), nullable=False),
            sa.Column("scenario", sa.Text(), nullable=False),
        ],
    ),
    (
        "option_texts",
        "option_id",
        "options",
        [
            sa.Column("text", sa.Text(), nullable=False),
            sa.Column("feedback", sa.Text(), nullable=False),
        ],
    ),
]


def upgrade():
    for table, key, referred, columns in TEXT_TABLES:
        op.create_table(
            table,
            sa.Column(key, sa.Integer(), nullable=False),
            sa.Column("language", sa.String(length=20), nullable=False),
            *columns,
            sa.ForeignKeyConstraint(
                [key], [f"{referred}.id"], name=op.f(f"fk_{table}_{key}_{referred}")
            ),
            sa.PrimaryKeyConstraint(key, "language", name=op.f(f"pk_{table}")),
        )


def downgrade():
    for table, _key, _referred, _columns in reversed(TEXT_TABLES):
        op.drop_table(table)
