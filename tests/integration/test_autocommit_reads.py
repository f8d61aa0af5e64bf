"""PostgreSQL: a GET reads in autocommit mode (no BEGIN, no ROLLBACK) on a connection the
process keeps (kept_reads.py); a POST still runs in a transaction that the request commits
once, on a connection from the pool."""

import pytest
from sqlalchemy import event, text

from tests.factories import PASSWORD, make_user
from vbe_learn import kept_reads
from vbe_learn.extensions import db
from vbe_learn.kept_reads import (
    KEPT_CONNECTIONS,
    KeptConnections,
    close_kept_connections,
    kept_connections,
)

PAGE = "/kurs/grundutbildning/1/1"
pytestmark = [pytest.mark.postgresql, pytest.mark.live]


@pytest.fixture
def reading_app(app, monkeypatch):
    """The app with AUTOCOMMIT_READS on (as in production); kept connections closed after."""
    monkeypatch.setitem(app.config, "AUTOCOMMIT_READS", True)
    yield app
    close_kept_connections(app)


@pytest.fixture
def learner(reading_app):
    """A signed-in learner's test client."""
    with reading_app.app_context():
        email = make_user().email
    client = reading_app.test_client()
    client.post("/logga-in", data={"email": email, "password": PASSWORD})
    return client


@pytest.fixture
def statements(reading_app):
    """Every statement the app runs through SQLAlchemy (not DirectReads): (first word,
    autocommit?, server process id)."""
    with reading_app.app_context():
        engine = db.engine
    seen = []

    def record(connection, _cursor, statement, *_args):
        # psycopg sends BEGIN itself before the first statement unless it is in autocommit
        dbapi_connection = connection.connection.dbapi_connection
        seen.append(
            (
                statement.split()[0].upper(),
                dbapi_connection.autocommit,
                dbapi_connection.info.backend_pid,
            )
        )

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def _server_processes(seen) -> set[int]:
    return {pid for _, _, pid in seen}


def test_a_get_opens_no_transaction_and_a_post_one(reading_app, learner, statements):
    page = learner.get(PAGE)
    reads = [(word, autocommit) for word, autocommit, _ in statements]
    statements.clear()
    marked = learner.post(PAGE + "/last")
    writes = [(word, autocommit) for word, autocommit, _ in statements]
    assert page.status_code == 200 and "Sida 1 av" in page.get_data(as_text=True)
    assert reads and set(reads) == {("SELECT", True)}  # no BEGIN, no ROLLBACK
    assert marked.status_code == 302
    assert ("INSERT", False) in writes and all(not autocommit for _, autocommit in writes)
    with reading_app.app_context():
        from vbe_learn.models import PageRead

        assert db.session.query(PageRead).count() == 1


def test_gets_read_on_one_kept_connection_and_posts_on_the_pool(reading_app, learner, statements):
    learner.get(PAGE)
    first_get = _kept(reading_app)
    statements.clear()
    learner.post(PAGE + "/last")
    post = _server_processes(statements)
    learner.get(PAGE)
    learner.get("/min-utbildning")
    assert len(first_get) == 1 and _kept(reading_app) == first_get
    assert post and post.isdisjoint(first_get)


def test_a_kept_connection_that_died_while_idle_is_replaced(reading_app, learner, monkeypatch):
    learner.get(PAGE)
    (dead,) = _kept(reading_app)
    _terminate(reading_app, dead)
    monkeypatch.setattr(kept_reads, "PING_AFTER_IDLE_SECONDS", 0.0)  # idle long enough
    page = learner.get(PAGE)
    assert page.status_code == 200 and "Sida 1 av" in page.get_data(as_text=True)
    assert len(_kept(reading_app)) == 1 and dead not in _kept(reading_app)


def test_a_connection_lost_during_a_request_is_not_kept(reading_app, learner):
    learner.get(PAGE)
    (dead,) = _kept(reading_app)
    _terminate(reading_app, dead)  # not idle long enough to be pinged: the page finds out
    failed = learner.get(PAGE)
    assert failed.status_code == 500 and "Något gick fel" in failed.get_data(as_text=True)
    assert _kept(reading_app) == set()
    page = learner.get(PAGE)
    assert page.status_code == 200 and len(_kept(reading_app)) == 1


def test_at_most_so_many_connections_are_kept(reading_app):
    with reading_app.app_context():
        kept = KeptConnections(db.engine)
        taken = [kept.take() for _ in range(KEPT_CONNECTIONS + 2)]
        for connection in taken:
            kept.keep(connection)
        again = [kept.take() for _ in range(KEPT_CONNECTIONS)]
        assert len(kept.idle) == 0
        assert {id(c) for c in again} == {id(c) for c in taken[:KEPT_CONNECTIONS]}
        assert all(c.closed for c in taken[KEPT_CONNECTIONS:])
        assert all(_in_autocommit(c) for c in again)
        for connection in again:
            connection.close()


def test_a_forked_child_opens_its_own_connection(reading_app, monkeypatch):
    with reading_app.app_context():
        kept = KeptConnections(db.engine)
        parents = kept.take()
        kept.keep(parents)
        child_pid = kept.pid + 1
        monkeypatch.setattr(kept_reads.os, "getpid", lambda: child_pid)
        childs = kept.take()
        kept.keep(childs)
        assert childs is not parents and not parents.closed  # the parent's is left alone
        assert kept.idle == [(childs, kept.idle[0][1])]
        for connection in (parents, childs):
            connection.close()


def _kept(app) -> set[int]:
    """The server process ids of the app's kept connections."""
    idle = kept_connections(app).idle
    return {connection.connection.dbapi_connection.info.backend_pid for connection, _ in idle}


def _in_autocommit(connection) -> bool:
    return connection.connection.dbapi_connection.autocommit


def _terminate(app, backend_pid: int) -> None:
    with app.app_context(), db.engine.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend_pid})
        connection.commit()
