"""SQLite writers take turns through a file lock; readers never wait for one."""

import threading
import time

from sqlalchemy import create_engine, text

import vbe_learn.db  # noqa: F401 - registers the engine and pool events under test
from vbe_learn.write_turns import lock_path, take_write_turn


def test_a_second_writer_starts_as_soon_as_the_first_is_done(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'turns.db'}")
    started = threading.Event()

    def second_writer():
        with engine.begin() as connection:
            started.set()
            connection.execute(text("INSERT INTO t VALUES (2)"))

    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
    first = engine.connect()
    first.begin()
    first.execute(text("INSERT INTO t VALUES (1)"))
    thread = threading.Thread(target=second_writer)
    thread.start()
    time.sleep(0.3)
    assert not started.is_set()  # waiting for its turn, not inside a transaction
    first.commit()
    first.close()  # back to the pool: the turn passes on
    assert started.wait(1.0)
    thread.join()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM t")).scalar() == 2
    engine.dispose()


def test_without_a_turn_in_time_the_writer_goes_on_to_sqlites_own_wait(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'turns.db'}")
    holder = engine.connect()
    holder.begin()
    other = engine.connect()
    began = time.monotonic()
    assert take_write_turn(other, timeout=0.05) is False
    assert time.monotonic() - began < 1
    holder.rollback()
    holder.close()
    assert take_write_turn(other, timeout=0.05) is True
    other.close()
    engine.dispose()


def test_in_memory_databases_have_no_lock_file():
    assert lock_path(":memory:") is None and lock_path("") is None
    assert (
        lock_path("/srv/vbe/instance/vbe_learn.db") == "/srv/vbe/instance/vbe_learn.db-writers.lock"
    )
