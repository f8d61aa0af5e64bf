"""`courses check` on language variants: parity with the Swedish files (read by files.py),
and the variants' quality rules (quality.py): LIX, Flesch, the handling steps, options."""

from pathlib import Path

from tests.course_builder import write, write_course
from vbe_learn.courses.files import load_course
from vbe_learn.courses.quality import course_figures, quality_problems

MODULE = "modules/01-modul-1"


def load_problems(folder: Path) -> list[str]:
    _spec, problems = load_course(folder)
    return [str(problem) for problem in problems]


def quality(folder: Path) -> list[str]:
    spec, problems = load_course(folder)
    assert problems == [], problems
    return [str(problem) for problem in quality_problems(spec)]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def page(title: str, body: str) -> str:
    # The source is Swedish, marked so (as an English page must: WCAG 3.1.2).
    return f"---\ntitle: {title}\nsource: '[Källa]{{lang=sv}}'\n---\n{body}\n"


def test_the_variants_are_read_into_the_specs(tmp_path):
    spec, problems = load_course(write_course(tmp_path))
    assert problems == []
    assert spec.complete_languages() == ["sv-lattlast", "en"]
    assert spec.texts["en"].title == "Test course"
    module = spec.modules[0]
    assert module.texts["sv-lattlast"].title == "Lätt modul 1"
    english = module.pages[0].variants["en"]
    assert english.title == "Module 1.1"
    assert 'href="../1/2"' in english.html, "a link to the Swedish file name resolves"
    question = module.questions[1].in_language("en")
    assert question.key == "m1-2" and question.prompt == "Is it true?"
    assert [(o.text, o.is_correct) for o in question.options] == [("True", True), ("False", False)]
    assert module.questions[1].in_language("sv").prompt == "Stämmer det?"
    assert set(module.minutes) == {"sv", "sv-lattlast", "en"}


def test_a_missing_variant_is_a_check_problem_and_sync_may_still_load(tmp_path):
    folder = write_course(tmp_path)
    (folder / MODULE / "01-sida.en.md").unlink()
    (folder / "modules/02-modul-2/questions.sv-lattlast.yaml").unlink()
    (folder / "course.en.yaml").unlink()
    spec, problems = load_course(folder)
    assert problems == [], "a missing variant does not stop `sync`"
    assert spec.complete_languages() == [], "…which then loads neither incomplete language"
    found = quality(folder)
    assert f"{folder}/{MODULE}/01-sida.en.md:1: filen saknas (varianten av 01-sida.md på en)" in (
        found
    )
    assert any("02-modul-2/questions.sv-lattlast.yaml:1: filen saknas" in m for m in found)
    assert any("testkurs/course.en.yaml:1: filen saknas" in m for m in found)
    assert len(found) == 3, found


def test_an_extra_variant_or_an_unknown_language_is_reported(tmp_path):
    folder = write_course(tmp_path)
    write(folder / MODULE / "03-ny.en.md", page("New", "A page with no Swedish one."))
    write(folder / MODULE / "01-sida.fr.md", page("Page", "Une page."))
    write(folder / MODULE / "module.de.yaml", "title: Modul\n")
    found = quality(folder)
    assert any(
        "03-ny.en.md:1: det finns ingen svensk fil 03-ny.md till varianten" in m for m in found
    ), found
    assert any(
        "01-sida.fr.md:1: okänd språkvariant 'fr' (finns: sv-lattlast, en)" in m for m in found
    )
    assert any("module.de.yaml:1: okänd språkvariant 'de'" in m for m in found)


def test_question_ids_must_be_the_same_and_in_the_same_order(tmp_path):
    folder = write_course(tmp_path)
    path = folder / MODULE / "questions.en.yaml"
    text = path.read_text().replace("id: m1-1", "id: TMP").replace("id: m1-2", "id: m1-1")
    path.write_text(text.replace("id: TMP", "id: m1-2"))
    other = folder / "modules/02-modul-2/questions.sv-lattlast.yaml"
    edit(other, "id: m2-5", "id: m2-9")
    found = load_problems(folder)
    assert (
        f"{folder}/{MODULE}/questions.en.yaml:1: frågorna ska ha samma id i samma ordning som "
        "questions.yaml"
    ) in found, "swapped: the same ids in another order"
    assert any(
        "questions.sv-lattlast.yaml:1: frågorna ska ha samma id i samma ordning som "
        "questions.yaml; saknas: m2-5; finns inte på svenska: m2-9" in m
        for m in found
    ), found


