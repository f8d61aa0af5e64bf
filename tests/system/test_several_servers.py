"""Several app servers and job workers on one PostgreSQL database and one Redis queue: two
gunicorn instances (A and B) and two `flask jobs worker` processes, as in production.

* a roster previewed on A is confirmed on B (the upload is kept in the database);
* an export asked for on A is made by a worker and downloaded from B's Mina exporter;
* two workers running the reminders at the same moment send each message once;
* a worker killed in the middle of an export loses nothing: the file ends failed
  ("Avbröts: försök igen", the stuck clean-up) and a new one is made by the other worker.

PostgreSQL only (the SQLite run deselects it: one SQLite file is not shared by servers).
"""

import random
import re
import signal
import subprocess
import time
import uuid
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from tests.conftest import TEST_DATABASE_URL, skip_or_fail
from tests.roster_files import person, roster_csv
from tests.smtp_server import SmtpServer
from vbe_learn import create_app
from vbe_learn.core.config import TestConfig
from vbe_learn.exports.files import STUCK
from vbe_learn.jobs.schedule import hourly_export_cleanup, hourly_reminders
from vbe_learn.models import (
    Administration,
    Department,
    ExportFile,
    Placement,
    ReminderMessage,
    RoleAssignment,
    Unit,
    User,
)
from vbe_learn.models.exports import DONE, FAILED, RUNNING
from vbe_learn.models.org import CENTRAL_COORDINATOR
from vbe_learn.models.reminders import SENT
from vbe_learn.models.types import city_today

from .gunicorn_server import BIN, REPO, Learner, Server, postgres_database

pytestmark = [pytest.mark.live, pytest.mark.postgresql]
SECRET = "several-servers-secret-key-0123456789"
CENTRAL = "central@system.test"
EXPORT_JOB = "job=vbe_learn.exports.tasks.make_export_file"
REMINDER_JOB = "job=vbe_learn.jobs.schedule.hourly_reminders"


def wait_for(condition, seconds: float, what: str, logs=()):
    """Poll until condition() is truthy (and return it); fail with the logs after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        found = condition()
        if found:
            return found
        if time.monotonic() > deadline:
            tails = "\n".join(f"--- {p}\n{p.read_text(errors='replace')[-3000:]}" for p in logs)
            pytest.fail(f"no {what} within {seconds} s\n{tails}")
        time.sleep(0.1)


def free_redis_database() -> str:
    """A Redis URL on 127.0.0.1:6379 with a database number nothing uses (emptied after)."""
    import redis

    numbers = list(range(1, 16))
    random.shuffle(numbers)
    for number in numbers:
        url = f"redis://127.0.0.1:6379/{number}"
        client = redis.Redis.from_url(url)
        try:
            empty = client.dbsize() == 0
        except redis.ConnectionError:
            skip_or_fail("Redis is not running on 127.0.0.1:6379")
        finally:
            client.close()
        if empty:
            return url
    skip_or_fail("no empty Redis database (1–15) for the job queue")


def empty_redis(url: str) -> None:
    """Remove the test run's queue (its database number only)."""
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


