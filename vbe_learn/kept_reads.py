"""PostgreSQL: GET requests read on connections the process keeps open in autocommit mode.

A GET never changes state, so on PostgreSQL it reads in autocommit mode (AUTOCOMMIT_READS,
db.py): each statement sees the latest committed data, with no BEGIN and no ROLLBACK round
trip. Taking a connection from SQLAlchemy's pool for that and handing it back on every
request (the checkout, the switch to autocommit and back, the reset at checkin) cost more
CPU than the module page's one query does: a module page took 0.78–0.80 ms of the app's CPU
that way and 0.66–0.69 ms on a kept connection (direct WSGI calls, same machine and hour).

So each process keeps a few connections in autocommit mode. A GET request's session is
told to read on one (`RequestSession.read_on_kept_connection`), takes it when it first
needs the database and, when it closes at the end of the request, hands it back to be
kept for the next GET: still checked out of the pool and still in autocommit mode. A GET
writes nothing, so nothing is ever written on a kept connection. POST requests, commands
and the test suite's rolled-back sessions use the pool as before.

Health, as for the pool's connections (idle_ping.py): a kept connection that sat idle for
PING_AFTER_IDLE_SECONDS or more is pinged before it is used again and closed when the ping
fails. One that was lost during the request (SQLAlchemy invalidated it, or replaced it with
a fresh pooled connection after the rollback) is closed, not kept. At most KEPT_CONNECTIONS
are kept per process (a gunicorn sync worker needs one, the threaded development server
more); the others go back to the pool. A forked child (an export, exports/low_priority.py)
never uses its parent's kept connections.
"""

import os
import time

from flask import Flask
from flask_sqlalchemy.session import Session
from sqlalchemy.engine import Connection, Engine

from .idle_ping import PING_AFTER_IDLE_SECONDS

KEPT_CONNECTIONS = 4
_EXTENSION = "kept_read_connections"


class KeptConnections:
    """The connections one process keeps for GET requests, each with when it was last used."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.pid = os.getpid()
        self.idle: list[tuple[Connection, float]] = []

    def take(self) -> Connection:
        """A kept connection that is alive, else a new one from the pool (autocommit)."""
        if self.pid != os.getpid():  # a forked child: the parent's connections stay theirs
            self.pid, self.idle = os.getpid(), []
        while self.idle:
            try:
                connection, idle_since = self.idle.pop()
            except IndexError:  # another thread took the last one
                break
            if _alive(connection, time.monotonic() - idle_since):
                return connection
        return self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")

    def keep(self, connection: Connection) -> None:
        """Keep a connection a request is done with, or close it back into the pool."""
        if _reusable(connection) and len(self.idle) < KEPT_CONNECTIONS:
            self.idle.append((connection, time.monotonic()))
        else:
            connection.close()

    def close_all(self) -> None:
        """Close every kept connection (back into the pool)."""
        while self.idle:
            self.idle.pop()[0].close()


def _reusable(connection: Connection) -> bool:
    if connection.invalidated or connection.in_transaction():
        return False
    return connection.connection.dbapi_connection.autocommit  # False: replaced after a loss


def _alive(connection: Connection, idle_seconds: float) -> bool:
    if idle_seconds < PING_AFTER_IDLE_SECONDS:
        return True
    dialect = connection.dialect
    try:
        dialect.do_ping(connection.connection.dbapi_connection)
    except dialect.loaded_dbapi.Error:
        connection.invalidate()
        connection.close()
        return False
    return True


class RequestSession(Session):
    """Flask-SQLAlchemy's session, which can read on a kept connection (a GET request on
    PostgreSQL): every statement then runs on it, until the session closes."""

    _kept: KeptConnections | None = None
    _read_connection: Connection | None = None

    def read_on_kept_connection(self, kept: KeptConnections) -> None:
        """From here, read on one of `kept` (taken at first use, handed back at close)."""
        self._kept = kept

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        """The kept connection when the session reads on one, else the usual engine."""
        if self._kept is None or bind is not None:
            return super().get_bind(mapper, clause=clause, bind=bind, **kwargs)
        return self._kept_connection()

    def connection_for_reads(self) -> Connection:
        """The connection a plain SELECT can run on (direct_reads.py): the kept one as it
        is, since autocommit mode needs no transaction, else the session's own."""
        if self._kept is None:
            return self.connection()
        return self._kept_connection()

    def _kept_connection(self) -> Connection:
        if self._read_connection is None:
            self._read_connection = self._kept.take()
        return self._read_connection

    def close(self) -> None:
        """Close as usual, then hand the kept connection back."""
        super().close()
        connection, self._read_connection = self._read_connection, None
        if connection is not None:
            self._kept.keep(connection)


def keep_read_connections(app: Flask, engine: Engine) -> None:
    """Keep read connections for this app's engine (PostgreSQL)."""
    app.extensions[_EXTENSION] = KeptConnections(engine)


def kept_connections(app: Flask) -> KeptConnections:
    """The app's kept read connections."""
    return app.extensions[_EXTENSION]


def close_kept_connections(app: Flask) -> None:
    """Close the app's kept connections (tests, and before the database goes away)."""
    kept = app.extensions.get(_EXTENSION)
    if kept is not None:
        kept.close_all()
