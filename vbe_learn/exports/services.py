"""Exports as services (no Flask request here): build or stream a file and log it.

Each export writes one ExportLog row in the caller's transaction (flushed, never
committed here). A deltagarlista's query and writer run in a forked child at the lowest CPU
priority (low_priority.py) that pauses while other processes run (giving_way.py), so that
an export does not take CPU from learners' requests; this process only relays the bytes
and logs. An XLSX is logged once its file is written; a CSV streams (its rows counted as
they are handed on, the query run once) and `StreamedCsv.record` logs it when the stream
ends, with the rows sent (db.stream_then_commit commits that in a short transaction of its
own). A failed child logs no export.
"""

import json
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import BinaryIO

from sqlalchemy import ColumnElement, select

from ..audit import record
from ..db import read_apart
from ..extensions import db
from ..models import Administration, Department, ExportLog, Unit, User
from ..models.types import CITY_TIMEZONE
from . import low_priority
from .giving_way import giving_way
from .participants import (
    PARTICIPANT_LAYOUT,
    ParticipantFilters,
    ParticipantQuery,
    participant_query,
    participant_rows,
)
from .summary import SUMMARY_LAYOUT, summary_rows
from .writers import csv_chunks, write_xlsx

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


def _participant_log_filters(scope_name: str, filters: ParticipantFilters) -> dict:
    return {"scope": TEAM if filters.team_of is not None else scope_name, **filters.describe()}


def participants_xlsx(
    target: str | BinaryIO,
    actor: User | None,
    scope: ColumnElement[bool],
    scope_name: str,
    filters: ParticipantFilters,
    on: date,
    validity_years: int,
) -> int:
    """Write the deltagarlista as XLSX (path or binary file) in a low-priority child; log it."""
    query = participant_query(scope, filters, on, validity_years)
    log_filters = _participant_log_filters(scope_name, filters)
    with read_apart():  # no write lock while the child works; the log row is written after
        count = low_priority.write_file(target, partial(_write_participants_xlsx, query))
    log_export(actor, PARTICIPANTS, XLSX, log_filters, count)
    return count


def _write_participants_xlsx(query: ParticipantQuery, target) -> int:
    rows = giving_way(participant_rows(query))
    return write_xlsx(target, "Deltagarlista", PARTICIPANT_LAYOUT, rows)


def _participant_csv_pieces(query: ParticipantQuery) -> Iterator[tuple[bytes, int]]:
    """The deltagarlista as CSV chunks, each with the number of rows in it."""
    count = 0

    def counted() -> Iterator[tuple]:
        nonlocal count
        for row in giving_way(participant_rows(query)):
            count += 1
            yield row

    sent = 0
    for chunk in csv_chunks(PARTICIPANT_LAYOUT, counted()):
        yield chunk, count - sent
        sent = count


class StreamedCsv:
    """A CSV on its way out: chunks made in a low-priority child, logged when it ends."""

    def __init__(self, stream: low_priority.Stream, log: Callable[[int], object]) -> None:
        self._stream, self._log = stream, log
        self.chunks: Iterator[bytes] = iter(stream)

    @property
    def rows(self) -> int:
        """The rows in the chunks handed on so far."""
        return self._stream.rows

    def record(self) -> None:
        """Log the export with the rows handed on (flushed, not committed); not if it failed."""
        if not self._stream.failed:
            self._log(self._stream.rows)

    def close(self) -> None:
        """Stop and reap the child (a client that went away); harmless when done."""
        self._stream.close()


def participants_csv(
    actor: User | None,
    scope: ColumnElement[bool],
    scope_name: str,
    filters: ParticipantFilters,
    on: date,
    validity_years: int,
) -> StreamedCsv:
    """The deltagarlista as CSV, made in a low-priority child while it streams."""
    query = participant_query(scope, filters, on, validity_years)
    log_filters = _participant_log_filters(scope_name, filters)
    actor_id = actor.id if actor is not None else None

    def log(rows: int) -> None:  # at the stream's end, in a session of its own
        who = db.session.get(User, actor_id) if actor_id is not None else None
        log_export(who, PARTICIPANTS, CSV, log_filters, rows)

    with read_apart():  # the child reads on its own; the request holds no write lock
        stream = low_priority.Stream(partial(_participant_csv_pieces, query))
    return StreamedCsv(stream, log)


@dataclass(frozen=True)
class ParticipantExport:
    """A deltagarlista ready to send: an XLSX file, or a CSV read while it streams."""

    filename: str
    file: BinaryIO | None
    csv: StreamedCsv | None


def export_participants(
    file_format: str,
    actor: User | None,
    scope: ColumnElement[bool],
    filters: ParticipantFilters,
    on: date,
    validity_years: int,
) -> ParticipantExport:
    """The deltagarlista within a person's reach as XLSX (a temporary file) or CSV, logged."""
    filename = f"deltagarlista-{on.isoformat()}.{file_format}"
    if file_format == XLSX:
        file = tempfile.TemporaryFile()
        try:
            participants_xlsx(file, actor, scope, "reach", filters, on, validity_years)
        except BaseException:
            file.close()
            raise
        file.seek(0)
        return ParticipantExport(filename, file, None)
    csv = participants_csv(actor, scope, "reach", filters, on, validity_years)
    return ParticipantExport(filename, None, csv)


def summary_file(
    target: BinaryIO,
    file_format: str,
    actor: User | None,
    as_of: date,
    validity_years: int,
    administration_ids=None,
) -> int:
    """Write the samlad bild (one row per förvaltning) as XLSX or CSV and log it."""
    rows = summary_rows(as_of, validity_years, administration_ids)
    if file_format == XLSX:
        write_xlsx(target, "Samlad bild", SUMMARY_LAYOUT, rows)
    else:
        for chunk in csv_chunks(SUMMARY_LAYOUT, rows):
            target.write(chunk)
    log_export(actor, SUMMARY, file_format, {"as_of": as_of.isoformat()}, len(rows))
    return len(rows)


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
            options.append(("", "Alla förvaltningar" if whole_city else "Alla mina förvaltningar"))
        options.extend((str(id_), name) for id_, name in found)
    if team:
        options.append((TEAM, "Mitt team"))
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
    options = [("", "Alla enheter")]
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
    """The newest exports first (Stockholm time; "Kommandorad" when no one was logged in)."""
    rows = db.session.execute(
        select(ExportLog, User)
        .outerjoin(User, User.id == ExportLog.actor_id)
        .order_by(ExportLog.created_at.desc(), ExportLog.id.desc())
        .limit(limit)
    )
    return [
        LogEntry(
            created_at=entry.created_at.astimezone(CITY_TIMEZONE),
            who=f"{actor.full_name} ({actor.email})" if actor is not None else "Kommandorad",
            kind=KIND_LABELS.get(entry.kind, entry.kind),
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
