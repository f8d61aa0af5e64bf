"""Read a course folder (course.yaml, modules/NN-slug/…) into plain specs, with every problem.

Problems are reported as `file:line: problem` so that whoever edits the files can
find them. Nothing here touches the database.
"""

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from .duration import module_minutes
from .languages import LANGUAGES, SOURCE_LANGUAGE, VARIANT_LANGUAGES, variant_suffix
from .question_kinds import QUESTION_KINDS, TrueFalse
from .readability import TextCounts, readable_text, text_counts
from .rendering import render_markdown

NUMBERED_NAME = re.compile(r"^(\d{2})-([a-z0-9][a-z0-9-]*)$")
WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*|\d+")
UNSAFE_SVG = re.compile(
    r"<script|\bon[a-z]+\s*=|javascript:|(?:xlink:)?href\s*=\s*[\"']https?:", re.I
)
DEFAULT_SETTINGS = {
    "pass_mark": 80,
    "questions_per_check": 6,
    "min_questions_per_module": 8,
    "validity_years": 3,
    "max_words_per_page": 400,
    "words_per_minute": 200,
    "words_per_minute_lattlast": 120,
    "words_per_minute_en": 180,
    "seconds_per_question": 30,
}
# A true/false question's two options in each language (in the order of TrueFalse.TEXTS).
TRUE_FALSE_TEXTS = {"sv": TrueFalse.TEXTS, "sv-lattlast": TrueFalse.TEXTS, "en": ("True", "False")}


@dataclass(frozen=True)
class Problem:
    """Something wrong in a course file."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class OptionSpec:
    """An answer option as written in questions.yaml."""

    text: str
    is_correct: bool
    feedback: str
    line: int = 0


@dataclass
class QuestionSpec:
    """A question as written in questions.yaml."""

    key: str
    kind: str
    prompt: str
    scenario: str
    options: list[OptionSpec]
    line: int
    # The question in the other languages (same options, in the same order).
    variants: dict[str, "QuestionText"] = field(default_factory=dict)

    def in_language(self, language: str) -> "QuestionSpec":
        """The question with its text in a language (itself for Swedish or a missing one)."""
        text = self.variants.get(language)
        if text is None:
            return self
        return QuestionSpec(
            self.key, self.kind, text.prompt, text.scenario, text.options, text.line
        )


@dataclass
class QuestionText:
    """A question's text in a variant file (questions.<language>.yaml)."""

    prompt: str
    scenario: str
    options: list[OptionSpec]
    line: int


@dataclass
class PageSpec:
    """A page file, rendered."""

    path: Path
    position: int
    slug: str
    title: str
    source_note: str
    html: str
    word_count: int
    counts: TextCounts = field(default_factory=TextCounts)
    text: str = ""  # what the learner reads (readable_text of the html)
    decision_trees: list[tuple] = field(default_factory=list)  # their shapes
    # The page in the other languages (NN-slug.<language>.md).
    variants: dict[str, "PageSpec"] = field(default_factory=dict)


@dataclass
class ModuleText:
    """A module's text in a variant file (module.<language>.yaml)."""

    path: Path
    title: str
    summary: str
    discuss: list[str]


@dataclass
class ModuleSpec:
    """A module folder."""

    path: Path
    position: int
    slug: str
    title: str
    summary: str
    pages: list[PageSpec] = field(default_factory=list)
    questions: list[QuestionSpec] = field(default_factory=list)
    estimated_minutes: int = 0
    discuss: list[str] = field(default_factory=list)
    # The handling steps: per language, the words that name each step (module.yaml `actions`).
    actions: list[dict[str, str]] = field(default_factory=list)
    texts: dict[str, ModuleText] = field(default_factory=dict)
    question_files: dict[str, Path] = field(default_factory=dict)  # questions.<language>.yaml
    minutes: dict[str, int] = field(default_factory=dict)  # estimated minutes per language


@dataclass
class CourseText:
    """A course's title and description in a variant file (course.<language>.yaml)."""

    path: Path
    title: str
    description: str


