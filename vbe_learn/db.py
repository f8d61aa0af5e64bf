"""Database behaviour shared by every request and command.

* SQLite: WAL, foreign keys and a busy timeout on every connection. Writers queue on a
  file lock (write_turns.py) that hands the turn on at once rather than in SQLite's busy
  sleeps, then BEGIN IMMEDIATE, so that they never fail with "database is locked" half-way
  through. A POST request reads first without the lock (a deferred BEGIN); at its first
  statement that is not a SELECT the read snapshot is ended and the write transaction
  starts (`_write_from_here`). The lock is thus held for the writes only, not for the
  whole request, and later statements see the latest commits, as on PostgreSQL (READ
  COMMITTED): code that must not act on a stale read re-checks in its write (conditional
  UPDATE, unique keys), which it must do for PostgreSQL anyway.
* A long read inside a writing request (a 50,000-row XLSX) runs in `read_apart()`: a read
  transaction of its own, so that SQLite's write lock is not held while it runs.
* A process that only reads (an export's child, exports/low_priority.py) says so with
  `read_only_process()`: its transactions are plain BEGIN, request or not.
* One commit per request, here and nowhere else: services only flush. A streamed body
  that must write when it ends (the row count of a CSV export) does so through
  `stream_then_commit`: a short transaction of its own after the request's commit.
"""

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from flask import Flask, Response, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

from .extensions import db
from .idle_ping import ping_after_idle
from .kept_reads import keep_read_connections, kept_connections
from .write_turns import close_turn_file, end_write_turn, open_turn_file, take_write_turn

SQLITE_BUSY_TIMEOUT_MS = 15_000
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
READS_FIRST = "sqlite_reads_first"  # connection.info: a deferred BEGIN, no write yet
_process_only_reads = False


