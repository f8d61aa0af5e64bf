"""The course in three languages: variants stored at sync, the learner's choice, progress,
attempts and the completion shared across languages."""

import pytest
from sqlalchemy import func, select

from tests.course_builder import write_course
from tests.factories import correct_answers, make_user
from vbe_learn.core.extensions import db
from vbe_learn.courses.files import load_course
from vbe_learn.courses.sync import sync_course
from vbe_learn.models import (
    Attempt,
    Completion,
    CourseVersionText,
    Module,
    ModuleText,
    Option,
    OptionText,
    Page,
    PageRead,
    PageText,
    Question,
    QuestionText,
    User,
)


def sync(folder):
    spec, problems = load_course(folder)
    assert problems == []
    version, _created = sync_course(spec)
    db.session.commit()
    return version


@pytest.fixture
def testkurs(app, tmp_path, monkeypatch):
    """The test course (two modules in sv, sv-lattlast and en) as Min utbildning's course."""
    version = sync(write_course(tmp_path))
    monkeypatch.setitem(app.config, "DEFAULT_COURSE", "testkurs")
    return version


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def choose(client, language: str):
    return client.post("/min-utbildning/sprak", data={"language": language})


def start_check(client, module_no: int) -> Attempt:
    response = client.post(f"/kurs/testkurs/{module_no}/kunskapskontroll")
    assert response.status_code == 302, response.status_code
    return db.session.get(Attempt, int(response.headers["Location"].rsplit("/", 1)[1]))


def read_module(client, module_no: int) -> None:
    for page_no in (1, 2):
        assert client.post(f"/kurs/testkurs/{module_no}/{page_no}/last").status_code == 302


def test_sync_stores_each_variant_beside_the_swedish_rows(testkurs):
    version = testkurs
    languages = db.session.scalars(
        select(CourseVersionText.language).where(CourseVersionText.version_id == version.id)
    ).all()
    assert sorted(languages) == ["en", "sv-lattlast"]
    modules = {m.position: m for m in version.modules}
    assert count(Page, Page.module_id == modules[1].id) == 2, "a variant is no page of its own"
    english = db.session.get(ModuleText, (modules[1].id, "en"))
    assert english.title == "Module 1"
    assert english.estimated_minutes == modules[1].estimated_minutes  # same speed, same words
    easy = db.session.get(ModuleText, (modules[1].id, "sv-lattlast"))
    assert easy.estimated_minutes >= modules[1].estimated_minutes  # read at 120 words/min
    page = modules[1].pages[0]
    text = db.session.get(PageText, (page.id, "en"))
    assert text.title == "Module 1.1" and "Page 1 of module 1." in text.html
    assert 'href="../1/2"' in text.html
    question = db.session.scalar(select(Question).where(Question.key == "m1-2"))
    assert db.session.get(QuestionText, (question.id, "en")).prompt == "Is it true?"
    options = {o.text: o for o in question.options}
    assert db.session.get(OptionText, (options["Sant"].id, "en")).text == "True"
    assert db.session.get(OptionText, (options["Falskt"].id, "sv-lattlast")).text == "Falskt"
    option_ids = select(Option.id).join(Question).where(Question.module_id == modules[1].id)
    assert count(OptionText, OptionText.option_id.in_(option_ids)) == 2 * 10


def test_a_language_missing_a_file_is_not_loaded(app, tmp_path):
    folder = write_course(tmp_path)
    (folder / "modules/02-modul-2/02-sida.en.md").unlink()
    version = sync(folder)
    languages = [text.language for text in version.texts]
    assert languages == ["sv-lattlast"], "no English course half in Swedish"
    own_pages = select(Page.id).join(Module).where(Module.version_id == version.id)
    english = (PageText.language == "en") & PageText.page_id.in_(own_pages)
    assert count(PageText, english) == 0  # (the real course in the database has its own)


def test_min_utbildning_offers_the_languages_and_switches(client, auth, testkurs):
    user = make_user()
    auth.login(user.email)
    html = client.get("/min-utbildning").get_data(as_text=True)
    assert '<h2 id="kursrubrik" lang="sv">Testkurs</h2>' in html
    assert 'action="/min-utbildning/sprak"' in html
    for code, name in (("sv", "Svenska"), ("sv-lattlast", "Lättläst svenska"), ("en", "English")):
        assert f'value="{code}"' in html and f">{name}</label>" in html
    assert 'id="sprak-sv" value="sv" checked' in html

    response = choose(client, "en")
    assert response.status_code == 302
    assert db.session.get(User, user.id).course_language == "en"
    html = client.get("/min-utbildning").get_data(as_text=True)
    assert "Course language: English." in html and '<html lang="en"' in html
    assert '<h2 id="kursrubrik" lang="en">Test course</h2>' in html
    assert '<span lang="en">Module 1</span>' in html
    assert 'id="sprak-en" value="en" checked' in html

    choose(client, "sv-lattlast")
    html = client.get("/min-utbildning").get_data(as_text=True)
    assert '<h2 id="kursrubrik" lang="sv">Lätt testkurs</h2>' in html


def test_an_unknown_language_is_refused_and_changes_nothing(client, auth, testkurs):
    user = make_user()
    auth.login(user.email)
    choose(client, "en")
    response = choose(client, "fr")
    assert response.status_code == 302 and response.headers["Location"].endswith("#sprak")
    html = client.get("/min-utbildning").get_data(as_text=True)
    assert "Choose one of the languages in the list." in html  # (the interface is English)
    assert db.session.get(User, user.id).course_language == "en"


