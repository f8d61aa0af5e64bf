"""`courses check`'s quality rules: no giveaways, scenarios in every draw, LIX, 45 minutes."""

import random
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.course_builder import write, write_course
from vbe_learn.core.config import REPO_ROOT
from vbe_learn.courses.duration import course_minutes, module_minutes
from vbe_learn.courses.files import course_folders, load_course
from vbe_learn.courses.quality import quality_problems
from vbe_learn.courses.question_kinds import SCENARIOS_PER_CHECK, draw_questions
from vbe_learn.courses.readability import lix, readable_text, text_counts


def quality(folder: Path, swedish_only: bool = False) -> list[str]:
    """The quality problems of a course; `swedish_only`: leaving out its missing variants
    (for a course written with variants=False, whose Swedish questions a test reshapes)."""
    spec, problems = load_course(folder)
    assert problems == [], problems
    found = [str(problem) for problem in quality_problems(spec)]
    return [m for m in found if not (swedish_only and "filen saknas (varianten av" in m)]


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_the_test_course_meets_every_rule(tmp_path):
    assert quality(write_course(tmp_path)) == []


def test_correct_option_longest_in_more_than_a_third(tmp_path):
    folder = write_course(tmp_path)
    path = folder / "modules/01-modul-1/questions.yaml"
    edit(path, "- text: Ringer chefen", "- text: Ringer chefen och berättar vad hen såg")
    assert quality(folder) == [], "one giveaway of three single-answer questions is allowed"
    edit(path, "- text: Lyssnar", "- text: Lyssnar lugnt och frågar vad hen menar")
    found = quality(folder)
    share = "det gäller 2 av 3 enval- och scenariofrågor i modulen (högst en tredjedel: 1)"
    first = "questions.yaml:28: fråga 'm1-4': rätt svar är det längsta"
    second = f"questions.yaml:38: fråga 'm1-5': rätt svar är det längsta alternativet; {share}"
    assert any(first in m for m in found), found
    assert any(second in m for m in found), found
    assert not any("02-modul-2" in m for m in found), "the rule is per module"


def test_a_tie_for_longest_counts_as_longest(tmp_path):
    folder = write_course(tmp_path)
    path = folder / "modules/01-modul-1/questions.yaml"
    edit(path, "- text: Ringer chefen", "- text: Ringer chefen nu idag")  # 20 = 20 letters
    edit(path, "- text: Lyssnar", "- text: Lyssnar noga")  # 13 > 12
    assert any("fråga 'm1-4'" in m for m in quality(folder))


def test_true_false_balance_is_course_wide(tmp_path):
    folder = write_course(tmp_path, variants=False)
    path = folder / "modules/01-modul-1/questions.yaml"
    # m1-3 keyed Sant as well: 3 of 4 = 75 %
    keyed_false = "    - text: Sant\n      feedback: Nej.\n    - text: Falskt\n      correct: true"
    keyed_true = "    - text: Sant\n      correct: true\n      feedback: Nej.\n    - text: Falskt"
    edit(path, keyed_false, keyed_true)
    found = quality(folder, swedish_only=True)
    assert any(
        "testkurs/course.yaml:1: sant/falskt-frågorna har facit ”Sant” i 3 av 4 (75 %); "
        "i hela kursen ska det vara 40–60 %" in m
        for m in found
    ), found


def test_true_false_all_false_fails_too(tmp_path):
    folder = write_course(tmp_path, variants=False)
    for m in (1, 2):
        path = folder / f"modules/0{m}-modul-{m}/questions.yaml"
        keyed_true = (
            "    - text: Sant\n      correct: true\n      feedback: Ja.\n    - text: Falskt\n"
        )
        keyed_false = (
            "    - text: Sant\n      feedback: Ja.\n    - text: Falskt\n      correct: true\n"
        )
        edit(path, keyed_true, keyed_false)
    assert any("facit ”Sant” i 0 av 4 (0 %)" in m for m in quality(folder, swedish_only=True))


@pytest.mark.parametrize(
    "text", ["Alla ovanstående", "Alla alternativen ovan", "Samtliga svar ovan", "Inget av svaren"]
)
def test_catch_all_options_are_refused_with_their_line(tmp_path, text):
    folder = write_course(tmp_path)
    edit(folder / "modules/01-modul-1/questions.yaml", "- text: Felaktigt", f"- text: {text}")
    found = quality(folder)
    assert any(
        f"01-modul-1/questions.yaml:8: fråga 'm1-1': alternativet {text!r} är ett samlingssvar" in m
        for m in found
    ), found


def test_ordinary_options_with_alla_are_allowed(tmp_path):
    folder = write_course(tmp_path)
    edit(folder / "modules/01-modul-1/questions.yaml", "- text: Felaktigt", "- text: Alla barn")
    assert quality(folder) == []


