"""SQLite writers take turns through a file lock, so that a waiting writer starts the
moment the previous one is done.

SQLite lets one writer at a time hold its write lock; the others wait in SQLite's busy
handler, which sleeps in growing steps (1, 2, 5, 10 ... 100 ms) and so leaves workers idle
long after the lock is free. Here every write transaction first takes an exclusive
`flock` on `<database>-writers.lock` (one open file per connection, so threads exclude each
other too), polling every half millisecond, and gives it back when its connection returns
to the pool, after COMMIT or ROLLBACK. A process that dies loses its lock with it. After
`timeout` seconds without a turn the transaction goes on without one and SQLite's own busy
timeout applies, so a turn can never deadlock a request.
"""

import fcntl
import os
import time

from sqlalchemy.engine import Connection

POLL_SECONDS = 0.0005
FD_KEY = "write_turn_fd"
HELD_KEY = "write_turn_held"


def lock_path(database: str | None) -> str | None:
    """The lock file of a SQLite database file (None for an in-memory database)."""
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    return f"{database}-writers.lock"


def open_turn_file(info: dict, database: str | None) -> None:
    """Open this connection's handle on the lock file (once per DBAPI connection)."""
    path = lock_path(database)
    if path is not None and FD_KEY not in info:
        info[FD_KEY] = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)


def take_write_turn(connection: Connection, timeout: float) -> bool:
    """Wait for this connection's turn to write; False when `timeout` passed without one."""
    info = connection.connection.info
    fd = info.get(FD_KEY)
    if fd is None or info.get(HELD_KEY):
        return True
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(POLL_SECONDS)
            continue
        info[HELD_KEY] = True
        return True


def end_write_turn(info: dict) -> None:
    """Give the turn back (when the connection returns to the pool)."""
    if info.pop(HELD_KEY, False):
        fcntl.flock(info[FD_KEY], fcntl.LOCK_UN)


def close_turn_file(info: dict) -> None:
    """Close the handle when the DBAPI connection closes."""
    end_write_turn(info)
    fd = info.pop(FD_KEY, None)
    if fd is not None:
        os.close(fd)
