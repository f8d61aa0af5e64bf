"""`courses check`: every kind of problem is found and reported as file:line: problem."""

from pathlib import Path

from tests.course_builder import write, write_course
from vbe_learn.core.config import REPO_ROOT
from vbe_learn.courses.files import content_hash, course_folders, load_course


def messages(folder: Path) -> list[str]:
    _spec, problems = load_course(folder)
    return [str(problem) for problem in problems]


def test_the_real_courses_are_valid():
    folders = course_folders(REPO_ROOT / "courses")
    assert [f.name for f in folders] == ["grundutbildning"]
    spec, problems = load_course(folders[0])
    assert problems == []
    assert len(spec.modules) >= 5
    assert all(4 <= len(m.pages) <= 10 for m in spec.modules)
    assert all(len(m.questions) >= 8 for m in spec.modules)
    assert sum(len(m.questions) for m in spec.modules) >= 40
    kinds = {q.kind for m in spec.modules for q in m.questions}
    assert kinds == {"single", "multiple", "true_false", "scenario"}
    assert all(page.source_note for m in spec.modules for page in m.pages)
    assert 40 <= sum(m.estimated_minutes for m in spec.modules) <= 50  # "about 45 minutes"


def test_a_valid_course_has_no_problems(tmp_path):
    spec, problems = load_course(write_course(tmp_path))
    assert problems == []
    assert [len(m.pages) for m in spec.modules] == [2, 2]
    assert 'href="../1/2"' in spec.modules[0].pages[0].html


def test_question_without_correct_option(tmp_path):
    folder = write_course(tmp_path)
    path = folder / "modules/01-modul-1/questions.yaml"
    path.write_text(path.read_text().replace("      correct: true\n", "", 1))
    found = messages(folder)
    assert any(
        "01-modul-1/questions.yaml:1: fråga 'm1-1': frågan har inget rätt svarsalternativ" in m
        for m in found
    ), found


def test_duplicate_question_ids_name_both_files(tmp_path):
    folder = write_course(tmp_path)
    path = folder / "modules/02-modul-2/questions.yaml"
    path.write_text(path.read_text().replace("m2-2", "m1-1"))
    found = messages(folder)
    assert any("02-modul-2/questions.yaml:10: fråga-id 'm1-1' finns redan" in m for m in found)


def test_missing_feedback_and_unknown_kind_and_bad_true_false(tmp_path):
    folder = write_course(tmp_path)
    path = folder / "modules/01-modul-1/questions.yaml"
    text = path.read_text().replace("      feedback: Därför inte.\n", "", 1)
    text = text.replace("text: Falskt", "text: Kanske")
    path.write_text(text)
    other = folder / "modules/02-modul-2/questions.yaml"
    other.write_text(other.read_text().replace("kind: single", "kind: essay"))
    found = messages(folder)
    assert any(":8: svarsalternativet saknar feedback:" in m for m in found), found
    assert any('exakt alternativen "Sant" och "Falskt"' in m for m in found)
    assert any("okänd frågetyp 'essay'" in m for m in found)


def test_broken_link_is_reported_with_its_line(tmp_path):
    folder = write_course(tmp_path)
    page = folder / "modules/01-modul-1/01-sida.md"
    write(page, "---\ntitle: T\nsource: K\n---\nFörsta raden.\n\n[Trasig](09-finns-inte.md)\n")
    found = messages(folder)
    assert any("01-sida.md:7: länken '09-finns-inte.md' pekar inte" in m for m in found), found


def test_link_to_another_module_resolves(tmp_path):
    folder = write_course(tmp_path)
    page = folder / "modules/01-modul-1/01-sida.md"
    write(page, "---\ntitle: T\nsource: K\n---\n[Modul 2](../02-modul-2/02-sida.md)\n")
    spec, problems = load_course(folder)
    assert problems == []
    assert 'href="../2/2"' in spec.modules[0].pages[0].html


def test_page_over_length_and_missing_front_matter(tmp_path):
    folder = write_course(tmp_path)
    long_page = folder / "modules/01-modul-1/02-sida.md"
    write(long_page, "---\ntitle: Lång\nsource: K\n---\n" + "ord " * 401)
    write(folder / "modules/02-modul-2/01-sida.md", "Ingen front matter\n")
    found = messages(folder)
    assert any("02-sida.md:5: sidan har 401 ord (högst 400)" in m for m in found), found
    assert any("01-sida.md:1: sidan börjar inte med ett front matter-block" in m for m in found)


def test_missing_source_note_and_title(tmp_path):
    folder = write_course(tmp_path)
    write(folder / "modules/01-modul-1/01-sida.md", "---\ntitle: T\n---\nText\n")
    assert any("source: saknas" in m for m in messages(folder))


def test_too_few_questions(tmp_path):
    folder = write_course(tmp_path)
    path = folder / "modules/01-modul-1/questions.yaml"
    path.write_text(path.read_text().split("- id: m1-2")[0])
    assert any("modulen har 1 frågor (minst 2)" in m for m in messages(folder))


def test_invalid_yaml_reports_its_line(tmp_path):
    folder = write_course(tmp_path)
    (folder / "modules/01-modul-1/questions.yaml").write_text("- id: x\n  prompt: [oavslutad\n")
    assert any("questions.yaml:3: ogiltig YAML" in m for m in messages(folder)), messages(folder)


def test_images_must_be_local_svg_with_alt_text(tmp_path):
    folder = write_course(tmp_path)
    module = folder / "modules/01-modul-1"
    (module / "bilder").mkdir()
    (module / "bilder/ok.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"></svg>')
    (module / "bilder/elak.svg").write_text("<svg><script>alert(1)</script></svg>")
    write(
        module / "01-sida.md",
        "---\ntitle: T\nsource: K\n---\n![](bilder/ok.svg)\n\n![x](https://example.org/a.png)\n\n"
        "![Elak](bilder/elak.svg)\n",
    )
    found = messages(folder)
    assert any("01-sida.md:5: bilden 'bilder/ok.svg' saknar alt-text" in m for m in found), found
    assert any("'https://example.org/a.png' ska vara en SVG-fil" in m for m in found)
    assert any("elak.svg:1: SVG-filen får inte ha skript" in m for m in found)


def test_decision_tree_problems(tmp_path):
    folder = write_course(tmp_path)
    tree = (
        "```beslutstrad\nstart: a\nsteps:\n  a:\n    question: Fara?\n    answers:\n"
        "      - label: Ja\n        goto: saknas\n  b:\n    result: Klart.\n```\n"
    )
    write(folder / "modules/01-modul-1/01-sida.md", "---\ntitle: T\nsource: K\n---\n" + tree)
    found = messages(folder)
    assert any("goto 'saknas' finns inte" in m for m in found), found
    assert any("steget 'b' kan inte nås från start" in m for m in found)


def test_content_hash_changes_with_any_edit(tmp_path):
    folder = write_course(tmp_path)
    before = content_hash(folder)
    assert content_hash(folder) == before
    page = folder / "modules/01-modul-1/01-sida.md"
    page.write_text(page.read_text() + ",")
    assert content_hash(folder) != before