def test_options_must_correspond(tmp_path):
    folder = write_course(tmp_path)
    path = folder / MODULE / "questions.en.yaml"
    # m1-1: the correct mark moved to the other option
    edit(path, "    - text: Right\n      correct: true\n", "    - text: Right\n")
    edit(path, "    - text: Incorrect\n", "    - text: Incorrect\n      correct: true\n")
    # m1-2: Swedish words in the English true/false question
    edit(path, 'text: "True"', "text: Sant")
    # m1-4: one option left out
    edit(path, "    - text: Waits another week\n      feedback: Wrong.\n", "")
    found = load_problems(folder)
    assert any(
        "questions.en.yaml:4: fråga 'm1-1': alternativ 1: correct: true ska stå på samma "
        "alternativ som i questions.yaml" in m
        for m in found
    ), found
    assert any("questions.en.yaml:6: fråga 'm1-1': alternativ 2: correct: true" in m for m in found)
    assert any(
        "questions.en.yaml:9: fråga 'm1-2': sant/falskt-frågor har alternativen 'True' och "
        "'False'" in m
        for m in found
    ), found
    assert any(
        "questions.en.yaml:25: fråga 'm1-4': frågan har 1 svarsalternativ, i questions.yaml 2" in m
        for m in found
    ), found


def test_an_unquoted_true_is_explained(tmp_path):
    folder = write_course(tmp_path)
    edit(folder / MODULE / "questions.en.yaml", 'text: "True"', "text: True")
    assert (
        f"{folder}/{MODULE}/questions.en.yaml:12: svarsalternativets text: läses som ja/nej; "
        'skriv den inom citattecken ("True")'
    ) in load_problems(folder)


def test_lattlast_true_false_keeps_sant_and_falskt_and_a_scenario_stays(tmp_path):
    folder = write_course(tmp_path)
    path = folder / MODULE / "questions.sv-lattlast.yaml"
    edit(path, "text: Falskt", "text: Falsk")
    edit(path, "  scenario: En kollega ser något.\n", "")
    found = load_problems(folder)
    assert any(
        "fråga 'm1-2': sant/falskt-frågor har alternativen 'Sant' och 'Falskt'" in m for m in found
    )
    assert any(
        "fråga 'm1-4': scenario: ska finnas precis när frågan har ett i questions.yaml" in m
        for m in found
    ), found


TREE = """\
Text.

```beslutstrad
start: fara
steps:
  fara:
    question: {question}
    answers:
      - label: {yes}
        goto: {goto}
      - label: {no}
        goto: chef
  ring112:
    result: {call}
  chef:
    result: {talk}
```
"""


def test_a_decision_tree_keeps_its_step_names(tmp_path):
    folder = write_course(tmp_path)
    swedish = TREE.format(
        question="Är någon i fara?", yes="Ja", no="Nej", goto="ring112", call="Ring 112.",
        talk="Prata med din chef.",
    )  # fmt: skip
    write(folder / MODULE / "02-sida.md", page("Flöde", swedish))
    easy = swedish.replace("Är någon i fara?", "Är någon i fara nu?")
    write(folder / MODULE / "02-sida.sv-lattlast.md", page("Flöde", easy))
    english = TREE.format(
        question="Is anyone in danger?", yes="Yes", no="No", goto="chef", call="Call 112.",
        talk="Talk to your manager.",
    )  # fmt: skip
    write(folder / MODULE / "02-sida.en.md", page("Flow", english))
    found = load_problems(folder)
    assert found == [
        # the English tree itself: a step no answer leads to any more
        f"{folder}/{MODULE}/02-sida.en.md:7: steget 'ring112' kan inte nås från start",
        f"{folder}/{MODULE}/02-sida.en.md:1: flödesschemat (beslutstrad) ska ha samma start, "
        "steg och goto som på 02-sida.md; översätt bara texterna",
    ], found
    fixed = english.replace("goto: chef\n      - label: No", "goto: ring112\n      - label: No")
    write(folder / MODULE / "02-sida.en.md", page("Flow", fixed))
    spec, problems = load_course(folder)
    assert problems == []
    html = spec.modules[0].pages[1].variants["en"].html
    assert 'aria-label="Flowchart"' in html and "Start again" in html
    assert "Börja om" in spec.modules[0].pages[1].html


