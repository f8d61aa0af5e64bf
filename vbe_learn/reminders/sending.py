"""Sending planned messages exactly once, even when a run is killed half-way.

Each message goes through its row: planned → sending (committed before the SMTP
transaction) → sent or failed (committed after it). A re-run therefore never resends a
row marked sent. The one window left is a kill after the server accepted a message but
before "sent" was committed: such a row stays "sending". Only one run works at a time (a
lock file), so a run that finds "sending" rows knows their run died, and marks them
"unknown" without resending: at most one message, never two. Their Message-ID is fixed
by the row (paminnelse-<id>@…), so a resend, if someone ever forced one, would be
recognisable as the same message.

Commits happen per message on purpose (that is what exactly-once needs); the caller
passes `commit` — only the command line sends.
"""

import fcntl
import os
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, or_, select, update

from ..extensions import db
from ..followup.people import latest_valid_completion
from ..models import ReminderMessage, User
from ..models.reminders import CANCELLED, FAILED, PLANNED, SENDING, SENT, UNKNOWN
from ..models.types import utcnow
from .mail import DeliveryFailed, MailServerUnavailable
from .messages import Links, render_message
from .planning import PERSONAL_KINDS

BATCH = 500
INTERRUPTED = "Avbrott under sändning: kan ha skickats, skickas inte igen."


# Built once (building a statement costs more than running it, twice per message).
CLAIM = (
    update(ReminderMessage)
    .where(ReminderMessage.id == bindparam("reminder_id"), ReminderMessage.status == PLANNED)
    .values(status=SENDING)
)
FINISH = (
    update(ReminderMessage)
    .where(ReminderMessage.id == bindparam("reminder_id"))
    .values(status=bindparam("status"), error=bindparam("error"), sent_at=bindparam("sent_at"))
)


class AnotherRunIsActive(Exception):
    """Another `flask reminders send` holds the lock."""


@dataclass
class SendReport:
    """What one run did."""

    sent: int = 0
    failed: int = 0
    retry_later: int = 0
    cancelled: int = 0
    interrupted: int = 0
    stopped: str | None = None


@contextmanager
def single_run(lock_path: str):
    """Hold an exclusive lock for the run (released by the OS even if the process is killed)."""
    os.makedirs(os.path.dirname(lock_path), exist_ok=True)
    with open(lock_path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise AnotherRunIsActive(lock_path) from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def mark_interrupted() -> int:
    """Rows left "sending" by a run that died: "unknown", never resent (at most once)."""
    result = db.session.execute(
        update(ReminderMessage)
        .where(ReminderMessage.status == SENDING)
        .values(status=UNKNOWN, error=INTERRUPTED)
    )
    return result.rowcount


def cancel_no_longer_due(today: date, validity_years: int) -> int:
    """Planned rows for people who left, or (personal reminders) who have completed since."""
    completed = select(latest_valid_completion(today, validity_years).c.user_id)
    left = select(User.id).where(User.active.is_(False))
    result = db.session.execute(
        update(ReminderMessage)
        .where(
            ReminderMessage.status == PLANNED,
            or_(
                ReminderMessage.user_id.in_(left),
                ReminderMessage.kind.in_(PERSONAL_KINDS) & ReminderMessage.user_id.in_(completed),
            ),
        )
        .values(status=CANCELLED)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def send_planned(transport, domain: str, commit: Callable[[], None]) -> SendReport:
    """Send every planned row in id order, one transaction before and one after each."""
    report = SendReport()
    links = Links.build()
    last_id = 0
    while True:
        batch = db.session.execute(
            select(
                ReminderMessage.id,
                ReminderMessage.kind,
                ReminderMessage.payload,
                ReminderMessage.recipient,
                User.first_name,
            )
            .join(User, User.id == ReminderMessage.user_id)
            .where(ReminderMessage.status == PLANNED, ReminderMessage.id > last_id)
            .order_by(ReminderMessage.id)
            .limit(BATCH)
        ).all()
        commit()
        if not batch:
            return report
        for row in batch:
            last_id = row.id
            if not _claim(row.id, commit):
                continue
            outcome = _deliver(transport, render_message(row, row.first_name, links, domain))
            _finish(row.id, outcome, report)
            commit()
            if report.stopped:
                return report


def _claim(reminder_id: int, commit) -> bool:
    claimed = db.session.execute(CLAIM, {"reminder_id": reminder_id}).rowcount
    commit()
    return claimed == 1


def _deliver(transport, outgoing) -> tuple[str, str | None]:
    try:
        transport.send(outgoing)
    except DeliveryFailed as exc:
        return (PLANNED if exc.temporary else FAILED), str(exc)[:1000]
    except MailServerUnavailable as exc:
        return "stop", str(exc)[:1000]
    return SENT, None


def _finish(reminder_id: int, outcome: tuple[str, str | None], report: SendReport) -> None:
    status, error = outcome
    values = {"reminder_id": reminder_id, "status": status, "error": error, "sent_at": None}
    if status == SENT:
        values["sent_at"] = utcnow()
        report.sent += 1
    elif status == FAILED:
        report.failed += 1
    elif status == PLANNED:
        report.retry_later += 1
    else:  # the server could not be reached: nothing was sent, try again next run
        values["status"] = PLANNED
        report.stopped = error
    db.session.execute(FINISH, values)
