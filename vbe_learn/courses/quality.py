"""The course's quality rules, checked by `flask courses check` (documented in courses/README.md).

- Knowledge checks that cannot be passed by guessing: in each module the correct option is
  the longest in at most a third of the single-choice and scenario questions; true/false
  items are keyed "Sant" 40–60 % of the time (over the whole course); no catch-all option
  ("alla ovanstående"); every module's bank can give every drawn check at least
  SCENARIOS_PER_CHECK scenarios.
- Plain Swedish: LIX at most 40 on every page and 35 over the whole course.
- Gruppomgång: every module has 1–2 "Diskutera" prompts (module.yaml `discuss:`).
- Time: the course's estimate (duration.py) at most 45 minutes, at no more than 180 words
  per minute and no less than 30 seconds per question.

These rules judge content, not its form: `courses sync` loads a course that breaks them
(so that a page being rewritten does not stop the service), while `courses check` — run in
CI — fails on them.
"""

import re
from fractions import Fraction

from .duration import course_minutes
from .files import CourseSpec, ModuleSpec, Problem
from .question_kinds import QUESTION_KINDS, SCENARIOS_PER_CHECK, TrueFalse, is_scenario
from .readability import TextCounts

MAX_LONGEST_CORRECT_SHARE = Fraction(1, 3)
TRUE_KEYED_SHARE = (Fraction(40, 100), Fraction(60, 100))
MAX_PAGE_LIX = 40
MAX_COURSE_LIX = 35
MAX_COURSE_MINUTES = 45
MAX_WORDS_PER_MINUTE = 180
DISCUSS_PROMPTS = (1, 2)  # "Diskutera" prompts per module, shown at a gruppomgång
MIN_SECONDS_PER_QUESTION = 30
CATCH_ALL = re.compile(
    r"\b(?:alla|samtliga|inga|inget|ingen|båda|bägge)\b(?:\s+\w+){0,2}?\s+"
    r"(?:ovanstående|ovan|alternativen|svarsalternativen|svaren|påståendena)\b",
    re.I,
)


def quality_problems(course: CourseSpec) -> list[Problem]:
    """Every break of the quality rules in a (structurally valid) course."""
    problems: list[Problem] = []
    for module in course.modules:
        problems += _longest_correct_option(module)
        problems += _catch_all_options(module)
        problems += _scenarios_per_check(module, course.settings)
        problems += _page_readability(module)
        problems += _discuss_prompts(module)
    problems += _true_false_balance(course)
    problems += _course_readability(course)
    problems += _course_time(course)
    return problems


def course_figures(course: CourseSpec) -> str:
    """The course's estimated time and LIX as one Swedish line, as `courses check` prints it."""
    words = [sum(page.word_count for page in module.pages) for module in course.modules]
    minutes = course_minutes(words, course.settings)
    counts = sum((page.counts for m in course.modules for page in m.pages), TextCounts())
    return f"{course.slug}: cirka {minutes} minuter, {_lix_text(counts)}"


def _questions_file(module: ModuleSpec):
    return module.path / "questions.yaml"


def _longest_correct_option(module: ModuleSpec) -> list[Problem]:
    single = [q for q in module.questions if QUESTION_KINDS[q.kind].single_answer]
    giveaways = [q for q in single if _correct_is_longest(q.options)]
    if len(giveaways) <= MAX_LONGEST_CORRECT_SHARE * len(single):
        return []
    allowed = int(MAX_LONGEST_CORRECT_SHARE * len(single))
    share = (
        f"det gäller {len(giveaways)} av {len(single)} enval- och scenariofrågor i modulen "
        f"(högst en tredjedel: {allowed})"
    )
    return [
        Problem(
            _questions_file(module),
            question.line,
            f"fråga {question.key!r}: rätt svar är det längsta alternativet; {share}",
        )
        for question in giveaways
    ]


def _correct_is_longest(options) -> bool:
    correct = [len(o.text.strip()) for o in options if o.is_correct]
    others = [len(o.text.strip()) for o in options if not o.is_correct]
    return bool(correct and others) and max(correct) >= max(others)