def test_discuss_prompts_count_and_module_titles(tmp_path):
    folder = write_course(tmp_path)
    write(folder / MODULE / "module.yaml", "title: Modul 1\ndiscuss:\n  - Vad gör vi?\n  - Vem?\n")
    write(folder / MODULE / "module.en.yaml", "title: Module 1\ndiscuss:\n  - What do we do?\n")
    write(folder / MODULE / "module.sv-lattlast.yaml", "summary: Om modulen\ndiscuss: [a, b]\n")
    found = load_problems(folder)
    assert (
        f"{folder}/{MODULE}/module.en.yaml:1: discuss: har 1 frågor, module.yaml har 2 "
        "(lika många, i samma ordning)"
    ) in found
    assert f"{folder}/{MODULE}/module.sv-lattlast.yaml:1: title: saknas" in found


def test_broken_links_and_images_in_a_variant(tmp_path):
    folder = write_course(tmp_path)
    body = "Read [the next page](02-sida.en.md).\n\n![A symbol](bilder/finns-inte.svg)"
    write(folder / MODULE / "01-sida.en.md", page("Page", body))
    found = load_problems(folder)
    assert any(
        "01-sida.en.md:5: länken '02-sida.en.md' pekar inte på någon sida i kursen" in m
        for m in found
    ), found
    assert any("01-sida.en.md:1: bilden finns-inte.svg finns inte" in m for m in found), found


def test_a_lattlast_page_above_lix_30_fails(tmp_path):
    folder = write_course(tmp_path)
    # 10 words, 2 of them long, one sentence: LIX 10 + 20 = 30 (allowed)
    allowed = "Du kan alltid ringa till socialtjänsten om kollegorna vill det."
    write(folder / MODULE / "01-sida.sv-lattlast.md", page("Sida", allowed))
    assert quality(folder) == []
    # 10 words, 3 long: LIX 40
    heavy = "Du kan alltid ringa till socialtjänsten om kollegorna funderar nu."
    write(folder / MODULE / "01-sida.sv-lattlast.md", page("Sida", heavy))
    assert quality(folder) == [
        f"{folder}/{MODULE}/01-sida.sv-lattlast.md:1: lättläst sida har LIX 40.0 (10 ord, "
        "1 meningar, 30 % långa ord); högst 30"
    ]


def test_an_english_page_below_flesch_50_fails(tmp_path):
    folder = write_course(tmp_path)
    plain = "Talk to your manager. Tell the local coordinator what you saw. Then write it down."
    write(folder / MODULE / "01-sida.en.md", page("Page", plain))
    assert quality(folder) == []
    hard = (
        "Organisational responsibilities concerning radicalisation necessitate comprehensive "
        "interdepartmental coordination, documentation and institutional accountability."
    )
    write(folder / MODULE / "01-sida.en.md", page("Page", hard))
    found = quality(folder)
    assert len(found) == 1 and found[0].startswith(
        f"{folder}/{MODULE}/01-sida.en.md:1: engelsk sida har Flesch reading ease -"
    ), found
    assert found[0].endswith("minst 50: kortare meningar och vanligare ord")


ACTIONS = """\
title: Modul 1
discuss:
  - Vad gör vi här?
actions:
  - sv: "112"
    sv-lattlast: "112"
    en: "112"
  - sv: chef
    sv-lattlast: chef
    en: manager
  - sv: samordnare
    sv-lattlast: samordnare
    en: coordinator
"""


def test_a_variant_page_that_drops_a_handling_step_fails(tmp_path):
    folder = write_course(tmp_path)
    write(folder / MODULE / "module.yaml", ACTIONS)
    write(folder / MODULE / "01-sida.md", page("Sida", "Ring 112. Berätta för din Chef."))
    write(
        folder / MODULE / "01-sida.sv-lattlast.md", page("Sida", "Ring 112. Säg det till din chef.")
    )
    write(folder / MODULE / "01-sida.en.md", page("Page", "Call 112. Then tell your boss."))
    assert quality(folder) == [
        f"{folder}/{MODULE}/01-sida.en.md:1: sidan tappar handlingssteget 'chef' som 01-sida.md "
        "nämner; skriv 'manager'"
    ]
    write(folder / MODULE / "01-sida.en.md", page("Page", "Call 112. Then tell your MANAGER."))
    assert quality(folder) == [], "case does not matter; samordnare is not on the Swedish page"


def test_module_actions_need_every_language(tmp_path):
    folder = write_course(tmp_path)
    write(
        folder / MODULE / "module.yaml", "title: Modul 1\nactions:\n  - sv: chef\n    en: manager\n"
    )
    found = load_problems(folder)
    assert (
        f"{folder}/{MODULE}/module.yaml:1: actions: varje steg behöver orden på sv, sv-lattlast, en"
        in found
    )


