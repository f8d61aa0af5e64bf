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
- Language variants (lättläst svenska, English): every file has its variant, and no variant
  lacks its Swedish file; lättläst pages LIX at most 30; English pages Flesch reading ease
  at least 50; a variant page names every handling step (module.yaml `actions`) that its
  Swedish page names; the option rules above hold in every language. (Their form — the same
  ids, options and decision-tree steps — is checked when the files are read, files.py.)
- Language of parts (WCAG 3.1.2): in the English texts, every word with å, ä or ö stands in
  a span marked Swedish (`[orosanmälan]{lang=sv}`); module and course titles cannot be
  marked, so they have none.

These rules judge content, not its form: `courses sync` loads a course that breaks them
(so that a page being rewritten does not stop the service), while `courses check` — run in
CI — fails on them.
"""

import re
from fractions import Fraction
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import textstat

from .duration import WORDS_PER_MINUTE_SETTING, course_minutes
from .files import CourseSpec, ModuleSpec, PageSpec, Problem, QuestionSpec, variant_path
from .languages import LANGUAGES, SOURCE_LANGUAGE, VARIANT_LANGUAGES
from .question_kinds import QUESTION_KINDS, SCENARIOS_PER_CHECK, TrueFalse, is_scenario
from .readability import LETTER_WORD, TextCounts
from .rendering import inline_plain_text, render_inline

MAX_LONGEST_CORRECT_SHARE = Fraction(1, 3)
TRUE_KEYED_SHARE = (Fraction(40, 100), Fraction(60, 100))
MAX_PAGE_LIX = 40
MAX_COURSE_LIX = 35
MAX_COURSE_MINUTES = 45  # the Swedish course; a variant's time is printed, not limited
MAX_WORDS_PER_MINUTE = 180  # every language's reading speed
DISCUSS_PROMPTS = (1, 2)  # "Diskutera" prompts per module, shown at a gruppomgång
MIN_SECONDS_PER_QUESTION = 30
MAX_LATTLAST_PAGE_LIX = 30
MIN_ENGLISH_PAGE_FLESCH = 50  # Flesch reading ease (textstat), higher is easier
CATCH_ALL = re.compile(
    r"\b(?:alla|samtliga|inga|inget|ingen|båda|bägge)\b(?:\s+\w+){0,2}?\s+"
    r"(?:ovanstående|ovan|alternativen|svarsalternativen|svaren|påståendena)\b"
    r"|\b(?:all|none|both|neither)\b(?:\s+\w+){0,2}?\s+"
    r"(?:above|options|answers|alternatives|statements)\b",
    re.I,
)
SWEDISH_LETTERS = re.compile("[åäöÅÄÖ]")
MARKED_SPAN = re.compile(r"\[[^\]]*\]\{[^}]*\}")  # [text]{lang=sv}, as written in the files


def quality_problems(course: CourseSpec) -> list[Problem]:
    """Every break of the quality rules in a (structurally valid) course."""
    problems: list[Problem] = []
    for module in course.modules:
        for language, path in _question_files(module):
            questions = [question.in_language(language) for question in module.questions]
            problems += _longest_correct_option(questions, path)
            problems += _catch_all_options(questions, path)
        problems += _scenarios_per_check(module, course.settings)
        problems += _page_readability(module)
        problems += _variant_readability(module)
        problems += _dropped_actions(module)
        problems += _discuss_prompts(module)
    problems += _true_false_balance(course)
    problems += _course_readability(course)
    problems += _course_time(course)
    problems += _missing_variants(course)
    problems += _unmarked_swedish(course)
    problems += [Problem(path, 1, message) for path, message in course.stray_variants]
    return problems


def course_figures(course: CourseSpec) -> str:
    """The course's estimated time and readability per language, and each module's
    readability (LIX for Swedish and lättläst, Flesch reading ease for English), as
    `courses check` prints them (Swedish lines). A language's figures count only its
    pages that exist (its time counts a missing page's Swedish words)."""
    words = [sum(page.word_count for page in module.pages) for module in course.modules]
    minutes = course_minutes(words, course.settings)
    counts = sum((page.counts for m in course.modules for page in m.pages), TextCounts())
    lines = [f"{course.slug}: cirka {minutes} minuter, {_lix_text(counts)}"]
    for language in VARIANT_LANGUAGES:
        pages = [page for module in course.modules for page in module.pages]
        minutes = sum(module.minutes[language] for module in course.modules)
        speed = course.settings[WORDS_PER_MINUTE_SETTING[language]]
        lines.append(
            f"{course.slug} ({LANGUAGES[language]}): cirka {minutes} minuter "
            f"({speed} ord/min), {_readability_text(pages, language)}"
        )
    for module in course.modules:
        figures = " · ".join(
            f"{LANGUAGES[language]} {_readability_text(module.pages, language)}"
            for language in LANGUAGES
        )
        lines.append(f"  modul {module.position}: {figures}")
    return "\n".join(lines)


def _readability_text(swedish_pages: list[PageSpec], language: str) -> str:
    """LIX or Flesch of the pages in a language, with how many are missing."""
    if language == SOURCE_LANGUAGE:
        pages = swedish_pages
    else:
        pages = [page.variants[language] for page in swedish_pages if language in page.variants]
    if not pages:
        return "saknas"
    if language == "en":
        figure = f"Flesch {flesch_reading_ease(pages):.1f}"
    else:
        figure = _lix_text(sum((page.counts for page in pages), TextCounts()))
    missing = len(swedish_pages) - len(pages)
    return figure + (f" ({missing} sidor saknas)" if missing else "")


def flesch_reading_ease(pages: list[PageSpec]) -> float:
    """Flesch reading ease of English pages' text together (textstat; higher is easier)."""
    return textstat.flesch_reading_ease("\n\n".join(page.text for page in pages))


def _questions_file(module: ModuleSpec):
    return module.path / "questions.yaml"


def _question_files(module: ModuleSpec):
    """(language, questions file) of the module in every language it has."""
    return [(SOURCE_LANGUAGE, _questions_file(module)), *module.question_files.items()]


def _longest_correct_option(questions: list[QuestionSpec], path) -> list[Problem]:
    single = [q for q in questions if QUESTION_KINDS[q.kind].single_answer]
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
            path,
            question.line,
            f"fråga {question.key!r}: rätt svar är det längsta alternativet; {share}",
        )
        for question in giveaways
    ]


