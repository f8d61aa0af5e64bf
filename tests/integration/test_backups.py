"""`flask backup create|restore`: a backup taken while the app runs restores every
completion; bad files and missing confirmation change nothing."""

import os
import sqlite3
import uuid
from datetime import date

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from tests.conftest import TEST_DATABASE_URL
from vbe_learn import create_app
from vbe_learn.core.config import TestConfig
from vbe_learn.core.extensions import db
from vbe_learn.models import Completion, Course, User


def build(url: str):
    """An app on its own database with one person, one course and two completions."""
    app = create_app(type("Backup", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
    with app.app_context():
        db.drop_all()
        db.create_all()
        course = Course(slug="grundutbildning")
        person = User(email="kopia@test.se", first_name="Kim", last_name="Kopia")
        db.session.add_all([course, person])
        db.session.flush()
        for number, day in enumerate((date(2025, 3, 1), date(2025, 9, 1))):
            db.session.add(
                Completion(
                    user_id=person.id,
                    course_id=course.id,
                    completed_on=day,
                    score_percent=90,
                    certificate_code=f"KOPIA{number}",
                )
            )
        db.session.commit()
    return app


def completions(app) -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(
            select(
                Completion.certificate_code, Completion.completed_on, Completion.score_percent
            ).order_by(Completion.certificate_code)
        ).all()
        db.session.remove()
    return [tuple(row) for row in rows]


def lose_everything(app) -> None:
    with app.app_context():
        db.session.execute(text("DELETE FROM completions"))
        db.session.execute(text("UPDATE users SET first_name = 'Ändrad'"))
        db.session.commit()
        assert db.session.scalar(select(func.count(Completion.id))) == 0
        db.session.remove()


def test_sqlite_backup_and_restore_round_trip(app_session, tmp_path):
    app = build(f"sqlite:///{tmp_path / 'live.db'}")
    before = completions(app)
    assert len(before) == 2
    runner = app.test_cli_runner()
    backup = tmp_path / "kopia.sqlite3"
    # Taken while a connection holds the database open (as a running worker would).
    with app.app_context():
        db.session.execute(select(User.id)).all()
        result = runner.invoke(args=["backup", "create", str(backup)])
        db.session.remove()
    assert result.exit_code == 0, result.output
    assert "Säkerhetskopian är sparad" in result.output
    lose_everything(app)
    refused = runner.invoke(args=["backup", "restore", str(backup)])
    assert refused.exit_code != 0 and "--yes" in refused.output
    assert completions(app) == []
    result = runner.invoke(args=["backup", "restore", str(backup), "--yes"])
    assert result.exit_code == 0, result.output
    assert completions(app) == before
    with app.app_context():
        assert db.session.scalar(select(User.first_name)) == "Kim"
        db.session.remove()
        db.engine.dispose()


def test_backup_never_overwrites_and_restore_refuses_what_is_not_a_backup(app_session, tmp_path):
    app = build(f"sqlite:///{tmp_path / 'live.db'}")
    runner = app.test_cli_runner()
    existing = tmp_path / "finns.sqlite3"
    existing.write_bytes(b"annat")
    result = runner.invoke(args=["backup", "create", str(existing)])
    assert result.exit_code != 0 and "finns redan" in result.output
    assert existing.read_bytes() == b"annat"
    garbage = tmp_path / "skrap.sqlite3"
    garbage.write_bytes(os.urandom(4096))
    other = tmp_path / "annan.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE x (y)").connection.close()
    for bad in (garbage, other, tmp_path / "saknas.sqlite3"):
        result = runner.invoke(args=["backup", "restore", str(bad), "--yes"])
        assert result.exit_code != 0, bad
        assert "Error:" in result.output and "Traceback" not in result.output
        assert len(completions(app)) == 2  # nothing changed
    with app.app_context():
        db.engine.dispose()


@pytest.mark.postgresql
def test_postgresql_backup_and_restore_round_trip(app_session):
    name = f"{make_url(TEST_DATABASE_URL).database}_backup_{uuid.uuid4().hex[:8]}"
    server = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    url = make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    try:
        app = build(url)
        before = completions(app)
        backup = f"/tmp/{name}.dump"
        runner = app.test_cli_runner()
        result = runner.invoke(args=["backup", "create", backup])
        assert result.exit_code == 0, result.output
        lose_everything(app)
        result = runner.invoke(args=["backup", "restore", backup, "--yes"])
        assert result.exit_code == 0, result.output
        assert completions(app) == before
        with app.app_context():
            db.engine.dispose()
        os.remove(backup)
    finally:
        with server.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        server.dispose()
