"""Frågeanalys: per question of a course version, how often it was right the first time and
which wrong option people choose most — aggregates only, computed in SQL (two queries).

For a course version and (optionally) some förvaltningar, per question:

    first attempts   answers to the question in learners' first attempt at the module's
                     knowledge check (attempt number 1 of the enrollment, submitted)
    right first time the share of those answers that were right
    usual wrong      the wrong option chosen most often over every submitted attempt

A learner counts in the förvaltning of the enhet they work in today (users.unit_id).
Figures about fewer than MIN_GROUP people are withheld (None, shown as "–"), so nobody's
own answers can be read off the page; nothing about a single person leaves this module.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, case, distinct, func, select

from ..extensions import db
from ..models import (
    Administration,
    AnswerChoice,
    Attempt,
    AttemptAnswer,
    Course,
    CourseVersion,
    Department,
    Module,
    Option,
    Question,
    Unit,
    User,
)
from ..models.types import city_date

MIN_GROUP = 5  # fewer people than this: the figure is withheld


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


def _learners_in(administration_ids: Iterable[int] | None):
    """A condition on Attempt: the learner works in one of the förvaltningar today."""
    if administration_ids is None:
        return None
    in_administrations = (
        select(User.id)
        .join(Unit, Unit.id == User.unit_id)
        .join(Department, Department.id == Unit.department_id)
        .where(Department.administration_id.in_(sorted(set(administration_ids))))
    )
    return Attempt.user_id.in_(in_administrations)


def question_analysis(
    version_id: int, administration_ids: Iterable[int] | None
) -> list[QuestionStat]:
    """Every question of a version with its aggregates (None = the whole city), in two queries."""
    learners = _learners_in(administration_ids)
    modules = select(Module.id).where(Module.version_id == version_id)
    first = Attempt.number == 1
    answered = (
        select(
            AttemptAnswer.question_id,
            func.count(case((first, 1))).label("first_attempts"),
            func.sum(case((and_(first, AttemptAnswer.is_correct), 1), else_=0)).label(
                "first_correct"
            ),
            func.count(distinct(case((first, Attempt.user_id)))).label("first_people"),
            func.count(distinct(Attempt.user_id)).label("people"),
        )
        .join(Attempt, Attempt.id == AttemptAnswer.attempt_id)
        .where(Attempt.module_id.in_(modules), Attempt.submitted_at.is_not(None))
        .group_by(AttemptAnswer.question_id)
    )
    if learners is not None:
        answered = answered.where(learners)
    answered = answered.subquery("answered")
    rows = db.session.execute(
        select(
            Module.position,
            Module.title,
            Question.id,
            Question.key,
            Question.prompt,
            answered.c.first_attempts,
            answered.c.first_correct,
            answered.c.first_people,
            answered.c.people,
        )
        .join(Module, Module.id == Question.module_id)
        .outerjoin(answered, answered.c.question_id == Question.id)
        .where(Module.version_id == version_id)
        .order_by(Module.position, Question.position)
    ).all()
    wrong = _most_chosen_wrong_options(modules, learners)
    stats = []
    for position, title, question_id, key, prompt, firsts, correct, first_people, people in rows:
        shown_first = (first_people or 0) >= MIN_GROUP
        text, count = wrong.get(question_id, (None, None))
        shown_wrong = (people or 0) >= MIN_GROUP
        stats.append(
            QuestionStat(
                module_position=position,
                module_title=title,
                question_id=question_id,
                key=key,
                prompt=prompt,
                first_attempts=firsts or 0,
                first_correct=(correct or 0) if shown_first else None,
                wrong_option=text if shown_wrong else None,
                wrong_count=count if shown_wrong else None,
            )
        )
    return stats


def _most_chosen_wrong_options(modules, learners) -> dict[int, tuple[str, int]]:
    """{question id: (text, times chosen)} of each question's most chosen wrong option."""
    chosen = (
        select(AnswerChoice.option_id, func.count().label("chosen"))
        .join(AttemptAnswer, AttemptAnswer.id == AnswerChoice.answer_id)
        .join(Attempt, Attempt.id == AttemptAnswer.attempt_id)
        .join(Option, Option.id == AnswerChoice.option_id)
        .where(
            Attempt.module_id.in_(modules),
            Attempt.submitted_at.is_not(None),
            Option.is_correct.is_(False),
        )
        .group_by(AnswerChoice.option_id)
    )
    if learners is not None:
        chosen = chosen.where(learners)
    chosen = chosen.subquery("chosen")
    ranked = (
        select(
            Option.question_id,
            Option.text,
            chosen.c.chosen,
            func.row_number()
            .over(
                partition_by=Option.question_id,
                order_by=(chosen.c.chosen.desc(), Option.position),
            )
            .label("rank"),
        )
        .join(chosen, chosen.c.option_id == Option.id)
        .subquery("ranked")
    )
    rows = db.session.execute(
        select(ranked.c.question_id, ranked.c.text, ranked.c.chosen).where(ranked.c.rank == 1)
    )
    return {question_id: (text, count) for question_id, text, count in rows}


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


def version_choices(course_id: int) -> list[Choice]:
    """The course's versions, newest first: 'a1b2c3d4 (2026-03-01)'."""
    versions = db.session.execute(
        select(CourseVersion.id, CourseVersion.content_hash, CourseVersion.created_at)
        .where(CourseVersion.course_id == course_id)
        .order_by(CourseVersion.created_at.desc(), CourseVersion.id.desc())
    )
    return [
        Choice(id_, f"{hash_[:8]} ({city_date(created).isoformat()})")
        for id_, hash_, created in versions
    ]


def administration_choices(administration_ids: Iterable[int] | None) -> list[Choice]:
    """The förvaltningar to choose from (every one when ids is None), by name."""
    query = select(Administration.id, Administration.name).order_by(Administration.name)
    if administration_ids is not None:
        query = query.where(Administration.id.in_(sorted(set(administration_ids))))
    return [Choice(id_, name) for id_, name in db.session.execute(query)]


def question_bars(stats: list[QuestionStat]) -> list[tuple[str, float | None]]:
    """(question key, percent right the first time) per question, for a bar chart."""
    return [(stat.key, None if stat.share is None else 100 * stat.share) for stat in stats]
