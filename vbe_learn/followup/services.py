"""Counts and lists for the follow-up pages: one grouped query per page, never one per row."""

from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..models import Administration, Completion, Department, Unit, User
from ..permissions import team_ids
from .status import has_completion, status_column


@dataclass(frozen=True)
class CountRow:
    """Headcount and completed for one förvaltning or enhet (today)."""

    id: int
    name: str
    group: str
    headcount: int
    completed: int

    @property
    def share(self) -> float | None:
        """Andel genomförda (None for an empty unit: no division by zero)."""
        return self.completed / self.headcount if self.headcount else None


def _counted(query, *columns):
    completed = func.sum(db.case((has_completion(), 1), else_=0))
    return query.add_columns(func.count(User.id), completed).group_by(*columns)


def administration_counts(administration_ids: frozenset[int] | None) -> list[CountRow]:
    """Active people and completed per förvaltning (all when ids is None)."""
    query = (
        select(Administration.id, Administration.name)
        .join(Department, Department.administration_id == Administration.id)
        .join(Unit, Unit.department_id == Department.id)
        .join(User, (User.unit_id == Unit.id) & User.active.is_(True))
        .order_by(Administration.name)
    )
    if administration_ids is not None:
        query = query.where(Administration.id.in_(administration_ids))
    rows = db.session.execute(_counted(query, Administration.id, Administration.name))
    return [CountRow(id_, name, "", total, done or 0) for id_, name, total, done in rows]


def unit_counts(administration_id: int) -> list[CountRow]:
    """Active people and completed per enhet of a förvaltning, grouped by avdelning."""
    query = (
        select(Unit.id, Unit.name, Department.name)
        .join(Department, Department.id == Unit.department_id)
        .outerjoin(User, (User.unit_id == Unit.id) & User.active.is_(True))
        .where(Department.administration_id == administration_id)
        .order_by(Department.name, Unit.name)
    )
    rows = db.session.execute(_counted(query, Unit.id, Unit.name, Department.name))
    return [CountRow(i, name, dept, total, done or 0) for i, name, dept, total, done in rows]


def team_rows(manager: User) -> list:
    """The chef's team (every level below), with enhet and status."""
    return db.session.execute(
        select(User.id, User.first_name, User.last_name, Unit.name.label("unit"), status_column())
        .outerjoin(Unit, Unit.id == User.unit_id)
        .where(User.id.in_(team_ids(manager.id)), User.active.is_(True))
        .order_by(User.last_name, User.first_name)
    ).all()


def person_completions(person: User) -> list[Completion]:
    """A person's completions, newest first."""
    return list(
        db.session.scalars(
            select(Completion)
            .where(Completion.user_id == person.id)
            .order_by(Completion.completed_on.desc())
        )
    )