@event.listens_for(Engine, "connect")
def _configure_sqlite_connection(dbapi_connection, record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy's "begin" event below emit BEGIN itself (pysqlite would defer it).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    database = next(row[2] for row in cursor.execute("PRAGMA database_list") if row[1] == "main")
    cursor.close()
    open_turn_file(record.info, database)


@event.listens_for(Pool, "checkin")
def _end_write_turn(_dbapi_connection, record) -> None:
    if record is not None:
        record.info.pop(READS_FIRST, None)
        end_write_turn(record.info)


@event.listens_for(Pool, "close")
def _close_turn_file(_dbapi_connection, record) -> None:
    close_turn_file(record.info)


@event.listens_for(Engine, "begin")
def _begin_sqlite_transaction(connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    # Straight to the driver: this runs on every request, and a statement through
    # SQLAlchemy's execution machinery costs several times more than BEGIN itself.
    dbapi_connection = connection.connection.dbapi_connection
    if _process_only_reads or _is_read_only_request():
        dbapi_connection.execute("BEGIN")
        return
    if has_request_context():
        dbapi_connection.execute("BEGIN")  # reads first; the lock comes with the first write
        connection.info[READS_FIRST] = True
        return
    take_write_turn(connection, SQLITE_BUSY_TIMEOUT_MS / 1000)
    dbapi_connection.execute("BEGIN IMMEDIATE")


@event.listens_for(Engine, "before_cursor_execute")
def _write_from_here(connection, _cursor, statement: str, *_args) -> None:
    """At a writing request's first statement that is not a SELECT (an INSERT, UPDATE,
    DELETE or SAVEPOINT): end the read snapshot, wait for the turn, BEGIN IMMEDIATE."""
    if not connection.info.get(READS_FIRST) or statement.lstrip()[:6].upper() == "SELECT":
        return
    connection.info[READS_FIRST] = False
    dbapi_connection = connection.connection.dbapi_connection
    dbapi_connection.execute("COMMIT")  # it only read: nothing to keep
    take_write_turn(connection, SQLITE_BUSY_TIMEOUT_MS / 1000)
    dbapi_connection.execute("BEGIN IMMEDIATE")


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _end_of_transaction(connection) -> None:
    if connection.invalidated:  # lost: its info went with it (and asking would reconnect)
        return
    connection.info.pop(READS_FIRST, None)


def _is_read_only_request() -> bool:
    """GET requests never change state, so their transactions need no write lock; nor does
    anything after a request's one commit (e.g. the query behind a streamed download)."""
    if not has_request_context():
        return False
    if g.get("_reading_apart", False):
        return True
    return request.method in READ_ONLY_METHODS or g.get("_request_committed", False)


def read_only_process() -> None:
    """From now on this process only reads (an export's child): SQLite transactions start
    with a plain BEGIN and never wait for, or take, the write lock."""
    global _process_only_reads  # noqa: PLW0603 - one flag for the rest of the process
    _process_only_reads = True


def tune_engine_options(app: Flask) -> None:
    """Per database: PostgreSQL without JIT (its row estimates for recursive team queries
    are far too high, and compiling the plan cost more than running it: 41 of 97 ms for a
    chef's team) and with a ping only for connections that sat idle (idle_ping.py, set up
    in init_app); SQLite without the pool's pre-ping (a file has no connection to lose, and
    the ping is a query on every request)."""
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
    if _is_postgresql(app):
        options["connect_args"] = {"options": "-c jit=off", **options.get("connect_args", {})}
        options["pool_pre_ping"] = False  # ping_after_idle instead
    elif app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        options["pool_pre_ping"] = False
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _is_postgresql(app: Flask) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")


def init_app(app: Flask) -> None:
    """Commit once after a successful request; roll back otherwise. A GET never changes
    state, so it has nothing to commit: its read transaction just ends at teardown.

    On PostgreSQL a GET reads in autocommit mode (AUTOCOMMIT_READS): no BEGIN and no
    ROLLBACK round trips, each query seeing the latest committed data; measured on the
    module page, 598 → 759 pages/s under gunicorn. It reads on a connection the process
    keeps in that mode (kept_reads.py)."""
    if _is_postgresql(app):
        with app.app_context():
            for engine in db.engines.values():
                ping_after_idle(engine)
            keep_read_connections(app, db.engine)

    @app.before_request
    def read_without_transaction() -> None:
        if _reads_in_autocommit(app):
            db.session().read_on_kept_connection(kept_connections(app))

    @app.after_request
    def commit_request(response: Response) -> Response:
        if request.method in READ_ONLY_METHODS:
            g._request_committed = True  # later queries (a streamed download) only read
        elif response.status_code < 400:
            db.session.commit()
            g._request_committed = True
        else:
            db.session.rollback()
        return response

    @app.teardown_request
    def rollback_on_error(error: BaseException | None) -> None:
        if error is not None:
            db.session.rollback()


def _reads_in_autocommit(app: Flask) -> bool:
    return (
        app.config["AUTOCOMMIT_READS"]
        and request.method in READ_ONLY_METHODS
        and request.endpoint not in (None, "static")
        and _is_postgresql(app)
    )


def stream_then_commit(chunks: Iterable[bytes], finish: Callable[[], None]) -> Iterator[bytes]:
    """Yield a streamed body; after its last chunk (or when the client goes away) run
    `finish`, which flushes a change, in a short write transaction committed here.

    The request's own changes were committed before the body streams (after_request); the
    stream reads in a transaction of its own, which is ended first, so the write starts a
    fresh transaction (BEGIN IMMEDIATE on SQLite) instead of upgrading a read snapshot.
    """
    try:
        yield from chunks
    finally:
        db.session.rollback()  # end the stream's read transaction (it changed nothing)
        g._request_committed = False  # the next transaction writes
        try:
            finish()
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        finally:
            g._request_committed = True


@contextmanager
def read_apart() -> Iterator[None]:
    """Within a request: run a long read in a read transaction of its own (SQLite: BEGIN, not
    BEGIN IMMEDIATE, so other requests' writes need not wait), ended when done. What the
    request does afterwards starts a fresh transaction. Outside a request: nothing changes.

    The request must not have changed anything before (its transaction is ended)."""
    if not has_request_context():
        yield
        return
    if db.session.new or db.session.dirty or db.session.deleted:
        raise RuntimeError("read_apart() after unsaved changes")
    db.session.rollback()  # the request's transaction so far only read
    g._reading_apart = True
    try:
        yield
    finally:
        db.session.rollback()
        g._reading_apart = False
