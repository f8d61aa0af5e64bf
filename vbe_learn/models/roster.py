"""What the HR roster imports leave behind: placements over time, headcounts, the import log,
and an uploaded roster file waiting for its confirmation."""

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.extensions import db
from .types import UTCDateTime, utcnow


class RosterImport(db.Model):
    """One applied roster import: who, when, which file, what changed."""

    __tablename__ = "roster_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    as_of: Mapped[date] = mapped_column(Date)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    source_name: Mapped[str] = mapped_column(String(255))
    rows: Mapped[int] = mapped_column(Integer)
    added: Mapped[int] = mapped_column(Integer)
    changed: Mapped[int] = mapped_column(Integer)
    deactivated: Mapped[int] = mapped_column(Integer)


class Placement(db.Model):
    """Where a person worked from one date until (not including) another: the roster's history.

    An open placement (valid_to NULL) is the person's current place; a move or a
    deactivation closes it. Rates on any date count the placements valid on that date.
    """

    __tablename__ = "placements"
    __table_args__ = (
        # Covering for followup.rates: headcount and who per enhet and day, from the index alone.
        Index(
            "ix_placements_unit_period_people",
            *("unit_id", "valid_from", "valid_to", "user_id", "close_to_residents"),
        ),
        Index("ix_placements_user_period", "user_id", "valid_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    close_to_residents: Mapped[bool] = mapped_column(Boolean)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class HeadcountSnapshot(db.Model):
    """Active employees of one enhet on an import's as-of date (the rate's denominator)."""

    __tablename__ = "headcount_snapshots"
    __table_args__ = (UniqueConstraint("as_of", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    roster_import_id: Mapped[int] = mapped_column(ForeignKey("roster_imports.id"), index=True)
    as_of: Mapped[date] = mapped_column(Date, index=True)
    administration_id: Mapped[int] = mapped_column(ForeignKey("administrations.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    headcount: Mapped[int] = mapped_column(Integer)
    close_to_residents: Mapped[int] = mapped_column(Integer)


# The import of a confirmed upload (RosterUpload.status; None while it is only previewed).
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


class RosterUpload(db.Model):
    """An uploaded roster file between its preview and its confirmation (or expiry), and
    then the state of its import, which a job worker applies (roster/tasks.py).

    Kept in the database, which every app server and worker shares: the confirmation may
    reach another server than the preview did. Deleted when cancelled; once imported (or
    failed) its bytes are dropped and the row, with the result, stays for the page until
    roster.uploads.delete_expired_uploads deletes it a day later.
    """

    __tablename__ = "roster_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(String(255))
    as_of: Mapped[date] = mapped_column(Date)
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    status: Mapped[str | None] = mapped_column(String(10), index=True)
    deactivate_count: Mapped[int | None] = mapped_column(Integer)  # the number typed
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(Text)
    roster_import_id: Mapped[int | None] = mapped_column(
        ForeignKey("roster_imports.id", ondelete="SET NULL")
    )
    roster_import: Mapped[RosterImport | None] = relationship()
