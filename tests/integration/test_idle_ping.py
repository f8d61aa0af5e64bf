"""PostgreSQL: a pooled connection is pinged only after sitting idle, and a dead idle one is
replaced without the request noticing (idle_ping.py)."""

import pytest
from sqlalchemy import create_engine, text

from vbe_learn import idle_ping
from vbe_learn.extensions import db
from vbe_learn.idle_ping import ping_after_idle

from ..conftest import TEST_DATABASE_URL

pytestmark = pytest.mark.postgresql


@pytest.fixture
def engine():
    """An engine of its own on the test database (one pooled connection), pinged after idle."""
    engine = create_engine(TEST_DATABASE_URL, pool_size=1, max_overflow=0)
    ping_after_idle(engine)
    yield engine
    engine.dispose()


def backend_pid(engine) -> int:
    """The server process behind the engine's (one) connection."""
    with engine.connect() as connection:
        return connection.scalar(text("SELECT pg_backend_pid()"))


def later(monkeypatch, seconds: float) -> None:
    """Let `seconds` pass for the idle clock."""
    now = idle_ping.time.monotonic()
    monkeypatch.setattr(idle_ping.time, "monotonic", lambda: now + seconds)


def counted_pings(engine, monkeypatch) -> list:
    """The connections the engine's dialect pings from now on."""
    pings, real_ping = [], engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda c: pings.append(c) or real_ping(c))
    return pings


def test_a_connection_just_handed_back_is_used_without_a_ping(engine, monkeypatch):
    first = backend_pid(engine)
    pings = counted_pings(engine, monkeypatch)
    later(monkeypatch, idle_ping.PING_AFTER_IDLE_SECONDS - 0.5)
    assert backend_pid(engine) == first
    assert pings == []


def test_an_idle_connection_is_pinged_first(engine, monkeypatch):
    first = backend_pid(engine)
    pings = counted_pings(engine, monkeypatch)
    later(monkeypatch, idle_ping.PING_AFTER_IDLE_SECONDS + 1)
    assert backend_pid(engine) == first  # alive: kept
    assert len(pings) == 1


def test_an_idle_connection_that_died_is_replaced_before_use(engine, monkeypatch):
    first = backend_pid(engine)
    killer = create_engine(TEST_DATABASE_URL)
    with killer.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
    killer.dispose()
    later(monkeypatch, idle_ping.PING_AFTER_IDLE_SECONDS + 1)
    second = backend_pid(engine)  # no error: the ping found it dead, a new one was made
    assert second != first


def test_the_app_pings_after_idle_instead_of_on_every_checkout(app):
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is False
    with app.app_context():
        pool = db.engine.pool
    assert any(
        getattr(listener, "__name__", "") == "ping_if_idle" for listener in pool.dispatch.checkout
    )
