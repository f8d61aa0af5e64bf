"""A course version's content (modules, pages and question banks), cached per process:
versions never change (changed content is loaded as a new version)."""

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ...core.extensions import db
from ...models import CourseVersion, Module, Question


@dataclass(frozen=True)
class PageRef:
    """A page of the course, with its content (pages never change within a version)."""

    id: int
    position: int
    title: str
    html: str
    source_note: str


@dataclass(frozen=True)
class OptionRef:
    """An answer option of a question, with whether it is correct and why."""

    id: int
    position: int
    text: str
    is_correct: bool
    feedback: str


@dataclass(frozen=True)
class QuestionRef:
    """A question of a module's bank with its options in order (as the Question model)."""

    id: int
    position: int
    kind: str
    prompt: str
    scenario: str
    options: tuple[OptionRef, ...]


@dataclass(frozen=True)
class ModuleRef:
    """A module's place in the course, with its pages in order and its question bank."""

    id: int
    position: int
    title: str
    summary: str
    estimated_minutes: int
    pages: tuple[PageRef, ...]
    questions: tuple[QuestionRef, ...] = ()
    discuss_prompts: tuple[str, ...] = ()  # "Diskutera", shown at a gruppomgång

    def questions_by_id(self) -> dict[int, QuestionRef]:
        """The bank by question id."""
        return {question.id: question for question in self.questions}

    def page(self, position: int) -> PageRef | None:
        """The page at a position, or None."""
        return next((p for p in self.pages if p.position == position), None)


@dataclass(frozen=True)
class Outline:
    """The structure of one course version."""

    version_id: int
    course_id: int
    slug: str
    title: str
    description: str
    label: str
    pass_mark: int
    questions_per_check: int
    modules: tuple[ModuleRef, ...]

    def module(self, position: int) -> ModuleRef | None:
        """The module at a position, or None."""
        return next((m for m in self.modules if m.position == position), None)

    def module_with_id(self, module_id: int) -> ModuleRef | None:
        """The module with this id, or None."""
        return next((m for m in self.modules if m.id == module_id), None)

    def neighbours(self, module: ModuleRef, page: PageRef) -> tuple[tuple | None, tuple | None]:
        """(module position, page position) of the previous and next page, or None."""
        sequence = [(m.position, p.position) for m in self.modules for p in m.pages]
        index = sequence.index((module.position, page.position))
        previous = sequence[index - 1] if index > 0 else None
        following = sequence[index + 1] if index + 1 < len(sequence) else None
        return previous, following

    @property
    def total_minutes(self) -> int:
        """Estimated time for the whole course."""
        return sum(m.estimated_minutes for m in self.modules)


@lru_cache(maxsize=32)
def outline_for(version_id: int) -> Outline:
    """The structure and pages of a course version (read once per process)."""
    version = db.session.scalar(
        select(CourseVersion)
        .where(CourseVersion.id == version_id)
        .options(
            joinedload(CourseVersion.course),
            selectinload(CourseVersion.modules).selectinload(Module.pages),
            selectinload(CourseVersion.modules)
            .selectinload(Module.questions)
            .selectinload(Question.options),
        )
    )
    modules = tuple(
        ModuleRef(
            id=m.id,
            position=m.position,
            title=m.title,
            summary=m.summary,
            estimated_minutes=m.estimated_minutes,
            pages=tuple(PageRef(p.id, p.position, p.title, p.html, p.source_note) for p in m.pages),
            questions=tuple(_question_ref(q) for q in m.questions),
            discuss_prompts=tuple(m.discuss_prompts or ()),
        )
        for m in version.modules
    )
    return Outline(
        version_id=version.id,
        course_id=version.course_id,
        slug=version.course.slug,
        title=version.title,
        description=version.description,
        label=version.label,
        pass_mark=version.pass_mark,
        questions_per_check=version.questions_per_check,
        modules=modules,
    )


def _question_ref(question: Question) -> QuestionRef:
    options = tuple(
        OptionRef(o.id, o.position, o.text, o.is_correct, o.feedback) for o in question.options
    )
    return QuestionRef(
        question.id, question.position, question.kind, question.prompt, question.scenario, options
    )