class Worker:
    """One `flask jobs worker` process (one thread, no scheduler) with a log of its own."""

    def __init__(self, name: str, env: dict, workdir: Path):
        self.log_path = workdir / f"worker-{name}.log"
        with self.log_path.open("ab") as output:
            self.process = subprocess.Popen(
                [str(BIN / "flask"), "jobs", "worker", "--workers", "1", "--no-periodic"],
                cwd=REPO, env=env, stdout=output, stderr=output,
            )  # fmt: skip

    def log(self) -> str:
        """What the worker wrote so far."""
        return self.log_path.read_text(errors="replace")

    def started(self, job: str) -> int:
        """How many times it started this job."""
        return self.log().count(f"event=job_started {job}")

    def finished(self, job: str) -> int:
        """How many times it finished this job."""
        return self.log().count(f"event=job_finished {job}")

    def ready(self) -> bool:
        """Huey's consumer has started (it logs its set-up first)."""
        return "Huey consumer started" in self.log()

    def stop(self) -> None:
        """SIGINT (finish the running job), then for sure."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Cluster:
    """Two app servers, two workers, the queue and an SMTP server on one fresh database."""

    def __init__(self, url: str, redis_url: str, smtp: SmtpServer, workdir: Path):
        self.url, self.redis_url, self.smtp, self.workdir = url, redis_url, smtp, workdir
        shared = {
            "SECRET_KEY": SECRET,
            "JOBS_REDIS_URL": redis_url,
        }
        for name in ("a", "b"):
            (workdir / name).mkdir()
        self.a = Server(url, workdir / "a", workers=2, env=shared)
        self.b = Server(url, workdir / "b", workers=2, env=shared)
        self.worker_env = {
            **self.a.env,
            "LOG_FORMAT": "text",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(smtp.port),
            "MAIL_OUTBOX_DIR": "",
            "EXPORT_STUCK_MINUTES": "0",  # the clean-up (run by the test) fails what it finds
        }
        self.workers: list[Worker] = []
        self.app = create_app(
            type("Enqueuing", (TestConfig,), {
                "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET,
                "JOBS_IMMEDIATE": False, "JOBS_REDIS_URL": redis_url,
            })
        )  # fmt: skip

    def start(self) -> None:
        """Prepare the database, start both servers and both workers."""
        self.a.prepare(0)
        with Session(self.a.engine) as session:
            central = User(email=CENTRAL, first_name="Cecilia", last_name="Central",
                           active=True, password_hash=self.password_hash(),
                           close_to_residents=False)  # fmt: skip
            session.add(central)
            session.flush()
            session.add(RoleAssignment(user_id=central.id, role=CENTRAL_COORDINATOR))
            session.commit()
        self.a.start()
        self.b.start()
        self.workers = [Worker(name, self.worker_env, self.workdir) for name in ("1", "2")]
        wait_for(lambda: all(w.ready() for w in self.workers), 30, "ready workers", self.logs())

    @staticmethod
    def password_hash() -> str:
        from vbe_learn.auth.passwords import hash_password

        from .gunicorn_server import PASSWORD

        return hash_password(PASSWORD)

    def replace(self, dead: Worker) -> None:
        """Start a new worker in place of a dead one."""
        fresh = Worker(str(len(self.workers) + 1), self.worker_env, self.workdir)
        self.workers[self.workers.index(dead)] = fresh
        wait_for(fresh.ready, 30, "a ready worker", [fresh.log_path])

    def enqueue(self, job) -> None:
        """Put a job on the shared queue, as the scheduler or a request would."""
        with self.app.app_context():
            job.enqueue()

    def logs(self) -> list[Path]:
        """Every process's log."""
        return [self.a.log_path, self.b.log_path] + [w.log_path for w in self.workers]

    def lock_waits(self) -> int:
        """Backends of this database waiting for a lock."""
        with self.a.engine.connect() as connection:
            return connection.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'"
                )
            )

    def stop(self) -> None:
        """Stop every process."""
        for worker in self.workers:
            worker.stop()
        self.a.stop()
        self.b.stop()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Servers A and B, workers 1 and 2, on a fresh PostgreSQL database and Redis queue."""
    if not TEST_DATABASE_URL:
        pytest.skip("several servers share one PostgreSQL database (the PostgreSQL run)")
    redis_url = free_redis_database()
    workdir = tmp_path_factory.mktemp("several")
    pg_name = f"{make_url(TEST_DATABASE_URL).database}_several_{uuid.uuid4().hex[:6]}"
    url = postgres_database(TEST_DATABASE_URL, pg_name, create=True)
    running = None
    try:
        with SmtpServer() as smtp:
            running = Cluster(url, redis_url, smtp, workdir)
            running.start()
            yield running
    finally:
        if running is not None:
            running.stop()
        empty_redis(redis_url)
        postgres_database(TEST_DATABASE_URL, pg_name, create=False)


def central_on(server: Server) -> Learner:
    """The central samordnare, logged in on this server."""
    browser = Learner(server.port, CENTRAL)
    browser.log_in("/admin/personallista")
    return browser


def test_a_roster_previewed_on_one_server_is_confirmed_on_the_other(cluster):
    on_a, on_b = central_on(cluster.a), central_on(cluster.b)
    staff = [person(f"77{n}", unit="Hemtjänst Väst", email=f"roster{n}@system.test")
             for n in range(3)]  # fmt: skip
    status, _, html = on_a.send(
        "POST", "/admin/personallista", {"as_of": city_today().isoformat()},
        files={"file": ("lista.csv", roster_csv(staff))},
    )  # fmt: skip
    assert status == 200 and "<dt>Nya personer</dt><dd>3</dd>" in html, html[-2000:]
    token = re.search(r'action="/admin/personallista/([^"/]+)"', html).group(1)

    on_b.send("GET", "/admin/personallista")  # B's page, B's session and token
    status, headers, _ = on_b.send("POST", f"/admin/personallista/{token}")
    assert status == 302, status  # queued: a job worker applies it
    done = "Personallistan är importerad: 3 nya"
    wait_for(
        lambda: done in on_b.send("GET", "/admin/personallista")[2],
        30, "roster import applied by a worker", cluster.logs(),
    )  # fmt: skip
    with cluster.a.engine.connect() as connection:
        emails = set(connection.scalars(select(User.email).where(User.email.like("roster%"))))
    assert emails == {f"roster{n}@system.test" for n in range(3)}


def ask_for_participants(browser: Learner) -> None:
    """Ask for the whole city's deltagarlista as CSV (redirected to Mina exporter)."""
    browser.send("GET", "/uppfoljning/export")
    status, headers, html = browser.send(
        "POST", "/uppfoljning/export/deltagarlista.csv",
        {"administration": "", "unit": "", "status": "", "completed_from": "",
         "completed_to": ""},
    )  # fmt: skip
    assert status == 302 and headers["Location"].endswith("/mina-exporter"), (status, html)