def _catch_all_options(module: ModuleSpec) -> list[Problem]:
    return [
        Problem(
            _questions_file(module),
            option.line or question.line,
            f"fråga {question.key!r}: alternativet {option.text!r} är ett samlingssvar "
            "(som ”alla ovanstående”); skriv ett eget påstående",
        )
        for question in module.questions
        for option in question.options
        if CATCH_ALL.search(option.text)
    ]


def _scenarios_per_check(module: ModuleSpec, settings: dict) -> list[Problem]:
    needed = min(SCENARIOS_PER_CHECK, settings["questions_per_check"])
    found = sum(1 for question in module.questions if is_scenario(question.kind))
    if found >= needed:
        return []
    message = (
        f"modulen har {found} scenariofrågor (kind: scenario); varje kunskapskontroll ska ha "
        f"minst {needed}, så banken behöver minst {needed}"
    )
    return [Problem(_questions_file(module), 1, message)]


def _discuss_prompts(module: ModuleSpec) -> list[Problem]:
    low, high = DISCUSS_PROMPTS
    if low <= len(module.discuss) <= high:
        return []
    message = (
        f"modulen har {len(module.discuss)} diskussionsfrågor (discuss:); "
        f"en gruppomgång behöver {low}–{high}"
    )
    return [Problem(module.path / "module.yaml", 1, message)]


def _lix_text(counts: TextCounts) -> str:
    share = round(100 * counts.long_words / counts.words) if counts.words else 0
    return (
        f"LIX {counts.lix:.1f} ({counts.words} ord, {counts.sentences} meningar, "
        f"{share} % långa ord)"
    )


def _page_readability(module: ModuleSpec) -> list[Problem]:
    return [
        Problem(page.path, 1, f"sidan har {_lix_text(page.counts)}; högst {MAX_PAGE_LIX}")
        for page in module.pages
        if page.counts.lix > MAX_PAGE_LIX
    ]


def _course_readability(course: CourseSpec) -> list[Problem]:
    counts = sum((page.counts for m in course.modules for page in m.pages), TextCounts())
    if counts.lix <= MAX_COURSE_LIX:
        return []
    message = f"kursen har {_lix_text(counts)}; högst {MAX_COURSE_LIX} för hela kursen"
    return [Problem(course.path / "course.yaml", 1, message)]


def _true_false_balance(course: CourseSpec) -> list[Problem]:
    items = [
        question
        for module in course.modules
        for question in module.questions
        if question.kind == TrueFalse.kind
    ]
    if not items:
        return []
    keyed_true = sum(
        1
        for question in items
        if any(o.is_correct and o.text == TrueFalse.TEXTS[0] for o in question.options)
    )
    low, high = TRUE_KEYED_SHARE
    if low <= Fraction(keyed_true, len(items)) <= high:
        return []
    message = (
        f"sant/falskt-frågorna har facit ”Sant” i {keyed_true} av {len(items)} "
        f"({round(100 * keyed_true / len(items))} %); i hela kursen ska det vara "
        f"{int(100 * low)}–{int(100 * high)} %"
    )
    return [Problem(course.path / "course.yaml", 1, message)]


def _course_time(course: CourseSpec) -> list[Problem]:
    settings, path = course.settings, course.path / "course.yaml"
    problems = []
    if settings["words_per_minute"] > MAX_WORDS_PER_MINUTE:
        message = f"words_per_minute: högst {MAX_WORDS_PER_MINUTE} (läshastigheten för tidsmåttet)"
        problems.append(Problem(path, 1, message))
    if settings["seconds_per_question"] < MIN_SECONDS_PER_QUESTION:
        message = f"seconds_per_question: minst {MIN_SECONDS_PER_QUESTION}"
        problems.append(Problem(path, 1, message))
    words = [sum(page.word_count for page in module.pages) for module in course.modules]
    minutes = course_minutes(words, settings)
    if minutes > MAX_COURSE_MINUTES:
        questions = settings["questions_per_check"] * len(course.modules)
        message = (
            f"kursen tar cirka {minutes} minuter ({sum(words)} ord à "
            f"{settings['words_per_minute']} ord/min + {questions} frågor à "
            f"{settings['seconds_per_question']} s); högst {MAX_COURSE_MINUTES}"
        )
        problems.append(Problem(path, 1, message))
    return problems
