"""PostgreSQL: a pooled connection is pinged before use only after it sat idle a while.

SQLAlchemy's `pool_pre_ping` pings on every checkout: one more round trip per request
(a tenth of a module page's CPU, in the app and in the server). A connection that was
handed back a moment ago is alive; the ones that die unnoticed are those that sat in the
pool (a restarted server, a firewall's idle timeout, a night without requests). So a
connection is pinged when it has been idle for PING_AFTER_IDLE_SECONDS or more; when the
ping fails the pool throws it away and hands out a fresh one (DisconnectionError, as
SQLAlchemy's own pre-ping does). A connection that dies while in steady use fails the
statement that finds out, and SQLAlchemy then replaces the pool's connections.
"""

import time

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError

PING_AFTER_IDLE_SECONDS = 2.0
_IDLE_SINCE = "idle_since"  # connection record info: time.monotonic() of the last checkin


def ping_after_idle(engine: Engine) -> None:
    """Ping the engine's pooled connections on checkout when they have been idle a while."""
    dialect = engine.dialect

    @event.listens_for(engine.pool, "checkin")
    def note_idle_since(_dbapi_connection, record) -> None:
        if record is not None:
            record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine.pool, "checkout")
    def ping_if_idle(dbapi_connection, record, _proxy) -> None:
        idle_since = record.info.get(_IDLE_SINCE)
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return  # new (just connected) or just handed back
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            raise DisconnectionError(f"idle connection is gone: {error}") from error
