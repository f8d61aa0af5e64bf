"""Starting and submitting knowledge-check attempts.

An attempt is closed by one conditional UPDATE (… WHERE submitted_at IS NULL):
of any number of parallel or replayed submits exactly one wins, the others change nothing.
"""

import logging
import random

from flask_babel import gettext, lazy_gettext
from sqlalchemy import bindparam, func, insert, select, text, update
from sqlalchemy.orm.attributes import set_committed_value

from ...core.extensions import db
from ...courses.languages import learner_language
from ...courses.question_kinds import draw_questions
from ...models import (
    AnswerChoice,
    Attempt,
    AttemptAnswer,
    Enrollment,
    User,
)
from ...models.types import utcnow
from .completion import complete_if_all_passed
from .outline import ModuleRef, OptionRef, QuestionRef, outline_for
from .position import reading_state
from .progress import NoSuchPage
from .scoring import ScoredAnswer, percent_correct, score_answer

log = logging.getLogger(__name__)


class AttemptRefused(Exception):
    """The attempt cannot be started or submitted; the message is for the learner."""


def attempt_module(attempt: Attempt) -> ModuleRef:
    """The module of an attempt, with its content in the attempt's language (the one it was
    started in, whatever the learner chose since), from its version's cached outline."""
    outline = outline_for(attempt.module_version_id, attempt.language)
    return outline.module_with_id(attempt.module_id)


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


# The learner's attempts at one module so far: how many, how many passed, the open one.
MODULE_ATTEMPTS = select(
    func.count(Attempt.id),
    func.count(Attempt.id).filter(Attempt.passed.is_(True)),
    func.max(Attempt.id).filter(Attempt.submitted_at.is_(None)),
).where(
    Attempt.enrollment_id == bindparam("enrollment_id"),
    Attempt.module_id == bindparam("module_id"),
)
# A new attempt, unless a parallel start (a double-click) took its number first: then no
# row comes back. ON CONFLICT is the same in SQLite and PostgreSQL (no savepoint needed).
OPEN_ATTEMPT = text(
    "INSERT INTO attempts (enrollment_id, user_id, module_id, number, questions_shown, "
    "started_at, language) VALUES (:enrollment_id, :user_id, :module_id, :number, "
    ":questions_shown, :started_at, :language) "
    "ON CONFLICT (enrollment_id, module_id, number) DO NOTHING RETURNING id"
).bindparams(
    bindparam("questions_shown", type_=Attempt.__table__.c.questions_shown.type),
    bindparam("started_at", type_=Attempt.__table__.c.started_at.type),
)
# A submit's answers, their ids back in the order given (for their chosen options).
INSERT_ANSWERS = insert(AttemptAnswer.__table__).returning(
    AttemptAnswer.__table__.c.id, sort_by_parameter_order=True
)
READ_PAGES_FIRST = lazy_gettext("Läs modulens alla sidor innan du gör kunskapskontrollen.")


def start_module_check(
    user: User, slug: str, module_no: int, group_session_id: int | None = None
) -> int:
    """Start the learner's attempt at a module's check, once its pages are read, or
    continue the open one; return the attempt's id.

    Where the learner stands comes with the signed-in person (position.py); one query counts
    the module's attempts and one INSERT opens the next, in the learner's language (as the
    version holds it). A parallel start of the same number (a double-click) loses on the
    unique key and continues the attempt that won.
    `group_session_id`: started at that gruppomgång (the open attempt is marked with it)."""
    state = reading_state(user, slug)
    if state.current_version_id is None:
        raise NoSuchPage(slug)
    outline = outline_for(state.version_id, learner_language(user))
    module = outline.module(module_no)
    if module is None:
        raise NoSuchPage(f"{module_no}")
    if state.enrollment_id is None:
        raise AttemptRefused(str(READ_PAGES_FIRST))
    where = {"enrollment_id": state.enrollment_id, "module_id": module.id}
    attempts, passes, open_id = db.session.execute(MODULE_ATTEMPTS, where).one()
    if open_id is not None:
        return _mark_group_session(open_id, group_session_id)
    if not all(page.id in state.read_page_ids for page in module.pages):
        raise AttemptRefused(str(READ_PAGES_FIRST))
    if passes:
        raise AttemptRefused(gettext("Du har redan klarat den här kunskapskontrollen."))
    values = {
        **where,
        "user_id": user.id,
        "number": attempts + 1,  # numbered 1, 2, … per module and enrollment
        "questions_shown": shuffled_questions(module, outline.questions_per_check),
        "started_at": utcnow(),
        "language": outline.language,
    }
    attempt_id = db.session.scalar(OPEN_ATTEMPT, values)
    if attempt_id is None:  # a double-click started the same attempt in parallel
        attempt_id = db.session.execute(MODULE_ATTEMPTS, where).one()[2]
    if attempt_id is None:  # …and it was submitted already, in another window
        raise AttemptRefused(gettext("Kunskapskontrollen lämnades just in i ett annat fönster."))
    log.info("attempt started user_id=%s module_id=%s", user.id, module.id)
    return _mark_group_session(attempt_id, group_session_id)


