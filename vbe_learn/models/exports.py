"""The export log (every deltagarlista and samlad bild that left the system) and the
export files that job workers make for *Mina exporter*."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
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


QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


class ExportFile(db.Model):
    """A deltagarlista or samlad bild asked for on the export pages: made by a job worker,
    kept here until it expires, downloaded from *Mina exporter* by the person who asked.

    The file's bytes live in the database, not in a folder: every app server and job worker
    shares it (a file made by a worker on one host is downloaded from another), it is backed
    up, its row and its bytes commit together, and an expired file goes with one DELETE. A
    file is a few MB at most (50,000 rows of XLSX: about 3 MB); the bytes are deferred, so a
    list of files never loads them.
    """

    __tablename__ = "export_files"
    __table_args__ = (Index("ix_export_files_requester_created", "requested_by_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))  # "participants" or "summary"
    format: Mapped[str] = mapped_column(String(10))  # "xlsx" or "csv"
    filters: Mapped[str] = mapped_column(Text, default="{}")  # JSON: what was asked for
    status: Mapped[str] = mapped_column(String(10), default=QUEUED, index=True)
    data: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    filename: Mapped[str | None] = mapped_column(String(255))
    size: Mapped[int | None] = mapped_column(Integer)
    row_count: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(500))
    export_log_id: Mapped[int | None] = mapped_column(ForeignKey("export_logs.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
