"""Andel genomförda, with an explicit denominator and date — computed in SQL.

For an organisational group (förvaltning, avdelning, enhet, or Invånarnära ja/nej) on a
date D:

    headcount = people whose placement covers D (valid_from <= D < valid_to) in the group
    completed = those of them with a completion on or before D that is still valid on D
    share     = completed / headcount   (None when the group is empty)

A person counts once (one placement covers any date); a completion follows the person, so
one earned before a move counts in the new enhet. The same functions feed the pages and
the exports.

A course version marked as requiring renewal (`renewal_required_on`) makes completions of
older versions stop counting from that day (see `renewal_condition`).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Date, and_, case, exists, func, literal, or_, select, true, union_all

from ..extensions import db
from ..models import Administration, Completion, CourseVersion, Department, Placement, Unit

GROUPINGS = {
    "administration": (Administration.id, Administration.name),
    "department": (Department.id, Department.name),
    "unit": (Unit.id, Unit.name),
    "close_to_residents": (Placement.close_to_residents, Placement.close_to_residents),
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


def validity_start(day: date, validity_years: int) -> date:
    """The earliest completion date still valid on `day` (completions last N years)."""
    try:
        return day.replace(year=day.year - validity_years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - validity_years, day=28)


def renewal_condition(day):
    """A condition on Completion: not superseded on `day` (a date or a date column) by a
    newer course version that requires renewal. One small query for the marked versions."""
    marked = db.session.execute(
        select(CourseVersion.id, CourseVersion.course_id, CourseVersion.renewal_required_on)
        .where(CourseVersion.renewal_required_on.is_not(None))
        .order_by(CourseVersion.id)
    ).all()
    conditions = []
    for version_id, course_id, required_on in marked:
        if isinstance(day, date) and day < required_on:
            continue
        in_force = literal(True) if isinstance(day, date) else day >= literal(required_on, Date)
        conditions.append(
            or_(
                Completion.course_id != course_id,
                ~in_force,
                func.coalesce(Completion.course_version_id, 0) >= version_id,
            )
        )
    return and_(*conditions) if conditions else true()


def rates(
    days: Iterable[date],
    group_by: str,
    validity_years: int,
    administration_ids: Iterable[int] | None = None,
) -> list[Rate]:
    """Rates per group for each day, in one query (days become a small table in SQL)."""
    days = sorted(set(days))
    if not days:
        return []
    calendar = union_all(
        *(
            select(
                literal(day, Date).label("day"),
                literal(validity_start(day, validity_years), Date).label("valid_from"),
            )
            for day in days
        )
    ).cte("calendar")
    completed_then = exists(
        select(Completion.id).where(
            Completion.user_id == Placement.user_id,
            Completion.completed_on <= calendar.c.day,
            Completion.completed_on > calendar.c.valid_from,
            renewal_condition(calendar.c.day),
        )
    )
    key, name = GROUPINGS[group_by]
    query = (
        select(
            calendar.c.day,
            key,
            name,
            func.count(Placement.id),
            func.sum(case((completed_then, 1), else_=0)),
        )
        .select_from(calendar)
        .join(
            Placement,
            and_(
                Placement.valid_from <= calendar.c.day,
                or_(Placement.valid_to.is_(None), Placement.valid_to > calendar.c.day),
            ),
        )
        .join(Unit, Unit.id == Placement.unit_id)
        .join(Department, Department.id == Unit.department_id)
        .join(Administration, Administration.id == Department.administration_id)
        .group_by(calendar.c.day, key, name)
        .order_by(calendar.c.day, name)
    )
    if administration_ids is not None:
        query = query.where(Administration.id.in_(list(administration_ids)))
    return [
        Rate(_as_date(day), key_value, name_value, headcount, completed or 0)
        for day, key_value, name_value, headcount, completed in db.session.execute(query)
    ]


def _as_date(value) -> date:
    """SQLite returns a literal date as text; PostgreSQL as a date."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))
