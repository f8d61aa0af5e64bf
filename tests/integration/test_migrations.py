"""Migrations build exactly the models' schema and downgrade cleanly, on both databases."""

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from vbe_learn import create_app
from vbe_learn.config import TestConfig
from vbe_learn.extensions import db

MIGRATIONS_DB = "vbe_learn_migrations_test"


@pytest.fixture
def empty_database_url(tmp_path):
    """A URL of an empty database of the kind under test (SQLite file or PostgreSQL)."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url:
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {MIGRATIONS_DB}"))
        connection.execute(text(f"CREATE DATABASE {MIGRATIONS_DB}"))
    yield make_url(url).set(database=MIGRATIONS_DB).render_as_string(hide_password=False)
    with server.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {MIGRATIONS_DB} WITH (FORCE)"))
    server.dispose()


def test_upgrade_matches_models_and_downgrade_removes_everything(empty_database_url):
    app = create_app(type("Config", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": empty_database_url}))
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert differences == []
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "completions" in inspect(db.engine).get_table_names()
        db.engine.dispose()
