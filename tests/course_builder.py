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
source: Testkälla
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


def write_course(root: Path, modules: int = 2) -> Path:
    """A valid course (quality rules included) with `modules` modules of two pages and five
    questions each (two of them scenarios)."""
    folder = root / "testkurs"
    (folder / "modules").mkdir(parents=True)
    (folder / "course.yaml").write_text(COURSE_YAML, encoding="utf-8")
    for m in range(1, modules + 1):
        module = folder / "modules" / f"0{m}-modul-{m}"
        module.mkdir()
        (module / "module.yaml").write_text(
            f"title: Modul {m}\ndiscuss:\n  - Vad gör vi här?\n", encoding="utf-8"
        )
        for p in (1, 2):
            body = f"Sida {p} i modul {m}. [Nästa](0{3 - p}-sida.md)"
            page = PAGE.format(title=f"Sida {m}.{p}", body=body)
            (module / f"0{p}-sida.md").write_text(page, encoding="utf-8")
        (module / "questions.yaml").write_text(QUESTIONS.format(prefix=f"m{m}"), encoding="utf-8")
    return folder


def write(path: Path, text: str) -> None:
    """Write dedented text to a file."""
    path.write_text(textwrap.dedent(text), encoding="utf-8")
