"""module.yaml's `discuss:` (Diskutera at a gruppomgång): parsed, checked (1–2 per module)
and stored on the module at sync."""

from pathlib import Path

from sqlalchemy import select

from tests.course_builder import write_course
from vbe_learn.core.config import REPO_ROOT
from vbe_learn.courses.files import load_course
from vbe_learn.courses.quality import quality_problems


def module_yaml(folder: Path, text: str) -> None:
    """Module 1's module.yaml, and its language variants with the same prompts."""
    for name in ("module.yaml", "module.sv-lattlast.yaml", "module.en.yaml"):
        (folder / "modules/01-modul-1" / name).write_text(text, encoding="utf-8")


def test_prompts_are_read(tmp_path):
    spec, problems = load_course(write_course(tmp_path))
    assert problems == []
    assert spec.modules[0].discuss == ["Vad gör vi här?"]


def test_one_or_two_prompts_per_module(tmp_path):
    folder = write_course(tmp_path)
    module_yaml(folder, "title: Modul 1\n")
    spec, problems = load_course(folder)
    assert problems == []  # sync still loads it: the count is a quality rule
    found = [str(p) for p in quality_problems(spec)]
    assert len(found) == 1 and "modulen har 0 diskussionsfrågor" in found[0]
    module_yaml(folder, "title: Modul 1\ndiscuss:\n  - En?\n  - Sex?\n  - Tre?\n")
    spec, problems = load_course(folder)
    assert ["modulen har 3 diskussionsfrågor" in str(p) for p in quality_problems(spec)] == [True]
    module_yaml(folder, "title: Modul 1\ndiscuss:\n  - En?\n  - Sex?\n")
    spec, problems = load_course(folder)
    assert quality_problems(spec) == []


def test_prompts_must_be_texts(tmp_path):
    folder = write_course(tmp_path)
    module_yaml(folder, "title: Modul 1\ndiscuss: En fråga utan lista\n")
    spec, problems = load_course(folder)
    assert spec is None
    assert {p.message for p in problems} == {"discuss: ska vara en lista av texter"}
    assert "module.yaml" in {p.path.name for p in problems}


def test_every_real_module_has_its_prompts():
    spec, problems = load_course(REPO_ROOT / "courses/grundutbildning")
    assert problems == []
    assert all(1 <= len(module.discuss) <= 2 for module in spec.modules)


def test_sync_stores_the_prompts(app):
    from tests.factories import course
    from vbe_learn.core.extensions import db
    from vbe_learn.models import Module

    modules = db.session.scalars(
        select(Module).where(Module.version_id == course().current_version_id)
    ).all()
    spec, _problems = load_course(REPO_ROOT / "courses/grundutbildning")
    assert [m.discuss_prompts for m in modules] == [m.discuss for m in spec.modules]
