"""Exports as services (no Flask request here): write a file and log it.

Each export writes one ExportLog row (and its audit event) in the caller's session
(flushed, never committed here): the job's or the command's one commit saves it. A
deltagarlista's rows are read under one snapshot (core/db.py, read_snapshot, or the
command's snapshot transaction), never through the session: all rows come from one moment,
and on SQLite the read holds no write lock. The file is written as the rows are read
(XLSX or CSV) and logged with the rows written. The pages ask for files that a job worker
makes with these functions (exports/files.py); the commands write them directly.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import BinaryIO

from flask_babel import gettext
from sqlalchemy import ColumnElement, Connection, select

from ..core.audit import record
from ..core.db import read_snapshot
from ..core.extensions import db
from ..followup.services import DEFAULT_CITY_SORT
from ..models import Administration, Department, ExportLog, Unit, User
from ..models.types import CITY_TIMEZONE
from .participants import (
    PARTICIPANT_LAYOUT,
    ParticipantFilters,
    ParticipantQuery,
    participant_rows,
)
from .summary import SUMMARY_LAYOUT, summary
from .writers import Heading, csv_chunks, write_xlsx

PARTICIPANTS, SUMMARY = "participants", "summary"
XLSX, CSV = "xlsx", "csv"
KIND_LABELS = {PARTICIPANTS: "Deltagarlista", SUMMARY: "Samlad bild"}
TEAM = "team"  # the förvaltning choice "Mitt team"
FILTER_LABELS = {
    "scope": "Omfattning",
    "administration": "Förvaltning",
    "unit": "Enhet",
    "status": "Status",
    "from": "Genomförd från",
    "to": "Genomförd till",
    "as_of": "Per datum",
}
SCOPE_LABELS = {"reach": "inom behörighet", "team": "mitt team", "all": "hela staden"}


def log_export(actor: User | None, kind: str, file_format: str, filters: dict, rows: int):
    """Record one export (flushed in the caller's transaction)."""
    entry = ExportLog(
        actor_id=actor.id if actor is not None else None,
        kind=kind,
        format=file_format,
        filters=json.dumps(filters, ensure_ascii=False, sort_keys=True),
        row_count=rows,
    )
    db.session.add(entry)
    db.session.flush()
    record(actor, f"export.{kind}", f"export_log:{entry.id}", format=file_format, rows=rows,
           **filters)  # fmt: skip
    return entry


def log_participants(
    actor: User | None, scope_name: str, filters: ParticipantFilters, file_format: str, rows: int
) -> ExportLog:
    """Record one deltagarlista (flushed in the caller's transaction)."""
    described = participant_request(scope_name, filters)
    return log_export(actor, PARTICIPANTS, file_format, described, rows)


def participant_request(scope_name: str, filters: ParticipantFilters) -> dict:
    """A deltagarlista's scope and filters as plain data: what the export log keeps, and
    what an export file asked for on a page keeps until the job makes it."""
    scope = TEAM if filters.team_of is not None else scope_name
    return {"scope": scope, **filters.describe()}


def write_participants(
    connection: Connection,
    target: str | BinaryIO,
    file_format: str,
    query: ParticipantQuery,
    heading: Heading | None = None,
) -> int:
    """Write the deltagarlista read on `connection` (a snapshot) as XLSX (a path or binary
    file; `heading` above its header) or CSV (a binary file); the rows written."""
    rows = participant_rows(connection, query)
    if file_format == XLSX:
        return write_xlsx(target, "Deltagarlista", PARTICIPANT_LAYOUT, rows, heading)
    counted = _Counted(rows)
    for chunk in csv_chunks(PARTICIPANT_LAYOUT, counted):
        target.write(chunk)
    return counted.count


class _Counted:
    """Rows passed through, counted."""

    def __init__(self, rows: Iterator[tuple]) -> None:
        self._rows, self.count = rows, 0

    def __iter__(self) -> Iterator[tuple]:
        for row in self._rows:
            self.count += 1
            yield row


def participants_file(
    target: BinaryIO, file_format: str, query: ParticipantQuery, heading: Heading | None
) -> int:
    """Write a deltagarlista read under one read-only snapshot (core/db.py) to a binary
    file; the rows written (the job's file: exports/files.py)."""
    with read_snapshot() as connection:
        return write_participants(connection, target, file_format, query, heading)


def summary_file(
    target: BinaryIO,
    file_format: str,
    actor: User | None,
    as_of: date,
    validity_years: int,
    administration_ids=None,
    sort: str = DEFAULT_CITY_SORT,
) -> ExportLog:
    """Write the samlad bild (one row per förvaltning, sorted as asked, and the total) as
    XLSX or CSV and log it; the log entry (its row_count: the number of förvaltningar)."""
    found = summary(as_of, validity_years, administration_ids, sort)
    if file_format == XLSX:
        write_xlsx(target, "Samlad bild", SUMMARY_LAYOUT, found.rows, found.heading, found.total)
    else:
        for chunk in csv_chunks(SUMMARY_LAYOUT, [*found.rows, found.total]):
            target.write(chunk)
    return log_export(actor, SUMMARY, file_format, {"as_of": as_of.isoformat()}, len(found.rows))


def administration_options(
    administration_ids: frozenset[int] | None, team: bool
) -> list[tuple[str, str]]:
    """The förvaltning choices: all (ids None), the given ones, and/or "Mitt team"."""
    options = []
    if administration_ids is None or administration_ids:
        query = select(Administration.id, Administration.name).order_by(Administration.name)
        if administration_ids is not None:
            query = query.where(Administration.id.in_(sorted(administration_ids)))
        found = db.session.execute(query).all()
        if len(found) > 1:
            whole_city = administration_ids is None
            everyone = gettext("Alla förvaltningar") if whole_city else None
            options.append(("", everyone or gettext("Alla mina förvaltningar")))
        options.extend((str(id_), name) for id_, name in found)
    if team:
        options.append((TEAM, gettext("Mitt team")))
    return options


def unit_options(visible: ColumnElement[bool], user: User) -> list[tuple[str, str]]:
    """Enheter where someone the person may see works (not counting the person)."""
    units_in_view = select(User.unit_id).where(visible, User.active.is_(True), User.id != user.id)
    rows = db.session.execute(
        select(Unit.id, Unit.name, Department.name, Administration.name)
        .join(Department, Department.id == Unit.department_id)
        .join(Administration, Administration.id == Department.administration_id)
        .where(Unit.id.in_(units_in_view))
        .order_by(Administration.name, Department.name, Unit.name)
    )
    options = [("", gettext("Alla enheter"))]
    options.extend(
        (str(id_), f"{administration} › {department} › {name}")
        for id_, name, department, administration in rows
    )
    return options


@dataclass(frozen=True)
class LogEntry:
    """One export log row as the admin page shows it."""

    created_at: datetime
    who: str
    kind: str
    format: str
    filters: str
    row_count: int


def recent_exports(limit: int = 500) -> list[LogEntry]:
    """The newest exports first (Stockholm time; `who` None when no one was logged in)."""
    rows = db.session.execute(
        select(ExportLog, User)
        .outerjoin(User, User.id == ExportLog.actor_id)
        .order_by(ExportLog.created_at.desc(), ExportLog.id.desc())
        .limit(limit)
    )
    return [
        LogEntry(
            created_at=entry.created_at.astimezone(CITY_TIMEZONE),
            who=f"{actor.full_name} ({actor.email})" if actor is not None else None,
            kind=entry.kind,
            format=entry.format.upper(),
            filters=describe_filters(entry.filters),
            row_count=entry.row_count,
        )
        for entry, actor in rows
    ]


def describe_filters(stored: str) -> str:
    """A log row's filters in Swedish, e.g. "Förvaltning: X · Status: genomförd"."""
    filters = json.loads(stored or "{}")
    if "scope" in filters:
        filters["scope"] = SCOPE_LABELS.get(filters["scope"], filters["scope"])
    parts = [f"{label}: {filters[key]}" for key, label in FILTER_LABELS.items() if key in filters]
    return " · ".join(parts) or "–"
