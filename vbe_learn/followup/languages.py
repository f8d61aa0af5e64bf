"""Genomförda per språk: in which course language the people who have completed did it.

For some förvaltningar (or the whole city) on a day D: the people placed there on D (as
the rates count them, rates.py) with a completion that counts on D (the one status rule),
grouped by the language of their newest such completion (Completion.language: the
language of the attempt that completed the course; None for a completion imported from the
earlier platform). Each person counts once, so the counts add up to Genomförda.
One query.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select

from ..core.extensions import db
from ..courses.languages import LANGUAGES, html_lang
from ..learning.status import StatusRule
from ..models import Completion, Department, Placement, Unit

IMPORTED_LABEL = "Tidigare plattformen"


@dataclass(frozen=True)
class LanguageCount:
    """How many completed in one language (None: imported from the earlier platform)."""

    language: str | None
    completed: int

    @property
    def label(self) -> str:
        """The language's name as the learner chose it, or the earlier platform."""
        if self.language is None:
            return IMPORTED_LABEL
        return LANGUAGES.get(self.language, self.language)

    @property
    def lang(self) -> str:
        """The HTML lang of the label (the earlier platform's is Swedish)."""
        return html_lang(self.language) if self.language else "sv"


def completed_by_language(
    today: date, years: int, administration_ids=None, marked=None
) -> list[LanguageCount]:
    """People with a counting completion, per language of their newest one: every course
    language (0 when none), then the earlier platform's when there are any. `marked`:
    versions_requiring_renewal(), when the caller has read it already."""
    rule = StatusRule.on_day(today, years, marked)
    placed = select(Placement.user_id).where(
        Placement.valid_from <= today,
        or_(Placement.valid_to.is_(None), Placement.valid_to > today),
    )
    if administration_ids is not None:
        units = (
            select(Unit.id)
            .join(Department, Department.id == Unit.department_id)
            .where(Department.administration_id.in_(sorted(set(administration_ids))))
        )
        placed = placed.where(Placement.unit_id.in_(units))
    newest_first = (Completion.completed_on.desc(), Completion.id.desc())
    ranked = (
        select(
            Completion.language,
            func.row_number()
            .over(partition_by=Completion.user_id, order_by=newest_first)
            .label("newest"),
        )
        .where(rule.counting(), Completion.user_id.in_(placed))
        .subquery()
    )
    found = dict(
        db.session.execute(
            select(ranked.c.language, func.count())
            .where(ranked.c.newest == 1)
            .group_by(ranked.c.language)
        ).all()
    )
    counts = [LanguageCount(code, found.pop(code, 0)) for code in LANGUAGES]
    return counts + [LanguageCount(code, n) for code, n in sorted(found.items(), key=str)]
