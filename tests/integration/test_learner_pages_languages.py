"""WCAG 3.1.1/3.1.2 on the learner's pages: for a person who chose English, every page is
`<html lang="en">`, the course text carries its variant's lang, and no Swedish letters are left in
the interface's own text; for lättläst svenska, everything is "sv"."""

import re
from html.parser import HTMLParser

import pytest

from tests.factories import correct_answers, course, make_user
from vbe_learn.core.extensions import db
from vbe_learn.courses.rendering import render_inline
from vbe_learn.models import Attempt, Question, User

SWEDISH_LETTERS = re.compile(r"[åäöÅÄÖ]")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
# The blocks of course text on the learner's pages (each must say its language).
CONTENT = (
    '<h2 id="kursrubrik" lang="{}">',
    '<article class="course-page" lang="{}"',
    '<span class="prompt" lang="{}">',
    '<p class="feedback" lang="{}">',
)


class LanguageOfText(HTMLParser):
    """Each text of the page's body with the element giving its language (the nearest with a
    lang attribute: "html" for the interface's text, else a block of course text or a term)."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []
        self.texts: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        tags = [tag for tag, _lang in self.stack]
        if data.strip() and "body" in tags and not {"script", "style"} & set(tags):
            marked = next(((tag, lang) for tag, lang in reversed(self.stack) if lang), (None, None))
            self.texts.append((*marked, " ".join(data.split())))


def swedish_in_the_interface(html: str) -> list[str]:
    """The interface's texts (in the `<html lang>`, not in an element with a lang of its own:
    course text, a Swedish term) with Swedish letters."""
    parser = LanguageOfText()
    parser.feed(html)
    return [
        text
        for marked, _lang, text in parser.texts
        if marked == "html" and SWEDISH_LETTERS.search(text)
    ]


def swedish_not_marked_swedish(html: str) -> list[str]:
    """The page's texts with Swedish letters whose language is not Swedish (WCAG 3.1.2: a
    Swedish term in English course text is `<span lang="sv">`)."""
    parser = LanguageOfText()
    parser.feed(html)
    return [
        text for _tag, lang, text in parser.texts if lang != "sv" and SWEDISH_LETTERS.search(text)
    ]


def learner_pages(client, user_id: int) -> dict[str, str]:
    """Min utbildning, every page of module 1, its check, the open attempt and the result."""
    module = course().current_version.modules[0]
    pages = {"Min utbildning": client.get("/min-utbildning").get_data(as_text=True)}
    for page in module.pages:
        path = f"/kurs/grundutbildning/1/{page.position}"
        pages[path] = client.get(path).get_data(as_text=True)
        assert client.post(f"{path}/last").status_code == 302
    pages["check"] = client.get("/kurs/grundutbildning/1/kunskapskontroll").get_data(as_text=True)
    start = client.post("/kurs/grundutbildning/1/kunskapskontroll")
    attempt_path = start.headers["Location"]
    pages["attempt"] = client.get(attempt_path).get_data(as_text=True)
    attempt = db.session.scalar(db.select(Attempt).where(Attempt.user_id == user_id))
    assert client.post(attempt_path, data=correct_answers(attempt)).status_code == 302
    pages["result"] = client.get(attempt_path).get_data(as_text=True)
    pages["Min utbildning after"] = client.get("/min-utbildning").get_data(as_text=True)
    return pages


@pytest.mark.parametrize(("language", "html_lang"), [("en", "en"), ("sv-lattlast", "sv")])
def test_every_learner_page_says_its_language(client, auth, language, html_lang):
    user = make_user(first_name="Ada", last_name="Lind")
    db.session.get(User, user.id).course_language = language
    db.session.commit()
    auth.login(user.email)
    pages = learner_pages(client, user.id)
    assert "You have passed the knowledge check." in pages["result"] or html_lang == "sv"
    for name, html in pages.items():
        assert f'<html lang="{html_lang}"' in html, name
        other = "sv" if html_lang == "en" else "en"
        for block in CONTENT:
            assert block.format(other) not in html, f"{name}: {block.format(other)}"
        if html_lang == "en":
            assert swedish_in_the_interface(html) == [], name
    assert CONTENT[0].format(html_lang) in pages["Min utbildning"]
    assert CONTENT[1].format(html_lang) in pages["/kurs/grundutbildning/1/1"]
    assert CONTENT[2].format(html_lang) in pages["attempt"]
    assert CONTENT[3].format(html_lang) in pages["result"]


def test_swedish_terms_in_english_course_text_are_marked_swedish(client, auth):
    user = make_user()
    db.session.get(User, user.id).course_language = "en"
    db.session.commit()
    auth.login(user.email)
    pages = learner_pages(client, user.id)
    html = client.get("/kurs/grundutbildning/4/1").get_data(as_text=True)
    assert '(<span lang="sv">orosanmälan</span>)' in html
    assert '(<span lang="sv">lokal samordnare</span>)' in html
    pages["module 4, page 1"] = html
    # A marked page title: a span in the heading, plain text in <title>.
    title = pages["/kurs/grundutbildning/1/2"]
    assert '<h1>What does "<span lang="sv">våldsbejakande</span>" mean?</h1>' in title
    assert "<title>What does &#34;våldsbejakande&#34; mean? – " in title
    for name, html in pages.items():
        assert "{lang=" not in html, name
        assert swedish_not_marked_swedish(html) == [], name
    # The questions' texts are stored as written and rendered when shown, terms marked.
    attempt = db.session.scalar(db.select(Attempt).where(Attempt.user_id == user.id))
    shown = [db.session.get(Question, item["question_id"]) for item in attempt.questions_shown]
    english = [text for question in shown for text in question.texts if text.language == "en"]
    options = [t for q in shown for o in q.options for t in o.texts if t.language == "en"]
    assert len(english) == len(shown) and options
    for text in english:
        assert render_inline(text.prompt) in pages["attempt"]
        assert render_inline(text.scenario) in pages["result"]
    for text in options:
        assert render_inline(text.text) in pages["attempt"]
        assert render_inline(text.feedback) in pages["result"]
    written = [t.prompt + t.scenario for t in english] + [t.text + t.feedback for t in options]
    # 7 of module 1's 10 questions mark a term, so any 6 drawn hold some
    assert any("]{lang=sv}" in text for text in written)
