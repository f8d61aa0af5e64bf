"""Migrations build exactly the models' schema and downgrade cleanly, on both databases."""

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from tests.factories import course, load_courses, make_unit, make_user
from vbe_learn import create_app
from vbe_learn.config import TestConfig
from vbe_learn.extensions import db
from vbe_learn.models import Attempt, AttemptAnswer, Enrollment
from vbe_learn.models.types import utcnow

FIRST_TRY_REVISION = "c137f8c343e5"


@pytest.fixture
def empty_database_url(tmp_path):
    """A URL of an empty database of the kind under test (SQLite file or PostgreSQL)."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url:
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    # Named after the test database, so that runs against different databases never collide.
    name = f"{make_url(url).database}_migrations"
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    yield make_url(url).set(database=name).render_as_string(hide_password=False)
    with server.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    server.dispose()


def _app(url: str):
    return create_app(type("Config", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url}))


def test_upgrade_matches_models_and_downgrade_removes_everything(empty_database_url):
    with _app(empty_database_url).app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert differences == []
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "completions" in inspect(db.engine).get_table_names()
        db.engine.dispose()


@pytest.mark.live  # the app's own session, on the database under migration
def test_first_try_is_backfilled_from_each_first_attempt(empty_database_url):
    with _app(empty_database_url).app_context():
        upgrade()
        load_courses()
        learner = make_user(unit=make_unit())
        version = course().current_version
        module = version.modules[0]
        enrollment = Enrollment(
            user_id=learner.id, course_id=version.course_id, course_version_id=version.id
        )
        db.session.add(enrollment)
        db.session.flush()
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
