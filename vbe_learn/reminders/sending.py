"""Sending planned messages exactly once, even when a run is killed half-way.

Each message goes through its row: planned → sending (committed before the SMTP
transaction) → sent or failed (committed after it, in the same transaction that claims
the next row). A re-run therefore never resends a row marked sent. The one window left
is a kill after the server accepted a message but before "sent" was committed: that
row stays "sending". Only one run works at a time (a lock file), so a run that finds a
"sending" row knows its run died, and marks it "unknown" without resending: at most
one message, never two. Its Message-ID is fixed by the row (paminnelse-<id>@…), so a
resend, if someone ever forced one, would be recognisable as the same message.

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
    """Send every planned row in id order. One transaction per message both records the
    previous message's outcome and claims the next row, so at most one row is ever
    "sending" and a message costs one commit."""
    report = SendReport()
    links = Links.build()
    last_id, finished = 0, None
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
        if not batch:
            _record(finished, report)
            commit()
            return report
        for row in batch:
            last_id = row.id
            _record(finished, report)
            finished = None
            claimed = db.session.execute(CLAIM, {"reminder_id": row.id}).rowcount == 1
            commit()
            if not claimed:
                continue
            finished = (
                row.id,
                _deliver(transport, render_message(row, row.first_name, links, domain)),
            )
            if finished[1][0] == "stop":
                _record(finished, report)
                commit()
                return report


def _deliver(transport, outgoing) -> tuple[str, str | None]:
    try:
        transport.send(outgoing)
    except DeliveryFailed as exc:
        return (PLANNED if exc.temporary else FAILED), str(exc)[:1000]
    except MailServerUnavailable as exc:
        return "stop", str(exc)[:1000]
    return SENT, None


def _record(finished: tuple | None, report: SendReport) -> None:
    """Write a delivered (or refused) message's outcome into the current transaction."""
    if finished is None:
        return
    reminder_id, (status, error) = finished
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
