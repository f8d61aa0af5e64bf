"""Question kinds as a registry of classes: how each kind is validated and shown.

Add a kind by writing a subclass and decorating it with @register_kind.
Every kind is scored the same way: the chosen options must be exactly the correct ones.
"""

import random
from collections.abc import Sequence
from typing import ClassVar, Protocol, TypeVar

from flask_babel import lazy_gettext

# Every drawn knowledge check holds at least this many scenario questions (when the bank has
# them; `courses check` makes sure every module's bank does).
SCENARIOS_PER_CHECK = 2


class OptionLike(Protocol):
    """What a kind needs to know about an option."""

    text: str
    is_correct: bool


class QuestionKind:
    """Base class of the question kinds."""

    kind: ClassVar[str]
    label: ClassVar[str]  # the hint shown with the question, in the interface language
    input_type: ClassVar[str] = "radio"
    needs_scenario: ClassVar[bool] = False
    single_answer: ClassVar[bool] = False  # one correct option among alternatives

    @classmethod
    def problems(cls, options: Sequence[OptionLike], scenario: str) -> list[str]:
        """Return what is wrong with a question of this kind (Swedish, for `courses check`)."""
        found = []
        if len(options) < 2:
            found.append("frågan behöver minst två svarsalternativ")
        correct = sum(1 for option in options if option.is_correct)
        if correct == 0:
            found.append("frågan har inget rätt svarsalternativ (correct: true)")
        if cls.input_type == "radio" and correct > 1:
            found.append(f"frågetypen {cls.kind} får bara ha ett rätt svarsalternativ")
        if cls.needs_scenario and not scenario.strip():
            found.append(f"frågetypen {cls.kind} behöver en text under scenario:")
        return found

    @staticmethod
    def is_correct(correct_ids: set[int], chosen_ids: set[int]) -> bool:
        """A question scores when exactly the correct options were chosen."""
        return bool(chosen_ids) and chosen_ids == correct_ids


QUESTION_KINDS: dict[str, type[QuestionKind]] = {}


def register_kind(cls: type[QuestionKind]) -> type[QuestionKind]:
    """Class decorator: make a kind available under its `kind` name."""
    QUESTION_KINDS[cls.kind] = cls
    return cls


def kind_named(name: str) -> type[QuestionKind]:
    """The kind class for a name from questions.yaml (KeyError if unknown)."""
    return QUESTION_KINDS[name]


@register_kind
class SingleChoice(QuestionKind):
    """One correct option among several."""

    kind = "single"
    label = lazy_gettext("Välj ett svar")
    single_answer = True


@register_kind
class MultipleChoice(QuestionKind):
    """One or more correct options; all of them and nothing else must be chosen."""

    kind = "multiple"
    label = lazy_gettext("Välj alla svar som stämmer")
    input_type = "checkbox"


@register_kind
class TrueFalse(QuestionKind):
    """A statement that is either true or false."""

    kind = "true_false"
    label = lazy_gettext("Sant eller falskt?")
    TEXTS: ClassVar[tuple[str, str]] = ("Sant", "Falskt")

    @classmethod
    def problems(cls, options: Sequence[OptionLike], scenario: str) -> list[str]:
        """Exactly the two options "Sant" and "Falskt", one of them correct."""
        found = super().problems(options, scenario)
        if sorted(option.text for option in options) != sorted(cls.TEXTS):
            found.append('sant/falskt-frågor har exakt alternativen "Sant" och "Falskt"')
        return found


@register_kind
class Scenario(QuestionKind):
    """A case description followed by a single-choice question."""

    kind = "scenario"
    label = lazy_gettext("Scenario: välj ett svar")
    needs_scenario = True
    single_answer = True


class HasKind(Protocol):
    """What the draw needs to know about a question."""

    kind: str


Drawable = TypeVar("Drawable", bound=HasKind)


def is_scenario(kind: str) -> bool:
    """Whether questions of this kind count as scenarios (a case, then a question)."""
    found = QUESTION_KINDS.get(kind)
    return bool(found and found.needs_scenario)


def draw_questions(bank: Sequence[Drawable], count: int) -> list[Drawable]:
    """`count` questions at random from a bank, at least SCENARIOS_PER_CHECK of them scenarios
    (as many as the bank has, if fewer), in random order."""
    count = min(count, len(bank))
    scenarios = [question for question in bank if is_scenario(question.kind)]
    required = random.sample(scenarios, k=min(SCENARIOS_PER_CHECK, len(scenarios), count))
    rest = [question for question in bank if question not in required]
    drawn = required + random.sample(rest, k=count - len(required))
    random.shuffle(drawn)
    return drawn
