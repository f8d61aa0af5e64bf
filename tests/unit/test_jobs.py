"""The job queue (jobs/queue.py): which storage the settings name, and the transaction rule
for jobs: one commit after success, a rollback after a failure, both logged."""

import logging
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest
from huey import RedisHuey, SqliteHuey
from sqlalchemy import select

from vbe_learn.core.extensions import db
from vbe_learn.jobs.queue import EXTENSION, Job, in_app_context, make_huey
from vbe_learn.models import Administration

NAME = "Förvaltning skriven av ett jobb"


def settings(**values) -> dict:
    return {
        "JOBS_IMMEDIATE": False,
        "JOBS_REDIS_URL": "",
        "JOBS_SQLITE_PATH": "",
        "SECRET_KEY": "test-secret",
        **values,
    }


def test_the_queue_is_a_sqlite_file_in_the_instance_folder_by_default(tmp_path):
    huey = make_huey(settings(), str(tmp_path))
    assert isinstance(huey, SqliteHuey) and not huey.immediate
    assert huey.storage.filename == str(tmp_path / "jobs.db")
    elsewhere = make_huey(settings(JOBS_SQLITE_PATH=str(tmp_path / "queue.db")), "/nowhere")
    assert elsewhere.storage.filename == str(tmp_path / "queue.db")


def test_the_queue_is_in_redis_when_a_redis_url_is_set_and_nothing_connects_yet(tmp_path):
    url = "redis://redis.example.invalid:6390/3"  # would fail at once if it were reached
    huey = make_huey(settings(JOBS_REDIS_URL=url), str(tmp_path))
    assert isinstance(huey, RedisHuey)
    kwargs = huey.storage.pool.connection_kwargs
    assert (kwargs["host"], kwargs["port"], kwargs["db"]) == ("redis.example.invalid", 6390, 3)
    assert not (tmp_path / "jobs.db").exists()


@pytest.mark.parametrize(
    ("environment", "queue_url"),
    [
        ({"REDIS_URL": "redis://a:6379/0"}, "redis://a:6379/0"),
        (
            {"REDIS_URL": "redis://a:6379/0", "JOBS_REDIS_URL": "redis://b:6379/1"},
            "redis://b:6379/1",
        ),
    ],
)
def test_the_queue_follows_redis_url_unless_jobs_redis_url_names_another(environment, queue_url):
    env = {key: value for key, value in os.environ.items() if "REDIS_URL" not in key}
    code = "from vbe_learn.core.config import Config; print(Config.JOBS_REDIS_URL)"
    read = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, **environment},
        capture_output=True,
        text=True,
        check=True,
    )
    assert read.stdout.strip() == queue_url


def test_the_test_suite_runs_jobs_at_once(app):
    assert app.config["JOBS_IMMEDIATE"] and app.extensions[EXTENSION].huey.immediate


def test_the_worker_refuses_to_start_in_immediate_mode(runner):
    result = runner.invoke(args=["jobs", "worker"])
    assert result.exit_code != 0
    assert "JOBS_IMMEDIATE" in result.output


def _stored() -> bool:
    return db.session.scalar(select(Administration).where(Administration.name == NAME)) is not None


@pytest.fixture
def commits(monkeypatch):
    """Count the commits and rollbacks of the session."""
    counted = {"commit": 0, "rollback": 0}
    for name in counted:
        original = getattr(db.session, name)

        def counting(original=original, name=name):
            counted[name] += 1
            original()

        monkeypatch.setattr(db.session, name, counting)
    return counted


def test_a_job_that_returns_is_committed_once_and_logged(app, commits, caplog):
    def writes():
        db.session.add(Administration(name=NAME))
        db.session.flush()

    caplog.set_level(logging.INFO, logger="vbe_learn.jobs")
    in_app_context(app, Job(writes))(task=SimpleNamespace(id="uppgift-1"))

    assert commits == {"commit": 1, "rollback": 0}
    assert _stored()
    assert "event=job_started job=tests.unit.test_jobs" in caplog.text
    assert "event=job_finished" in caplog.text and "id=uppgift-1" in caplog.text


def test_a_job_that_fails_is_rolled_back_and_logged(app, commits, caplog):
    def fails_after_writing():
        db.session.add(Administration(name=NAME))
        db.session.flush()
        raise RuntimeError("the job fails after writing")

    caplog.set_level(logging.INFO, logger="vbe_learn.jobs")
    with pytest.raises(RuntimeError, match="the job fails after writing"):  # for Huey to log
        in_app_context(app, Job(fails_after_writing))(task=SimpleNamespace(id="uppgift-2"))

    assert commits == {"commit": 0, "rollback": 1}
    assert not _stored()
    assert "event=job_failed" in caplog.text and "id=uppgift-2" in caplog.text
    assert "Traceback" not in caplog.text  # once, from Huey, not twice