def _correct_is_longest(options) -> bool:
    correct = [len(inline_plain_text(o.text)) for o in options if o.is_correct]
    others = [len(inline_plain_text(o.text)) for o in options if not o.is_correct]
    return bool(correct and others) and max(correct) >= max(others)


def _catch_all_options(questions: list[QuestionSpec], path) -> list[Problem]:
    return [
        Problem(
            path,
            option.line or question.line,
            f"fråga {question.key!r}: alternativet {option.text!r} är ett samlingssvar "
            "(som ”alla ovanstående”); skriv ett eget påstående",
        )
        for question in questions
        for option in question.options
        if CATCH_ALL.search(inline_plain_text(option.text))
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


def _variant_readability(module: ModuleSpec) -> list[Problem]:
    """Lättläst pages at most LIX 30; English pages at least Flesch reading ease 50."""
    problems = []
    for page in module.pages:
        easy = page.variants.get("sv-lattlast")
        if easy is not None and easy.counts.lix > MAX_LATTLAST_PAGE_LIX:
            message = f"lättläst sida har {_lix_text(easy.counts)}; högst {MAX_LATTLAST_PAGE_LIX}"
            problems.append(Problem(easy.path, 1, message))
        english = page.variants.get("en")
        if english is not None:
            ease = flesch_reading_ease([english])
            if ease < MIN_ENGLISH_PAGE_FLESCH:
                message = (
                    f"engelsk sida har Flesch reading ease {ease:.1f} ({english.word_count} ord); "
                    f"minst {MIN_ENGLISH_PAGE_FLESCH}: kortare meningar och vanligare ord"
                )
                problems.append(Problem(english.path, 1, message))
    return problems


def _dropped_actions(module: ModuleSpec) -> list[Problem]:
    """A variant page names every handling step (module.yaml `actions`) its Swedish page
    names, in the variant's words (case does not matter)."""
    problems = []
    for page in module.pages:
        swedish = f"{page.title}\n{page.text}".lower()
        for language, variant in page.variants.items():
            text = f"{variant.title}\n{variant.text}".lower()
            for action in module.actions:
                if (
                    action[SOURCE_LANGUAGE].lower() in swedish
                    and action[language].lower() not in text
                ):
                    message = (
                        f"sidan tappar handlingssteget {action[SOURCE_LANGUAGE]!r} som "
                        f"{page.path.name} nämner; skriv {action[language]!r}"
                    )
                    problems.append(Problem(variant.path, 1, message))
    return problems


def _missing_variants(course: CourseSpec) -> list[Problem]:
    """Every Swedish file has its variant in every language."""
    expected = []
    for language in VARIANT_LANGUAGES:
        expected.append((course.path / "course.yaml", language, language in course.texts))
        for module in course.modules:
            expected.append((module.path / "module.yaml", language, language in module.texts))
            expected += [(p.path, language, language in p.variants) for p in module.pages]
            has_questions = language in module.question_files
            expected.append((_questions_file(module), language, has_questions))
    return [
        Problem(
            variant_path(path, language),
            1,
            f"filen saknas (varianten av {path.name} på {language})",
        )
        for path, language, present in expected
        if not present
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
    for setting in WORDS_PER_MINUTE_SETTING.values():
        if settings[setting] > MAX_WORDS_PER_MINUTE:
            message = f"{setting}: högst {MAX_WORDS_PER_MINUTE} (läshastigheten för tidsmåttet)"
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


class _UnmarkedText(HTMLParser):
    """The text of (sanitised) HTML that is not inside an element marked lang="sv"."""

    VOID = {"br", "hr", "img", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.languages: list[str | None] = []  # the language of each open element

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            inherited = self.languages[-1] if self.languages else None
            self.languages.append(dict(attrs).get("lang") or inherited)

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.languages:
            self.languages.pop()

    def handle_data(self, data):
        if not self.languages or self.languages[-1] != "sv":
            self.parts.append(data)


def unmarked_swedish_words(html: str) -> list[str]:
    """The words with å, ä or ö in HTML outside `lang="sv"` elements, each once, in order."""
    parser = _UnmarkedText()
    parser.feed(html)
    parser.close()
    words = LETTER_WORD.findall(" ".join(parser.parts))
    return list(dict.fromkeys(word for word in words if SWEDISH_LETTERS.search(word)))


def _unmarked_swedish(course: CourseSpec) -> list[Problem]:
    """English texts mark every word with å, ä or ö as Swedish (`[orosanmälan]{lang=sv}`):
    pages (title, text, flowcharts, source), questions, module and course texts. Module and
    course titles are shown as plain text everywhere, so they cannot be marked."""
    language = "en"
    found: list[Problem] = []

    def check(path: Path, line: int, html: str, what: str = "utan {lang=sv}") -> None:
        for word in unmarked_swedish_words(html):
            message = f"svenskt ord {what}: {word}"
            found.append(Problem(path, _line_of(path, word, line), message))

    plain_title = "i en titel som inte kan märkas (skriv den utan svenska ord)"
    if language in course.texts:
        text = course.texts[language]
        check(text.path, 1, escape(text.title), plain_title)
        check(text.path, 1, render_inline(text.description))
    for module in course.modules:
        if language in module.texts:
            text = module.texts[language]
            check(text.path, 1, escape(text.title), plain_title)
            for field in (text.summary, *text.discuss):
                check(text.path, 1, render_inline(field))
        for page in (p.variants[language] for p in module.pages if language in p.variants):
            check(page.path, 1, render_inline(page.title))
            check(page.path, 1, page.html)
            check(page.path, 1, render_inline(page.source_note))
        path = module.question_files.get(language)
        for question in module.questions if path else []:
            text = question.in_language(language)
            for field in (text.scenario, text.prompt):
                check(path, text.line, render_inline(field))
            for option in text.options:
                check(path, option.line, render_inline(option.text))
                check(path, option.line, render_inline(option.feedback))
    return found


def _line_of(path: Path, word: str, line: int) -> int:
    """The line of a file where a word stands unmarked: the first from `line` on (else from
    the top) where it is outside every `[text]{…}`; `line` when none is found."""
    lines = path.read_text(encoding="utf-8").splitlines()
    pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)")
    for number in [*range(line, len(lines) + 1), *range(1, line)]:
        if pattern.search(MARKED_SPAN.sub("", lines[number - 1])):
            return number
    return line
