"""The job queue (Huey): where jobs wait, and how a worker runs each one.

* Storage: Redis (`RedisHuey`) when JOBS_REDIS_URL is set (it defaults to REDIS_URL, which
  production requires), otherwise a SQLite file, JOBS_SQLITE_PATH (`instance/jobs.db`), which
  the web server and `flask jobs worker` on one machine share (`make run`). In the test suite
  JOBS_IMMEDIATE runs every job at once, in the process that enqueues it.
* A job is a plain function marked with `@job()` or `@periodic_job(crontab(...))` in its
  feature's module (listed in JOB_MODULES). `create_app` builds one Huey for the app and
  registers every job on it; `some_job.enqueue(args)` puts a call on the queue, and
  `some_job.enqueue_after_commit(args)` does so once the request has committed (a job
  that reads a row the request wrote).
* The transaction rule of core/db.py, for jobs: a job runs in the app context and only
  flushes; the wrapper commits once after it returns, and rolls back when it raises. Its
  start, end and failure are logged (logger `vbe_learn.jobs`; never its arguments, which
  may hold an e-post); a failure's traceback is Huey's own log line.
* Huey keeps no results: what a job does is what it writes to the database. Messages are
  signed with SECRET_KEY, so nobody who can write to the queue's storage can run code.
"""

import functools
import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from importlib import import_module
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey
from huey.serializer import SignedSerializer
from redis.exceptions import RedisError

from ..core.db import after_request_commit
from ..core.extensions import db

log = logging.getLogger("vbe_learn.jobs")
QUEUE_NAME = "vbe_learn"
EXTENSION = "vbe_jobs"
# The modules whose jobs a worker runs (imported by init_app, before the jobs are registered).
JOB_MODULES = (
    "vbe_learn.auth.tasks",
    "vbe_learn.exports.tasks",
    "vbe_learn.roster.tasks",
    "vbe_learn.jobs.schedule",
)
# What the queue's storage raises when it cannot take a job (Redis down, SQLite file locked
# or unwritable), and what the person is told where such a job's row says why it failed.
QUEUE_STORAGE_ERRORS = (RedisError, sqlite3.Error, OSError)
NOT_QUEUED = "Kön för bakgrundsjobb svarade inte. Inget har gjorts. Försök igen om en stund."


class QueueUnavailable(Exception):
    """The queue's storage did not take the job (it is logged; nothing was queued)."""


@dataclass(frozen=True)
class Job:
    """A function that runs in a job worker; calling it runs it here, `enqueue` queues it."""

    function: Callable[..., Any]
    schedule: Callable[[datetime], bool] | None = None  # a huey.crontab: a periodic job
    retries: int = 0
    retry_delay: int = 0

    @property
    def name(self) -> str:
        """The job's name on the queue (its module and function)."""
        return f"{self.function.__module__}.{self.function.__qualname__}"

    def __call__(self, *args, **kwargs):
        """Run the function here, in the caller's transaction."""
        return self.function(*args, **kwargs)

    def enqueue(self, *args) -> None:
        """Put a call on the queue for a worker (in immediate mode: run it now); raises
        QueueUnavailable when the queue's storage does not take it."""
        jobs = current_app.extensions[EXTENSION]
        if jobs.huey.immediate:
            jobs.tasks[self.name](*args)
            return
        try:
            jobs.tasks[self.name](*args)
        except QUEUE_STORAGE_ERRORS as error:
            log.error("event=enqueue_failed job=%s error=%s", self.name, type(error).__name__)
            raise QueueUnavailable(self.name) from error

    def enqueue_after_commit(self, *args, if_not_queued: Callable[[], None] | None = None) -> None:
        """Queue the call once the request's commit has succeeded (so that the worker sees
        what the request wrote; nothing is queued when it is rolled back). When the queue
        does not take it, `if_not_queued` runs instead (it flushes; core/db.py commits it)."""

        def enqueue_or_record() -> None:
            try:
                self.enqueue(*args)
            except QueueUnavailable:
                if if_not_queued is not None:
                    if_not_queued()

        after_request_commit(enqueue_or_record)


JOBS: dict[str, Job] = {}


def job(retries: int = 0, retry_delay: int = 0) -> Callable[[Callable], Job]:
    """Mark a function as a job (Huey's retries: how many more tries, how many seconds apart)."""

    def register(function: Callable) -> Job:
        marked = Job(function, retries=retries, retry_delay=retry_delay)
        JOBS[marked.name] = marked
        return marked

    return register


def periodic_job(schedule: Callable[[datetime], bool]) -> Callable[[Callable], Job]:
    """Mark a function as a job that the worker's scheduler enqueues on a crontab (UTC)."""

    def register(function: Callable) -> Job:
        marked = Job(function, schedule=schedule)
        JOBS[marked.name] = marked
        return marked

    return register


def make_huey(config, instance_path: str) -> Huey:
    """The queue these settings name: Redis, or the SQLite file; immediate in tests.

    Nothing connects here: Redis is first reached when a job is enqueued or a worker starts."""
    options = {
        "results": False,
        "immediate": config["JOBS_IMMEDIATE"],
        "serializer": SignedSerializer(secret=config["SECRET_KEY"], salt="vbe_learn.jobs"),
    }
    if config["JOBS_REDIS_URL"]:
        return RedisHuey(QUEUE_NAME, url=config["JOBS_REDIS_URL"], **options)
    path = config["JOBS_SQLITE_PATH"] or str(Path(instance_path) / "jobs.db")
    return SqliteHuey(QUEUE_NAME, filename=path, **options)


def in_app_context(app: Flask, marked: Job) -> Callable:
    """The job as a worker runs it: in an app context, committed once after success, rolled
    back after a failure, and logged."""

    @functools.wraps(marked.function)
    def run(*args, task=None, **kwargs):
        with app.app_context():
            started = time.monotonic()
            log.info("event=job_started job=%s id=%s", marked.name, task.id)
            try:
                marked.function(*args, **kwargs)
                db.session.commit()
            except Exception:
                db.session.rollback()
                # The traceback follows once, from Huey ("Unhandled exception in task").
                log.error("event=job_failed job=%s id=%s", marked.name, task.id)
                raise
            seconds = time.monotonic() - started
            log.info("event=job_finished job=%s id=%s seconds=%.3f", marked.name, task.id, seconds)

    return run


@dataclass(frozen=True)
class JobQueue:
    """The app's queue and its registered tasks (Huey's task wrappers), by job name."""

    huey: Huey
    tasks: dict[str, Callable]


def init_app(app: Flask) -> JobQueue:
    """Build the app's queue and register every job of JOB_MODULES on it."""
    queue = build_queue(app)
    app.extensions[EXTENSION] = queue
    return queue


def build_queue(app: Flask) -> JobQueue:
    """The queue the app's settings name, with every job of JOB_MODULES registered on it."""
    for module in JOB_MODULES:
        import_module(module)
    huey = make_huey(app.config, app.instance_path)
    tasks = {}
    for name, marked in JOBS.items():
        run = in_app_context(app, marked)
        if marked.schedule is not None:
            register = huey.periodic_task(marked.schedule, context=True)
        else:
            register = huey.task(
                retries=marked.retries, retry_delay=marked.retry_delay, context=True
            )
        tasks[name] = register(run)
    return JobQueue(huey, tasks)