@dataclass
class CourseSpec:
    """A course folder, read and checked."""

    slug: str
    path: Path
    title: str
    description: str
    settings: dict
    content_hash: str
    modules: list[ModuleSpec] = field(default_factory=list)
    texts: dict[str, CourseText] = field(default_factory=dict)
    # Variant files with no Swedish original or of an unknown language (`courses check`).
    stray_variants: list[tuple[Path, str]] = field(default_factory=list)

    def complete_languages(self) -> list[str]:
        """The variant languages that have every file: only those are loaded by `sync`
        (a learner never gets a course half in one language and half in another)."""
        return [
            language
            for language in VARIANT_LANGUAGES
            if language in self.texts
            and all(
                language in module.texts
                and language in module.question_files
                and all(language in page.variants for page in module.pages)
                for module in self.modules
            )
        ]


def variant_path(path: Path, language: str) -> Path:
    """The variant file of a Swedish file: 02-x.md → 02-x.en.md, module.yaml → module.en.yaml."""
    return path.with_name(f"{path.stem}.{language}{path.suffix}")


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that remembers the line of every mapping under the key __line__."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


def content_hash(folder: Path) -> str:
    """SHA-256 over every file of a course folder (paths and bytes)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def course_folders(courses_dir: Path) -> list[Path]:
    """Every course folder (a folder with a course.yaml) under courses/."""
    return sorted(p.parent for p in courses_dir.glob("*/course.yaml"))


def load_course(folder: Path) -> tuple[CourseSpec | None, list[Problem]]:
    """Read and check one course folder (with its language variants); the spec is None when
    a problem was found. A missing variant is not a problem here: `courses check` reports it
    (quality.py) and `sync` loads only the languages that have every file."""
    problems: list[Problem] = []
    config = _read_yaml(folder / "course.yaml", problems) or {}
    settings = {**DEFAULT_SETTINGS, **{k: v for k, v in config.items() if k in DEFAULT_SETTINGS}}
    if not config.get("title"):
        problems.append(Problem(folder / "course.yaml", 1, "title: saknas"))
    for key, value in settings.items():
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            problems.append(
                Problem(folder / "course.yaml", 1, f"{key}: ska vara ett positivt heltal")
            )
    course = CourseSpec(
        slug=folder.name,
        path=folder,
        title=str(config.get("title", "")),
        description=str(config.get("description", "")),
        settings=settings,
        content_hash=content_hash(folder),
    )
    course.texts = _load_course_texts(folder, config, problems)
    module_dirs = _numbered_entries(folder / "modules", problems, want_dirs=True)
    if not module_dirs:
        problems.append(
            Problem(folder / "course.yaml", 1, "kursen har inga moduler under modules/")
        )
    page_urls = _page_urls(module_dirs)
    for position, slug, path in module_dirs:
        course.modules.append(_load_module(path, position, slug, settings, page_urls, problems))
    _estimate_minutes(course)
    _check_unique_question_ids(course, problems)
    course.stray_variants = _stray_variants(folder, [path for _, _, path in module_dirs])
    return (None if problems else course), problems


def _estimate_minutes(course: CourseSpec) -> None:
    """Each module's minutes in every language (a missing variant page counts its Swedish
    words, read at the language's speed)."""
    for language in LANGUAGES:
        words = [
            sum(
                page.variants[language].word_count if language in page.variants else page.word_count
                for page in module.pages
            )
            for module in course.modules
        ]
        minutes = module_minutes(words, course.settings, language)
        for module, module_minutes_ in zip(course.modules, minutes, strict=True):
            module.minutes[language] = module_minutes_
            if language == SOURCE_LANGUAGE:
                module.estimated_minutes = module_minutes_


