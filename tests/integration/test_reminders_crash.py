"""A run killed half-way never causes a second message.

A real `flask reminders send` is killed (SIGKILL) as the SMTP server accepts its 4th message
(accepted, but the sender never hears "250") and run again: everyone else gets exactly one
message, the 4th row is left to its (dead) run until the claim's lease runs out and is then
settled as "unknown", never resent. Runs as a subprocess against the test database, with a
real SMTP server on loopback. A run that dies after claiming, before any SMTP, is the same
case seen from the database (in-process below)."""

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
from vbe_learn.reminders.planning import Schedule, plan_messages
from vbe_learn.reminders.run import run_reminders
from vbe_learn.reminders.sending import claim_next, new_run_id

REPO = Path(__file__).resolve().parents[2]
PEOPLE = 10
KILL_AT = 4
DAY = "2026-03-02"


def run_sender(app, port: int, lease_minutes: int = 15) -> subprocess.Popen:
    env = {
        "REMINDER_CLAIM_LEASE_MINUTES": str(lease_minutes),
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
        again = run_sender(app, server.port)  # at once: the dead run's claim is in its lease
        output = again.communicate(timeout=60)[0].decode()
        assert again.returncode == 0, output
        assert f"Skickade: {PEOPLE - KILL_AT}," in output
        assert "avbrutna tidigare: 0" in output
        with app.app_context():
            assert _status_counts() == {"sent": PEOPLE - 1, "sending": 1}

        received = [r.recipients[0] for r in server.recorder.received]
        assert sorted(received) == sorted(addresses)  # everyone exactly once
        third = run_sender(app, server.port, lease_minutes=0)  # the lease has run out
        output = third.communicate(timeout=60)[0].decode()
        assert "Skickade: 0," in output and "avbrutna tidigare: 1" in output
        assert len(server.recorder.received) == PEOPLE

    with app.app_context():
        assert _status_counts() == {"sent": PEOPLE - 1, "unknown": 1}
        ids = [r.message["Message-ID"] for r in server.recorder.received]
        assert len(set(ids)) == PEOPLE


def _status_counts() -> dict[str, int]:
    return dict(
        db.session.execute(
            select(ReminderMessage.status, func.count()).group_by(ReminderMessage.status)
        ).all()
    )


def test_a_run_that_died_after_claiming_never_sends_that_row(app, smtp):
    with app.app_context():
        unit = make_unit("Kraschförvaltningen", "Enhet K")
        first, second = (
            make_user(f"claim{n}@test.se", unit, employed_from=date(2020, 1, 1)) for n in range(2)
        )
        set_deadline(None, date(2026, 3, 1), actor=None)
        plan_messages(Schedule(date(2026, 3, 2), 3))
        dead_run = new_run_id()
        claimed = claim_next(dead_run)
        db.session.commit()  # claimed and committed; the run dies before any SMTP
        assert claimed.recipient == first.email

        report = run_reminders(app.config, date(2026, 3, 2))  # within the lease
        assert (report.interrupted, report.sending.sent) == (0, 1)
        assert [r.recipients for r in smtp.received] == [[second.email]]

        app.config["REMINDER_CLAIM_LEASE_MINUTES"] = 0
        try:
            report = run_reminders(app.config, date(2026, 3, 2))
        finally:
            app.config["REMINDER_CLAIM_LEASE_MINUTES"] = 15
        assert (report.interrupted, report.sending.sent) == (1, 0)
        assert len(smtp.received) == 1  # never tried, yet not provably so: unknown, not resent
        row = db.session.get(ReminderMessage, claimed.id)
        assert (row.status, row.claimed_by) == ("unknown", dead_run)
