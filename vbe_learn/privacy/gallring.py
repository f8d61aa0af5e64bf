"""Gallring: people who left the city long enough ago are pseudonymised.

Someone is due when they are inactive, every placement of theirs has ended, and the last
one ended at least `retention_days` ago. Their name becomes "Gallrad <id>", their e-post
an address made from the id, their anställningsnummer and password are removed and their
sessions end. Ids, placements, headcount snapshots, attempts and completions stay, so
every rate and count for an earlier date stays exactly what it was.

The e-mail log keeps addresses and, in a chef's digest, team members' names: messages
planned before the same cutoff are deleted, and the e-post in audit events about a
pseudonymised person is replaced too.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select, update

from ..core.extensions import db
from ..models import AuditEvent, Placement, ReminderMessage, User
from ..models.org import new_session_token
from ..models.types import CITY_TIMEZONE

PSEUDONYM_FIRST_NAME = "Gallrad"
PSEUDONYM_EMAIL_DOMAIN = "gallrad.invalid"  # .invalid: can never receive mail


@dataclass(frozen=True)
class Due:
    """A person due for pseudonymisation (shown by --dry-run)."""

    user_id: int
    left_on: date


def due_for_pseudonymisation(today: date, retention_days: int) -> list[Due]:
    """People who left at least `retention_days` before `today` and still have their names."""
    cutoff = today - timedelta(days=retention_days)
    ended = (
        select(Placement.user_id, func.max(Placement.valid_to).label("left_on"))
        .group_by(Placement.user_id)
        .having(func.count(Placement.valid_to) == func.count(Placement.id))  # none open
        .having(func.max(Placement.valid_to) <= cutoff)
        .subquery()
    )
    rows = db.session.execute(
        select(User.id, ended.c.left_on)
        .join(ended, ended.c.user_id == User.id)
        .where(User.active.is_(False), User.pseudonymised_at.is_(None))
        .order_by(User.id)
    )
    return [Due(user_id, left_on) for user_id, left_on in rows]


def pseudonym_values(user_id: int, now: datetime) -> dict:
    """The columns that replace a person's identity (derived from the id, nothing else)."""
    return {
        "id": user_id,
        "first_name": PSEUDONYM_FIRST_NAME,
        "last_name": str(user_id),
        "email": f"{PSEUDONYM_FIRST_NAME.lower()}.{user_id}@{PSEUDONYM_EMAIL_DOMAIN}",
        "employee_number": None,
        "employed_from": None,
        "password_hash": None,
        "session_token": new_session_token(),
        "pseudonymised_at": now,
    }


def pseudonymise(due: list[Due], now: datetime) -> int:
    """Replace the identities of these people (one statement for all); return how many."""
    if due:
        values = [pseudonym_values(item.user_id, now) for item in due]
        db.session.execute(update(User), values)
        _pseudonymise_audit_events({row["id"]: row["email"] for row in values})
        db.session.flush()
    return len(due)


def _pseudonymise_audit_events(emails: dict[int, str]) -> None:
    targets = {f"user:{user_id}": email for user_id, email in emails.items()}
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.target.in_(targets)))
    for event in events:  # role changes about these people: a handful of rows each
        if "email" in (event.details or {}):
            event.details = {**event.details, "email": targets[event.target]}


def delete_old_messages(today: date, retention_days: int) -> int:
    """Delete e-mail log rows planned before the cutoff; return how many."""
    cutoff = today - timedelta(days=retention_days)
    start = datetime(cutoff.year, cutoff.month, cutoff.day, tzinfo=CITY_TIMEZONE)
    result = db.session.execute(delete(ReminderMessage).where(ReminderMessage.planned_at < start))
    return result.rowcount