def _load_course_texts(folder: Path, config: dict, problems: list[Problem]) -> dict:
    texts = {}
    for language in VARIANT_LANGUAGES:
        path = variant_path(folder / "course.yaml", language)
        if not path.is_file():
            continue
        raw = _read_yaml(path, problems) or {}
        if not isinstance(raw, dict):
            problems.append(Problem(path, 1, "filen ska ha title: och description:"))
            continue
        for key in ("title", "description"):
            if config.get(key) and not raw.get(key):
                problems.append(Problem(path, 1, f"{key}: saknas"))
        texts[language] = CourseText(
            path, str(raw.get("title", "")), str(raw.get("description", ""))
        )
    return texts


def _stray_variants(folder: Path, module_dirs: list[Path]) -> list[tuple[Path, str]]:
    """Variant files that `sync` would never read: an unknown language, or a page variant
    whose Swedish page does not exist."""
    stray = []
    known = ", ".join(VARIANT_LANGUAGES)
    candidates = list(folder.glob("course.*.yaml"))
    for module_dir in module_dirs:
        candidates += module_dir.glob("module.*.yaml")
        candidates += module_dir.glob("questions.*.yaml")
        candidates += (p for p in module_dir.glob("*.md") if "." in p.stem)
    for path in sorted(candidates):
        base, language = variant_suffix(path.stem)
        if language not in VARIANT_LANGUAGES:
            stray.append((path, f"okänd språkvariant {language!r} (finns: {known})"))
        elif not path.with_name(base + path.suffix).is_file():
            stray.append((path, f"det finns ingen svensk fil {base + path.suffix} till varianten"))
    return stray


def _page_urls(module_dirs: list[tuple[int, str, Path]]) -> dict[Path, str]:
    """Map each page file to its URL relative to another page (pages all sit at /…/M/P)."""
    urls = {}
    for module_position, _slug, module_dir in module_dirs:
        for page_position, _page_slug, page_path in _numbered_entries(module_dir, [], False):
            urls[page_path.resolve()] = f"../{module_position}/{page_position}"
    return urls


def _load_module(path, position, slug, settings, page_urls, problems) -> ModuleSpec:
    meta = _read_yaml(path / "module.yaml", problems) or {}
    if not meta.get("title"):
        problems.append(Problem(path / "module.yaml", 1, "title: saknas"))
    module = ModuleSpec(
        path, position, slug, str(meta.get("title", "")), str(meta.get("summary", ""))
    )
    module.discuss = _discuss(meta, path / "module.yaml", problems)
    module.actions = _actions(meta, path / "module.yaml", problems)
    for language in VARIANT_LANGUAGES:
        variant = variant_path(path / "module.yaml", language)
        if variant.is_file():
            module.texts[language] = _module_text(variant, module, problems)
    pages = _numbered_entries(path, problems, want_dirs=False)
    if not pages:
        problems.append(Problem(path, 1, "modulen har inga sidor (NN-namn.md)"))
    for page_position, page_slug, page_path in pages:
        page = _load_page(page_path, page_position, page_slug, settings, page_urls, problems)
        if page:
            _load_page_variants(page, settings, page_urls, problems)
            module.pages.append(page)
    module.questions = _load_questions(path / "questions.yaml", settings, problems)
    for language in VARIANT_LANGUAGES:
        variant = variant_path(path / "questions.yaml", language)
        if variant.is_file():
            module.question_files[language] = variant
            _load_question_variants(variant, language, module.questions, problems)
    return module


def _discuss(meta: dict, path: Path, problems: list[Problem]) -> list[str]:
    """The Diskutera prompts of a module.yaml (a list of texts, possibly none)."""
    discuss = meta.get("discuss") or []
    if not isinstance(discuss, list) or not all(isinstance(item, str) for item in discuss):
        problems.append(Problem(path, 1, "discuss: ska vara en lista av texter"))
        return []
    return discuss


def _actions(meta: dict, path: Path, problems: list[Problem]) -> list[dict[str, str]]:
    """The handling steps of a module.yaml: each with its words in every language."""
    actions = meta.get("actions") or []
    valid = isinstance(actions, list) and all(
        isinstance(action, dict) and all(action.get(language) for language in LANGUAGES)
        for action in actions
    )
    if not valid:
        languages = ", ".join(LANGUAGES)
        problems.append(Problem(path, 1, f"actions: varje steg behöver orden på {languages}"))
        return []
    return [{language: str(action[language]) for language in LANGUAGES} for action in actions]


