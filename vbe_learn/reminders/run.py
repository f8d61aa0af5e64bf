"""One reminder run: settle dead runs' rows, plan today's messages, send every planned one.

Called by `flask reminders send` and by the job queue's hourly task; any number may run at
once, on any host (reminders/sending.py says how). It runs outside requests, so it commits
itself, in the two places below: `run_reminders` once after settling, planning and
cancelling; `send_planned` once per message (the claim of the next row together with the
outcome of the last one).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from ..core.extensions import db
from ..core.i18n import locale_for_language
from ..core.mail import transport_for
from ..learning.status import validity_years
from ..models.reminders import FAILED, PLANNED, SENT
from .messages import Links, render_message
from .planning import Schedule, plan_messages
from .sending import (
    STOP,
    SendReport,
    cancel_no_longer_due,
    claim_next,
    deliver,
    new_run_id,
    record_outcome,
    settle_abandoned,
)


@dataclass
class RunReport:
    """What one run did: new messages per kind, rows cancelled or settled, what was sent."""

    planned: dict[str, int] = field(default_factory=dict)
    cancelled: int = 0
    interrupted: int = 0
    sending: SendReport | None = None  # None: a dry run


def run_reminders(config, today: date, dry_run: bool = False) -> RunReport:
    """Plan today's messages and send every planned one (a dry run plans, then rolls back)."""
    report = RunReport()
    years = validity_years(config["DEFAULT_COURSE"])
    lease = timedelta(minutes=config["REMINDER_CLAIM_LEASE_MINUTES"])
    report.interrupted = settle_abandoned(lease)
    report.planned = plan_messages(Schedule.from_config(config, today, years))
    if dry_run:
        db.session.rollback()
        return report
    report.cancelled = cancel_no_longer_due(today, years)
    db.session.commit()
    transport = transport_for(config)
    try:
        report.sending = send_planned(transport, mail_domain(config), new_run_id())
    finally:
        transport.close()
    return report


def send_planned(transport, domain: str, run_id: str) -> SendReport:
    """Claim, send and record planned rows one at a time until none is left (one commit
    per message: see reminders/sending.py)."""
    report = SendReport()
    links = Links.build()
    row = claim_next(run_id)
    db.session.commit()
    while row is not None:
        locale = locale_for_language(row.course_language)  # the recipient's, not the run's
        outgoing = render_message(row, row.first_name, links, domain, row.last_name, locale)
        status, error = deliver(transport, outgoing)
        if status == STOP:
            report.stopped, status = error, PLANNED
        record_outcome(row.id, run_id, status, error)
        _count(report, status)
        row = None if report.stopped else claim_next(run_id, row.id)
        db.session.commit()
    return report


def _count(report: SendReport, status: str) -> None:
    if report.stopped:
        return
    if status == SENT:
        report.sent += 1
    elif status == FAILED:
        report.failed += 1
    else:
        report.retry_later += 1


def mail_domain(config) -> str:
    """The domain of the sender address (for Message-IDs)."""
    sender = config["MAIL_DEFAULT_SENDER"]
    return sender.rsplit("@", 1)[-1].strip(">").strip() or "vbe-learn"
