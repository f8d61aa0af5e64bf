"""The audit log: who changed roles, deadlines, the roster, and who exported what."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.extensions import db
from .types import UTCDateTime, utcnow


class AuditEvent(db.Model):
    """One security-relevant change: actor (None from the command line), action, target."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(50), index=True)  # e.g. "role.granted"
    target: Mapped[str | None] = mapped_column(String(200))  # e.g. "user:42"
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
