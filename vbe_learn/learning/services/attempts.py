"""Starting and submitting knowledge-check attempts.

An attempt is closed by one conditional UPDATE (… WHERE submitted_at IS NULL):
of any number of parallel or replayed submits exactly one wins, the others change nothing.
"""

import logging
import random

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from ...extensions import db
from ...models import (
    AnswerChoice,
    Attempt,
    AttemptAnswer,
    Course,
    Enrollment,
    User,
)
from ...models.types import utcnow
from .completion import complete_if_all_passed
from .outline import ModuleRef, OptionRef, QuestionRef, outline_for
from .progress import ModuleProgress, NoSuchPage, learner_progress
from .scoring import ScoredAnswer, percent_correct, score_answer

log = logging.getLogger(__name__)


class AttemptRefused(Exception):
    """The attempt cannot be started or submitted; the message is for the learner."""


def attempt_module(attempt: Attempt) -> ModuleRef:
    """The module of an attempt, with its content, from its version's cached outline."""
    return outline_for(attempt.module_version_id).module_with_id(attempt.module_id)


def shown_questions(attempt: Attempt) -> list[tuple[QuestionRef, list[OptionRef]]]:
    """The attempt's questions and their options, in the order the learner saw them (from
    the cached question bank of its course version: no query)."""
    by_id = attempt_module(attempt).questions_by_id()
    result = []
    for item in attempt.questions_shown:
        question = by_id[item["question_id"]]
        options = {o.id: o for o in question.options}
        result.append((question, [options[i] for i in item["option_ids"]]))
    return result


def start_attempt(enrollment: Enrollment, state: ModuleProgress) -> Attempt:
    """Open a new attempt with shuffled questions, or return the one already open.

    `state` is the module's progress as just read (attempts so far, passed, open attempt);
    a parallel start of the same attempt number loses on the unique key and gets the
    attempt that won."""
    module = state.module
    if state.open_attempt_id is not None:
        return db.session.get(Attempt, state.open_attempt_id)
    if not state.pages_done:
        raise AttemptRefused("Läs modulens alla sidor innan du gör kunskapskontrollen.")
    if state.passed:
        raise AttemptRefused("Du har redan klarat den här kunskapskontrollen.")
    count = outline_for(enrollment.course_version_id).questions_per_check
    drawn = random.sample(module.questions, k=min(count, len(module.questions)))
    shown = [
        {
            "question_id": q.id,
            "option_ids": random.sample([o.id for o in q.options], len(q.options)),
        }
        for q in drawn
    ]
    try:
        with db.session.begin_nested():
            attempt = Attempt(
                enrollment_id=enrollment.id,
                user_id=enrollment.user_id,
                module_id=module.id,
                number=state.attempts + 1,  # numbered 1, 2, … per module and enrollment
                questions_shown=shown,
            )
            db.session.add(attempt)
    except IntegrityError:  # a double-click started the same attempt in parallel
        attempt = _open_attempt(enrollment.id, module.id)
    log.info("attempt started user_id=%s module_id=%s", enrollment.user_id, module.id)
    return attempt


def start_module_check(user: User, course: Course, module_no: int) -> Attempt:
    """Start (or continue) the learner's attempt at a module's check, once its pages are read."""
    progress = learner_progress(user, course)
    state = next((m for m in progress.modules if m.module.position == module_no), None)
    if state is None:
        raise NoSuchPage(f"{module_no}")
    if progress.enrollment is None:
        raise AttemptRefused("Läs modulens alla sidor innan du gör kunskapskontrollen.")
    return start_attempt(progress.enrollment, state)


def submit_attempt(
    attempt: Attempt, chosen: dict[int, set[int]], questions: list | None = None
) -> Attempt:
    """Score and close an open attempt; refuse foreign questions/options and closed attempts.

    `questions` are the attempt's shown questions when the caller has loaded them already.
    """
    questions = questions or shown_questions(attempt)
    _refuse_foreign_answers(questions, chosen)
    scored = [score_answer(question, chosen[question.id]) for question, _ in questions]
    score = percent_correct(scored)
    passed = score >= outline_for(attempt.module_version_id).pass_mark
    # Serialise submits of one learner's enrollment (PostgreSQL; on SQLite writers take turns).
    db.session.execute(
        select(Enrollment.id).where(Enrollment.id == attempt.enrollment_id).with_for_update()
    )
    now = utcnow()
    closed = db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.submitted_at.is_(None))
        .values(submitted_at=now, score_percent=score, passed=passed)
        .execution_options(synchronize_session=False)
    )
    if closed.rowcount != 1:
        raise AttemptRefused("Kunskapskontrollen är redan inlämnad.")
    for name, value in (("submitted_at", now), ("score_percent", score), ("passed", passed)):
        set_committed_value(attempt, name, value)  # as stored: nothing left to flush
    _store_answers(attempt, scored)
    log.info("attempt %s submitted: %s%%", attempt.id, attempt.score_percent)
    if attempt.passed:
        complete_if_all_passed(db.session.get(Enrollment, attempt.enrollment_id))
    return attempt


def _store_answers(attempt: Attempt, scored: list[ScoredAnswer]) -> None:
    """The answers and their chosen options: two multi-row INSERTs."""
    rows = [
        {
            "attempt_id": attempt.id,
            "user_id": attempt.user_id,
            "question_id": answer.question_id,
            "position": position,
            "is_correct": answer.is_correct,
            "first_try": attempt.number == 1,
        }
        for position, answer in enumerate(scored)
    ]
    returning = insert(AttemptAnswer).returning(AttemptAnswer.id, sort_by_parameter_order=True)
    answer_ids = db.session.scalars(returning, rows).all()
    choices = [
        {"answer_id": answer_id, "user_id": attempt.user_id, "option_id": option_id}
        for answer_id, answer in zip(answer_ids, scored, strict=True)
        for option_id in sorted(answer.chosen_option_ids)
    ]
    db.session.execute(insert(AnswerChoice), choices)


def _refuse_foreign_answers(questions, chosen: dict[int, set[int]]) -> None:
    expected = {question.id: {o.id for o in options} for question, options in questions}
    if set(chosen) != set(expected):
        raise AttemptRefused("Svaren hör inte till den här kunskapskontrollen.")
    for question_id, option_ids in chosen.items():
        if not option_ids or not option_ids <= expected[question_id]:
            raise AttemptRefused("Svaren hör inte till den här kunskapskontrollen.")


def _open_attempt(enrollment_id: int, module_id: int) -> Attempt | None:
    return db.session.scalar(
        select(Attempt).where(
            Attempt.enrollment_id == enrollment_id,
            Attempt.module_id == module_id,
            Attempt.submitted_at.is_(None),
        )
    )
