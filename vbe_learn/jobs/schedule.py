"""What the job worker's scheduler runs, and when (Huey's crontab, in UTC).

A periodic job here does what its command does (`flask gdpr pseudonymise` …), through the
same service functions; the worker commits once after it returns (queue.py).
"""

import logging

from flask import current_app
from huey import crontab

from ..exports.files import delete_expired_export_files, fail_stuck_export_files
from ..models.types import city_today, utcnow
from ..privacy.gallring import delete_old_messages, due_for_pseudonymisation, pseudonymise
from ..reminders.run import run_reminders
from ..roster.uploads import delete_expired_uploads, fail_stuck_imports
from .queue import periodic_job

log = logging.getLogger("vbe_learn.jobs")


@periodic_job(crontab(minute="30", hour="2"))
def nightly_gallring() -> None:
    """Pseudonymise the people due and delete old e-mail log rows, as `flask gdpr pseudonymise`."""
    days = current_app.config["GDPR_RETENTION_DAYS"]
    today = city_today()
    people = pseudonymise(due_for_pseudonymisation(today, days), utcnow())
    messages = delete_old_messages(today, days)
    log.info("event=gallring pseudonymised=%s messages_deleted=%s", people, messages)


@periodic_job(crontab(minute="40", hour="2"))
def nightly_expired_uploads() -> None:
    """Fail roster imports stuck running (a worker killed mid-apply) or queued, then delete
    uploads never confirmed and imports finished more than a day ago."""
    now = utcnow()
    stuck = fail_stuck_imports(now)
    log.info("event=expired_uploads_deleted count=%s stuck=%s", delete_expired_uploads(now), stuck)


@periodic_job(crontab(minute="5", hour="6-16", day_of_week="1-5"))
def hourly_reminders() -> None:
    """Plan and send today's reminders, as `flask reminders send` (weekdays 07–18 in Stockholm
    in winter; run_reminders commits per message, so several workers may run it at once)."""
    report = run_reminders(current_app.config, city_today())
    sent = report.sending.sent if report.sending else 0
    log.info("event=reminders_run planned=%s sent=%s", sum(report.planned.values()), sent)


@periodic_job(crontab(minute="50"))
def hourly_export_cleanup() -> None:
    """Delete expired export files and fail those stuck (queued or running too long)."""
    now = utcnow()
    deleted = delete_expired_export_files(now)
    stuck = fail_stuck_export_files(now, current_app.config["EXPORT_STUCK_MINUTES"])
    log.info("event=export_files_cleaned deleted=%s stuck=%s", deleted, stuck)
