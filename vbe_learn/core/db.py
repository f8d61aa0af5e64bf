"""The transaction rule, the same for requests, commands, jobs and tests.

* One session (Flask-SQLAlchemy's), one commit point. Services only flush. A request
  that may change state (POST and the like) is committed once, here, after a successful
  response; any other request, and any error, is rolled back when Flask-SQLAlchemy
  removes the session at the end of the request. A GET writes nothing. A command commits
  at its own end (`db.session.commit()` in the command); a job is committed by the job
  wrapper after it returns, and rolled back when it raises (jobs/queue.py). A request that
  queues a job which reads what the request wrote queues it after that commit
  (`after_request_commit`, used by `Job.enqueue_after_commit`): a worker never looks for a
  row that is not committed yet.
* SQLite: WAL, foreign keys and a busy timeout on every connection, and transactions that
  SQLAlchemy begins itself (the "begin" recipe of SQLAlchemy's SQLite documentation). A
  writer begins with BEGIN IMMEDIATE: it takes the write lock at once and waits for it in
  the busy timeout, so it never fails with "database is locked" half-way through. A GET
  request, and a connection opened with the execution option `read_only=True` (an export's
  snapshot), begin with a plain BEGIN and never take the write lock; `read_only=False`
  marks a connection that writes even during a GET (the audit row of a refused request).
* PostgreSQL: the pool's own health checks (`pool_pre_ping`, `pool_recycle`) and no JIT.
* Database errors never carry their parameters into logs (`hide_parameters`).
"""

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask, Response, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from .extensions import db

SQLITE_BUSY_TIMEOUT_MS = 15_000
POOL_RECYCLE_SECONDS = 1800
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@event.listens_for(Engine, "connect")
def _configure_sqlite_connection(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" event below emits BEGIN
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin_sqlite_transaction(connection: Connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    if _only_reads(connection):
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _only_reads(connection: Connection) -> bool:
    """The connection's `read_only` execution option when it has one, else whether it
    serves a request that changes nothing (a GET)."""
    read_only = connection.get_execution_options().get("read_only")
    if read_only is not None:
        return read_only
    return has_request_context() and request.method in READ_ONLY_METHODS


POSTGRESQL_SNAPSHOT = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}


def snapshot_options() -> dict:
    """The execution options of a read-only snapshot on this app's database: REPEATABLE
    READ and read-only on PostgreSQL; on SQLite a plain BEGIN (no write lock), which in WAL
    mode sees the database as at its first read while writers go on committing."""
    options: dict = {"read_only": True}
    if db.engine.dialect.name == "postgresql":
        options.update(POSTGRESQL_SNAPSHOT)
    return options


@contextmanager
def read_snapshot() -> Iterator[Connection]:
    """A connection of its own, apart from the session, in a read-only transaction that
    sees one moment (what is committed, not the request's own uncommitted changes)."""
    with db.engine.connect() as connection:
        connection.execution_options(**snapshot_options())
        with connection.begin():
            yield connection


def engine_options(app: Flask) -> dict:
    """The engine options for this app's database, on top of the configured ones."""
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
    options.setdefault("hide_parameters", True)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # No JIT: its row estimates for the recursive team queries are far too high, and
        # compiling the plan cost more than running it (41 of 97 ms for a chef's team).
        connect_args = options.get("connect_args", {})
        if app.config["DATABASE_PGBOUNCER"]:
            # PgBouncer in transaction pooling mode: no server-side prepared statements
            # (psycopg prepares a query after 5 runs; the next transaction may be on another
            # server connection), and no startup `options`, which PgBouncer refuses: set
            # jit = off on the database instead (docs/several-servers.md).
            options["connect_args"] = {"prepare_threshold": None, **connect_args}
        else:
            options["connect_args"] = {"options": "-c jit=off", **connect_args}
        options.setdefault("pool_pre_ping", True)
        options.setdefault("pool_recycle", POOL_RECYCLE_SECONDS)
    return options


def after_request_commit(callback: Callable[[], None]) -> None:
    """Call `callback` once this request's one commit has succeeded (dropped when the
    request is rolled back instead)."""
    if not has_request_context():
        raise RuntimeError("after_request_commit is for requests (a command commits itself)")
    g.setdefault("vbe_after_commit", []).append(callback)


def init_app(app: Flask) -> None:
    """Commit once after a successful request that may change state, then run what was
    waiting for that commit."""

    @app.after_request
    def commit_request(response: Response) -> Response:
        if request.method not in READ_ONLY_METHODS and response.status_code < 400:
            db.session.commit()
            callbacks = g.pop("vbe_after_commit", ())
            for callback in callbacks:
                callback()
            if callbacks:
                db.session.commit()  # what a callback recorded (a job the queue refused)
        return response
