"""Export files: a deltagarlista or samlad bild asked for on a page, made by a job worker,
downloaded from *Mina exporter* (no Flask request here; services flush, never commit).

1. The request (exports/views.py → tasks.queue_export): `new_export_file` adds a queued
   row with what was asked for (the filters, as the export log keeps them); the job is
   queued after the request's commit.
2. The job (tasks.make_export_file): `claim_export_file` checks that the person may still
   export what they asked for, builds the query and the heading, and marks the row
   running; `finish_export_file` writes the file with the same code as the commands
   (services.py: the rows under one read-only snapshot), keeps its bytes in the row and
   logs the export (ExportLog and audit event) as before. A failure is kept with its
   Swedish reason.
3. The download (the requester only, permissions.access_export_file) is audit-logged.
4. A file is kept EXPORT_RETENTION_DAYS; the hourly clean-up (jobs/schedule.py) deletes
   expired files with one DELETE and fails those not made after EXPORT_STUCK_MINUTES.

Every export goes through the queue, small ones too: one path to test and to reason about,
and a web worker never writes a file (a samlad bild takes a second, a deltagarlista of the
whole city several; the worker starts on it at once).
"""

import json
import tempfile
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext
from sqlalchemy import delete, or_, select, update

from ..core.audit import record
from ..core.extensions import db
from ..models import ExportFile, User
from ..models.exports import DONE, FAILED, QUEUED, RUNNING
from ..models.types import CITY_TIMEZONE, city_today, utcnow
from ..permissions import may_export, may_see_administration, visible_people
from .participants import (
    FiltersGone,
    ParticipantFilters,
    ParticipantQuery,
    filters_from_described,
    participant_heading,
    participant_query,
)
from .services import (
    PARTICIPANTS,
    SUMMARY,
    describe_filters,
    log_participants,
    participants_file,
    summary_file,
)
from .writers import CSV_MIMETYPE, XLSX_MIMETYPE, Heading

MIMETYPES = {"xlsx": XLSX_MIMETYPE, "csv": CSV_MIMETYPE}
STATUS_LABELS = {
    QUEUED: lazy_gettext("Förbereds"),
    RUNNING: lazy_gettext("Förbereds"),
    DONE: lazy_gettext("Klar"),
    FAILED: lazy_gettext("Misslyckades"),
}
# Each kind on Mina exporter, in the interface language (services.KIND_LABELS: the logs').
KIND_TEXTS = {PARTICIPANTS: lazy_gettext("Deltagarlista"), SUMMARY: lazy_gettext("Samlad bild")}
STATUS_COLOURS = {QUEUED: "info", RUNNING: "info", DONE: "success", FAILED: "danger"}
NO_LONGER_ALLOWED = "Du har inte längre behörighet till det du valde."
FILTERS_GONE = "Något du valde (förvaltning, enhet eller chef) finns inte längre."
BUILD_FAILED = "Filen kunde inte skapas. Försök igen."
STUCK = "Avbröts: försök igen"
LISTED = 50  # the newest files on Mina exporter (a file is kept a week: plenty)


class ExportRefused(Exception):
    """The export cannot be made any more; the message is the Swedish reason shown."""


def new_export_file(
    requester: User, kind: str, file_format: str, filters: dict, retention_days: int
) -> ExportFile:
    """A queued export file (flushed): what `requester` asked for, kept `retention_days`."""
    now = utcnow()
    export = ExportFile(
        requested_by_id=requester.id,
        kind=kind,
        format=file_format,
        filters=json.dumps(filters, ensure_ascii=False, sort_keys=True),
        status=QUEUED,
        created_at=now,
        expires_at=now + timedelta(days=retention_days),
    )
    db.session.add(export)
    db.session.flush()
    return export


@dataclass(frozen=True)
class Claimed:
    """An export file taken by a job, with what it needs to be written (built before the
    claim is committed: the build then reads nothing through the session)."""

    export_id: int
    requester_id: int
    kind: str
    file_format: str
    on: date
    query: ParticipantQuery | None = None
    heading: Heading | None = None
    filters: ParticipantFilters | None = None
    as_of: date | None = None
    sort: str = ""


def claim_export_file(export_id: int, validity_years: int) -> Claimed | None:
    """Take a queued export file for this job: checked again against the requester's reach
    (roles may have changed since), marked running (flushed). None when it is gone or
    already taken; ExportRefused (with the reason) when it may not be made."""
    # Locked until the claim commits: a second worker given the same job waits, then finds
    # it running (on SQLite the job's transaction holds the write lock anyway).
    export = db.session.scalar(
        select(ExportFile).where(ExportFile.id == export_id).with_for_update()
    )
    if export is None or export.status != QUEUED:
        return None
    requester = db.session.get(User, export.requested_by_id)
    asked = json.loads(export.filters)
    if not requester.active or not may_export(requester, export.kind):
        raise ExportRefused(NO_LONGER_ALLOWED)
    export.status, export.started_at = RUNNING, utcnow()
    on = city_today()
    claimed = Claimed(export.id, requester.id, export.kind, export.format, on)
    if export.kind == SUMMARY:
        db.session.flush()
        return replace(claimed, as_of=date.fromisoformat(asked["as_of"]), sort=asked["sort"])
    try:
        filters = filters_from_described(asked)
    except FiltersGone as gone:
        raise ExportRefused(FILTERS_GONE) from gone
    team = filters.team_of
    if (team is not None and team.id != requester.id) or (
        filters.administration is not None
        and not may_see_administration(requester, filters.administration.id)
    ):
        raise ExportRefused(NO_LONGER_ALLOWED)
    query = participant_query(visible_people(requester), filters, on, validity_years)
    heading = participant_heading(filters, "reach", on)
    db.session.flush()
    return replace(claimed, query=query, heading=heading, filters=filters)


