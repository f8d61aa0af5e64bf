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
from .question_kinds import QUESTION_KINDS
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
    "seconds_per_question": 30,
}


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
    discuss: list[str] = field(default_factory=list)  # "Diskutera" prompts (gruppomgång)


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
    """Read and check one course folder; the spec is None when a problem was found."""
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
    module_dirs = _numbered_entries(folder / "modules", problems, want_dirs=True)
    if not module_dirs:
        problems.append(
            Problem(folder / "course.yaml", 1, "kursen har inga moduler under modules/")
        )
    page_urls = _page_urls(module_dirs)
    for position, slug, path in module_dirs:
        course.modules.append(_load_module(path, position, slug, settings, page_urls, problems))
    words = [sum(page.word_count for page in module.pages) for module in course.modules]
    for module, minutes in zip(course.modules, module_minutes(words, settings), strict=True):
        module.estimated_minutes = minutes
    _check_unique_question_ids(course, problems)
    return (None if problems else course), problems


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
    module.discuss = _discuss_prompts(meta.get("discuss"), path / "module.yaml", problems)
    pages = _numbered_entries(path, problems, want_dirs=False)
    if not pages:
        problems.append(Problem(path, 1, "modulen har inga sidor (NN-namn.md)"))
    for page_position, page_slug, page_path in pages:
        page = _load_page(page_path, page_position, page_slug, settings, page_urls, problems)
        if page:
            module.pages.append(page)
    module.questions = _load_questions(path / "questions.yaml", settings, problems)
    return module


def _discuss_prompts(raw, path: Path, problems: list[Problem]) -> list[str]:
    """module.yaml's `discuss:` (a list of texts; how many is a quality rule)."""
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(p, str) and p.strip() for p in raw):
        problems.append(Problem(path, 1, "discuss: ska vara en lista av texter"))
        return []
    return [prompt.strip() for prompt in raw]


def _load_page(path, position, slug, settings, page_urls, problems) -> PageSpec | None:
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

    rendered = render_markdown(body, resolve)
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
