"""Frågeanalys: per question of a course version, how often it was right the first time and
which wrong option people choose most — aggregates only, computed in SQL (two queries).

For a course version and (optionally) some förvaltningar, per question:

    first attempts   answers to the question in learners' first attempt at the module's
                     knowledge check (attempt number 1 of an enrollment; its answers carry
                     `first_try`, counted from the index (question_id, first_try, is_correct))
    right first time the share of those answers that were right
    usual wrong      the wrong option chosen most often over every submitted attempt

Across versions: a content change makes a new course version, with new question rows; a
question keeps its id from questions.yaml (`key`, unique in the course), so its figures in
the course's other versions are shown beside the chosen version's (`across_versions`, one
query, the same rules for first attempts and small groups).

A learner counts in the förvaltning of the enhet they work in today (users.unit_id).

Per language (`by_language`, when the version is offered in more than Swedish): the same
first-try figures per question for each course language, by the language the attempt was
taken in (attempts.language; one query). A language is flagged for a question when it is
far below the others: at least LANGUAGE_FLAG_MIN_FIRST_TRIES first tries in that language
and a share right the first time at least LANGUAGE_FLAG_GAP below the best other language
whose figure is shown — a sign that the translation of the question or of the page it
builds on may be unclear.

Small groups: both figures of a question are withheld (None, shown as "–") unless at least
MIN_GROUP first attempts answered it. Each first attempt is a different learner (one
attempt number 1 per module and enrollment; a question is shown at most once per attempt;
only someone who renews on the same version counts once per enrollment), and everyone
who answered it in a first attempt is among those counted for the usual wrong answer, so
no figure describes fewer than MIN_GROUP people. Nothing about one person leaves here.

Answers exist only for submitted attempts: learning/services/attempts.submit_attempt writes
them in the transaction that closes the attempt, and nothing else writes them. The counts
of wrong options rely on that and read answer_choices alone (whole city: an index-only
count per option) instead of joining 1.9 M choices to answers and attempts; and on a right
answer choosing exactly the right options, so that every chosen wrong option belongs to a
wrong answer.

Per förvaltning, answers and choices are read per person: both carry the learner's
user_id, indexed (user_id, first_try, question_id, is_correct) and (user_id, option_id),
so the förvaltning's people lead to what is counted in one index range each (PostgreSQL:
index-only scans), not one probe per attempt and per answer.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from flask_babel import gettext
from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from ..core.extensions import db
from ..core.i18n import course_version_label
from ..courses.languages import LANGUAGES, SOURCE_LANGUAGE
from ..models import (
    Administration,
    AnswerChoice,
    Attempt,
    AttemptAnswer,
    Course,
    CourseVersion,
    CourseVersionText,
    Department,
    Module,
    Option,
    Question,
    Unit,
    User,
)
from ..models.types import city_date

MIN_GROUP = 5  # fewer people than this: the figure is withheld
# A language far below the others on a question: at least this many first tries in it, and
# at least this far (20 percentage points) below the best other language.
LANGUAGE_FLAG_MIN_FIRST_TRIES = 10
LANGUAGE_FLAG_GAP = Fraction(20, 100)


@dataclass(frozen=True)
class QuestionStat:
    """Aggregates for one question (withheld figures are None)."""

    module_position: int
    module_title: str
    question_id: int
    key: str
    prompt: str
    first_attempts: int
    first_correct: int | None
    wrong_option: str | None
    wrong_count: int | None

    @property
    def share(self) -> float | None:
        """Andel rätt första gången (None when withheld or nobody answered)."""
        if self.first_correct is None or not self.first_attempts:
            return None
        return self.first_correct / self.first_attempts


def _people_in(administration_ids: Iterable[int] | None):
    """The ids of the people who work in one of the förvaltningar today (None: everyone)."""
    if administration_ids is None:
        return None
    return (
        select(User.id)
        .join(Unit, Unit.id == User.unit_id)
        .join(Department, Department.id == Unit.department_id)
        .where(Department.administration_id.in_(sorted(set(administration_ids))))
    )


def _questions_of(version_id: int):
    """The ids of a course version's questions."""
    return (
        select(Question.id)
        .join(Module, Module.id == Question.module_id)
        .where(Module.version_id == version_id)
    )


