"""A real `flask reminders send` is killed (SIGKILL) in the middle of a batch and run again:
every person gets exactly one message. Runs as a subprocess against the test database,
with a real SMTP server on loopback that kills the sender as it accepts the 4th message."""

import os
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import func, select

from tests.factories import make_unit, make_user
from tests.smtp_server import SmtpServer
from vbe_learn.core.extensions import db
from vbe_learn.models import ReminderMessage
from vbe_learn.reminders.deadlines import set_deadline

REPO = Path(__file__).resolve().parents[2]
PEOPLE = 10
KILL_AT = 4
DAY = "2026-03-02"


def run_sender(app, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "FLASK_APP": "app.py",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(port),
        "PUBLIC_BASE_URL": "http://localhost",
    }
    command = [sys.executable, "-m", "flask", "reminders", "send", "--date", DAY]
    return subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )


@pytest.mark.live
def test_a_sender_killed_mid_batch_and_run_again_sends_each_message_exactly_once(app):
    with app.app_context():
        unit = make_unit("Kraschförvaltningen", "Enhet K")
        addresses = [
            make_user(f"krasch{n}@test.se", unit, employed_from=date(2020, 1, 1)).email
            for n in range(PEOPLE)
        ]
        set_deadline(None, date(2026, 3, 1), actor=None)
        db.session.commit()
        assert current_app.config["SQLALCHEMY_DATABASE_URI"]

    with SmtpServer() as server:
        running = {}

        def kill_midway(count: int) -> None:
            if count == KILL_AT:  # accepted, but the sender never hears "250"
                os.kill(running["sender"].pid, signal.SIGKILL)

        server.recorder.on_message = kill_midway
        running["sender"] = run_sender(app, server.port)
        output = running["sender"].communicate(timeout=60)[0].decode()
        assert running["sender"].returncode == -signal.SIGKILL, output
        assert len(server.recorder.received) == KILL_AT

        server.recorder.on_message = None
        again = run_sender(app, server.port)
        output = again.communicate(timeout=60)[0].decode()
        assert again.returncode == 0, output
        assert "avbrutna tidigare: 1" in output

        received = [r.recipients[0] for r in server.recorder.received]
        assert sorted(received) == sorted(addresses)  # everyone exactly once
        third = run_sender(app, server.port)
        assert "Skickade: 0" in third.communicate(timeout=60)[0].decode()
        assert len(server.recorder.received) == PEOPLE

    with app.app_context():
        counts = dict(
            db.session.execute(
                select(ReminderMessage.status, func.count()).group_by(ReminderMessage.status)
            ).all()
        )
        assert counts == {"sent": PEOPLE - 1, "unknown": 1}
        ids = [r.message["Message-ID"] for r in server.recorder.received]
        assert len(set(ids)) == PEOPLE