def _mark_group_session(attempt_id: int, group_session_id: int | None) -> int:
    """Mark an open attempt as made at a gruppomgång (nothing to do when alone)."""
    if group_session_id is not None:
        db.session.execute(
            update(Attempt)
            .where(Attempt.id == attempt_id, Attempt.submitted_at.is_(None))
            .values(group_session_id=group_session_id)
            .execution_options(synchronize_session=False)
        )
    return attempt_id


def shuffled_questions(module: ModuleRef, count: int) -> list[dict]:
    """An attempt's questions drawn from the module's bank (at least two scenarios, see
    draw_questions), each with its options shuffled."""
    drawn = draw_questions(module.questions, count)
    return [
        {
            "question_id": q.id,
            "option_ids": random.sample([o.id for o in q.options], len(q.options)),
        }
        for q in drawn
    ]


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
    now = utcnow()
    closed = db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.submitted_at.is_(None))
        .values(submitted_at=now, score_percent=score, passed=passed)
        .execution_options(synchronize_session=False)
    )
    if closed.rowcount != 1:
        raise AttemptRefused(gettext("Kunskapskontrollen är redan inlämnad."))
    for name, value in (("submitted_at", now), ("score_percent", score), ("passed", passed)):
        set_committed_value(attempt, name, value)  # as stored: nothing left to flush
    _store_answers(attempt, scored)
    log.info("attempt %s submitted: %s%%", attempt.id, attempt.score_percent)
    if attempt.passed:
        # Passes of one enrollment decide its completion one at a time (PostgreSQL; on
        # SQLite writers take turns): the later one sees the earlier one's pass committed.
        # Only a pass can complete the course, so a failed attempt takes no lock.
        enrollment = db.session.get(Enrollment, attempt.enrollment_id, with_for_update=True)
        complete_if_all_passed(enrollment, attempt.language, attempt.group_session_id)
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
    # Core statements on the session's connection: the ORM's bulk machinery would cost
    # more than the INSERTs (nothing here is an ORM object the session must track).
    connection = db.session.connection()
    answer_ids = connection.execute(INSERT_ANSWERS, rows).scalars().all()
    choices = [
        {"answer_id": answer_id, "user_id": attempt.user_id, "option_id": option_id}
        for answer_id, answer in zip(answer_ids, scored, strict=True)
        for option_id in sorted(answer.chosen_option_ids)
    ]
    connection.execute(insert(AnswerChoice.__table__).values(choices))


def _refuse_foreign_answers(questions, chosen: dict[int, set[int]]) -> None:
    expected = {question.id: {o.id for o in options} for question, options in questions}
    if set(chosen) != set(expected):
        raise AttemptRefused(gettext("Svaren hör inte till den här kunskapskontrollen."))
    for question_id, option_ids in chosen.items():
        if not option_ids or not option_ids <= expected[question_id]:
            raise AttemptRefused(gettext("Svaren hör inte till den här kunskapskontrollen."))