def _first_attempts(questions, people):
    """A subquery: per question of `questions` (a select of ids), its first-try answers and
    how many were right; answers of `people` only when given (one index range each)."""
    if people is None:  # the whole city: the questions, from the index alone
        answers = AttemptAnswer.question_id.in_(questions)
    else:  # some förvaltningar: their people's first-try answers, one index range each
        answers = AttemptAnswer.user_id.in_(people)
    return (
        select(
            AttemptAnswer.question_id,
            func.count().label("answers"),
            func.sum(case((AttemptAnswer.is_correct, 1), else_=0)).label("correct"),
        )
        .where(answers, AttemptAnswer.first_try.is_(True))
        .group_by(AttemptAnswer.question_id)
        .subquery("first_attempts")
    )


def question_analysis(
    version_id: int, administration_ids: Iterable[int] | None
) -> list[QuestionStat]:
    """Every question of a version with its aggregates (None = the whole city), in two queries."""
    people = _people_in(administration_ids)
    first_attempts = _first_attempts(_questions_of(version_id), people)
    rows = db.session.execute(
        select(
            Module.position,
            Module.title,
            Question.id,
            Question.key,
            Question.prompt,
            first_attempts.c.answers,
            first_attempts.c.correct,
        )
        .join(Module, Module.id == Question.module_id)
        .outerjoin(first_attempts, first_attempts.c.question_id == Question.id)
        .where(Module.version_id == version_id)
        .order_by(Module.position, Question.position)
    ).all()
    wrong = _most_chosen_wrong_options(version_id, people)
    stats = []
    for position, title, question_id, key, prompt, answers, correct in rows:
        shown = (answers or 0) >= MIN_GROUP
        text, count = wrong.get(question_id, (None, None)) if shown else (None, None)
        stats.append(
            QuestionStat(
                module_position=position,
                module_title=title,
                question_id=question_id,
                key=key,
                prompt=prompt,
                first_attempts=answers or 0,
                first_correct=(correct or 0) if shown else None,
                wrong_option=text,
                wrong_count=count,
            )
        )
    return stats


def _most_chosen_wrong_options(version_id: int, people) -> dict[int, tuple[str, int]]:
    """{question id: (text, times chosen)} of each question's most chosen wrong option."""
    wrong_options = (
        select(Option.id, Option.question_id, Option.text, Option.position)
        .join(Question, Question.id == Option.question_id)
        .join(Module, Module.id == Question.module_id)
        .where(Module.version_id == version_id, Option.is_correct.is_(False))
    )
    if people is None:  # the whole city: one index-only count per option
        times_chosen = (
            select(func.count())
            .where(AnswerChoice.option_id == Option.id)
            .correlate(Option)
            .scalar_subquery()
        )
        counted = wrong_options.add_columns(times_chosen.label("chosen")).subquery("counted")
    else:  # some förvaltningar: the options their people chose, one index range each
        chosen = (
            select(AnswerChoice.option_id, func.count().label("chosen"))
            .where(AnswerChoice.user_id.in_(people))
            .group_by(AnswerChoice.option_id)
            .subquery("chosen")
        )
        counted = (
            wrong_options.add_columns(chosen.c.chosen)
            .join(chosen, chosen.c.option_id == Option.id)
            .subquery("counted")
        )
    ranked = select(
        counted.c.question_id,
        counted.c.text,
        counted.c.chosen,
        func.row_number()
        .over(
            partition_by=counted.c.question_id,
            order_by=(counted.c.chosen.desc(), counted.c.position),
        )
        .label("rank"),
    ).subquery("ranked")
    rows = db.session.execute(
        select(ranked.c.question_id, ranked.c.text, ranked.c.chosen).where(
            ranked.c.rank == 1, ranked.c.chosen > 0
        )
    )
    return {question_id: (text, count) for question_id, text, count in rows}


