"""A real job worker (`flask jobs worker`, Huey's consumer) on a SQLite queue file and a
SQLite database of its own: a job enqueued by the app runs in the worker, which commits and
logs it, and stops cleanly on SIGINT."""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.system.gunicorn_server import BIN, REPO
from vbe_learn import create_app
from vbe_learn.auth.tasks import send_set_password_link
from vbe_learn.core.config import TestConfig
from vbe_learn.core.extensions import db
from vbe_learn.models import User

pytestmark = pytest.mark.live
SECRET = "worker-test-secret-key-0123456789"
KNOWN = "kvar.i.kon@worker.test"


def wait_for(condition, seconds: float, what: str, log: Path) -> None:
    """Poll until the condition holds; fail with the worker's log after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} within {seconds} s:\n{log.read_text(errors='replace')}")
        time.sleep(0.2)


def test_a_job_enqueued_by_the_app_runs_in_a_real_worker(tmp_path, app_session):
    database, queue, outbox = tmp_path / "app.db", tmp_path / "jobs.db", tmp_path / "outbox"
    settings = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        "SECRET_KEY": SECRET,
        "JOBS_IMMEDIATE": False,
        "JOBS_SQLITE_PATH": str(queue),
    }
    enqueuing_app = create_app(type("Enqueuing", (TestConfig,), settings))
    with enqueuing_app.app_context():
        db.create_all()
        db.session.add(User(email=KNOWN, first_name="Kim", last_name="Kö"))
        db.session.commit()

    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "FLASK_APP": "app.py",
        "DATABASE_URL": f"sqlite:///{database}",
        "SECRET_KEY": SECRET,
        "REDIS_URL": "",
        "JOBS_REDIS_URL": "",
        "JOBS_SQLITE_PATH": str(queue),
        "MAIL_SERVER": "",
        "MAIL_OUTBOX_DIR": str(outbox),
        "LOG_FORMAT": "text",
    }
    with log.open("ab") as output:
        worker = subprocess.Popen(
            [str(BIN / "flask"), "jobs", "worker", "--workers", "1", "--no-periodic"],
            cwd=REPO, env=env, stdout=output, stderr=output,
        )  # fmt: skip
    try:
        with enqueuing_app.app_context():
            send_set_password_link.enqueue(KNOWN)
            send_set_password_link.enqueue("ingen.alls@worker.test")
            db.session.remove()
            db.engine.dispose()

        def both_finished() -> bool:
            return log.read_text(errors="replace").count("event=job_finished") == 2

        wait_for(both_finished, 60, "two finished jobs", log)
        (message,) = outbox.glob("*.eml")
        text = message.read_text(errors="replace")
        assert KNOWN in text and "Hej Kim!" in text and "/satt-losenord/" in text
    finally:
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    assert worker.returncode == 0
    assert "Consumer exiting" in log.read_text(errors="replace")
