"""Where a knowledge-check answer is scored."""

from dataclasses import dataclass

from ...courses.question_kinds import kind_named
from .outline import QuestionRef


@dataclass(frozen=True)
class ScoredAnswer:
    """One question's outcome."""

    question_id: int
    chosen_option_ids: frozenset[int]
    is_correct: bool


def score_answer(question: QuestionRef, chosen_option_ids: set[int]) -> ScoredAnswer:
    """Score one answer with the rule of the question's kind."""
    correct = {option.id for option in question.options if option.is_correct}
    is_correct = kind_named(question.kind).is_correct(correct, set(chosen_option_ids))
    return ScoredAnswer(question.id, frozenset(chosen_option_ids), is_correct)


def percent_correct(answers: list[ScoredAnswer]) -> int:
    """Share of correct answers, rounded to a whole percent."""
    if not answers:
        return 0
    return round(100 * sum(a.is_correct for a in answers) / len(answers))
