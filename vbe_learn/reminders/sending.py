"""Sending planned messages exactly once, even when a run is killed half-way.

A run claims a batch of planned rows ("sending", one commit), then for each message
appends `T <id>` to a journal file before the SMTP transaction and `S <id>` once the
server has accepted it; after the batch one commit marks the accepted rows "sent" and
the journal is emptied. A refusal is written to its row at once. A re-run therefore
never resends a row marked sent, nor one the journal says was accepted.

A run that finds "sending" rows knows the run before it died (only one runs at a time: a
lock file). It settles them from the journal: `S` → sent; `T` without `S` (killed while
the server may have accepted it) → "unknown", never resent — at most one message, never
two; no `T` (never tried) → planned again. Without a journal it cannot know, and marks
them "unknown". Each Message-ID is fixed by its row (paminnelse-<id>@…), so a resend, if
someone ever forced one, would be recognisable as the same message.

The journal is written without fsync: it survives the sender being killed (the page
cache stays), which is what it is for, not a power loss of the host — the same
guarantee as the database's own commits on SQLite (WAL, synchronous=NORMAL). It saves
two database commits per message, which cost more than the SMTP transaction.

Commits happen per batch on purpose; the caller passes `commit` — only the command line
sends.
"""

import fcntl
import os
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import bindparam, or_, select, update

from ..core.extensions import db
from ..core.mail import DeliveryFailed, MailServerUnavailable
from ..learning.status import StatusRule
from ..models import ReminderMessage, User
from ..models.reminders import CANCELLED, FAILED, PLANNED, SENDING, SENT, UNKNOWN
from ..models.types import utcnow
from .messages import Links, render_message
from .planning import PERSONAL_KINDS

BATCH = 200
INTERRUPTED = "Avbrott under sändning: kan ha skickats, skickas inte igen."
FINISH = (
    update(ReminderMessage)
    .where(ReminderMessage.id == bindparam("reminder_id"))
    .values(status=bindparam("status"), error=bindparam("error"))
)


class AnotherRunIsActive(Exception):
    """Another `flask reminders send` holds the lock."""


@dataclass
class SendReport:
    """What one run did."""

    sent: int = 0
    failed: int = 0
    retry_later: int = 0
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


class Journal:
    """Append-only record of messages tried (T) and accepted (S) in the current batch."""

    def __init__(self, path: str):
        self.path = Path(path)

    def read(self) -> tuple[set[int], set[int]] | None:
        """(tried, accepted) ids, or None when there is no journal at all."""
        if not self.path.exists():
            return None
        tried, accepted = set(), set()
        for line in self.path.read_text().splitlines():
            mark, _, number = line.partition(" ")
            if number.isdigit():
                (accepted if mark == "S" else tried).add(int(number))
        return tried, accepted

    def clear(self) -> None:
        """Start empty (the file stays: an empty journal means "nothing was tried")."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text("")

    def __enter__(self) -> "Journal":
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        return self

    def __exit__(self, *exc) -> None:
        os.close(self._fd)

    def write(self, mark: str, reminder_id: int) -> None:
        """Append one line (one write call: it is in the file even if we are killed next)."""
        os.write(self._fd, f"{mark} {reminder_id}\n".encode())


def settle_interrupted(journal: Journal) -> int:
    """Rows a dead run left "sending": sent, unknown or planned again, from its journal.

    Returns how many are "unknown" (possibly sent, never resent)."""
    stuck = set(
        db.session.scalars(select(ReminderMessage.id).where(ReminderMessage.status == SENDING))
    )
    found = journal.read()
    tried, accepted = found if found is not None else (stuck, set())
    unknown = (stuck & tried) - accepted
    _set_status(stuck & accepted, SENT)
    _set_status(unknown, UNKNOWN, INTERRUPTED)
    _set_status(stuck - tried - accepted, PLANNED)
    journal.clear()
    return len(unknown)


def _set_status(ids: set[int], status: str, error: str | None = None) -> None:
    values = {"status": status, "error": error}
    if status == SENT:
        values["sent_at"] = utcnow()
    ordered = sorted(ids)
    for start in range(0, len(ordered), 500):
        db.session.execute(
            update(ReminderMessage)
            .where(ReminderMessage.id.in_(ordered[start : start + 500]))
            .values(**values)
            .execution_options(synchronize_session=False)
        )


def cancel_no_longer_due(today: date, validity_years: int) -> int:
    """Planned rows for people who left, or (personal reminders) who have completed since."""
    completed = StatusRule.on_day(today, validity_years).has_valid_completion(
        ReminderMessage.user_id
    )
    left = select(User.id).where(User.active.is_(False))
    result = db.session.execute(
        update(ReminderMessage)
        .where(
            ReminderMessage.status == PLANNED,
            or_(
                ReminderMessage.user_id.in_(left),
                ReminderMessage.kind.in_(PERSONAL_KINDS) & completed,
            ),
        )
        .values(status=CANCELLED)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def send_planned(
    transport, domain: str, journal: Journal, commit: Callable[[], None]
) -> SendReport:
    """Send every planned row in id order, a claimed batch at a time (see the module doc)."""
    report = SendReport()
    links = Links.build()
    last_id = 0
    while not report.stopped:
        batch = db.session.execute(
            select(
                ReminderMessage.id,
                ReminderMessage.kind,
                ReminderMessage.payload,
                ReminderMessage.recipient,
                User.first_name,
                User.last_name,
            )
            .join(User, User.id == ReminderMessage.user_id)
            .where(ReminderMessage.status == PLANNED, ReminderMessage.id > last_id)
            .order_by(ReminderMessage.id)
            .limit(BATCH)
        ).all()
        if not batch:
            commit()
            return report
        last_id = batch[-1].id
        _set_status({row.id for row in batch}, SENDING)
        commit()
        _send_batch(batch, transport, links, domain, journal, report, commit)
    return report


def _send_batch(batch, transport, links, domain, journal, report, commit) -> None:
    accepted, unsent = set(), set()
    with journal:
        for row in batch:
            if report.stopped:
                unsent.add(row.id)
                continue
            journal.write("T", row.id)
            outgoing = render_message(row, row.first_name, links, domain, row.last_name)
            status, error = _deliver(transport, outgoing)
            if status == SENT:
                journal.write("S", row.id)
                accepted.add(row.id)
                continue
            if status == "stop":  # the server could not be reached: nothing was sent
                report.stopped, status = error, PLANNED
            elif status == FAILED:
                report.failed += 1
            else:
                report.retry_later += 1
            db.session.execute(FINISH, {"reminder_id": row.id, "status": status, "error": error})
            commit()
    _set_status(accepted, SENT)
    _set_status(unsent, PLANNED)
    commit()
    journal.clear()
    report.sent += len(accepted)


def _deliver(transport, outgoing) -> tuple[str, str | None]:
    try:
        transport.send(outgoing)
    except DeliveryFailed as exc:
        return (PLANNED if exc.temporary else FAILED), str(exc)[:1000]
    except MailServerUnavailable as exc:
        return "stop", str(exc)[:1000]
    return SENT, None
