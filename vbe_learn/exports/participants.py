"""The deltagarlista: one row per person within a scope and the chosen filters.

Rows come from `followup.people.people_with_status` (status on a date, derived in SQL),
read in chunks of people: first the ids of everyone in scope, in the list's order (one
light query), then the rows of CHUNK_PEOPLE people at a time. Each chunk's query is short
(it ranks only those people's completions), so the database server's share of an export
comes in small pieces, each asked for only when the low-priority child that writes the
file has had the CPU for the previous one (exports/low_priority.py). One query for all
50,000 rows kept a PostgreSQL backend busy at normal priority for its whole plan at once.
On PostgreSQL (READ COMMITTED) each chunk shows its people as they are when it is read:
a change committed during an export shows in the chunks read after it. On SQLite the
export's one read transaction sees a single snapshot.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, select

from ..extensions import db
from ..followup.people import PARTICIPANT_COLUMNS, people_with_status
from ..learning.status import STATUS_SLUGS, valid_until
from ..models import Administration, Department, Unit, User
from ..permissions import team_ids
from .writers import DATE, INTEGER, TEXT, Column

CHUNK_PEOPLE = 2000
_KINDS_AND_WIDTHS = (
    (TEXT, 18), (TEXT, 16), (TEXT, 20), (TEXT, 34), (TEXT, 34), (TEXT, 28), (TEXT, 28),
    (TEXT, 24), (TEXT, 13), (DATE, 16), (INTEGER, 13), (TEXT, 12), (DATE, 12),
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


def team_below(manager_id: int) -> Select:
    """The ids of everyone below a chef: the "Mitt team" filter (a CTE of its own name)."""
    return team_ids(manager_id, name="export_team")


@dataclass(frozen=True)
class ParticipantQuery:
    """A deltagarlista to read: conditions on the person and their place (built at once, from
    ids: it is read later, in a child or while it streams), the status filters, the date."""

    person_conditions: tuple[ColumnElement[bool], ...]
    status: str | None
    completed_from: date | None
    completed_to: date | None
    on: date
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
    return ParticipantQuery(
        tuple(conditions),
        filters.status,
        filters.completed_from,
        filters.completed_to,
        on,
        validity_years,
    )


def participant_statement(query: ParticipantQuery, people: list[int] | None = None) -> Select:
    """The rows of a deltagarlista; with `people` (ids), only those people's rows."""
    conditions = list(query.person_conditions)
    if people is not None:
        conditions.append(User.id.in_(people))
    statement = people_with_status(and_(*conditions), query.on, query.validity_years, people)
    columns = statement.selected_columns
    if query.status:
        statement = statement.where(columns.status == STATUS_SLUGS[query.status])
    if query.completed_from:
        statement = statement.where(columns.completed_on >= query.completed_from)
    if query.completed_to:
        statement = statement.where(columns.completed_on <= query.completed_to)
    return statement


def participant_ids(query: ParticipantQuery) -> list[int]:
    """The ids of the people a deltagarlista may hold, in its order (before any status filter)."""
    statement = (
        select(User.id)
        .join(Unit, Unit.id == User.unit_id)
        .join(Department, Department.id == Unit.department_id)
        .join(Administration, Administration.id == Department.administration_id)
        .where(*query.person_conditions)
        .order_by(User.last_name, User.first_name, User.id)
    )
    return list(db.session.scalars(statement))


def participant_rows(query: ParticipantQuery) -> Iterator[tuple]:
    """The rows in PARTICIPANT_COLUMNS order, CHUNK_PEOPLE people per query."""
    ids = participant_ids(query)
    for start in range(0, len(ids), CHUNK_PEOPLE):
        chunk = ids[start : start + CHUNK_PEOPLE]
        for row in db.session.execute(participant_statement(query, chunk)).all():
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
                row.version,
                valid_until(row.completed_on, query.validity_years),
            )
