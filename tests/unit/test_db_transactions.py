"""The transaction rule (db.py): a request that changes state commits once, after a
successful response; a GET, a refused request and an error change nothing; on SQLite a
writer holds the write lock from its first statement and a reader never takes it."""

import itertools
import sqlite3
import threading

import pytest
from sqlalchemy import delete, select

from vbe_learn.core.db import after_request_commit, read_snapshot
from vbe_learn.core.extensions import db
from vbe_learn.models import Administration

NAME = "Förvaltning skriven av ett test"
WRITES = itertools.count()


def _writes_an_administration(status: int = 200):
    def view():
        db.session.add(Administration(name=NAME))
        db.session.flush()
        return "ok", status

    return view


def _stored() -> bool:
    return db.session.scalar(select(Administration).where(Administration.name == NAME)) is not None


@pytest.fixture
def cleanup(app):
    yield
    with app.app_context():
        db.session.execute(delete(Administration).where(Administration.name.startswith(NAME)))
        db.session.commit()


@pytest.mark.live
@pytest.mark.parametrize(
    ("method", "status", "kept"),
    [("GET", 200, False), ("POST", 200, True), ("POST", 302, True), ("POST", 400, False)],
)
def test_only_a_successful_request_that_changes_state_commits(
    app, monkeypatch, cleanup, method, status, kept
):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == "auth.forgot_password")
    monkeypatch.setitem(app.view_functions, rule.endpoint, _writes_an_administration(status))
    response = app.test_client().open(rule.rule, method=method)
    assert response.status_code == status
    with app.app_context():
        assert _stored() is kept


@pytest.mark.live
def test_an_error_in_a_view_rolls_its_changes_back(app, monkeypatch, cleanup):
    def view():
        db.session.add(Administration(name=NAME))
        db.session.flush()
        raise RuntimeError("the view fails after writing")

    monkeypatch.setitem(app.view_functions, "auth.forgot_password", view)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    assert app.test_client().post("/glomt-losenord").status_code == 500
    with app.app_context():
        assert not _stored()


@pytest.mark.live
@pytest.mark.parametrize(("status", "called"), [(200, True), (302, True), (400, False)])
def test_what_waits_for_the_commit_runs_after_it_and_only_then(
    app, monkeypatch, cleanup, status, called
):
    """after_request_commit (a job queued after the request's commit): it sees the row the
    request wrote, committed; nothing runs when the request is rolled back."""
    seen = []

    def view():
        db.session.add(Administration(name=NAME))
        db.session.flush()
        after_request_commit(lambda: seen.append(_committed_elsewhere(app)))
        return "ok", status

    monkeypatch.setitem(app.view_functions, "auth.forgot_password", view)
    assert app.test_client().post("/glomt-losenord").status_code == status
    assert seen == ([True] if called else [])


def _committed_elsewhere(app) -> bool:
    with app.app_context(), db.engine.connect() as connection:
        found = connection.execute(select(Administration.id).where(Administration.name == NAME))
        return found.first() is not None


def test_after_request_commit_is_for_requests(app):
    with app.app_context(), pytest.raises(RuntimeError):
        after_request_commit(lambda: None)


def _another_writer_commits(app) -> bool:
    """Whether another connection can write and commit within half a second."""
    done = threading.Event()
    name = f"{NAME} {next(WRITES)}"

    def write():
        with app.app_context():
            if db.engine.dialect.name == "sqlite":
                raw = sqlite3.connect(db.engine.url.database, timeout=0.5, isolation_level=None)
                try:
                    raw.execute("BEGIN IMMEDIATE")
                    raw.execute("INSERT INTO administrations (name) VALUES (?)", (name,))
                    raw.execute("COMMIT")
                    done.set()
                except sqlite3.OperationalError:  # "database is locked"
                    pass
                finally:
                    raw.close()
                return
            with db.engine.begin() as connection:
                connection.execute(Administration.__table__.insert().values(name=name))
            done.set()

    thread = threading.Thread(target=write)
    thread.start()
    thread.join(timeout=5)
    return done.is_set()


@pytest.mark.live
def test_a_post_holds_sqlites_write_lock_and_a_get_does_not(app, cleanup):
    with app.test_request_context("/", method="GET"):
        db.session.scalar(select(Administration.id).limit(1))
        assert _another_writer_commits(app)
        db.session.rollback()
    with app.test_request_context("/", method="POST"):
        db.session.scalar(select(Administration.id).limit(1))
        # SQLite: BEGIN IMMEDIATE at the first statement; PostgreSQL locks rows only.
        assert _another_writer_commits(app) is (db.engine.dialect.name != "sqlite")
        db.session.rollback()


@pytest.mark.live
def test_a_read_snapshot_sees_one_moment_and_blocks_no_writer(app, cleanup):
    with app.app_context():
        with read_snapshot() as connection:
            names = select(Administration.id).where(Administration.name.startswith(NAME))
            assert connection.execute(names).first() is None
            assert _another_writer_commits(app)
            assert connection.execute(names).first() is None  # still the same moment
        assert db.session.execute(names).first() is not None


@pytest.mark.live
def test_a_read_snapshot_refuses_to_write(app):
    with app.app_context(), read_snapshot() as connection:
        insert = Administration.__table__.insert().values(name=NAME)
        if db.engine.dialect.name == "sqlite":
            # BEGIN (deferred) takes no lock; a write would upgrade it, which we never do.
            assert connection.get_execution_options()["read_only"] is True
        else:
            with pytest.raises(Exception, match="read-only"):
                connection.execute(insert)


def test_sqlite_connections_are_configured(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return  # (SQLite's settings)
        with db.engine.connect().execution_options(read_only=True) as connection:
            raw = connection.connection.dbapi_connection
            assert isinstance(raw, sqlite3.Connection)
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15_000
