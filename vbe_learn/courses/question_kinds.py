"""Question kinds as a registry of classes: how each kind is validated and shown.

Add a kind by writing a subclass and decorating it with @register_kind.
Every kind is scored the same way: the chosen options must be exactly the correct ones.
"""

from collections.abc import Sequence
from typing import ClassVar, Protocol


class OptionLike(Protocol):
    """What a kind needs to know about an option."""

    text: str
    is_correct: bool


class QuestionKind:
    """Base class of the question kinds."""

    kind: ClassVar[str]
    label: ClassVar[str]
    input_type: ClassVar[str] = "radio"
    needs_scenario: ClassVar[bool] = False

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
    label = "Välj ett svar"


@register_kind
class MultipleChoice(QuestionKind):
    """One or more correct options; all of them and nothing else must be chosen."""

    kind = "multiple"
    label = "Välj alla svar som stämmer"
    input_type = "checkbox"


@register_kind
class TrueFalse(QuestionKind):
    """A statement that is either true or false."""

    kind = "true_false"
    label = "Sant eller falskt?"
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
    label = "Scenario: välj ett svar"
    needs_scenario = True
