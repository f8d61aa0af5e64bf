"""stable_url: url_for's URL, built once per app and arguments (navigation.py)."""

from flask import url_for

from vbe_learn import navigation
from vbe_learn.navigation import stable_url

PAGE = {"slug": "grundutbildning", "module_no": 2, "page_no": 3}


def test_the_url_is_url_fors_and_built_once(app, monkeypatch):
    with app.test_request_context():
        app.extensions["stable_urls"].clear()
        expected = url_for("learning.page", **PAGE)
        built = []
        monkeypatch.setattr(navigation, "url_for", lambda *a, **k: built.append(a) or expected)
        first = stable_url("learning.page", **PAGE)
        again = stable_url("learning.page", **PAGE)
    assert first == again == "/kurs/grundutbildning/2/3"
    assert len(built) == 1


def test_other_arguments_are_other_urls(app):
    with app.test_request_context():
        page = stable_url("learning.page", **PAGE)
        mark_read = stable_url("learning.mark_read", **PAGE)
        next_page = stable_url("learning.page", **{**PAGE, "page_no": 4})
    assert (page, mark_read, next_page) == (
        "/kurs/grundutbildning/2/3",
        "/kurs/grundutbildning/2/3/last",
        "/kurs/grundutbildning/2/4",
    )


def test_a_full_memory_starts_over(app, monkeypatch):
    monkeypatch.setattr(navigation, "STABLE_URLS_KEPT", 2)
    with app.test_request_context():
        app.extensions["stable_urls"].clear()
        for page_no in (1, 2, 3):
            stable_url("learning.page", **{**PAGE, "page_no": page_no})
        assert list(app.extensions["stable_urls"].values()) == ["/kurs/grundutbildning/2/3"]
