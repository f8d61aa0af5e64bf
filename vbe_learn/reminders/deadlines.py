"""Deadlines: city-wide, or one förvaltning's own; every change is logged.

A person's own deadline (see docs/reminders.md):

    base  = their förvaltning's deadline, else the city-wide one, else none
    start = Anställd från (not yet completed) or the day their completion stopped
            counting ("Ska förnyas"); none when unknown
    deadline = the later of base and start + NEW_EMPLOYEE_DAYS (whichever exist)
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from ..core.audit import record
from ..core.extensions import db
from ..learning.status import COMPLETED
from ..models import Administration, Deadline, DeadlineChange, User
from ..models.types import utcnow


def deadlines_by_administration() -> dict[int | None, date]:
    """{administration id (None: city-wide): deadline} (one query)."""
    return dict(db.session.execute(select(Deadline.administration_id, Deadline.due_on)).all())


# Shown beside the status (never instead of it) when a person not done is past their deadline.
LATE = "Försenad"


def is_late(status: str, deadline: date | None, today: date) -> bool:
    """Försenad: not Genomförd and the person's own deadline has passed."""
    return status != COMPLETED and deadline is not None and today > deadline


def days_left(deadline: date | None, today: date) -> int | None:
    """Days from today to the deadline (0 on the day, negative after); None without one."""
    return None if deadline is None else (deadline - today).days


@dataclass(frozen=True)
class DeadlineInSight:
    """A person's own deadline as they see it: the day, days left (negative: late), late."""

    due_on: date
    days_left: int
    late: bool

    @classmethod
    def of(cls, status: str, due_on: date, today: date) -> "DeadlineInSight":
        """The deadline seen on `today` by a person with `status` (by is_late and days_left)."""
        return cls(due_on, days_left(due_on, today), is_late(status, due_on, today))


def personal_deadline(
    deadlines: dict[int | None, date], administration_id: int | None, start: date | None, days: int
) -> date | None:
    """The later of the förvaltning's (or city's) deadline and start + days; None if neither."""
    base = deadlines.get(administration_id, deadlines.get(None))
    own = start + timedelta(days=days) if start is not None else None
    candidates = [day for day in (base, own) if day is not None]
    return max(candidates) if candidates else None


def set_deadline(
    administration: Administration | None, due_on: date | None, actor: User | None
) -> DeadlineChange | None:
    """Set (or with None remove) a deadline and log the change; None when nothing changed."""
    administration_id = administration.id if administration is not None else None
    current = db.session.scalar(
        select(Deadline).where(
            Deadline.administration_id.is_(None)
            if administration_id is None
            else Deadline.administration_id == administration_id
        )
    )
    old = current.due_on if current is not None else None
    if old == due_on:
        return None
    if due_on is None:
        db.session.delete(current)
    elif current is None:
        db.session.add(Deadline(administration_id=administration_id, due_on=due_on))
    else:
        current.due_on, current.updated_at = due_on, utcnow()
    change = DeadlineChange(
        actor_id=actor.id if actor is not None else None,
        administration_id=administration_id,
        old_due_on=old,
        new_due_on=due_on,
    )
    db.session.add(change)
    db.session.flush()
    target = f"administration:{administration_id}" if administration_id else "city"
    record(actor, "deadline.changed", target, old=old, new=due_on)
    return change


def deadline_rows(administration_ids) -> list[tuple[Administration, date | None]]:
    """Förvaltningar within reach (None: all) with their own deadline, by name."""
    query = (
        select(Administration, Deadline.due_on)
        .outerjoin(Deadline, Deadline.administration_id == Administration.id)
        .order_by(Administration.name)
    )
    if administration_ids is not None:
        query = query.where(Administration.id.in_(list(administration_ids)))
    return [(administration, due_on) for administration, due_on in db.session.execute(query)]


def city_deadline() -> date | None:
    """The city-wide deadline, if one is set."""
    return db.session.scalar(select(Deadline.due_on).where(Deadline.administration_id.is_(None)))


def deadline_changes(administration_ids, limit: int = 100) -> list[DeadlineChange]:
    """The newest changes within reach (None: all, including the city-wide deadline)."""
    query = select(DeadlineChange).order_by(DeadlineChange.id.desc()).limit(limit)
    if administration_ids is not None:
        query = query.where(DeadlineChange.administration_id.in_(list(administration_ids)))
    return list(db.session.scalars(query))
