"""Sending planned messages at most once, from any number of runs on any number of hosts.

All state is in the database; nothing on a host's disk.

* **Claim.** A run claims one planned row at a time: it selects the next planned row
  `FOR UPDATE SKIP LOCKED` (PostgreSQL: a row another run is claiming right now is skipped,
  not waited for) and marks it "sending" with `claimed_by` (host:pid:run) and
  `claimed_at`. On SQLite the dialect leaves `FOR UPDATE` out; the writer lock (BEGIN
  IMMEDIATE, core/db.py) serialises the claims instead. Either way two runs never claim
  the same row: claims are disjoint.
* **Send, then record.** The claim is committed before the SMTP transaction. Once the
  server has answered, the row is marked sent (or failed, or planned again) in the same
  transaction that claims the next row: one commit per message (reminders/run.py).
* **A run that died.** A row left "sending" was handed to the SMTP server, and the server
  may have accepted it. When its claim is older than the lease
  (REMINDER_CLAIM_LEASE_MINUTES, longer than any SMTP transaction can take), a later run
  settles it as "unknown" and never resends it: at most one message, never two. A claim
  within its lease belongs to a run still working (on this host or another) and is left
  alone.

Why one row and one commit per message: a durable mark "about to be tried" must be in the
database before each SMTP transaction, or a dead run's claimed rows could not be told
apart (never tried → may be sent; tried → must not). Claiming a batch would need that mark
anyway (a commit per message), or would turn a whole batch into "unknown" — people who
never get their reminder — whenever a run is killed. Claiming the next row in the
commit that records the last one costs the same one commit per message and leaves at most
one "unknown" row per killed run. Each Message-ID is fixed by its row
(paminnelse-<id>@…), so a resend, if someone ever forced one, would be recognisable.

Nothing here commits: reminders/run.py does.
"""

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, or_, select, update

from ..core.extensions import db
from ..core.mail import DeliveryFailed, MailServerUnavailable
from ..learning.status import StatusRule
from ..models import ReminderMessage, User
from ..models.reminders import CANCELLED, FAILED, PLANNED, SENDING, SENT, UNKNOWN
from ..models.types import utcnow
from .planning import PERSONAL_KINDS

INTERRUPTED = "Avbrott under sändning: kan ha skickats, skickas inte igen."
STOP = "stop"  # the server could not be reached: nothing was sent
TABLE = ReminderMessage.__table__
CLAIM = (
    TABLE.update()
    .where(TABLE.c.id == bindparam("reminder_id"))
    .values(status=SENDING, claimed_by=bindparam("run_id"), claimed_at=bindparam("now"))
)


@dataclass
class SendReport:
    """What one run's sending did."""

    sent: int = 0
    failed: int = 0
    retry_later: int = 0
    stopped: str | None = None


def new_run_id() -> str:
    """Who claims: host, process and a random part (a run is told apart from a later one)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def settle_abandoned(lease: timedelta, now: datetime | None = None) -> int:
    """Rows left "sending" by a run whose claim is older than the lease → "unknown" (never
    resent). Returns how many."""
    cutoff = (now or utcnow()) - lease
    result = db.session.execute(
        update(ReminderMessage)
        .where(ReminderMessage.status == SENDING, ReminderMessage.claimed_at < cutoff)
        .values(status=UNKNOWN, error=INTERRUPTED)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


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


def claim_next(run_id: str, after_id: int = 0):
    """Claim the next planned row after `after_id` for this run (flushed, not committed);
    the row with what its message needs, or None when none is left."""
    row = db.session.execute(
        select(
            ReminderMessage.id,
            ReminderMessage.kind,
            ReminderMessage.payload,
            ReminderMessage.recipient,
            User.first_name,
            User.last_name,
            User.course_language,
        )
        .join(User, User.id == ReminderMessage.user_id)
        .where(ReminderMessage.status == PLANNED, ReminderMessage.id > after_id)
        .order_by(ReminderMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True, of=ReminderMessage)
    ).first()
    if row is not None:
        db.session.execute(CLAIM, {"reminder_id": row.id, "run_id": run_id, "now": utcnow()})
    return row


def record_outcome(reminder_id: int, run_id: str, status: str, error: str | None) -> None:
    """Write what the server answered to this run's claimed row (flushed, not committed).

    Planned again (not sent: temporary refusal or no server) drops the claim."""
    values: dict = {"status": status, "error": error}
    if status == SENT:
        values["sent_at"] = utcnow()
    if status == PLANNED:
        values.update(claimed_by=None, claimed_at=None)
    # The table, not the ORM entity: a plain UPDATE, without the ORM's bookkeeping.
    db.session.execute(
        TABLE.update()
        .where(TABLE.c.id == reminder_id, TABLE.c.claimed_by == run_id)
        .values(**values)
    )


def deliver(transport, outgoing) -> tuple[str, str | None]:
    """One SMTP transaction: (SENT, None), (FAILED or PLANNED, the server's answer), or
    (STOP, why) when the server could not be reached."""
    try:
        transport.send(outgoing)
    except DeliveryFailed as exc:
        return (PLANNED if exc.temporary else FAILED), str(exc)[:1000]
    except MailServerUnavailable as exc:
        return STOP, str(exc)[:1000]
    return SENT, None
