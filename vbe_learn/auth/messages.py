"""The set-password e-mail. Until e-mail delivery is configured it is written to the log."""

import logging

from flask import current_app

from ..models import User
from ..urls import absolute_url
from .services import make_set_password_token

log = logging.getLogger("vbe_learn.mail")


def set_password_url(user: User) -> str:
    """The absolute set-password link for a person."""
    token = make_set_password_token(user, current_app.config["SECRET_KEY"])
    return absolute_url("auth.set_password", token=token)


def send_set_password_message(user: User) -> str:
    """Send (in development: print) the set-password message; return its text."""
    text = (
        f"Hej {user.first_name}!\n\n"
        "Du har ett konto i Stockholms stads webbutbildning om våldsbejakande extremism.\n"
        f"Välj ditt lösenord här (länken gäller i sju dagar):\n{set_password_url(user)}\n"
    )
    log.info("e-post till %s: Välj lösenord\n%s", user.email, text)
    return text
