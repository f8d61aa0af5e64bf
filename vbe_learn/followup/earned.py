"""How the genomförda earned their completion: on their own, at a gruppomgång, or imported
from the earlier platform — one grouped query.

Counted over the same people as the rates (rates.py): everyone placed in the förvaltningar
on the day whose completion counts then (the one status rule, learning/status.py), each
by their newest such completion; the counts add up to the rates' "Genomförda".
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext
from sqlalchemy import case, func, literal, or_, select

from ..core.extensions import db
from ..learning.status import StatusRule
from ..models import Completion, Department, Placement, Unit

ALONE, GROUP, IMPORTED = "alone", "group", "imported"
# The interface's words (lazy: translated when shown).
HOW_LABELS = {
    ALONE: lazy_gettext("På egen hand"),
    GROUP: lazy_gettext("Vid gruppomgång"),
    IMPORTED: lazy_gettext("Importerade"),
}


@dataclass(frozen=True)
class EarnedBreakdown:
    """Genomförda by how the completion was earned."""

    alone: int = 0
    group: int = 0
    imported: int = 0

    @property
    def total(self) -> int:
        """Every genomförd person counted."""
        return self.alone + self.group + self.imported

    def rows(self) -> list[tuple[object, int]]:
        """(label in the interface language, count); imported only when there are any."""
        rows = [(HOW_LABELS[ALONE], self.alone), (HOW_LABELS[GROUP], self.group)]
        return rows + ([(HOW_LABELS[IMPORTED], self.imported)] if self.imported else [])


def earned_breakdown(
    day: date, years: int, administration_ids=None, marked: list | None = None
) -> EarnedBreakdown:
    """Genomförda on the day by how they earned it (None: the whole city); `marked` as in
    StatusRule.on_day."""
    rule = StatusRule.on_day(day, years, marked)
    newest = (
        select(
            Completion.user_id,
            case(
                (Completion.source == "imported", literal(IMPORTED)),
                (Completion.group_session_id.is_not(None), literal(GROUP)),
                else_=literal(ALONE),
            ).label("how"),
            func.row_number()
            .over(
                partition_by=Completion.user_id,
                order_by=(Completion.completed_on.desc(), Completion.id.desc()),
            )
            .label("rank"),
        )
        .where(rule.counting())
        .subquery()
    )
    placed = [
        Placement.valid_from <= day,
        or_(Placement.valid_to.is_(None), Placement.valid_to > day),
    ]
    if administration_ids is not None:
        units = (
            select(Unit.id)
            .join(Department, Department.id == Unit.department_id)
            .where(Department.administration_id.in_(sorted(set(administration_ids))))
        )
        placed.append(Placement.unit_id.in_(units))
    counts = dict(
        db.session.execute(
            select(newest.c.how, func.count())
            .join(Placement, Placement.user_id == newest.c.user_id)
            .where(newest.c.rank == 1, *placed)
            .group_by(newest.c.how)
        ).all()
    )
    return EarnedBreakdown(counts.get(ALONE, 0), counts.get(GROUP, 0), counts.get(IMPORTED, 0))
