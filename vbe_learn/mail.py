"""E-mail delivery: over SMTP (one connection for many messages), or, without MAIL_SERVER,
to a folder (one .eml file per message) or the log.

Settings use Flask-Mail's names (MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS, MAIL_USE_SSL,
MAIL_USERNAME, MAIL_PASSWORD, MAIL_DEFAULT_SENDER); the standard library does the work.
"""

import base64
import logging
import secrets
import smtplib
import ssl
from dataclasses import dataclass
from email.header import Header
from email.utils import formatdate
from functools import lru_cache
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


def message_bytes(outgoing: Outgoing, sender: str) -> bytes:
    """A multipart/alternative message (text, then HTML; UTF-8, base64) with CRLF line ends.

    Written directly: the email package's message classes cost more per message (~1.4 ms)
    than the whole SMTP transaction on loopback.
    """
    headers = (sender, outgoing.to, outgoing.message_id)
    if any("\r" in value or "\n" in value for value in headers):
        raise ValueError("line break in a header value")
    boundary = f"=_vbe_{secrets.token_hex(12)}"
    lines = [
        f"From: {sender}",
        f"To: {outgoing.to}",
        f"Subject: {_encoded_header(outgoing.subject)}",
        f"Date: {formatdate(localtime=False)}",
        f"Message-ID: {outgoing.message_id}",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/alternative; boundary="{boundary}"',
        "",
    ]
    for subtype, body in (("plain", outgoing.text), ("html", outgoing.html)):
        lines += [
            f"--{boundary}",
            f'Content-Type: text/{subtype}; charset="utf-8"',
            "Content-Transfer-Encoding: base64",
            "",
            base64.encodebytes(body.encode("utf-8")).decode("ascii").replace("\n", "\r\n"),
        ]
    lines += [f"--{boundary}--", ""]
    return "\r\n".join(lines).encode("ascii")


@lru_cache(maxsize=64)
def _encoded_header(text: str) -> str:
    """A header value as RFC 2047 encoded words (few distinct subjects: encode each once)."""
    return Header(text, "utf-8").encode()


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
            self._smtp.sendmail(self.sender, [outgoing.to], message_bytes(outgoing, self.sender))
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
        (self.folder / f"{name}.eml").write_bytes(message_bytes(outgoing, self.sender))

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
