"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for the tests.

`refuse` holds addresses whose RCPT is answered 550, `defer` those answered 450;
`on_message(count)` runs inside the server as each message is accepted (before the
client hears "250"), e.g. to kill a sender.
"""

import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


@dataclass
class Received:
    """One message as the server got it."""

    recipients: list[str]
    message: EmailMessage

    @property
    def text(self) -> str:
        """The plain-text part."""
        return self.message.get_body(("plain",)).get_content()

    @property
    def html(self) -> str:
        """The HTML part."""
        return self.message.get_body(("html",)).get_content()


@dataclass
class Recorder:
    """The aiosmtpd handler: records messages, refuses chosen recipients."""

    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    defer: set[str] = field(default_factory=set)
    on_message: object = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        """Refuse the chosen addresses with 550, accept the rest."""
        if address.lower() in self.refuse:
            return "550 5.1.1 Mottagaren finns inte"
        if address.lower() in self.defer:
            return "450 4.2.1 Försök senare"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        """Keep the message; then call on_message with the count so far."""
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.received.append(Received(list(envelope.rcpt_tos), message))
            count = len(self.received)
        if self.on_message is not None:
            self.on_message(count)
        return "250 OK"

    def to(self, address: str) -> list[Received]:
        """The messages received for one address."""
        return [r for r in self.received if address in r.recipients]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """Start and stop an aiosmtpd server on 127.0.0.1 with a Recorder.

    `smtputf8=False` makes it one that does not offer SMTPUTF8 (RFC 6531: addresses such as
    åsa.öberg@…; aiosmtpd's Controller offers it by default)."""

    def __init__(self, smtputf8: bool = True):
        self.recorder = Recorder()
        self.port = free_port()
        self.controller = Controller(
            self.recorder, hostname="127.0.0.1", port=self.port, enable_SMTPUTF8=smtputf8
        )

    def __enter__(self) -> "SmtpServer":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()