def finish_export_file(claimed: Claimed, validity_years: int, retention_days: int) -> None:
    """Write the claimed file, keep it in its row and log the export as the requester's
    (flushed). A deltagarlista's rows are read under a snapshot of their own before the
    session is used again (on SQLite: no write lock while they are read)."""
    with tempfile.TemporaryFile() as file:
        if claimed.kind == SUMMARY:
            requester = db.session.get(User, claimed.requester_id)
            logged = summary_file(file, claimed.file_format, requester, claimed.as_of,
                                  validity_years, sort=claimed.sort)  # fmt: skip
            filename = f"samlad-bild-{claimed.as_of.isoformat()}.{claimed.file_format}"
        else:
            rows = participants_file(file, claimed.file_format, claimed.query, claimed.heading)
            requester = db.session.get(User, claimed.requester_id)
            logged = log_participants(requester, "reach", claimed.filters, claimed.file_format,
                                      rows)  # fmt: skip
            filename = f"deltagarlista-{claimed.on.isoformat()}.{claimed.file_format}"
        file.seek(0)
        data = file.read()
    export = db.session.get(ExportFile, claimed.export_id)
    now = utcnow()
    export.status, export.data, export.size = DONE, data, len(data)
    export.row_count, export.export_log_id = logged.row_count, logged.id
    export.filename, export.finished_at = filename, now
    export.expires_at = now + timedelta(days=retention_days)
    db.session.flush()


def fail_export_file(export_id: int, reason: str) -> None:
    """Mark an export file failed with its Swedish reason (flushed)."""
    export = db.session.get(ExportFile, export_id)
    if export is None:
        return
    export.status, export.error, export.finished_at = FAILED, reason, utcnow()
    db.session.flush()


@dataclass(frozen=True)
class ListedFile:
    """One file as *Mina exporter* shows it (times in Stockholm)."""

    id: int
    created_at: datetime
    kind: str
    format: str
    filters: str
    status: str
    status_label: str
    status_colour: str
    row_count: int | None
    size: int | None
    expires_at: datetime
    error: str | None

    @property
    def pending(self) -> bool:
        """Still being made (queued or running)."""
        return self.status in (QUEUED, RUNNING)


def export_files_of(user: User, limit: int = LISTED) -> list[ListedFile]:
    """The person's own export files, newest first (one query; the bytes are not loaded)."""
    found = db.session.scalars(
        select(ExportFile)
        .where(ExportFile.requested_by_id == user.id)
        .order_by(ExportFile.created_at.desc(), ExportFile.id.desc())
        .limit(limit)
    )
    return [
        ListedFile(
            id=export.id,
            created_at=export.created_at.astimezone(CITY_TIMEZONE),
            kind=str(KIND_TEXTS.get(export.kind, export.kind)),
            format=export.format.upper(),
            filters=_shown_filters(export),
            status=export.status,
            status_label=str(STATUS_LABELS[export.status]),
            status_colour=STATUS_COLOURS[export.status],
            row_count=export.row_count,
            size=export.size,
            expires_at=export.expires_at.astimezone(CITY_TIMEZONE),
            error=export.error,
        )
        for export in found
    ]


def _shown_filters(export: ExportFile) -> str:
    asked = json.loads(export.filters)
    asked.pop("sort", None)
    return describe_filters(json.dumps(asked))


def downloaded(user: User, export: ExportFile) -> bytes:
    """The file's bytes for its requester; the download is audit-logged (flushed)."""
    record(user, "export.downloaded", f"export_log:{export.export_log_id}", kind=export.kind,
           format=export.format, rows=export.row_count, file=export.filename)  # fmt: skip
    return export.data


def delete_expired_export_files(now: datetime) -> int:
    """Delete every export file past its expiry (one statement); how many."""
    result = db.session.execute(delete(ExportFile).where(ExportFile.expires_at < now))
    return result.rowcount


def fail_stuck_export_files(now: datetime, minutes: int) -> int:
    """Mark failed ("Avbröts: försök igen") every export still queued or running `minutes`
    after it was asked for or started (a worker killed mid-job); how many."""
    cutoff = now - timedelta(minutes=minutes)
    result = db.session.execute(
        update(ExportFile)
        .where(
            or_(
                (ExportFile.status == QUEUED) & (ExportFile.created_at < cutoff),
                (ExportFile.status == RUNNING) & (ExportFile.started_at < cutoff),
            )
        )
        .values(status=FAILED, error=STUCK, finished_at=now)
    )
    return result.rowcount