def _module_text(path: Path, module: ModuleSpec, problems: list[Problem]) -> ModuleText:
    raw = _read_yaml(path, problems) or {}
    if not isinstance(raw, dict):
        problems.append(Problem(path, 1, "filen ska ha title:, summary: och discuss:"))
        raw = {}
    if not raw.get("title"):
        problems.append(Problem(path, 1, "title: saknas"))
    if module.summary and not raw.get("summary"):
        problems.append(Problem(path, 1, "summary: saknas"))
    discuss = _discuss(raw, path, problems)
    if len(discuss) != len(module.discuss):
        message = (
            f"discuss: har {len(discuss)} frågor, module.yaml har {len(module.discuss)} "
            "(lika många, i samma ordning)"
        )
        problems.append(Problem(path, 1, message))
    return ModuleText(path, str(raw.get("title", "")), str(raw.get("summary", "")), discuss)


def _load_page_variants(page: PageSpec, settings, page_urls, problems) -> None:
    """Read the page's variants (NN-slug.<language>.md) into page.variants; their links name
    the Swedish files and their decision trees keep the Swedish steps."""
    for language in VARIANT_LANGUAGES:
        path = variant_path(page.path, language)
        if not path.is_file():
            continue
        variant = _load_page(
            path, page.position, page.slug, settings, page_urls, problems, language
        )
        if variant is None:
            continue
        if variant.decision_trees != page.decision_trees:
            message = (
                "flödesschemat (beslutstrad) ska ha samma start, steg och goto som på "
                f"{page.path.name}; översätt bara texterna"
            )
            problems.append(Problem(path, 1, message))
        page.variants[language] = variant


def _load_page(
    path, position, slug, settings, page_urls, problems, language=SOURCE_LANGUAGE
) -> PageSpec | None:
    text = path.read_text(encoding="utf-8")
    match = re.match(r"^---\n(.*?)\n---\n", text, re.S)
    if not match:
        problems.append(Problem(path, 1, "sidan börjar inte med ett front matter-block (---)"))
        return None
    front = _parse_yaml(match.group(1), path, problems) or {}
    body = text[match.end() :]
    body_line = match.group(0).count("\n") + 1
    for key in ("title", "source"):
        if not front.get(key):
            problems.append(Problem(path, 2, f"{key}: saknas i sidans front matter"))

    def resolve(href: str) -> str | None:
        target = (path.parent / PurePosixPath(href.split("#")[0])).resolve()
        return page_urls.get(target)

    rendered = render_markdown(body, resolve, language)
    for line, message in rendered.problems:
        problems.append(Problem(path, body_line + line - 1, message))
    for image in rendered.images:
        _check_svg(path.parent / image, path, problems)
    text = readable_text(rendered.html)
    word_count = len(WORD.findall(text))
    if word_count > settings["max_words_per_page"]:
        limit = settings["max_words_per_page"]
        problems.append(Problem(path, body_line, f"sidan har {word_count} ord (högst {limit})"))
    title, source = str(front.get("title", "")), str(front.get("source", ""))
    page = PageSpec(path, position, slug, title, source, rendered.html, word_count)
    page.counts = text_counts(text)
    page.text = text
    page.decision_trees = rendered.decision_trees
    return page


def _check_svg(svg_path: Path, page_path: Path, problems: list[Problem]) -> None:
    if not svg_path.is_file():
        problems.append(Problem(page_path, 1, f"bilden {svg_path.name} finns inte"))
    elif UNSAFE_SVG.search(svg_path.read_text(encoding="utf-8")):
        problems.append(
            Problem(svg_path, 1, "SVG-filen får inte ha skript, händelser eller externa länkar")
        )


