"""The deltagarlista: one row per person within a scope and the chosen filters.

Rows come from `followup.people.people_with_status` (status on a date, derived in SQL) in
one query, read on a snapshot connection (core/db.py, read_snapshot): all rows come from one moment.
The rows are not fetched through a server-side cursor: on PostgreSQL a cursor is planned
for its first rows (cursor_tuple_fraction), and that plan took 46 s for 50,000 people
against 0.7 s for the plain query. The driver holds the result (about 10 MB for 50,000
rows); Python turns one row at a time into values.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Connection, Select, and_

from ..core.extensions import db
from ..followup.people import PARTICIPANT_COLUMNS, people_with_status
from ..learning.status import STATUS_SLUGS, valid_until
from ..models import Administration, Unit, User
from ..models.types import version_label
from ..permissions import team_ids
from .writers import DATE, INTEGER, TEXT, Column, Heading

_KINDS_AND_WIDTHS = (
    (TEXT, 18), (TEXT, 16), (TEXT, 20), (TEXT, 34), (TEXT, 34), (TEXT, 28), (TEXT, 28),
    (TEXT, 24), (TEXT, 13), (DATE, 16), (INTEGER, 13), (TEXT, 18), (DATE, 12), (DATE, 16),
)  # fmt: skip
PARTICIPANT_LAYOUT = tuple(
    Column(header, kind, width)
    for header, (kind, width) in zip(PARTICIPANT_COLUMNS, _KINDS_AND_WIDTHS, strict=True)
)


@dataclass(frozen=True)
class ParticipantFilters:
    """What the person asked for, on top of what they may see (all optional)."""

    administration: Administration | None = None
    units: tuple[Unit, ...] = ()
    team_of: User | None = None
    status: str | None = None  # a key of STATUS_SLUGS
    completed_from: date | None = None
    completed_to: date | None = None

    def describe(self) -> dict:
        """The filters as plain data for the export log (only those that are set)."""
        described: dict = {}
        if self.team_of is not None:
            described["team_of"] = self.team_of.id
        if self.administration is not None:
            described["administration_id"] = self.administration.id
            described["administration"] = self.administration.name
        if self.units:
            described["unit_ids"] = [unit.id for unit in self.units]
            described["unit"] = self.units[0].name
        if self.status:
            described["status"] = self.status
        if self.completed_from:
            described["from"] = self.completed_from.isoformat()
        if self.completed_to:
            described["to"] = self.completed_to.isoformat()
        return described


class FiltersGone(Exception):
    """A förvaltning, enhet or chef chosen for an export no longer exists."""


def filters_from_described(described: dict) -> ParticipantFilters:
    """The filters `ParticipantFilters.describe` wrote (an export file's request), loaded
    again; FiltersGone when something chosen no longer exists (never a wider export)."""

    def load(model, id_):
        found = db.session.get(model, id_)
        if found is None:
            raise FiltersGone(model.__name__)
        return found

    def day(key: str) -> date | None:
        return date.fromisoformat(described[key]) if described.get(key) else None

    return ParticipantFilters(
        administration=load(Administration, described["administration_id"])
        if "administration_id" in described
        else None,
        units=tuple(load(Unit, id_) for id_ in described.get("unit_ids", ())),
        team_of=load(User, described["team_of"]) if "team_of" in described else None,
        status=described.get("status") or None,
        completed_from=day("from"),
        completed_to=day("to"),
    )


PARTICIPANT_TITLE = "Deltagarlista – grundutbildningen om våldsbejakande extremism"
SCOPE_TEXTS = {"reach": "alla inom din behörighet", "all": "hela staden"}


def participant_heading(filters: ParticipantFilters, scope_name: str, on: date) -> Heading:
    """The XLSX's title and what was chosen: förvaltning (or Mitt team), enhet with its
    avdelning, status, completion period, and the date of the data."""
    chosen = []
    if filters.team_of is not None:
        chosen.append(f"Mitt team ({filters.team_of.full_name})")
    if filters.administration is not None:
        chosen.append(f"Förvaltning: {filters.administration.name}")
    if filters.units:
        unit = filters.units[0]
        chosen.append(f"Enhet: {unit.name} (avdelning {unit.department.name})")
    if filters.status:
        chosen.append(f"Status: {STATUS_SLUGS[filters.status]}")
    if filters.completed_from:
        chosen.append(f"Genomförd från och med {filters.completed_from.isoformat()}")
    if filters.completed_to:
        chosen.append(f"Genomförd till och med {filters.completed_to.isoformat()}")
    if not chosen:
        chosen.append(SCOPE_TEXTS.get(scope_name, scope_name))
    return Heading(
        PARTICIPANT_TITLE, ("Urval: " + " · ".join(chosen), f"Uppgifter per {on.isoformat()}")
    )


def team_below(manager_id: int) -> Select:
    """The ids of everyone below a chef: the "Mitt team" filter (a CTE of its own name)."""
    return team_ids(manager_id, name="export_team")


@dataclass(frozen=True)
class ParticipantQuery:
    """A deltagarlista to read: its statement (built at once, in the caller's session: a CSV
    is read later, while it streams) and the validity that gives each row its "Giltig till"."""

    statement: Select
    validity_years: int


def participant_query(
    scope: ColumnElement[bool], filters: ParticipantFilters, on: date, validity_years: int
) -> ParticipantQuery:
    """The deltagarlista of the people within `scope` (a User condition) and the filters."""
    conditions = [User.active.is_(True), scope]
    if filters.team_of is not None:
        conditions.append(User.id.in_(team_below(filters.team_of.id)))
    if filters.units:
        conditions.append(User.unit_id.in_([unit.id for unit in filters.units]))
    if filters.administration is not None:
        conditions.append(Administration.id == filters.administration.id)
    statement = people_with_status(and_(*conditions), on, validity_years)
    columns = statement.selected_columns
    if filters.status:
        statement = statement.where(columns.status == STATUS_SLUGS[filters.status])
    if filters.completed_from:
        statement = statement.where(columns.completed_on >= filters.completed_from)
    if filters.completed_to:
        statement = statement.where(columns.completed_on <= filters.completed_to)
    return ParticipantQuery(statement, validity_years)


def participant_rows(connection: Connection, query: ParticipantQuery) -> Iterator[tuple]:
    """The rows in PARTICIPANT_COLUMNS order (the result is closed when the rows end or the
    generator is closed)."""
    with connection.execute(query.statement) as result:
        for row in result:
            yield (
                row.employee_number,
                row.first_name,
                row.last_name,
                row.email,
                row.administration,
                row.department,
                row.unit,
                row.chef,
                row.status,
                row.completed_on,
                row.score_percent,
                version_label(row.version_loaded_at, row.source_version)
                if row.completed_on
                else None,
                valid_until(row.completed_on, query.validity_years),
                row.last_completed_on,
            )