def newest_export(cluster: Cluster):
    """The newest export file row (id, status, error)."""
    with cluster.a.engine.connect() as connection:
        return connection.execute(
            select(ExportFile.id, ExportFile.status, ExportFile.error)
            .order_by(ExportFile.id.desc())
            .limit(1)
        ).first()


def test_an_export_asked_for_on_a_is_made_by_a_worker_and_downloaded_on_b(cluster):
    add_people(cluster, "lista", 2)
    on_a, on_b = central_on(cluster.a), central_on(cluster.b)
    ask_for_participants(on_a)
    export = wait_for(
        lambda: (row := newest_export(cluster)) and row.status == DONE and row,
        30, "finished export", cluster.logs(),
    )  # fmt: skip
    assert sum(w.finished(EXPORT_JOB) for w in cluster.workers) >= 1

    page = on_b.send("GET", "/mina-exporter")[2]
    assert f'action="/mina-exporter/{export.id}"' in page
    status, headers, body = on_b.send("POST", f"/mina-exporter/{export.id}")
    assert status == 200, status
    assert "attachment" in headers["Content-Disposition"]
    assert "lista0@system.test" in body and "lista1@system.test" in body


def add_people(cluster: Cluster, prefix: str, count: int) -> list[str]:
    """Active people placed in a new enhet since 2020 (committed); their e-mails."""
    emails = [f"{prefix}{n}@system.test" for n in range(count)]
    with Session(cluster.a.engine) as session:
        administration = Administration(name=f"Förvaltning {prefix}")
        unit = Unit(name=f"Enhet {prefix}", department=Department(
            name=f"Avdelning {prefix}", administration=administration))  # fmt: skip
        session.add(unit)
        session.flush()
        for n, email in enumerate(emails):
            user = User(email=email, first_name="Per", last_name=f"{prefix.title()}{n}",
                        active=True, unit_id=unit.id, employed_from=date(2020, 1, 1),
                        close_to_residents=False)  # fmt: skip
            session.add(user)
            session.flush()
            session.add(Placement(user_id=user.id, unit_id=unit.id, close_to_residents=False,
                                  valid_from=date(2020, 1, 1)))  # fmt: skip
        session.commit()
    return emails