def _load_questions(path: Path, settings: dict, problems: list[Problem]) -> list[QuestionSpec]:
    raw = _read_yaml(path, problems)
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append(Problem(path, 1, "questions.yaml ska vara en lista av frågor"))
        return []
    questions = [q for q in (_load_question(item, path, problems) for item in raw) if q]
    minimum = max(settings["min_questions_per_module"], settings["questions_per_check"])
    if len(raw) < minimum:
        problems.append(Problem(path, 1, f"modulen har {len(raw)} frågor (minst {minimum})"))
    return questions


def _load_question(item, path: Path, problems: list[Problem]) -> QuestionSpec | None:
    if not isinstance(item, dict):
        problems.append(
            Problem(path, 1, "varje fråga ska vara ett block med id, kind, prompt, options")
        )
        return None
    line = item.get("__line__", 1)
    found = [f"{key}: saknas" for key in ("id", "kind", "prompt") if not item.get(key)]
    kind = QUESTION_KINDS.get(str(item.get("kind")))
    if item.get("kind") and kind is None:
        found.append(f"okänd frågetyp {item.get('kind')!r} (finns: {', '.join(QUESTION_KINDS)})")
    options = []
    for raw_option in item.get("options") or []:
        option_line = raw_option.get("__line__", line) if isinstance(raw_option, dict) else line
        if not isinstance(raw_option, dict) or not raw_option.get("text"):
            problems.append(Problem(path, option_line, "svarsalternativet saknar text:"))
            continue
        if not raw_option.get("feedback"):
            problems.append(Problem(path, option_line, "svarsalternativet saknar feedback:"))
        options.append(
            OptionSpec(
                str(raw_option["text"]),
                raw_option.get("correct") is True,
                str(raw_option.get("feedback", "")),
                option_line,
            )
        )
    scenario = str(item.get("scenario") or "")
    if kind:
        found.extend(kind.problems(options, scenario))
    prefix = f"fråga {item.get('id')!r}: " if item.get("id") else ""
    problems.extend(Problem(path, line, prefix + message) for message in found)
    if found:
        return None
    return QuestionSpec(str(item["id"]), kind.kind, str(item["prompt"]), scenario, options, line)


def _load_question_variants(
    path: Path, language: str, questions: list[QuestionSpec], problems: list[Problem]
) -> None:
    """Read questions.<language>.yaml into each question's variants: the same ids in the same
    order, the same number of options with `correct: true` on the same ones."""
    raw = _read_yaml(path, problems)
    if raw is None:
        return
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        problems.append(Problem(path, 1, "filen ska vara en lista av frågor (id, prompt, options)"))
        return
    ids = [str(item.get("id")) for item in raw]
    wanted = [question.key for question in questions]
    if ids != wanted:
        missing = [key for key in wanted if key not in ids]
        extra = [key for key in ids if key not in wanted]
        detail = "".join(
            f"; {label}: {', '.join(keys)}"
            for label, keys in (("saknas", missing), ("finns inte på svenska", extra))
            if keys
        )
        message = f"frågorna ska ha samma id i samma ordning som questions.yaml{detail}"
        problems.append(Problem(path, 1, message))
        return
    for item, question in zip(raw, questions, strict=True):
        text = _question_text(item, question, language, path, problems)
        if text is not None:
            question.variants[language] = text


