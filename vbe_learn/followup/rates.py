"""Andel genomförda, with an explicit denominator and date — computed in SQL.

For an organisational group (förvaltning, avdelning, enhet, Invånarnära ja/nej, or the whole
city) on a date D:

    headcount = people whose placement covers D (valid_from <= D < valid_to) in the group
    completed = those of them with a completion on or before D that is still valid on D
    share     = completed / headcount   (None when the group is empty)

A person counts once (one placement covers any date); a completion follows the person, so
one earned before a move counts in the new enhet. The same functions feed the pages and
the exports.

Whether a completion counts on a day is the one status rule (learning/status.py,
StatusRule.counting), so a version requiring renewal counts here as everywhere else.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import (
    Date,
    Integer,
    Select,
    case,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    union_all,
)

from ..core.extensions import db
from ..learning.status import StatusRule, validity_start, versions_requiring_renewal
from ..models import Administration, Completion, Department, Placement, Unit

GROUPINGS = {
    "administration": (Administration.id, Administration.name),
    "department": (Department.id, Department.name),
    "unit": (Unit.id, Unit.name),
    "close_to_residents": None,  # a column of the per-enhet subquery (see rates)
    "city": None,  # every enhet counted (within the förvaltningar asked for): one row per day
}


@dataclass(frozen=True)
class Rate:
    """Headcount and completed for one group on one date."""

    day: date
    key: object
    name: object
    headcount: int
    completed: int

    @property
    def share(self) -> float | None:
        """Andel genomförda; None for an empty group (no division by zero)."""
        return self.completed / self.headcount if self.headcount else None


def rates(
    days: Iterable[date],
    group_by: str,
    validity_years: int,
    administration_ids: Iterable[int] | None = None,
) -> list[Rate]:
    """Rates per group for each day, in one query (per day and enhet first, then grouped)."""
    return rates_by({group_by: days}, validity_years, administration_ids)[group_by]


def rates_by(
    groupings: dict[str, Iterable[date]],
    validity_years: int,
    administration_ids: Iterable[int] | None = None,
    marked: list | None = None,
) -> dict[str, list[Rate]]:
    """Rates for several groupings, each on its own days ({group_by: days}), in one query:
    headcount and completed per day and enhet are counted once for all of them. `marked`:
    versions_requiring_renewal(), when the caller has read it already."""
    wanted = {group_by: sorted(set(days)) for group_by, days in groupings.items()}
    days = sorted({day for chosen in wanted.values() for day in chosen})
    found: dict[str, list[Rate]] = {group_by: [] for group_by in wanted}
    if not days:
        return found
    by_close = "close_to_residents" in wanted
    units = None if administration_ids is None else _units_of(administration_ids)
    marked = versions_requiring_renewal() if marked is None else marked
    completions = _completions_within(days, validity_years, units)
    per_unit = union_all(*(
        _per_unit_on(day, validity_years, by_close, units, completions, marked) for day in days
    ))  # fmt: skip
    per_unit = per_unit.cte("per_unit").prefix_with("MATERIALIZED") if len(wanted) > 1 else (
        per_unit.subquery("per_unit"))  # fmt: skip
    names = list(wanted)
    query = union_all(
        *(_grouped(per_unit, i, group_by, wanted[group_by]) for i, group_by in enumerate(names))
    ).subquery("grouped")
    for kind, day, key, name, headcount, completed_count in db.session.execute(
        select(query).order_by(query.c.kind, query.c.day, query.c.name, query.c.key)
    ):
        group_by = names[kind]
        if group_by == "close_to_residents":
            key = name = bool(key)
        found[group_by].append(
            Rate(_as_date(day), key, name, int(headcount), int(completed_count or 0))
        )
    return found


def _grouped(per_unit, kind: int, group_by: str, days: list[date]) -> Select:
    """One grouping of the per-enhet counts on some of the days: kind (its number), day,
    key, name, headcount, completed (Invånarnära: key 1/0, name NULL; the city: key 0, name
    NULL)."""
    if group_by == "close_to_residents":
        key = case((per_unit.c.close_to_residents, 1), else_=0)
        name, groups = null(), [key]
    elif group_by == "city":
        key, name, groups = literal_column("0", Integer), null(), []
    else:
        key, name = GROUPINGS[group_by]
        groups = [key, name]
    return (
        select(
            literal_column(str(int(kind)), Integer).label("kind"),
            per_unit.c.day,
            key.label("key"),
            name.label("name"),
            func.sum(per_unit.c.headcount).label("headcount"),
            func.sum(per_unit.c.completed).label("completed"),
        )
        .join(Unit, Unit.id == per_unit.c.unit_id)
        .join(Department, Department.id == Unit.department_id)
        .join(Administration, Administration.id == Department.administration_id)
        .where(per_unit.c.day.in_(days))
        .group_by(per_unit.c.day, *groups)
    )


def _units_of(administration_ids: Iterable[int]) -> Select:
    """The ids of the enheter of some förvaltningar."""
    return (
        select(Unit.id)
        .join(Department, Department.id == Unit.department_id)
        .where(Department.administration_id.in_(sorted(set(administration_ids))))
    )


def _completions_within(days: list[date], validity_years: int, units: Select | None):
    """The completions that can count on any of the days, of people placed in the enheter
    (all people when `units` is None): read once (a CTE used by every day), not per day."""
    query = select(
        Completion.user_id,
        Completion.completed_on,
        Completion.course_id,
        Completion.course_version_id,
    ).where(
        Completion.completed_on <= days[-1],
        Completion.completed_on > validity_start(days[0], validity_years),
    )
    if units is not None:
        placed = select(Placement.user_id).where(
            Placement.unit_id.in_(units),
            Placement.valid_from <= days[-1],
            or_(Placement.valid_to.is_(None), Placement.valid_to > days[0]),
        )
        query = query.where(Completion.user_id.in_(placed))
    return query.cte("completions_within")


def _per_unit_on(
    day: date, validity_years: int, by_close: bool, units, completions, marked
) -> Select:
    """Headcount and completed per enhet (and Invånarnära) on one day.

    Who has a valid completion on the day is an uncorrelated set (a semi-join the database
    builds once: a hashed subplan / an ephemeral index), not a lookup per placement.
    """
    rule = StatusRule.on_day(day, validity_years, marked)
    completed_then = Placement.user_id.in_(
        select(completions.c.user_id).where(rule.counting(completions.c))
    )
    groups = [Placement.unit_id, *([Placement.close_to_residents] if by_close else [])]
    query = (
        select(
            literal(day, Date).label("day"),
            *groups,
            func.count().label("headcount"),
            func.sum(case((completed_then, 1), else_=0)).label("completed"),
        )
        .where(
            Placement.valid_from <= day,
            or_(Placement.valid_to.is_(None), Placement.valid_to > day),
        )
        .group_by(*groups)
    )
    return query if units is None else query.where(Placement.unit_id.in_(units))


def _as_date(value) -> date:
    """SQLite returns a literal date as text; PostgreSQL as a date."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))