def flask(cluster: Cluster, *args: str) -> None:
    """Run a `flask` command against the cluster's database."""
    done = subprocess.run(
        [str(BIN / "flask"), *args], cwd=REPO, env=cluster.worker_env,
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_two_workers_running_the_reminders_at_once_send_each_message_once(cluster):
    emails = add_people(cluster, "paminn", 6)
    flask(cluster, "deadline", "set", (city_today() - timedelta(days=1)).isoformat())
    # Hold the reminder table so that both runs start and wait at the same point (each
    # worker has one thread: the second job must go to the other worker), then let go.
    with cluster.a.engine.connect() as locker:
        with locker.begin():
            locker.execute(text("LOCK TABLE reminder_messages IN EXCLUSIVE MODE"))
            cluster.enqueue(hourly_reminders)
            cluster.enqueue(hourly_reminders)
            wait_for(lambda: all(w.started(REMINDER_JOB) == 1 for w in cluster.workers),
                     30, "a reminder run in each worker", cluster.logs())  # fmt: skip
            wait_for(lambda: cluster.lock_waits() >= 2, 30, "both runs waiting", cluster.logs())
    wait_for(lambda: all(w.finished(REMINDER_JOB) == 1 for w in cluster.workers),
             30, "both reminder runs finished", cluster.logs())  # fmt: skip

    received = cluster.smtp.recorder.received
    for email in emails:
        assert len(cluster.smtp.recorder.to(email)) == 1, email
    per_message = Counter((tuple(r.recipients), str(r.message["Subject"])) for r in received)
    assert max(per_message.values()) == 1, per_message
    with cluster.a.engine.connect() as connection:
        sent = connection.scalar(
            select(func.count(ReminderMessage.id)).where(ReminderMessage.status == SENT)
        )
    assert sent == len(received)


def test_a_worker_killed_mid_export_leaves_the_file_failed_and_the_other_makes_it(cluster):
    add_people(cluster, "avbruten", 1)
    on_a = central_on(cluster.a)
    before = {id(w): w.started(EXPORT_JOB) for w in cluster.workers}
    # Hold the export log: the job claims the file (committed: "running"), writes it, and
    # waits to log the export. Then its worker is killed.
    with cluster.a.engine.connect() as locker:
        with locker.begin():
            locker.execute(text("LOCK TABLE export_logs IN SHARE MODE"))
            ask_for_participants(on_a)
            export = wait_for(
                lambda: (row := newest_export(cluster)) and row.status == RUNNING and row,
                30, "a running export", cluster.logs(),
            )  # fmt: skip
            wait_for(lambda: cluster.lock_waits() >= 1, 30, "the export waiting", cluster.logs())
            (victim,) = [w for w in cluster.workers if w.started(EXPORT_JOB) > before[id(w)]]
            victim.process.send_signal(signal.SIGKILL)
            victim.process.wait(timeout=10)
    survivor = next(w for w in cluster.workers if w is not victim)
    made_before = survivor.finished(EXPORT_JOB)
    try:
        # The job left with its worker (Huey had taken it off the queue): the row stays running
        # until the clean-up (EXPORT_STUCK_MINUTES, 0 here) fails it.
        assert newest_export(cluster).status == RUNNING
        cluster.enqueue(hourly_export_cleanup)
        failed = wait_for(
            lambda: (row := newest_export(cluster)) and row.status == FAILED and row,
            30, "the stuck export failed", cluster.logs(),
        )  # fmt: skip
        assert failed.id == export.id and failed.error == STUCK
        on_b = central_on(cluster.b)
        assert STUCK in on_b.send("GET", "/mina-exporter")[2]

        ask_for_participants(on_b)  # "försök igen": the surviving worker makes it
        again = wait_for(
            lambda: (row := newest_export(cluster)) and row.id != export.id
            and row.status == DONE and row,
            30, "the export made again", cluster.logs(),
        )  # fmt: skip
        assert survivor.finished(EXPORT_JOB) == made_before + 1
        status, _, body = on_b.send("POST", f"/mina-exporter/{again.id}")
        assert status == 200 and "avbruten0@system.test" in body
    finally:  # the other tests want two workers
        cluster.replace(victim)
