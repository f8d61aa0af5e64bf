"""Migrations build exactly the models' schema and downgrade cleanly, on both databases;
every step up and down keeps the data in place (completions above all)."""

import os
from datetime import date, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url

from tests.factories import course, load_courses, make_enrollment, make_unit, make_user
from vbe_learn import create_app
from vbe_learn.core.config import TestConfig
from vbe_learn.core.extensions import db
from vbe_learn.models import Attempt, AttemptAnswer
from vbe_learn.models.types import utcnow

FIRST_TRY_REVISION = "c137f8c343e5"


@pytest.fixture
def empty_database_url(tmp_path):
    """A URL of an empty database of the kind under test (SQLite file or PostgreSQL).

    On PostgreSQL it is a database of its own, named after the test database, so that
    runs against different test databases never drop each other's.
    """
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url:
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    name = f"{make_url(url).database}_migrations"
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    yield make_url(url).set(database=name).render_as_string(hide_password=False)
    with server.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    server.dispose()


@pytest.fixture
def migrations_app(empty_database_url):
    """An app on the empty database, inside its app context."""
    app = create_app(type("Config", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": empty_database_url}))
    with app.app_context():
        yield app
        db.engine.dispose()


def test_upgrade_matches_models_and_downgrade_removes_everything(migrations_app):
    upgrade()
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert "completions" in inspect(db.engine).get_table_names()


# Migrations with data ---------------------------------------------------------------------

STARTED = datetime(2024, 3, 1, 9, 30)
DONE = datetime(2024, 3, 1, 10, 15)
# Representative rows, parents first; columns a revision does not have yet are left out.
ROWS = {
    "administrations": [{"id": 1, "name": "Skarpnäcks stadsdelsförvaltning"}],
    "departments": [{"id": 1, "administration_id": 1, "name": "Äldreomsorg"}],
    "units": [{"id": 1, "department_id": 1, "name": "Hemtjänst Syd"}],
    "users": [
        {
            "id": 1, "employee_number": "1001", "email": "chef@example.stockholm.se",
            "first_name": "Åsa", "last_name": "Öberg", "unit_id": 1, "manager_id": None,
            "password_hash": None, "session_token": "token-1", "active": True,
        },
        {
            "id": 2, "employee_number": "1002", "email": "ma@example.stockholm.se",
            "first_name": "Mats", "last_name": "Ek", "unit_id": 1, "manager_id": 1,
            "password_hash": None, "session_token": "token-2", "active": True,
        },
        {
            "id": 3, "employee_number": "1003", "email": "slutat@example.stockholm.se",
            "first_name": "Sara", "last_name": "Lind", "unit_id": 1, "manager_id": 1,
            "password_hash": None, "session_token": "token-3", "active": False,
        },
    ],
    "role_assignments": [{"id": 1, "user_id": 1, "role": "samordnare", "administration_id": 1}],
    "courses": [{"id": 1, "slug": "grundutbildning", "current_version_id": None}],
    "course_versions": [
        {
            "id": 1, "course_id": 1, "content_hash": "a" * 64, "title": "Grundutbildning",
            "description": "", "pass_mark": 80, "questions_per_check": 1, "validity_years": 3,
            "created_at": STARTED,
        }
    ],
    "modules": [
        {
            "id": 1, "version_id": 1, "position": 1, "slug": "begrepp", "title": "Begrepp",
            "summary": "", "estimated_minutes": 10,
        }
    ],
    "pages": [
        {
            "id": 1, "module_id": 1, "position": 1, "slug": "inledning", "title": "Inledning",
            "html": "<p>Text</p>", "source_note": "", "word_count": 1,
        }
    ],
    "questions": [
        {
            "id": 1, "module_id": 1, "position": 1, "key": "q1", "kind": "single",
            "prompt": "Vad?", "scenario": "",
        }
    ],
    "options": [
        {"id": 1, "question_id": 1, "position": 1, "text": "Rätt", "is_correct": True,
         "feedback": "Ja."},
        {"id": 2, "question_id": 1, "position": 2, "text": "Fel", "is_correct": False,
         "feedback": "Nej."},
    ],
    "enrollments": [
        {"id": 1, "user_id": 2, "course_id": 1, "course_version_id": 1, "cycle": 1,
         "started_at": STARTED},
    ],
    "page_reads": [{"id": 1, "enrollment_id": 1, "page_id": 1, "read_at": STARTED}],
    "attempts": [
        {
            "id": 1, "enrollment_id": 1, "user_id": 2, "module_id": 1, "number": 1,
            "questions_shown": [{"question_id": 1, "option_ids": [2, 1]}],
            "started_at": STARTED, "submitted_at": DONE, "score_percent": 100, "passed": True,
        }
    ],
    "attempt_answers": [
        {"id": 1, "attempt_id": 1, "question_id": 1, "position": 1, "is_correct": True}
    ],
    "answer_choices": [{"id": 1, "answer_id": 1, "option_id": 1}],
    "completions": [
        {
            "id": 1, "user_id": 2, "course_id": 1, "course_version_id": 1, "enrollment_id": 1,
            "completed_on": date(2024, 3, 1), "completed_at": DONE, "score_percent": 100,
            "source": "earned", "certificate_code": "VBE-AAAA-1111",
        },
        {
            "id": 2, "user_id": 3, "course_id": 1, "course_version_id": None,
            "enrollment_id": None, "completed_on": date(2019, 5, 2), "completed_at": DONE,
            "score_percent": None, "source": "imported", "certificate_code": "VBE-BBBB-2222",
        },
    ],
}  # fmt: skip


def revisions_in_order() -> list[str]:
    """Every revision from the first to the head."""
    config = current_app.extensions["migrate"].migrate.get_config()
    script = ScriptDirectory.from_config(config)
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


def reflected() -> MetaData:
    """The tables as they are in the database right now."""
    metadata = MetaData()
    metadata.reflect(bind=db.engine)
    return metadata


def insert_representative_rows() -> None:
    """Insert ROWS into the tables of the current revision (only the columns it has)."""
    tables = reflected().tables
    with db.engine.begin() as connection:
        for name, rows in ROWS.items():
            columns = set(tables[name].columns.keys())
            connection.execute(
                tables[name].insert(), [{k: v for k, v in r.items() if k in columns} for r in rows]
            )
        connection.execute(tables["courses"].update().values(current_version_id=1))


def contents() -> dict:
    """Every inserted table's rows (the columns ROWS gave) and counts, as they are now."""
    tables = reflected().tables
    found: dict = {}
    with db.engine.connect() as connection:
        for name, rows in ROWS.items():
            if name not in tables:
                continue
            table = tables[name]
            keys = [k for k in rows[0] if k in table.columns and k != "questions_shown"]
            found[name] = [
                tuple(row)
                for row in connection.execute(
                    select(*(table.c[k] for k in keys)).order_by(table.c.id)
                )
            ]
            found[f"{name}#"] = connection.scalar(select(func.count()).select_from(table))
    return found


def upgrade_until_the_table_exists(table: str, revisions: list[str]) -> int:
    """Upgrade one revision at a time until the table exists; return that revision's index."""
    for index, revision in enumerate(revisions):
        upgrade(revision=revision)
        if table in inspect(db.engine).get_table_names():
            return index
    raise AssertionError(f"no revision creates {table}")


def test_every_step_up_and_down_keeps_the_data(migrations_app):
    revisions = revisions_in_order()
    first = upgrade_until_the_table_exists("completions", revisions)
    insert_representative_rows()
    original = contents()
    assert len(original["completions"]) == 2 and original["users#"] == 3

    def assert_kept(step: str) -> None:
        now = contents()
        assert now["completions"] == original["completions"], step
        for name, rows in now.items():
            assert rows == original[name], f"{name} changed by {step}"

    for revision in revisions[first + 1 :]:
        upgrade(revision=revision)
        assert_kept(f"upgrade to {revision}")
    for upper in range(len(revisions) - 1, first, -1):
        step = f"{revisions[upper]} -> {revisions[upper - 1]}"
        downgrade(revision=revisions[upper - 1])
        assert_kept(f"downgrade {step}")
        upgrade(revision=revisions[upper])
        assert_kept(f"upgrade again after {step}")
        downgrade(revision=revisions[upper - 1])
    assert_kept(f"downgrade to {revisions[first]}")
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}


def _app(url: str):
    return create_app(type("Config", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url}))


