"""An export's child gives way: it pauses while other processes want the CPU.

SCHED_IDLE (low_priority.py) keeps the child off a core that a request needs, but a request
running on the other core still shares the machine with it (caches, memory bandwidth, and
on a virtual machine perhaps one physical core). Measured on the 2-core machine while a
50,000-row XLSX was written, learners' module pages were 26-30 % slower on SQLite and about
50 % on PostgreSQL. So, in the child, every CHECK_EVERY_ROWS rows (well under a millisecond
of work) the export looks at how many processes are running (`/proc/loadavg`: runnable
tasks, itself included) and, when others are, sleeps until it has seen nobody else running
QUIET_CHECKS times in a row, PAUSE_SECONDS apart: a request waiting on its database server
or on the network is idle for moments, and an export that slipped into those moments would
still share the machine with it.

It never pauses longer in all than it has worked: under a steady load an export takes at
most twice as long, and on a quiet machine it never pauses. Where `/proc/loadavg` cannot be
read (not Linux) the rows just pass.
"""

import os
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

CHECK_EVERY_ROWS = 8
PAUSE_SECONDS = 0.001
QUIET_CHECKS = 4
LOADAVG = "/proc/loadavg"

Row = TypeVar("Row")
_enabled = False


def give_way_from_now_on() -> None:
    """This process is an export's child: `giving_way` pauses for others from now on."""
    global _enabled  # noqa: PLW0603 - one flag for the rest of the child's life
    _enabled = True


def others_running_reader(path: str = LOADAVG) -> Callable[[], bool] | None:
    """A cheap check (a pread, about a microsecond) of whether any process other than this
    one is running or waiting to run; None where the kernel does not tell."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return None

    def others_running() -> bool:
        fields = os.pread(descriptor, 128, 0).split()  # b"0.26 0.71 0.84 1/132 8554"
        return int(fields[3].split(b"/")[0]) > 1

    return others_running


def giving_way(
    rows: Iterable[Row],
    others_running: Callable[[], bool] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[Row]:
    """The rows; in an export's child (or with `others_running` given), pausing between
    them while other processes run, never longer in all than the time worked."""
    if others_running is None and _enabled:
        others_running = others_running_reader()
    if others_running is None:
        yield from rows
        return
    started, paused = clock(), 0.0
    for number, row in enumerate(rows, 1):
        yield row
        if number % CHECK_EVERY_ROWS == 0 and others_running():
            worked = clock() - started - paused
            paused += _pause_until_quiet(others_running, clock, sleep, worked - paused)


def _pause_until_quiet(others_running, clock, sleep, budget: float) -> float:
    """Sleep until nobody else was seen running QUIET_CHECKS times in a row, or for at most
    `budget` seconds; the time slept."""
    began, quiet = clock(), 0
    while quiet < QUIET_CHECKS and clock() - began < budget:
        sleep(PAUSE_SECONDS)
        quiet = 0 if others_running() else quiet + 1
    return clock() - began