def test_every_bank_needs_enough_scenarios_for_the_draw(tmp_path):
    folder = write_course(tmp_path, variants=False)
    path = folder / "modules/02-modul-2/questions.yaml"
    edit(path, "kind: scenario\n  scenario: En kollega ser något.\n", "kind: single\n")
    found = quality(folder, swedish_only=True)
    assert found == [
        f"{folder}/modules/02-modul-2/questions.yaml:1: modulen har 1 scenariofrågor "
        "(kind: scenario); varje kunskapskontroll ska ha minst 2, så banken behöver minst 2"
    ]


def test_page_lix_over_40_is_reported_on_the_page(tmp_path):
    folder = write_course(tmp_path)
    heavy = "Socialförvaltningens samverkansöverenskommelse förutsätter incidentrapportering. " * 3
    write(folder / "modules/01-modul-1/02-sida.md", f"---\ntitle: T\nsource: K\n---\n{heavy}\n")
    found = quality(folder)
    assert any(
        "01-modul-1/02-sida.md:1: sidan har LIX 104.0 (12 ord, 3 meningar, 100 % långa ord); "
        "högst 40" in m
        for m in found
    ), found


def test_course_lix_over_35_even_when_each_page_is_at_most_40(tmp_path):
    folder = write_course(tmp_path, modules=1)
    # 10 words, 3 of them long: LIX 10 + 30 = 40 on every page
    sentence = "Vi läser texten och kollegorna diskuterar materialet snart nu idag."
    for page in (1, 2):
        page_text = f"---\ntitle: T\nsource: K\n---\n{sentence} {sentence}\n"
        write(folder / f"modules/01-modul-1/0{page}-sida.md", page_text)
    found = quality(folder)
    assert found == [
        f"{folder}/course.yaml:1: kursen har LIX 40.0 (40 ord, 4 meningar, 30 % långa ord); "
        "högst 35 för hela kursen"
    ]


def test_time_over_45_minutes_and_slow_settings(tmp_path):
    folder = write_course(tmp_path)
    edit(
        folder / "course.yaml",
        "words_per_minute: 180",
        "words_per_minute: 200\nseconds_per_question: 700",
    )
    found = quality(folder)
    assert (
        f"{folder}/course.yaml:1: words_per_minute: högst 180 (läshastigheten för tidsmåttet)"
        in found
    )
    assert any(
        "kursen tar cirka 47 minuter" in m and "4 frågor à 700 s); högst 45" in m for m in found
    )


def test_module_minutes_add_up_to_the_course_estimate():
    settings = {"words_per_minute": 180, "questions_per_check": 5, "seconds_per_question": 30}
    # each module: 900 words / 180 = 5 min + 5 questions × 30 s = 7.5 min; course 37.5 → 38
    assert course_minutes([900] * 5, settings) == 38
    assert module_minutes([900] * 5, settings) == [8, 7, 8, 7, 8]
    words = [1100, 1310, 990, 1500, 1200]
    assert course_minutes(words, settings) == 47  # 6100 / 180 = 33.9 + 12.5 = 46.4
    assert sum(module_minutes(words, settings)) == 47


def test_lix_by_hand():
    # 9 words, 3 sentences (the heading counts as one), long words: "meningar", "rubriken"
    text = "Här är två meningar. Ja!\n\nRubriken utan punkt"
    counts = text_counts(text)
    assert (counts.words, counts.sentences, counts.long_words) == (8, 3, 2)
    assert lix(text) == pytest.approx(8 / 3 + 100 * 2 / 8)


def test_abbreviations_do_not_end_sentences_and_numbers_are_not_words():
    counts = text_counts("Enligt 10 kap. 23 § OSL får du t.ex. ringa 112.")
    assert counts.sentences == 1
    assert counts.words == 7  # Enligt kap OSL får du tex ringa: numbers are not words


def test_readable_text_skips_hidden_headings_and_separates_blocks():
    html = '<h2 class="visually-hidden">Flödesschema</h2><h3>Fara?</h3><ul><li>Ja</li></ul>'
    assert readable_text(html) == "Fara?\n\nJa"


@dataclass(frozen=True)
class Q:
    id: int
    kind: str


def test_the_draw_always_holds_two_scenarios():
    bank = [Q(i, "scenario" if i in (3, 7) else "single") for i in range(10)]
    for seed in range(200):
        random.seed(seed)
        drawn = draw_questions(bank, 5)
        assert len(drawn) == 5 == len(set(drawn))
        assert sum(q.kind == "scenario" for q in drawn) >= SCENARIOS_PER_CHECK


def test_the_draw_takes_what_a_small_bank_has():
    assert len(draw_questions([Q(1, "single"), Q(2, "scenario")], 5)) == 2
    assert draw_questions([Q(1, "scenario"), Q(2, "scenario"), Q(3, "single")], 1)[0].kind == (
        "scenario"
    )


def test_the_real_course_bank_can_always_satisfy_the_draw():
    spec, problems = load_course(course_folders(REPO_ROOT / "courses")[0])
    assert problems == []
    for module in spec.modules:
        assert sum(q.kind == "scenario" for q in module.questions) >= SCENARIOS_PER_CHECK
        assert len(module.questions) >= spec.settings["questions_per_check"]
