"""What learners do: enrollments, pages read, attempts, answers and completions.

A completion is a fact that never changes (who, when, course version, score,
source); status is derived from completions, never stored.
"""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    event,
    false,
    select,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from ..core.extensions import db
from .course import CourseVersion, Module, Option, Page, Question
from .org import User
from .types import UTCDateTime, utcnow


class Enrollment(db.Model):
    """A person's run through one course version; a renewal starts a new cycle."""

    __tablename__ = "enrollments"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "cycle"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    course_version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id"))
    cycle: Mapped[int] = mapped_column(Integer, default=1)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    version: Mapped[CourseVersion] = relationship()


class PageRead(db.Model):
    """A page marked as read within an enrollment."""

    __tablename__ = "page_reads"
    __table_args__ = (UniqueConstraint("enrollment_id", "page_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id"), index=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id"))
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    page: Mapped[Page] = relationship()


class Attempt(db.Model):
    """One try at a module's knowledge check: the questions shown and, once submitted, the score.

    `questions_shown` is the exact order the learner saw:
    [{"question_id": 12, "option_ids": [40, 38, 39]}, ...].
    """

    __tablename__ = "attempts"
    __table_args__ = (
        UniqueConstraint("enrollment_id", "module_id", "number"),
        # A person's attempts from the index alone (the frågeanalys per förvaltning).
        Index("ix_attempts_user_attempt", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    questions_shown: Mapped[list] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    score_percent: Mapped[int | None] = mapped_column(Integer)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    # The course language it was started in: shown and submitted in it (courses/languages.py).
    language: Mapped[str] = mapped_column(String(20), default="sv", server_default="sv")

    # The course version of the module, read with the attempt (a subquery, no join): the
    # attempt pages take the module's content from that version's cached outline.
    module_version_id: Mapped[int] = column_property(
        select(Module.version_id)
        .where(Module.id == module_id)
        .correlate_except(Module)
        .scalar_subquery()
    )

    module: Mapped[Module] = relationship()
    # Only a submitted attempt's result page reads the answers (with their choices).
    answers: Mapped[list["AttemptAnswer"]] = relationship(order_by="AttemptAnswer.position")

    @property
    def is_open(self) -> bool:
        """Whether the attempt still takes answers."""
        return self.submitted_at is None


def _learner_of_attempt(context) -> int | None:
    """An answer's user_id when an INSERT leaves it out: the learner of its attempt."""
    attempt_id = context.get_current_parameters()["attempt_id"]
    return context.connection.scalar(select(Attempt.user_id).where(Attempt.id == attempt_id))


class AttemptAnswer(db.Model):
    """The answer given to one question of an attempt.

    `first_try`: the attempt is the learner's first at the module's knowledge check in
    its enrollment (attempt number 1); the frågeanalys counts these answers from an index.
    `user_id`: the attempt's learner, copied so that the frågeanalys per förvaltning reads a
    person's answers from one index range (learning.services.attempts gives it; an INSERT
    without it reads it from the attempt).
    """

    __tablename__ = "attempt_answers"
    __table_args__ = (
        UniqueConstraint("attempt_id", "question_id"),
        Index("ix_attempt_answers_question_first_try", "question_id", "first_try", "is_correct"),
        # A person's first-try answers with what the frågeanalys counts, from the index alone.
        Index(
            "ix_attempt_answers_user_first_try",
            *("user_id", "first_try", "question_id", "is_correct"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), default=_learner_of_attempt)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    position: Mapped[int] = mapped_column(Integer)
    is_correct: Mapped[bool] = mapped_column(Boolean)
    first_try: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    question: Mapped[Question] = relationship()
    choices: Mapped[list["AnswerChoice"]] = relationship(lazy="selectin")


def _learner_of_answer(context) -> int | None:
    """A choice's user_id when an INSERT leaves it out: the learner of its answer."""
    answer_id = context.get_current_parameters()["answer_id"]
    return context.connection.scalar(
        select(AttemptAnswer.user_id).where(AttemptAnswer.id == answer_id)
    )


class AnswerChoice(db.Model):
    """An option the learner chose in an answer.

    `user_id`: the learner, copied from the answer so that the frågeanalys per förvaltning
    counts a person's chosen options from one index range (see AttemptAnswer.user_id).
    """

    __tablename__ = "answer_choices"
    __table_args__ = (
        UniqueConstraint("answer_id", "option_id"),
        Index("ix_answer_choices_user_option", "user_id", "option_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("attempt_answers.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), default=_learner_of_answer)
    option_id: Mapped[int] = mapped_column(ForeignKey("options.id"), index=True)

    option: Mapped[Option] = relationship()


class Completion(db.Model):
    """A completed course: immutable once written.

    `source` is "earned" (here) or "imported" (from the earlier platform).
    """

    __tablename__ = "completions"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "source", "completed_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    course_version_id: Mapped[int | None] = mapped_column(ForeignKey("course_versions.id"))
    enrollment_id: Mapped[int | None] = mapped_column(ForeignKey("enrollments.id"), unique=True)
    completed_on: Mapped[date] = mapped_column(Date)
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    score_percent: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(20), default="earned")
    # For imported completions: the earlier platform's course version, as given in the file.
    source_version: Mapped[str | None] = mapped_column(String(100))
    certificate_code: Mapped[str] = mapped_column(String(20), unique=True)
    # Earned: the language of the attempt that completed the course; imported: None.
    language: Mapped[str | None] = mapped_column(String(20))

    user: Mapped[User] = relationship()
    version: Mapped[CourseVersion | None] = relationship()


class CompletionIsImmutable(Exception):
    """Raised when code tries to change or delete a stored completion."""


@event.listens_for(Completion, "before_update")
def _refuse_completion_update(_mapper, _connection, target: Completion) -> None:
    raise CompletionIsImmutable(f"completion {target.id} cannot be changed")


@event.listens_for(Completion, "before_delete")
def _refuse_completion_delete(_mapper, _connection, target: Completion) -> None:
    raise CompletionIsImmutable(f"completion {target.id} cannot be deleted")
