"""Write small course folders for tests of `courses check` and `courses sync`."""

import textwrap
from pathlib import Path

COURSE_YAML = """\
title: Testkurs
pass_mark: 80
questions_per_check: 2
min_questions_per_module: 2
words_per_minute: 180
"""

PAGE = """\
---
title: {title}
source: {source}
---
{body}
"""

QUESTIONS = """\
- id: {prefix}-1
  kind: single
  prompt: Vilket är rätt?
  options:
    - text: Rätt
      correct: true
      feedback: Därför.
    - text: Felaktigt
      feedback: Därför inte.
- id: {prefix}-2
  kind: true_false
  prompt: Stämmer det?
  options:
    - text: Sant
      correct: true
      feedback: Ja.
    - text: Falskt
      feedback: Nej.
- id: {prefix}-3
  kind: true_false
  prompt: Stämmer det här?
  options:
    - text: Sant
      feedback: Nej.
    - text: Falskt
      correct: true
      feedback: Ja.
- id: {prefix}-4
  kind: scenario
  scenario: En kollega ser något.
  prompt: Vad gör hen?
  options:
    - text: Ringer chefen
      correct: true
      feedback: Rätt.
    - text: Väntar en vecka till
      feedback: Fel.
- id: {prefix}-5
  kind: scenario
  scenario: En besökare säger något.
  prompt: Vad gör du?
  options:
    - text: Lyssnar
      correct: true
      feedback: Rätt.
    - text: Går därifrån
      feedback: Fel.
"""


QUESTIONS_EN = """\
- id: {prefix}-1
  prompt: Which one is right?
  options:
    - text: Right
      correct: true
      feedback: Because.
    - text: Incorrect
      feedback: Because not.
- id: {prefix}-2
  prompt: Is it true?
  options:
    - text: "True"
      correct: true
      feedback: Yes.
    - text: "False"
      feedback: No.
- id: {prefix}-3
  prompt: Is this true?
  options:
    - text: "True"
      feedback: No.
    - text: "False"
      correct: true
      feedback: Yes.
- id: {prefix}-4
  scenario: A colleague sees something.
  prompt: What do they do?
  options:
    - text: Calls the manager
      correct: true
      feedback: Right.
    - text: Waits another week
      feedback: Wrong.
- id: {prefix}-5
  scenario: A visitor says something.
  prompt: What do you do?
  options:
    - text: Listens
      correct: true
      feedback: Right.
    - text: Walks away
      feedback: Wrong.
"""
# The words of the test course in each language: (course title, module, page, next, discuss).
WORDS = {
    "sv": ("Testkurs", "Modul", "Sida {p} i modul {m}.", "Nästa", "Vad gör vi här?"),
    "sv-lattlast": (
        "Lätt testkurs",
        "Lätt modul",
        "Lätt sida {p} i modul {m}.",
        "Nästa",
        "Vad gör vi?",
    ),
    "en": ("Test course", "Module", "Page {p} of module {m}.", "Next", "What do we do here?"),
}


def write_course(root: Path, modules: int = 2, variants: bool = True) -> Path:
    """A valid course (quality rules included) with `modules` modules of two pages and five
    questions each (two of them scenarios), in Swedish, lättläst svenska and English (only
    Swedish with `variants=False`)."""
    folder = root / "testkurs"
    (folder / "modules").mkdir(parents=True)
    (folder / "course.yaml").write_text(COURSE_YAML, encoding="utf-8")
    languages = WORDS if variants else {"sv": WORDS["sv"]}
    for language, (course_title, *_) in languages.items():
        if language != "sv":
            (folder / f"course.{language}.yaml").write_text(f"title: {course_title}\n")
    for m in range(1, modules + 1):
        module = folder / "modules" / f"0{m}-modul-{m}"
        module.mkdir()
        for language, (_, module_word, page_words, next_word, discuss_word) in languages.items():
            suffix = "" if language == "sv" else f".{language}"
            title = f"title: {module_word} {m}\ndiscuss:\n  - {discuss_word}\n"
            (module / f"module{suffix}.yaml").write_text(title, encoding="utf-8")
            for p in (1, 2):
                body = f"{page_words.format(p=p, m=m)} [{next_word}](0{3 - p}-sida.md)"
                # An English source names the Swedish one, marked as Swedish (WCAG 3.1.2; in quotes:
                # a YAML value that starts with [ is a list).
                source = "'[Testkälla]{lang=sv}'" if language == "en" else "Testkälla"
                page = PAGE.format(title=f"{module_word} {m}.{p}", body=body, source=source)
                (module / f"0{p}-sida{suffix}.md").write_text(page, encoding="utf-8")
        (module / "questions.yaml").write_text(QUESTIONS.format(prefix=f"m{m}"), encoding="utf-8")
        if variants:
            easy = "".join(line for line in QUESTIONS.splitlines(True) if "kind:" not in line)
            write_text = (module / "questions.sv-lattlast.yaml").write_text
            write_text(easy.format(prefix=f"m{m}"), encoding="utf-8")
            english = QUESTIONS_EN.format(prefix=f"m{m}")
            (module / "questions.en.yaml").write_text(english, encoding="utf-8")
    return folder


def write(path: Path, text: str) -> None:
    """Write dedented text to a file."""
    path.write_text(textwrap.dedent(text), encoding="utf-8")
