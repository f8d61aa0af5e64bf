"""A read-only snapshot: one connection that sees the database as it was at one moment.

A deltagarlista is read under one snapshot, so all its rows come from the same moment
even while others commit:

* PostgreSQL: a REPEATABLE READ, READ ONLY transaction (the snapshot is taken at its first
  query).
* SQLite: a plain read transaction. The execution option `read_only=True` tells db.py to
  begin it with `BEGIN`, not `BEGIN IMMEDIATE`, so it holds no write lock; in WAL mode it
  sees the database as at its first read while writers go on committing.

`read_snapshot()` is a connection from the engine's pool, apart from the session (a request,
whose session has begun already): it reads what is committed, not the request's own
uncommitted changes. A command that only reads before it logs can instead begin its
session's transaction with `snapshot_options()` (Session.connection(execution_options=…)).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

from ..extensions import db

POSTGRESQL_SNAPSHOT = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}


def snapshot_options() -> dict:
    """The execution options of a read-only snapshot connection on this app's database."""
    options: dict = {"read_only": True}
    if db.engine.dialect.name == "postgresql":
        options.update(POSTGRESQL_SNAPSHOT)
    return options


@contextmanager
def read_snapshot() -> Iterator[Connection]:
    """A connection of its own in a read-only transaction that sees one moment."""
    with db.engine.connect() as connection:
        connection.execution_options(**snapshot_options())
        with connection.begin():
            yield connection
