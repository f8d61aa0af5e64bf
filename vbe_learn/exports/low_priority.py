"""An export's CPU-heavy part (the query and the writer) in a forked child at nice 19.

A gunicorn sync worker that reads 50,000 rows and writes them as XLSX burns a whole core for
seconds; on a small machine that is CPU the learners' requests wait for. Instead the worker
forks: the child takes the lowest CPU priority (nice 19 and, on Linux, SCHED_IDLE), leaves
the parent's database connections alone (the engine's pool is replaced, not closed; the
parent's session is kept, untouched, until the child ends with os._exit) and starts a fresh
session that only reads; it writes the file (a path or an inherited temporary file) or
streams its pieces over a pipe.
The worker meanwhile only relays bytes, blocked on the pipe, and logs the export afterwards
in its own transaction, as before.

The pipe carries frames: a header (kind, payload length, rows) and the payload. Kinds:
PIECE (bytes of a streamed file and the rows in them), DONE (the total rows) and FAILED
(the child's traceback, logged here). A pipe that ends without DONE is a failure too. Every
child is reaped (killed first if it is still running: a client that went away).

With the setting EXPORTS_IN_CHILD off (the test suite, whose rows live in a transaction no
other connection can see) the same work runs in this process.
"""

import itertools
import logging
import os
import signal
import struct
import traceback
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO, NoReturn

from flask import current_app

from ..db import read_only_process
from ..extensions import db
from .giving_way import give_way_from_now_on

log = logging.getLogger(__name__)

LOWEST_PRIORITY = 19
_FRAME = struct.Struct("!cII")  # kind, payload length, rows
PIECE, DONE, FAILED = b"P", b"D", b"F"
# gunicorn's worker handles these (graceful exit, reload, ...): the child must just die.
_DEFAULT_SIGNALS = (
    signal.SIGTERM, signal.SIGINT, signal.SIGQUIT, signal.SIGHUP, signal.SIGUSR1,
    signal.SIGUSR2, signal.SIGWINCH, signal.SIGTTIN, signal.SIGTTOU, signal.SIGCHLD,
    signal.SIGABRT,
)  # fmt: skip
_inherited: list = []  # the parent's pools and session: never touched nor collected here

Send = Callable[[bytes, int], None]
Work = Callable[[Send], int]


class ExportFailed(Exception):
    """The export's work failed (in its child: the traceback is in the log)."""


def in_child() -> bool:
    """Whether exports run in a child process (setting EXPORTS_IN_CHILD)."""
    return current_app.config.get("EXPORTS_IN_CHILD", True)


def write_file(target: str | BinaryIO, write: Callable[[Any], int]) -> int:
    """Run write(target) (a path or a binary file) in a low-priority child; its row count."""
    if not in_child():
        return _in_process(lambda: write(target))
    if not isinstance(target, str):
        target.flush()  # nothing buffered here may be written twice

    def work(_send: Send) -> int:
        rows = write(target)
        if not isinstance(target, str):
            target.flush()  # os._exit flushes nothing
        return rows

    child = _Child(work)
    try:
        for _piece in child.frames():
            pass
        return child.total
    finally:
        child.close()


class Stream:
    """A file made as (bytes, rows) pieces by `produce` in a low-priority child, relayed."""

    # The first piece is waited for here: a failure before any byte raises ExportFailed at
    # once; a failure later ends the iteration with ExportFailed (and sets `failed`).

    def __init__(self, produce: Callable[[], Iterable[tuple[bytes, int]]]) -> None:
        self.rows = 0  # rows in the pieces handed on so far
        self.failed = False
        self._child: _Child | None = None
        if in_child():
            self._child = _Child(lambda send: _send_all(produce(), send))
            self._pieces: Iterator[tuple[bytes, int]] = self._child.frames()
        else:
            self._pieces = _failing_as_export_failed(produce())
        try:
            self._first = list(itertools.islice(self._pieces, 1))
        except BaseException:
            self.failed = True
            self.close()
            raise

    def __iter__(self) -> Iterator[bytes]:
        """The bytes; the child is reaped when they end or the consumer stops early."""
        try:
            for data, rows in itertools.chain(self._first, self._pieces):
                self.rows += rows  # counted when handed on, as the bytes leave
                yield data
        except ExportFailed:
            self.failed = True
            raise
        finally:
            self.close()

    def close(self) -> None:
        """Stop and reap the child, if any (again: nothing)."""
        if self._child is not None:
            self._child.close()