@pytest.mark.live  # the app's own session, on the database under migration
def test_first_try_is_backfilled_from_each_first_attempt(empty_database_url):
    with _app(empty_database_url).app_context():
        upgrade()
        load_courses()
        learner = make_user(unit=make_unit())
        version = course().current_version
        module = version.modules[0]
        enrollment = make_enrollment(learner)
        for number in (1, 2, 3):
            attempt = Attempt(
                enrollment_id=enrollment.id, user_id=learner.id, module_id=module.id,
                number=number, questions_shown=[], submitted_at=utcnow(),
            )  # fmt: skip
            attempt.answers = [
                AttemptAnswer(question_id=q.id, position=i, is_correct=False, first_try=False)
                for i, q in enumerate(module.questions[:2])
            ]
            db.session.add(attempt)
        db.session.commit()
        downgrade(revision=f"{FIRST_TRY_REVISION}-1")
        upgrade()
        flags = db.session.execute(
            text(
                "SELECT attempts.number, attempt_answers.first_try FROM attempt_answers"
                " JOIN attempts ON attempts.id = attempt_answers.attempt_id"
                " ORDER BY attempts.number, attempt_answers.id"
            )
        ).all()
        assert [(number, bool(flag)) for number, flag in flags] == [
            (1, True), (1, True), (2, False), (2, False), (3, False), (3, False)
        ]  # fmt: skip
        db.session.remove()
        db.engine.dispose()
