"""Plain Swedish error pages; no stack traces reach the browser."""

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .extensions import db

MESSAGES = {
    400: ("Felaktig begäran", "Formuläret kunde inte tas emot. Ladda om sidan och försök igen."),
    403: ("Åtkomst nekad", "Du har inte behörighet till den här sidan."),
    404: ("Sidan finns inte", "Sidan du söker finns inte, eller så har du inte tillgång till den."),
    405: ("Otillåten metod", "Det går inte att göra så här på den här sidan."),
    413: ("För stor fil", "Filen är för stor."),
    429: ("För många försök", "Vänta en stund och försök igen."),
    500: ("Något gick fel", "Ett fel uppstod. Försök igen om en stund."),
}


def render_error(status: int):
    """Render the error page for a status code."""
    title, message = MESSAGES.get(status, MESSAGES[500])
    return render_template("errors/error.html", title=title, message=message, status=status), status


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
        db.session.rollback()  # the page below may read (the signed-in person) afresh
        return render_error(500)