@dataclass(frozen=True)
class VersionFigure:
    """One question's first-try figures in one course version (share None when withheld)."""

    first_attempts: int
    first_correct: int | None

    @property
    def share(self) -> float | None:
        """Andel rätt första gången (None when withheld or nobody answered)."""
        if self.first_correct is None or not self.first_attempts:
            return None
        return self.first_correct / self.first_attempts


MAX_COMPARED_VERSIONS = 4  # other versions shown beside the chosen one, newest first


def across_versions(
    version: CourseVersion, administration_ids: Iterable[int] | None
) -> tuple[list["Choice"], dict[int, dict[int, VersionFigure]]]:
    """The same questions (by their id in questions.yaml, `key`) in the course's other
    versions, in one query: (the versions compared, newest first and only those with first
    attempts, at most MAX_COMPARED_VERSIONS), {question id in `version`: {version id: figures}}.
    A version without the question has no entry; small groups are withheld as above."""
    chosen, same = aliased(Question), aliased(Question)
    chosen_module, same_module = aliased(Module), aliased(Module)
    course_questions = (
        select(Question.id)
        .join(Module, Module.id == Question.module_id)
        .join(CourseVersion, CourseVersion.id == Module.version_id)
        .where(CourseVersion.course_id == version.course_id, Module.version_id != version.id)
    )
    first_attempts = _first_attempts(course_questions, _people_in(administration_ids))
    rows = db.session.execute(
        select(
            chosen.id,
            CourseVersion.id,
            CourseVersion.created_at,
            first_attempts.c.answers,
            first_attempts.c.correct,
        )
        .select_from(chosen)
        .join(chosen_module, chosen_module.id == chosen.module_id)
        .join(same, same.key == chosen.key)
        .join(same_module, same_module.id == same.module_id)
        .join(CourseVersion, CourseVersion.id == same_module.version_id)
        .outerjoin(first_attempts, first_attempts.c.question_id == same.id)
        .where(
            chosen_module.version_id == version.id,
            CourseVersion.course_id == version.course_id,
            CourseVersion.id != version.id,
        )
        .order_by(CourseVersion.created_at.desc(), CourseVersion.id.desc())
    ).all()
    compared: dict[int, Choice] = {}
    for _, version_id, loaded_at, answers, _ in rows:
        if answers and version_id not in compared and len(compared) < MAX_COMPARED_VERSIONS:
            compared[version_id] = Choice(version_id, _version_name(loaded_at))
    figures: dict[int, dict[int, VersionFigure]] = {}
    for question_id, version_id, _, answers, correct in rows:
        if version_id in compared:
            shown = (answers or 0) >= MIN_GROUP
            figure = VersionFigure(answers or 0, (correct or 0) if shown else None)
            figures.setdefault(question_id, {})[version_id] = figure
    return list(compared.values()), figures


@dataclass(frozen=True)
class LanguageFigure:
    """One question's first-try figures in one course language (share None when withheld);
    `flagged`: far below the other languages (see the module docstring)."""

    first_attempts: int
    first_correct: int | None
    flagged: bool = False

    @property
    def share(self) -> float | None:
        """Andel rätt första gången (None when withheld or nobody answered)."""
        if self.first_correct is None or not self.first_attempts:
            return None
        return self.first_correct / self.first_attempts


def version_languages(version_id: int) -> list[str]:
    """The languages a course version is offered in, Swedish first (one query)."""
    held = set(
        db.session.scalars(
            select(CourseVersionText.language).where(CourseVersionText.version_id == version_id)
        )
    )
    return [code for code in LANGUAGES if code == SOURCE_LANGUAGE or code in held]


