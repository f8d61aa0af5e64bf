"""A förvaltning's enheter under their avdelningar, and one enhet's page: its figures and its
people, those needing action first. A few queries per page, never one per row or person."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from ..core.extensions import db
from ..learning.status import COMPLETED
from ..models import Administration, Department, Unit, User
from ..reminders.deadlines import (
    days_left,
    deadlines_by_administration,
    is_late,
)
from ..reminders.planning import Schedule, people_not_done
from .rates import Rate, rates_by

GROUP_SORTS = ("namn", "andel")


@dataclass
class DepartmentGroup:
    """An avdelning's figures with its enheter's under it."""

    department: Rate
    units: list[Rate] = field(default_factory=list)


def _by_share(rate: Rate) -> tuple:
    """Lowest share first (those needing action), empty groups last, then by name."""
    return (rate.share is None, rate.share or 0, str(rate.name).lower())


def _by_name(rate: Rate) -> tuple:
    return (str(rate.name).lower(), rate.key)


def department_groups(
    administration_id: int, departments: list[Rate], units: list[Rate], sort: str = "namn"
) -> list[DepartmentGroup]:
    """The avdelningar (with people today), each with its enheter, sorted by name or by
    share (lowest first); one query for which enhet belongs to which avdelning."""
    department_of = dict(
        db.session.execute(
            select(Unit.id, Unit.department_id)
            .join(Department, Department.id == Unit.department_id)
            .where(Department.administration_id == administration_id)
        ).all()
    )
    key = _by_share if sort == "andel" else _by_name
    groups = {rate.key: DepartmentGroup(rate) for rate in sorted(departments, key=key)}
    for rate in sorted(units, key=key):
        group = groups.get(department_of.get(rate.key))
        if group is not None:
            group.units.append(rate)
    return list(groups.values())


def administration_deadline(administration_id: int) -> date | None:
    """The förvaltning's own sista dag, else the city-wide one, else None."""
    deadlines = deadlines_by_administration()
    return deadlines.get(administration_id, deadlines.get(None))


@dataclass(frozen=True)
class UnitPerson:
    """One person on the enhet page: status, whether late, their own sista dag."""

    id: int
    first_name: str
    last_name: str
    status: str
    late: bool
    deadline: date | None
    days_left: int | None

    @property
    def full_name(self) -> str:
        """First and last name."""
        return f"{self.first_name} {self.last_name}"

    @property
    def needs_action(self) -> bool:
        """Not Genomförd."""
        return self.status != COMPLETED


def _action_order(person: UnitPerson) -> tuple:
    """Late first, then the nearest sista dag, then not done without one; Genomförd last."""
    return (
        not person.needs_action,
        not person.late,
        person.deadline or date.max,
        person.last_name.lower(),
        person.first_name.lower(),
        person.id,
    )


@dataclass
class UnitReport:
    """Everything the enhet page shows."""

    today: date
    unit: Rate
    administration: Rate
    deadline: date | None
    people: list[UnitPerson]

    @property
    def deadline_days_left(self) -> int | None:
        """Days from today to the förvaltning's sista dag; None without one."""
        return days_left(self.deadline, self.today)

    @property
    def late_count(self) -> int:
        """How many are Försenad."""
        return sum(1 for person in self.people if person.late)

    @property
    def not_done_count(self) -> int:
        """How many are not Genomförd."""
        return sum(1 for person in self.people if person.needs_action)


def unit_report(unit: Unit, administration: Administration, schedule: Schedule) -> UnitReport:
    """An enhet's headcount, completed and share (with its förvaltning's share beside it)
    and its active people with status, Försenad and their own sista dag, those needing
    action first (rates in one query, the people and their deadlines in one more)."""
    today = schedule.today
    found = rates_by(
        {"unit": [today], "administration": [today]}, schedule.validity_years, [administration.id]
    )
    unit_rate = next(
        (rate for rate in found["unit"] if rate.key == unit.id),
        Rate(today, unit.id, unit.name, 0, 0),
    )
    administration_rate = next(
        iter(found["administration"]), Rate(today, administration.id, administration.name, 0, 0)
    )
    in_unit = User.unit_id == unit.id
    rows, due = people_not_done(schedule, in_unit, people=select(User.id).where(in_unit))
    deadline_of = {person.row.id: person.deadline for person in due}
    people = [
        UnitPerson(
            id=row.id,
            first_name=row.first_name,
            last_name=row.last_name,
            status=row.status,
            late=is_late(row.status, deadline_of.get(row.id), today),
            deadline=deadline_of.get(row.id),
            days_left=days_left(deadline_of.get(row.id), today),
        )
        for row in rows
    ]
    people.sort(key=_action_order)
    return UnitReport(
        today=today,
        unit=unit_rate,
        administration=administration_rate,
        deadline=administration_deadline(administration.id),
        people=people,
    )
