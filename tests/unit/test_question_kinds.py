"""Question kinds: the registry, their validation and scoring."""

from dataclasses import dataclass

import pytest

from vbe_learn.courses.question_kinds import QUESTION_KINDS, kind_named


@dataclass
class Opt:
    text: str
    is_correct: bool = False


def test_registry_has_the_four_kinds():
    assert set(QUESTION_KINDS) == {"single", "multiple", "true_false", "scenario"}
    with pytest.raises(KeyError):
        kind_named("essay")


def test_single_choice_needs_exactly_one_correct():
    single = kind_named("single")
    assert single.problems([Opt("a", True), Opt("b")], "") == []
    assert single.problems([Opt("a", True), Opt("b", True)], "")
    assert single.problems([Opt("a"), Opt("b")], "")
    assert single.problems([Opt("a", True)], "")


def test_multiple_choice_allows_several_correct_and_uses_checkboxes():
    multiple = kind_named("multiple")
    assert multiple.problems([Opt("a", True), Opt("b", True), Opt("c")], "") == []
    assert multiple.input_type == "checkbox"


def test_true_false_and_scenario_rules():
    assert kind_named("true_false").problems([Opt("Sant", True), Opt("Falskt")], "") == []
    assert kind_named("true_false").problems([Opt("Ja", True), Opt("Nej")], "")
    assert kind_named("scenario").problems([Opt("a", True), Opt("b")], "")
    assert kind_named("scenario").problems([Opt("a", True), Opt("b")], "Ett fall.") == []


@pytest.mark.parametrize(
    ("correct", "chosen", "expected"),
    [
        ({1}, {1}, True),
        ({1}, {2}, False),
        ({1, 2}, {1, 2}, True),
        ({1, 2}, {1}, False),
        ({1, 2}, {1, 2, 3}, False),
        ({1}, set(), False),
    ],
)
def test_scoring_is_exact_set_match(correct, chosen, expected):
    for kind in QUESTION_KINDS.values():
        assert kind.is_correct(correct, chosen) is expected