def test_choosing_needs_the_csrf_token(app, client, auth, testkurs):
    user = make_user()
    auth.login(user.email)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert choose(client, "en").status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert db.session.get(User, user.id).course_language is None


def test_switching_language_in_the_middle_of_a_module_keeps_the_progress(client, auth, testkurs):
    user = make_user()
    auth.login(user.email)
    assert client.post("/kurs/testkurs/1/1/last").status_code == 302
    choose(client, "en")
    html = client.get("/kurs/testkurs/1/1").get_data(as_text=True)
    assert '<article class="course-page" lang="en">' in html
    assert "Page 1 of module 1." in html and ">Read</span>" in html, (
        "read in Swedish, and in English"
    )
    assert 'href="../1/2"' in html, "the link leads to the same page, shown in English"
    assert 'Change language <span lang="sv">(Byt språk)</span>' in html
    html = client.get("/kurs/testkurs/1/2").get_data(as_text=True)
    assert "Page 2 of module 1." in html and "Sida 2 i modul 1." not in html
    assert client.post("/kurs/testkurs/1/2/last").status_code == 302
    assert count(PageRead) == 2
    html = client.get("/min-utbildning").get_data(as_text=True)
    assert "Pages read: 2 of 2" in html
    choose(client, "sv")
    assert "Sidor lästa: 2 av 2" in client.get("/min-utbildning").get_data(as_text=True)


def test_an_attempt_is_shown_and_submitted_in_the_language_it_started_in(client, auth, testkurs):
    user = make_user()
    auth.login(user.email)
    choose(client, "en")
    read_module(client, 1)
    attempt = start_check(client, 1)
    assert attempt.language == "en"
    choose(client, "sv")
    html = client.get(f"/kunskapskontroll/{attempt.id}").get_data(as_text=True)
    assert '<span lang="en">Module 1</span>' in html
    assert any(prompt in html for prompt in ("Which one is right?", "Is it true?", "What do"))
    assert "Vilket är rätt?" not in html and "Stämmer det?" not in html
    response = client.post(f"/kunskapskontroll/{attempt.id}", data=correct_answers(attempt))
    assert response.status_code == 302
    html = client.get(f"/kunskapskontroll/{attempt.id}").get_data(as_text=True)
    assert "Right." in html or "Yes." in html, "the feedback in English"
    assert 'class="feedback" lang="en"' in html
    attempt = db.session.get(Attempt, attempt.id)
    assert attempt.passed and attempt.language == "en"
    # the next attempt (module 2) is in the language chosen now
    read_module(client, 2)
    assert start_check(client, 2).language == "sv"


def test_one_completion_whatever_the_languages_recording_the_last(client, auth, testkurs):
    user = make_user()
    auth.login(user.email)
    choose(client, "en")
    read_module(client, 1)
    first = start_check(client, 1)
    client.post(f"/kunskapskontroll/{first.id}", data=correct_answers(first))
    assert count(Completion, Completion.user_id == user.id) == 0
    choose(client, "sv-lattlast")
    read_module(client, 2)
    second = start_check(client, 2)
    client.post(f"/kunskapskontroll/{second.id}", data=correct_answers(second))
    completions = db.session.scalars(select(Completion).where(Completion.user_id == user.id))
    (completion,) = completions.all()
    assert completion.language == "sv-lattlast"
    assert completion.course_version_id == testkurs.id
    html = client.get("/min-utbildning").get_data(as_text=True)
    assert "Genomförd" in html


def test_a_version_without_variants_is_shown_in_swedish(app, client, auth, tmp_path, monkeypatch):
    sync(write_course(tmp_path, variants=False))
    monkeypatch.setitem(app.config, "DEFAULT_COURSE", "testkurs")
    user = make_user()
    auth.login(user.email)
    db.session.get(User, user.id).course_language = "en"
    db.session.commit()
    html = client.get("/min-utbildning").get_data(as_text=True)
    assert '<html lang="en"' in html, "the interface follows the choice"
    assert '<h2 id="kursrubrik" lang="sv">Testkurs</h2>' in html, "the text is the Swedish one"
    assert 'action="/min-utbildning/sprak"' not in html, "nothing to choose"
    page = client.get("/kurs/testkurs/1/1").get_data(as_text=True)
    assert '<article class="course-page" lang="sv"' in page
    assert "Byt språk" not in page and "Change language" not in page


def test_cli_sync_names_the_languages_it_loaded(app, runner, tmp_path, monkeypatch):
    folder = write_course(tmp_path)
    (folder / "modules/01-modul-1/questions.en.yaml").unlink()
    monkeypatch.setitem(app.config, "COURSES_DIR", str(tmp_path))
    result = runner.invoke(args=["courses", "sync"])
    assert result.exit_code == 0, result.output
    assert "testkurs: ny version " in result.output
    assert result.output.rstrip().endswith("(språk: sv, sv-lattlast)")
    check = runner.invoke(args=["courses", "check"])
    assert check.exit_code == 1
    assert "questions.en.yaml:1: filen saknas (varianten av questions.yaml på en)" in check.output
    assert "testkurs (English): cirka " in check.output