def _send_all(pieces: Iterable[tuple[bytes, int]], send: Send) -> int:
    total = 0
    for data, rows in pieces:
        send(data, rows)
        total += rows
    return total


def _in_process(run: Callable[[], int]) -> int:
    try:
        return run()
    except Exception as error:
        raise ExportFailed(f"{type(error).__name__}: {error}") from error


def _failing_as_export_failed(pieces: Iterable[tuple[bytes, int]]) -> Iterator[tuple[bytes, int]]:
    try:
        yield from pieces
    except Exception as error:
        raise ExportFailed(f"{type(error).__name__}: {error}") from error


class _Child:
    """The parent's side: the child's pid and the pipe its frames come through."""

    def __init__(self, work: Work) -> None:
        read_fd, write_fd = os.pipe()
        try:
            pid = os.fork()
        except OSError as error:
            os.close(read_fd)
            os.close(write_fd)
            raise ExportFailed(f"fork: {error}") from error
        if pid == 0:
            _run_child(read_fd, write_fd, work)
        os.close(write_fd)
        self.pid: int | None = pid
        self.total = 0
        self._pipe = open(read_fd, "rb")  # noqa: SIM115 - closed in close()

    def frames(self) -> Iterator[tuple[bytes, int]]:
        """The PIECE frames as (bytes, rows) until DONE (`total`); FAILED or EOF: ExportFailed."""
        while True:
            head = self._pipe.read(_FRAME.size)
            if len(head) < _FRAME.size:
                raise ExportFailed("the export's child process ended without finishing")
            kind, length, rows = _FRAME.unpack(head)
            payload = self._pipe.read(length) if length else b""
            if len(payload) < length:
                raise ExportFailed("the export's child process ended in the middle of a piece")
            if kind == PIECE:
                yield payload, rows
            elif kind == DONE:
                self.total = rows
                return
            else:
                text = payload.decode("utf-8", "replace")
                log.error("event=export_failed pid=%s\n%s", self.pid, text)
                raise ExportFailed(text.strip().splitlines()[-1] if text.strip() else "failed")

    def close(self) -> None:
        """Close the pipe, kill the child if it still runs, and reap it (no zombie)."""
        if self.pid is None:
            return
        self._pipe.close()
        try:
            os.kill(self.pid, signal.SIGKILL)  # gone already (a zombie) is fine: not yet reaped
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        self.pid = None


def _run_child(read_fd: int, write_fd: int, work: Work) -> NoReturn:
    """The child: lowest priority, fresh database session, the work, a last frame, _exit."""
    code = 1
    try:
        os.close(read_fd)
        with open(write_fd, "wb") as pipe:

            def send(data: bytes, rows: int) -> None:
                _write_frame(pipe, PIECE, data, rows)

            try:
                _lowest_priority()
                give_way_from_now_on()
                for signum in _DEFAULT_SIGNALS:
                    signal.signal(signum, signal.SIG_DFL)
                _fresh_database()
                rows = work(send)
            except BaseException:
                _write_frame(pipe, FAILED, traceback.format_exc().encode("utf-8"), 0)
            else:
                _write_frame(pipe, DONE, b"", rows)
                code = 0
    except BaseException:  # noqa: S110 - the parent went away (broken pipe): just end
        pass
    finally:
        os._exit(code)


def _lowest_priority() -> None:
    """Nice 19 and, on Linux, SCHED_IDLE (the lowest CPU priority there is)."""
    # Under SCHED_IDLE a core running only this child counts as idle: a worker woken by a
    # request is placed there and preempts the child at once.
    os.nice(LOWEST_PRIORITY)  # capped at 19
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):  # not Linux: nice 19 alone
        pass


def _write_frame(pipe: BinaryIO, kind: bytes, payload: bytes, rows: int) -> None:
    pipe.write(_FRAME.pack(kind, len(payload), rows))
    pipe.write(payload)
    pipe.flush()


def _fresh_database() -> None:
    """New pools and a new session for the child; the parent's are kept, never used."""
    _inherited.append(db.session())
    for engine in db.engines.values():
        _inherited.append(engine.pool)
        engine.dispose(close=False)
    db.session.registry.set(db.session.session_factory())
    read_only_process()
