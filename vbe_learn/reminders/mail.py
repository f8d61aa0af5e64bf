"""E-mail delivery: over SMTP (one connection for many messages), or, without MAIL_SERVER,
to a folder (one .eml file per message) or the log.

Settings use Flask-Mail's names (MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS, MAIL_USE_SSL,
MAIL_USERNAME, MAIL_PASSWORD, MAIL_DEFAULT_SENDER); the standard library does the work.
"""

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

log = logging.getLogger("vbe_learn.mail")


@dataclass(frozen=True)
class Outgoing:
    """One message: plain text and HTML, with a Message-ID that names its reminder row."""

    to: str
    subject: str
    text: str
    html: str
    message_id: str


class DeliveryFailed(Exception):
    """The server refused this message (e.g. an unknown address): record it, go on.

    `temporary` is True for 4xx answers, which are worth another try on the next run.
    """

    def __init__(self, reason: str, temporary: bool = False):
        super().__init__(reason)
        self.temporary = temporary


class MailServerUnavailable(Exception):
    """No connection to the mail server: nothing was sent, stop the run."""


def build_message(outgoing: Outgoing, sender: str) -> EmailMessage:
    """A multipart/alternative message (text first, then HTML), UTF-8."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = outgoing.to
    message["Subject"] = outgoing.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = outgoing.message_id
    message.set_content(outgoing.text)
    message.add_alternative(outgoing.html, subtype="html")
    return message


class SmtpTransport:
    """Sends over one SMTP connection, reconnecting after the server drops it."""

    def __init__(self, config):
        self.config = config
        self.sender = config["MAIL_DEFAULT_SENDER"]
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        host, port = self.config["MAIL_SERVER"], self.config["MAIL_PORT"]
        timeout = self.config.get("MAIL_TIMEOUT", 30)
        try:
            if self.config["MAIL_USE_SSL"]:
                smtp = smtplib.SMTP_SSL(
                    host, port, timeout=timeout, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(host, port, timeout=timeout)
                if self.config["MAIL_USE_TLS"]:
                    smtp.starttls(context=ssl.create_default_context())
            if self.config["MAIL_USERNAME"]:
                smtp.login(self.config["MAIL_USERNAME"], self.config["MAIL_PASSWORD"])
        except (OSError, smtplib.SMTPException) as exc:
            raise MailServerUnavailable(f"{host}:{port}: {exc}") from exc
        return smtp

    def send(self, outgoing: Outgoing) -> None:
        """Send one message; DeliveryFailed when the server refuses it."""
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            self._smtp.send_message(build_message(outgoing, self.sender))
        except smtplib.SMTPRecipientsRefused as exc:
            code, reason = next(iter(exc.recipients.values()))
            self._reset()
            raise DeliveryFailed(_answer(code, reason), 400 <= code < 500) from exc
        except smtplib.SMTPResponseException as exc:
            self._reset()
            raise DeliveryFailed(
                _answer(exc.smtp_code, exc.smtp_error), exc.smtp_code < 500
            ) from exc
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self.close()
            raise DeliveryFailed(f"anslutningen bröts: {exc}", temporary=False) from exc

    def _reset(self) -> None:
        try:
            self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            self.close()

    def close(self) -> None:
        """End the connection (QUIT), if there is one."""
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self._smtp = None


class FolderTransport:
    """Development: every message becomes a .eml file in a folder."""

    def __init__(self, folder: str, sender: str):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.sender = sender

    def send(self, outgoing: Outgoing) -> None:
        """Write the message to <folder>/<message id>.eml."""
        name = outgoing.message_id.strip("<>").replace("@", "_").replace("/", "_")
        (self.folder / f"{name}.eml").write_bytes(build_message(outgoing, self.sender).as_bytes())

    def close(self) -> None:
        """Nothing to close."""


class LogTransport:
    """Development: every message is written to the log (the console)."""

    def __init__(self, sender: str):
        self.sender = sender

    def send(self, outgoing: Outgoing) -> None:
        """Log the message's recipient, subject and text."""
        log.info("e-post till %s: %s\n%s", outgoing.to, outgoing.subject, outgoing.text)

    def close(self) -> None:
        """Nothing to close."""


def transport_for(config):
    """SMTP when MAIL_SERVER is set; otherwise MAIL_OUTBOX_DIR, otherwise the log."""
    if config["MAIL_SERVER"]:
        return SmtpTransport(config)
    if config.get("MAIL_OUTBOX_DIR"):
        return FolderTransport(config["MAIL_OUTBOX_DIR"], config["MAIL_DEFAULT_SENDER"])
    return LogTransport(config["MAIL_DEFAULT_SENDER"])


def _answer(code: int, reason) -> str:
    text = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
    return f"{code} {text}"
