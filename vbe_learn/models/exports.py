"""The export log: every deltagarlista and samlad bild that left the system."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..core.extensions import db
from .types import UTCDateTime, utcnow


class ExportLog(db.Model):
    """One export: who (None from the command line), what, with which filters, how many rows."""

    __tablename__ = "export_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))  # "participants" or "summary"
    format: Mapped[str] = mapped_column(String(10))  # "xlsx" or "csv"
    filters: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    row_count: Mapped[int] = mapped_column(Integer)
