"""Every 500 is the app's Swedish page, even when the database fails during the view and
again while the error page itself is drawn (its menu reads the signed-in person's roles)."""

from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from tests.factories import make_user
from vbe_learn.core.extensions import db
from vbe_learn.learning import views as learning_views

DATA_STATEMENTS = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")


class DatabaseGone:
    """From `fail()` on, every data statement on the app's engine fails as on a lost
    connection (transaction control still works, so the test's own rollback can run)."""

    def __init__(self):
        self.failing = False
        self.refused = 0

    def fail(self) -> None:
        """The connection dies now."""
        self.failing = True

    def before_cursor_execute(self, _conn, _cursor, statement, *_args) -> None:
        """The event hook: refuse data statements while failing."""
        if self.failing and statement.lstrip().upper().startswith(DATA_STATEMENTS):
            self.refused += 1
            raise OperationalError(statement, None, Exception("server closed the connection"))


@contextmanager
def database_gone(app):
    """A DatabaseGone hooked on the app's engine for the block."""
    gone = DatabaseGone()
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", gone.before_cursor_execute)
    try:
        yield gone
    finally:
        event.remove(engine, "before_cursor_execute", gone.before_cursor_execute)


def assert_swedish_500(response) -> None:
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Något gick fel" in html and "Ett fel uppstod. Försök igen om en stund." in html
    assert "Traceback" not in html and "Internal Server Error" not in html
    assert '<html lang="sv" data-color-scheme="light">' in html


@pytest.fixture
def signed_in(client, auth):
    user = make_user()
    assert auth.login(user.email).status_code == 302
    return client


def test_the_database_gone_for_the_whole_request_still_gives_the_swedish_page(app, signed_in):
    with database_gone(app) as gone:
        gone.fail()
        response = signed_in.get("/min-utbildning")
    assert gone.refused >= 2  # the signed-in person in the view, and again for the page
    assert_swedish_500(response)
    assert "Huvudmeny" not in response.get_data(as_text=True)  # drawn without the menu


def test_the_database_dying_in_the_view_still_gives_the_swedish_page(app, signed_in, monkeypatch):
    with database_gone(app) as gone:

        def dies_half_way(*_args, **_kwargs):
            gone.fail()
            raise OperationalError("SELECT 1", None, Exception("connection lost"))

        monkeypatch.setattr(learning_views, "learner_progress", dies_half_way)
        response = signed_in.get("/min-utbildning")
    assert gone.refused >= 1  # the error page's own reads failed too
    assert_swedish_500(response)


def test_an_error_with_the_database_up_gives_the_full_page_with_the_menu(
    app, signed_in, monkeypatch
):
    def breaks(*_args, **_kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(learning_views, "learner_progress", breaks)
    response = signed_in.get("/min-utbildning")
    assert_swedish_500(response)
    assert "Huvudmeny" in response.get_data(as_text=True)
