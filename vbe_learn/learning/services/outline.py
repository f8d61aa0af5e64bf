"""A course version's content (modules, pages and question banks) in one language, cached
per process: versions never change (changed content is loaded as a new version).

Every language has the same modules, pages, questions and options (the same ids); only the
text differs. A language the version does not hold is shown in Swedish."""

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ...core.extensions import db
from ...core.i18n import course_version_label, locale_for_language
from ...courses.languages import LANGUAGES, SOURCE_LANGUAGE
from ...models import CourseVersion, Module, Option, Page, Question


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
    label: str  # the version as people read it, in the text's language ("december 2026")
    pass_mark: int
    questions_per_check: int
    modules: tuple[ModuleRef, ...]
    language: str = SOURCE_LANGUAGE  # the language of the text
    languages: tuple[str, ...] = (SOURCE_LANGUAGE,)  # the languages the version holds

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
def outline_for(version_id: int, language: str = SOURCE_LANGUAGE) -> Outline:
    """The structure and pages of a course version in a language (Swedish when the version
    does not hold it); read once per process and language."""
    each_module = selectinload(CourseVersion.modules)
    loads = [
        joinedload(CourseVersion.course),
        selectinload(CourseVersion.texts),
        each_module.selectinload(Module.pages),
        each_module.selectinload(Module.questions).selectinload(Question.options),
    ]
    if language != SOURCE_LANGUAGE:  # the variant text of every row, one SELECT per table
        loads += [
            each_module.selectinload(Module.texts),
            each_module.selectinload(Module.pages).selectinload(Page.texts),
            each_module.selectinload(Module.questions).selectinload(Question.texts),
            each_module.selectinload(Module.questions)
            .selectinload(Question.options)
            .selectinload(Option.texts),
        ]
    version = db.session.scalar(
        select(CourseVersion).where(CourseVersion.id == version_id).options(*loads)
    )
    held = {text.language for text in version.texts}
    languages = tuple(code for code in LANGUAGES if code == SOURCE_LANGUAGE or code in held)
    if language not in held:
        language = SOURCE_LANGUAGE
    pick = _TextPicker(language)
    modules = tuple(
        ModuleRef(
            id=m.id,
            position=m.position,
            title=pick(m, "title"),
            summary=pick(m, "summary"),
            estimated_minutes=pick(m, "estimated_minutes"),
            pages=tuple(_page_ref(p, pick) for p in m.pages),
            questions=tuple(_question_ref(q, pick) for q in m.questions),
            discuss_prompts=tuple(m.discuss_prompts or ()),
        )
        for m in version.modules
    )
    return Outline(
        version_id=version.id,
        course_id=version.course_id,
        slug=version.course.slug,
        title=pick(version, "title"),
        description=pick(version, "description"),
        # in the language's interface locale (the outline is cached per language)
        label=course_version_label(version.created_at, locale=locale_for_language(language)),
        pass_mark=version.pass_mark,
        questions_per_check=version.questions_per_check,
        modules=modules,
        language=language,
        languages=languages,
    )


class _TextPicker:
    """A content row's text in the outline's language: its variant row's, else its own."""

    def __init__(self, language: str) -> None:
        self.language = language

    def __call__(self, row, name: str):
        """The attribute `name` of `row` in the language."""
        if self.language != SOURCE_LANGUAGE:
            for text in row.texts:
                if text.language == self.language:
                    return getattr(text, name)
        return getattr(row, name)


def _page_ref(page: Page, pick: _TextPicker) -> PageRef:
    return PageRef(
        page.id, page.position, pick(page, "title"), pick(page, "html"), pick(page, "source_note")
    )


def _question_ref(question: Question, pick: _TextPicker) -> QuestionRef:
    options = tuple(
        OptionRef(o.id, o.position, pick(o, "text"), o.is_correct, pick(o, "feedback"))
        for o in question.options
    )
    return QuestionRef(
        question.id,
        question.position,
        question.kind,
        pick(question, "prompt"),
        pick(question, "scenario"),
        options,
    )
