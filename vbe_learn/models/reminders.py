"""Deadlines (city-wide or per förvaltning), their change log, and every reminder message.

A reminder message is planned once per (person, kind, period): the unique key is what
makes `flask reminders send` exactly-once however often it runs. A run claims a row in the
database (claimed_by, claimed_at) before it sends it: see reminders/sending.py.
"""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.extensions import db
from .org import Administration, User
from .types import UTCDateTime, utcnow


class Deadline(db.Model):
    """The date by which everyone should have completed: city-wide (no förvaltning) or one's own."""

    __tablename__ = "deadlines"

    id: Mapped[int] = mapped_column(primary_key=True)
    administration_id: Mapped[int | None] = mapped_column(
        ForeignKey("administrations.id"), unique=True
    )
    due_on: Mapped[date] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    administration: Mapped[Administration | None] = relationship()


class DeadlineChange(db.Model):
    """One change of a deadline: who (None from the command line), old and new date, when."""

    __tablename__ = "deadline_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    administration_id: Mapped[int | None] = mapped_column(ForeignKey("administrations.id"))
    old_due_on: Mapped[date | None] = mapped_column(Date)
    new_due_on: Mapped[date | None] = mapped_column(Date)  # None: removed

    actor: Mapped[User | None] = relationship()
    administration: Mapped[Administration | None] = relationship()


PLANNED, SENDING, SENT, FAILED, CANCELLED, UNKNOWN = (
    "planned", "sending", "sent", "failed", "cancelled", "unknown",
)  # fmt: skip


class ReminderMessage(db.Model):
    """One e-mail to one person: planned, then claimed ("sending") and sent or failed.

    kind: invitation, renewal, before, after, manual (to the person), digest (to a chef),
    summary (to a samordnare). period_key says which deadline, week or month it is for.
    """

    __tablename__ = "reminder_messages"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", "period_key"),
        Index("ix_reminder_messages_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))
    period_key: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10), default=PLANNED)
    recipient: Mapped[str] = mapped_column(String(254))
    # The recipient's förvaltning when planned: which samordnare see it in the log.
    administration_id: Mapped[int | None] = mapped_column(
        ForeignKey("administrations.id"), index=True
    )
    payload: Mapped[str] = mapped_column(Text, default="{}")  # JSON: what the message says
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    planned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(Text)
    # The run that claimed the row for sending ("host:pid:run"), and when (kept afterwards).
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