def test_option_rules_hold_in_every_language(tmp_path):
    folder = write_course(tmp_path)
    path = folder / MODULE / "questions.en.yaml"
    edit(path, "- text: Incorrect", "- text: None of the above")
    edit(path, "- text: Calls the manager", "- text: Calls the manager and says what they saw")
    edit(path, "- text: Listens", "- text: Listens calmly and asks what they mean")
    found = quality(folder)
    assert any(
        "questions.en.yaml:7: fråga 'm1-1': alternativet 'None of the above' är ett samlingssvar"
        in m
        for m in found
    ), found
    assert any(
        "questions.en.yaml:25: fråga 'm1-4': rätt svar är det längsta alternativet; det gäller "
        "2 av 3" in m
        for m in found
    ), found
    assert not any("questions.yaml:" in m for m in found), "the Swedish file is fine"


def test_figures_per_language(tmp_path):
    folder = write_course(tmp_path)
    body = " ".join(["Ord"] * 113)
    write(folder / MODULE / "01-sida.sv-lattlast.md", page("Sida", body + "."))
    spec, _ = load_course(folder)
    words = sum(page.variants["sv-lattlast"].word_count for page in spec.modules[0].pages)
    assert words == 120
    # 120 words at 120 words per minute + 2 questions × 30 s: 2 minutes for module 1
    assert spec.modules[0].minutes["sv-lattlast"] == 2
    lines = course_figures(spec).splitlines()
    assert lines[0].startswith("testkurs: cirka 3 minuter, LIX ")
    assert lines[1].startswith("testkurs (Lättläst svenska): cirka 4 minuter (120 ord/min), LIX ")
    assert lines[2].startswith("testkurs (English): cirka 3 minuter (180 ord/min), Flesch ")
    assert lines[3].startswith("  modul 1: Svenska LIX ") and "English Flesch " in lines[3]


def test_english_text_marks_every_word_with_a_swedish_letter(tmp_path):
    folder = write_course(tmp_path)
    body = (
        "Make a report of concern (orosanmälan).\n\n"
        "Tell your manager ([chef]{lang=sv}) and the local coordinator.\n"
        "Ask [Säpo]{lang=sv} or Säpo's tip service.\n"
    )
    write(folder / MODULE / "01-sida.en.md", page("About [Älvsjö]{lang=sv}", body))
    path = folder / MODULE / "questions.en.yaml"
    edit(path, "- text: Waits another week", "- text: Waits for [Säpo]{lang=sv} (socialtjänsten)")
    edit(path, "      feedback: Because.", "      feedback: Because of the förskola.")
    write(
        folder / MODULE / "module.en.yaml",
        "title: Module for förvaltningar\nsummary: The [miljö]{lang=sv} and miljöer.\n"
        "discuss:\n  - What do we do here?\n",
    )
    write(folder / "course.en.yaml", "title: Test course\ndescription: Get an intyg (intyg).\n")
    found = quality(folder)
    english = f"{folder}/{MODULE}"
    assert found == [
        f"{english}/module.en.yaml:1: svenskt ord i en titel som inte kan märkas (skriv den utan "
        "svenska ord): förvaltningar",
        f"{english}/module.en.yaml:2: svenskt ord utan {{lang=sv}}: miljöer",
        f"{english}/01-sida.en.md:5: svenskt ord utan {{lang=sv}}: orosanmälan",
        f"{english}/01-sida.en.md:8: svenskt ord utan {{lang=sv}}: Säpo's",
        f"{english}/questions.en.yaml:6: svenskt ord utan {{lang=sv}}: förskola",
        f"{english}/questions.en.yaml:32: svenskt ord utan {{lang=sv}}: socialtjänsten",
    ], found
    assert not any("intyg" in problem for problem in found), "no å, ä or ö: not checked"


def test_marked_english_text_meets_the_rule_and_the_option_lengths_skip_the_markup(tmp_path):
    folder = write_course(tmp_path)
    body = "A report of concern ([orosanmälan]{lang=sv}) goes to [socialtjänsten]{lang=sv}."
    title = 'What does "[våldsbejakande]{lang=sv}" mean?'
    write(folder / MODULE / "01-sida.en.md", page(title, body))
    path = folder / MODULE / "questions.en.yaml"
    # As written, the correct options would be the longest in 2 of 3; as read, in none.
    edit(path, "- text: Right\n", "- text: '[Right]{lang=en}'\n")
    edit(path, "- text: Calls the manager", "- text: '[Calls the manager]{lang=en}'")
    spec, problems = load_course(folder)
    assert problems == []
    assert quality(folder) == []
    english = spec.modules[0].pages[0].variants["en"]
    assert english.text.startswith("A report of concern (orosanmälan) goes to socialtjänsten.")
    assert english.word_count == 8
