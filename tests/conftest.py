"""Fixtures: the app (SQLite file, or TEST_DATABASE_URL), a rolled-back database per test,
a client, a CLI runner and a login helper (flaskr style)."""

import os
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sqlalchemy import create_engine, orm, text
from sqlalchemy.exc import OperationalError

from tests.factories import APP_SESSION, clean_learner_data, load_courses
from tests.smtp_server import SmtpServer
from vbe_learn import create_app
from vbe_learn.core.config import TestConfig
from vbe_learn.core.extensions import db
from vbe_learn.core.i18n import TRANSLATIONS_DIR
from vbe_learn.learning.services.outline import outline_for

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
REQUIRE_ALL = os.environ.get("VBE_REQUIRE_ALL") == "1"


def skip_or_fail(reason: str) -> None:
    """Skip locally; fail in CI (VBE_REQUIRE_ALL=1), where nothing may be skipped."""
    if REQUIRE_ALL:
        pytest.fail(f"required in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def pytest_sessionstart(session):
    """Compile any messages.po whose messages.mo is missing or older, as `make translations`
    does, so that `pytest` on its own also runs with the current English catalogue."""
    for po_path in TRANSLATIONS_DIR.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgresql` belong to the PostgreSQL run; the SQLite run leaves them out
    (deselected, not skipped: `make test` runs both, and in CI a skip is a failure)."""
    if TEST_DATABASE_URL:
        return
    elsewhere = [item for item in items if "postgresql" in item.keywords]
    if elsewhere:
        config.hook.pytest_deselected(items=elsewhere)
        items[:] = [item for item in items if "postgresql" not in item.keywords]


def _database_url(tmp_dir: Path) -> str:
    if not TEST_DATABASE_URL:
        return f"sqlite:///{tmp_dir / 'test.db'}"
    probe = create_engine(TEST_DATABASE_URL)
    try:
        with probe.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError:
        skip_or_fail(f"PostgreSQL is not reachable at {TEST_DATABASE_URL}")
    finally:
        probe.dispose()
    return TEST_DATABASE_URL


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """The app on a fresh schema, with the real courses/ loaded (committed once)."""
    url = _database_url(tmp_path_factory.mktemp("db"))
    app = create_app(type("Config", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_courses()
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        if db.engine.dialect.name != "sqlite":  # the SQLite file goes with its temp dir
            db.drop_all()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def database(request, app):
    """Each test runs inside a transaction that is rolled back at the end.

    Requests commit as usual (to a savepoint). Tests marked `live` get real commits
    instead (for concurrency and browser tests) and their rows are deleted afterwards.
    """
    if "live" in request.keywords:
        yield
        with app.app_context():
            clean_learner_data()
        outline_for.cache_clear()
        return
    with app.app_context():
        connection = db.engine.connect()
    transaction = connection.begin()
    original = db.session
    # A plain SQLAlchemy session bound to the test's connection (no app context needed).
    factory = orm.sessionmaker(
        bind=connection,
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
    )
    db.session = orm.scoped_session(factory, scopefunc=lambda: "test")
    try:
        yield
    finally:
        db.session.remove()
        db.session = original
        transaction.rollback()
        connection.close()
        outline_for.cache_clear()


@pytest.fixture
def app_session(monkeypatch):
    """Flask-SQLAlchemy's own session instead of the test-bound one (for code that opens
    its own databases or server processes)."""
    monkeypatch.setattr(db, "session", APP_SESSION)
    return APP_SESSION


@pytest.fixture
def client(app):
    """A test client (cookies kept between requests)."""
    return app.test_client()


@pytest.fixture
def smtp(app):
    """A real SMTP server on 127.0.0.1 (a free port); the app sends to it."""
    saved = {key: app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT")}
    with SmtpServer() as server:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
        yield server.recorder
    app.config.update(saved)


@pytest.fixture
def runner(app):
    """A CLI runner for `flask …` commands."""
    return app.test_cli_runner()


class AuthActions:
    """Log in and out through the real forms."""

    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = "ratt-losenord-123", csrf_token: str = ""):
        """Log in (with the form's CSRF token, when CSRF is checked); return the response."""
        data = {"email": email, "password": password}
        if csrf_token:
            data["csrf_token"] = csrf_token
        return self._client.post("/logga-in", data=data)

    def logout(self):
        """Log out; return the response."""
        return self._client.post("/logga-ut")


@pytest.fixture
def auth(client):
    """Login helper bound to the test client."""
    return AuthActions(client)
