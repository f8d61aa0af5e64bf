"""Plain error pages in the interface language; no stack traces reach the browser.

The full page shows the signed-in person's menu, which reads the database. When that fails
too (the database connection died during the request), the same Swedish page is drawn from
a template that reads nothing: no person, no menu, no context processors.
"""

import logging

from flask import Flask, current_app, render_template, url_for
from flask_babel import force_locale, lazy_gettext
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from .extensions import db
from .i18n import SOURCE_LOCALE, current_locale

log = logging.getLogger("vbe_learn.core.error_pages")

MESSAGES = {
    400: (
        lazy_gettext("Felaktig begäran"),
        lazy_gettext("Formuläret kunde inte tas emot. Ladda om sidan och försök igen."),
    ),
    403: (
        lazy_gettext("Åtkomst nekad"),
        lazy_gettext("Du har inte behörighet till den här sidan."),
    ),
    404: (
        lazy_gettext("Sidan finns inte"),
        lazy_gettext("Sidan du söker finns inte, eller så har du inte tillgång till den."),
    ),
    405: (
        lazy_gettext("Otillåten metod"),
        lazy_gettext("Det går inte att göra så här på den här sidan."),
    ),
    413: (lazy_gettext("För stor fil"), lazy_gettext("Filen är för stor.")),
    429: (lazy_gettext("För många försök"), lazy_gettext("Vänta en stund och försök igen.")),
    500: (
        lazy_gettext("Något gick fel"),
        lazy_gettext("Ett fel uppstod. Försök igen om en stund."),
    ),
}


def render_error(status: int):
    """Render the error page for a status code (without the database if it must)."""
    title, message = MESSAGES.get(status, MESSAGES[500])
    try:
        page = render_template("errors/error.html", title=title, message=message, status=status)
    except Exception:  # noqa: BLE001 - any failure here still gets the Swedish page
        log.exception("event=error_page_fallback status=%s", status)
        page = render_plain_error(title, message)
    return page, status


def render_plain_error(title: str, message: str) -> str:
    """The error page from errors/plain.html alone: it reads neither database nor person."""
    try:
        locale = current_locale()  # reads the signed-in person unless already chosen
    except Exception:  # noqa: BLE001 - the database is gone: the Swedish page then
        locale = SOURCE_LOCALE
    template = current_app.jinja_env.get_template("errors/plain.html")
    with force_locale(locale):
        return _render_plain(template, str(title), str(message), locale)


def _render_plain(template, title: str, message: str, locale: str) -> str:
    return template.render(
        title=title,
        message=message,
        html_lang=locale,
        stylesheets=[
            url_for("static", filename=f"vendor/designsystemet/{name}")
            for name in ("stockholm-theme.css", "designsystemet.css")
        ]
        + [url_for("static", filename="css/app.css")],
        home=url_for("learning.dashboard"),
    )


def register_error_handlers(app: Flask) -> None:
    """Route every HTTP error and unexpected exception to the plain error page."""

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return render_error(400)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return render_error(error.code)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("unhandled error", exc_info=error)
        try:
            db.session.rollback()  # the page below may read (the signed-in person) afresh
        except SQLAlchemyError:
            log.exception("event=rollback_failed")  # the connection is gone: no menu then
        return render_error(500)
