"""E-mail delivery: over SMTP (one connection for many messages), or, without MAIL_SERVER,
to a folder (one .eml file per message) or the log.

Settings use Flask-Mail's names (MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS, MAIL_USE_SSL,
MAIL_USERNAME, MAIL_PASSWORD, MAIL_DEFAULT_SENDER); the standard library does the work:
`email.message.EmailMessage` builds each message, `smtplib` sends it.

Addresses with å, ä, ö (or any non-ASCII) in the local part go out with SMTPUTF8 when the
server offers it; a server without it refuses that one message (DeliveryFailed, with a
Swedish reason), never the run. A non-ASCII domain is sent in its ASCII (IDNA) form.
"""

import logging
import re
import smtplib
import ssl
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

log = logging.getLogger("vbe_learn.core.mail")

# The one rule for a usable e-post address (the roster import checks it too): a dot-atom
# local part (letters of any script allowed) @ a domain of at least two labels.
_ATEXT = r"[\w!#$%&'*+/=?^`{|}~-]"
_LABEL = r"[^\W_](?:[\w-]*[^\W_])?"
ADDRESS_PATTERN = rf"{_ATEXT}+(?:\.{_ATEXT}+)*@{_LABEL}(?:\.{_LABEL})+"
ADDRESS = re.compile(ADDRESS_PATTERN)
INVALID_ADDRESS = "E-postadressen går inte att använda."
NO_SMTPUTF8 = (
    "E-postservern tar inte emot adresser med å, ä, ö eller andra tecken utanför ASCII "
    "(den erbjuder inte SMTPUTF8)."
)
MESSAGE_POLICY = policy.SMTP  # CRLF line ends; non-ASCII headers as RFC 2047 encoded words


@dataclass(frozen=True)
class Outgoing:
    """One message: plain text and HTML, with a Message-ID that names its reminder row."""

    to: str
    subject: str
    text: str
    html: str
    message_id: str
    to_name: str = ""
    language: str = "sv"  # the language it is written in (Content-Language; core/i18n.py)


class DeliveryFailed(Exception):
    """The server refused this message (e.g. an unknown address): record it, go on.

    `temporary` is True for 4xx answers, which are worth another try on the next run.
    """

    def __init__(self, reason: str, temporary: bool = False):
        super().__init__(reason)
        self.temporary = temporary


class MailServerUnavailable(Exception):
    """No connection to the mail server: nothing was sent, stop the run."""


def recipient(outgoing: Outgoing) -> Address:
    """The To address, its domain in ASCII (IDNA); DeliveryFailed when it is not usable."""
    if not ADDRESS.fullmatch(outgoing.to):
        raise DeliveryFailed(INVALID_ADDRESS)
    local, _, domain = outgoing.to.rpartition("@")
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
        return Address(outgoing.to_name, local, ascii_domain)
    except (UnicodeError, ValueError) as exc:
        raise DeliveryFailed(INVALID_ADDRESS) from exc


def build_message(outgoing: Outgoing, sender: str) -> EmailMessage:
    """A multipart/alternative message (text, then HTML; UTF-8, quoted-printable)."""
    to = recipient(outgoing)
    message = EmailMessage(policy=MESSAGE_POLICY)
    try:
        message["From"] = sender
        message["To"] = to
        message["Subject"] = outgoing.subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = outgoing.message_id
    except ValueError as exc:  # a line break in a header value
        raise DeliveryFailed(f"{INVALID_ADDRESS} ({exc})") from exc
    message.set_content(outgoing.text, cte="quoted-printable")
    message.add_alternative(outgoing.html, subtype="html", cte="quoted-printable")
    # After the parts: making it multipart moves Content-* headers into the first part.
    message["Content-Language"] = outgoing.language
    return message


def message_bytes(outgoing: Outgoing, sender: str) -> bytes:
    """The message as it goes on the wire (raw UTF-8 headers only when the address needs it)."""
    message = build_message(outgoing, sender)
    international = not message["To"].addresses[0].addr_spec.isascii()
    return message.as_bytes(policy=policy.SMTPUTF8 if international else MESSAGE_POLICY)


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
        """Send one message; DeliveryFailed when the server refuses it (or cannot take it)."""
        message = build_message(outgoing, self.sender)
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            # SMTPUTF8 (and raw UTF-8 headers) only when the recipient's address needs it.
            self._smtp.send_message(message, to_addrs=[message["To"].addresses[0].addr_spec])
        except smtplib.SMTPRecipientsRefused as exc:
            code, reason = next(iter(exc.recipients.values()))
            self._reset()
            raise DeliveryFailed(_answer(code, reason), 400 <= code < 500) from exc
        except smtplib.SMTPResponseException as exc:
            self._reset()
            raise DeliveryFailed(
                _answer(exc.smtp_code, exc.smtp_error), exc.smtp_code < 500
            ) from exc
        except smtplib.SMTPNotSupportedError as exc:  # no SMTPUTF8: nothing was sent
            raise DeliveryFailed(NO_SMTPUTF8) from exc
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self.close()
            raise DeliveryFailed(f"anslutningen bröts: {exc}", temporary=False) from exc
        except (smtplib.SMTPException, UnicodeError, ValueError) as exc:
            self._reset()
            raise DeliveryFailed(f"meddelandet kunde inte skickas: {exc}") from exc

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
