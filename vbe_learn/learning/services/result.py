"""A submitted attempt's result page: the answers with feedback, and where to go next."""

from dataclasses import dataclass

from sqlalchemy import select

from ...core.extensions import db
from ...models import Attempt, Completion
from .attempts import attempt_module, shown_questions
from .outline import ModuleRef, OptionRef, QuestionRef, outline_for


@dataclass(frozen=True)
class AttemptResult:
    """What the result page shows: the module, the questions as shown, and the next step:
    after a pass the next module (its first page), or the intyg once the course is done."""

    slug: str
    module: ModuleRef
    shown: list[tuple[QuestionRef, list[OptionRef]]]
    next_module: ModuleRef | None
    course_completed: bool


def attempt_result(attempt: Attempt) -> AttemptResult:
    """The result of a submitted attempt (one query at most: the enrollment's completion)."""
    outline = outline_for(attempt.module_version_id, attempt.language)
    module = attempt_module(attempt)
    completed = attempt.passed and (
        db.session.scalar(
            select(Completion.id).where(Completion.enrollment_id == attempt.enrollment_id)
        )
        is not None
    )
    following = None
    if attempt.passed and not completed:
        following = next((m for m in outline.modules if m.position > module.position), None)
    return AttemptResult(outline.slug, module, shown_questions(attempt), following, completed)