def _question_text(item: dict, question: QuestionSpec, language, path, problems):
    line = item.get("__line__", 1)
    found = [] if item.get("prompt") else ["prompt: saknas"]
    if bool(item.get("scenario")) != bool(question.scenario):
        found.append("scenario: ska finnas precis när frågan har ett i questions.yaml")
    raw_options = item.get("options") or []
    if not isinstance(raw_options, list) or len(raw_options) != len(question.options):
        count = len(raw_options) if isinstance(raw_options, list) else 0
        found.append(
            f"frågan har {count} svarsalternativ, i questions.yaml {len(question.options)}"
        )
        pairs = []
    else:
        pairs = list(zip(raw_options, question.options, strict=True))
    options = []
    for number, (raw, source) in enumerate(pairs, 1):
        option_line = raw.get("__line__", line) if isinstance(raw, dict) else line
        if isinstance(raw, dict) and isinstance(raw.get("text"), bool):
            message = (
                'svarsalternativets text: läses som ja/nej; skriv den inom citattecken ("True")'
            )
            problems.append(Problem(path, option_line, message))
            continue
        if not isinstance(raw, dict) or not raw.get("text") or not raw.get("feedback"):
            problems.append(
                Problem(path, option_line, "svarsalternativet saknar text: eller feedback:")
            )
            continue
        if (raw.get("correct") is True) != source.is_correct:
            message = (
                f"fråga {question.key!r}: alternativ {number}: correct: true ska stå på samma "
                "alternativ som i questions.yaml (samma ordning)"
            )
            problems.append(Problem(path, option_line, message))
        option = OptionSpec(str(raw["text"]), source.is_correct, str(raw["feedback"]), option_line)
        options.append(option)
    if question.kind == TrueFalse.kind and len(options) == len(question.options):
        wanted = [_true_false_text(option.text, language) for option in question.options]
        if [option.text for option in options] != wanted:
            found.append(
                f"sant/falskt-frågor har alternativen {' och '.join(map(repr, wanted))} "
                "(i samma ordning som i questions.yaml)"
            )
    problems.extend(Problem(path, line, f"fråga {question.key!r}: {message}") for message in found)
    if found or len(options) != len(question.options):
        return None
    return QuestionText(str(item["prompt"]), str(item.get("scenario") or ""), options, line)


def _true_false_text(swedish: str, language: str) -> str:
    """ "Sant"/"Falskt" in a language (as given when not one of them)."""
    if swedish not in TrueFalse.TEXTS:
        return swedish
    return TRUE_FALSE_TEXTS[language][TrueFalse.TEXTS.index(swedish)]


def _check_unique_question_ids(course: CourseSpec, problems: list[Problem]) -> None:
    seen: dict[str, Path] = {}
    for module in course.modules:
        for question in module.questions:
            path = module.path / "questions.yaml"
            if question.key in seen:
                message = f"fråga-id {question.key!r} finns redan i {seen[question.key]}"
                problems.append(Problem(path, question.line, message))
            seen.setdefault(question.key, path)


def _numbered_entries(folder: Path, problems: list[Problem], want_dirs: bool):
    """(position, slug, path) of the NN-slug entries of a folder, checking numbering."""
    if not folder.is_dir():
        return []
    entries, positions = [], {}
    for path in sorted(folder.iterdir()):
        if path.is_dir() != want_dirs or (not want_dirs and path.suffix != ".md"):
            continue
        if not want_dirs and "." in path.stem:  # a language variant (NN-slug.en.md)
            continue
        match = NUMBERED_NAME.match(path.stem if not want_dirs else path.name)
        if not match:
            problems.append(Problem(path, 1, "namnet ska vara NN-namn (t.ex. 01-inledning)"))
            continue
        position = int(match.group(1))
        if position in positions:
            problems.append(
                Problem(
                    path, 1, f"nummer {match.group(1)} används redan av {positions[position].name}"
                )
            )
        positions[position] = path
        entries.append((position, match.group(2), path))
    return entries


def _read_yaml(path: Path, problems: list[Problem]):
    if not path.is_file():
        problems.append(Problem(path, 1, "filen saknas"))
        return None
    return _parse_yaml(path.read_text(encoding="utf-8"), path, problems)


def _parse_yaml(text: str, path: Path, problems: list[Problem]):
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problems.append(Problem(path, line, f"ogiltig YAML: {getattr(error, 'problem', error)}"))
        return None


def module_image_folder(courses_dir: Path, slug: str, module_position: int) -> Path | None:
    """The bilder/ folder of a course's module NN, or None."""
    if not NUMBERED_NAME.match(f"01-{slug}"):
        return None
    matches = sorted((courses_dir / slug / "modules").glob(f"{module_position:02d}-*/bilder"))
    return matches[0] if matches else None
