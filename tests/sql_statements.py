"""Recording the SQL a block of test code runs, to show a page's query count does not grow."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine

TEST_TRANSACTION = ("SAVEPOINT", "RELEASE", "ROLLBACK")  # the test's own, not the code's


@contextmanager
def recorded_statements() -> Iterator[list[str]]:
    """The SQL statements run inside the block, on any engine, the test's savepoints left out."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        if not statement.lstrip().upper().startswith(TEST_TRANSACTION):
            statements.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", record)