def by_language(
    version_id: int, languages: list[str], administration_ids: Iterable[int] | None
) -> dict[int, dict[str, LanguageFigure]]:
    """{question id: {language: figures}} for a version offered in several languages, by
    the language of each first attempt (one query; nothing when only Swedish)."""
    if len(languages) < 2:
        return {}
    query = (
        select(
            AttemptAnswer.question_id,
            Attempt.language,
            func.count(),
            func.sum(case((AttemptAnswer.is_correct, 1), else_=0)),
        )
        .join(Attempt, Attempt.id == AttemptAnswer.attempt_id)
        .where(
            AttemptAnswer.question_id.in_(_questions_of(version_id)),
            AttemptAnswer.first_try.is_(True),
        )
        .group_by(AttemptAnswer.question_id, Attempt.language)
    )
    people = _people_in(administration_ids)
    if people is not None:
        query = query.where(AttemptAnswer.user_id.in_(people))
    rows = db.session.execute(query)
    counted: dict[int, dict[str, tuple[int, int]]] = {}
    for question_id, language, answered, correct in rows:
        counted.setdefault(question_id, {})[language] = (int(answered), int(correct or 0))
    return {question_id: _flagged(found) for question_id, found in counted.items()}


def _flagged(found: dict[str, tuple[int, int]]) -> dict[str, LanguageFigure]:
    """The figures of one question per language, small groups withheld, flags set."""
    shares = {
        language: Fraction(correct, answered)
        for language, (answered, correct) in found.items()
        if answered >= MIN_GROUP
    }
    figures = {}
    for language, (answered, correct) in found.items():
        others = [share for other, share in shares.items() if other != language]
        flagged = (
            answered >= LANGUAGE_FLAG_MIN_FIRST_TRIES
            and bool(others)
            and max(others) - shares[language] >= LANGUAGE_FLAG_GAP
        )
        shown = correct if answered >= MIN_GROUP else None
        figures[language] = LanguageFigure(answered, shown, flagged)
    return figures


def by_module(stats: list[QuestionStat]) -> list[tuple[str, list[QuestionStat]]]:
    """The stats grouped per module, in course order: [(module title, stats), …]."""
    groups: dict[int, tuple[str, list[QuestionStat]]] = {}
    for stat in stats:
        groups.setdefault(stat.module_position, (stat.module_title, []))[1].append(stat)
    return [groups[position] for position in sorted(groups)]


def find_version(version_id: int | None, course_slug: str) -> CourseVersion | None:
    """A stored course version, or the course's current version when no id is given."""
    if version_id is None:
        version_id = db.session.scalar(
            select(Course.current_version_id).where(Course.slug == course_slug)
        )
    return db.session.get(CourseVersion, version_id) if version_id is not None else None


@dataclass(frozen=True)
class Choice:
    """One option of a select on the page."""

    id: int
    label: str


def _version_name(loaded_at) -> str:
    """A version for the page in the interface language: its month, and the day it was
    loaded (two versions can share a month): 'mars 2026 (laddad 2026-03-01)'."""
    return gettext(
        "%(version)s (laddad %(date)s)",
        version=course_version_label(loaded_at),
        date=city_date(loaded_at).isoformat(),
    )


def version_choices(course_id: int) -> list[Choice]:
    """The course's versions, newest first: 'mars 2026 (laddad 2026-03-01)'."""
    versions = db.session.execute(
        select(CourseVersion.id, CourseVersion.created_at)
        .where(CourseVersion.course_id == course_id)
        .order_by(CourseVersion.created_at.desc(), CourseVersion.id.desc())
    )
    return [Choice(id_, _version_name(created)) for id_, created in versions]


def administration_choices(administration_ids: Iterable[int] | None) -> list[Choice]:
    """The förvaltningar to choose from (every one when ids is None), by name."""
    query = select(Administration.id, Administration.name).order_by(Administration.name)
    if administration_ids is not None:
        query = query.where(Administration.id.in_(sorted(set(administration_ids))))
    return [Choice(id_, name) for id_, name in db.session.execute(query)]


def question_bars(stats: list[QuestionStat]) -> list[tuple[str, float | None]]:
    """(question key, percent right the first time) per question, for a bar chart."""
    return [(stat.key, None if stat.share is None else 100 * stat.share) for stat in stats]
