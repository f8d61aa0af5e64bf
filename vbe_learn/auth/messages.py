"""The set-password e-mail, delivered like every e-mail (vbe_learn/core/mail.py): over SMTP with
MAIL_SERVER, otherwise to MAIL_OUTBOX_DIR or the log (development)."""

import logging
import secrets
from html import escape
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale, gettext, lazy_gettext

from ..core.i18n import user_locale
from ..core.mail import DeliveryFailed, MailServerUnavailable, Outgoing, transport_for
from ..core.urls import absolute_url
from ..models import User
from .services import make_set_password_token

log = logging.getLogger("vbe_learn.core.mail")
SUBJECT = lazy_gettext("Välj lösenord till utbildningen om våldsbejakande extremism")


def set_password_url(user: User) -> str:
    """The absolute set-password link for a person."""
    token = make_set_password_token(user, current_app.config["SECRET_KEY"])
    return absolute_url("auth.set_password", token=token)


def set_password_message(user: User) -> Outgoing:
    """The set-password e-mail for a person (plain text and HTML), in their language."""
    url = set_password_url(user)
    language = user_locale(user)
    with force_locale(language):
        greeting = gettext("Hej %(name)s!", name=user.first_name)
        account = gettext(
            "Du har ett konto i Stockholms stads webbutbildning om våldsbejakande extremism."
        )
        choose = gettext("Välj ditt lösenord här (länken gäller i sju dagar):")
        link = gettext("Välj ditt lösenord")
        valid = gettext("(länken gäller i sju dagar)")
        subject = str(SUBJECT)
    text = f"{greeting}\n\n{account}\n{choose}\n{url}\n"
    html = (
        f"<p>{escape(greeting)}</p><p>{escape(account)}</p>"
        f'<p><a href="{escape(url)}">{escape(link)}</a> {escape(valid)}.</p>'
    )
    domain = urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "localhost"
    message_id = f"<losenord-{user.id}-{secrets.token_hex(8)}@{domain}>"
    return Outgoing(
        user.email, subject, text, html, message_id, to_name=user.full_name, language=language
    )


def send_set_password_message(user: User) -> str:
    """Send the set-password e-mail; return its text (a failed delivery is logged)."""
    outgoing = set_password_message(user)
    config = current_app.config
    if config["ENVIRONMENT"] == "production" and not config["MAIL_SERVER"]:
        log.error("event=mail_not_configured: no set-password e-mail for user_id=%s", user.id)
        return outgoing.text
    transport = transport_for(config)
    try:
        transport.send(outgoing)
    except (DeliveryFailed, MailServerUnavailable) as error:
        log.error("event=mail_failed user_id=%s: %s", user.id, error)
    finally:
        transport.close()
    return outgoing.text
