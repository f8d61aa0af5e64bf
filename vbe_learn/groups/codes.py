"""The rotating join code of a gruppomgång, and its QR code.

Like TOTP (RFC 6238): an HMAC-SHA256 of the 30-second time window under the session's
secret, cut to six digits. A code is accepted in its own window and the next one (so it
lives 30–60 seconds); an older one is refused. Nothing is stored per code.
"""

import hashlib
import hmac
import secrets
from datetime import datetime

import segno

WINDOW_SECONDS = 30
CODE_DIGITS = 6
ACCEPTED_WINDOWS = 2  # the current window and the previous one
EXPIRED_WINDOWS = 120  # a code up to an hour old is recognised as expired (a clearer message)


def new_join_secret() -> str:
    """A fresh random key for a session's codes (256 bits, hex)."""
    return secrets.token_hex(32)


def time_window(at: datetime) -> int:
    """The number of the 30-second window a moment falls in."""
    return int(at.timestamp()) // WINDOW_SECONDS


def code_in_window(secret: str, window: int) -> str:
    """The six-digit code of one window (dynamic truncation as in HOTP)."""
    digest = hmac.new(secret.encode(), window.to_bytes(8, "big"), hashlib.sha256).digest()
    offset = digest[-1] & 0x0F
    number = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return f"{number % 10**CODE_DIGITS:0{CODE_DIGITS}d}"


def current_code(secret: str, at: datetime) -> str:
    """The code to show now."""
    return code_in_window(secret, time_window(at))


def seconds_left(at: datetime) -> int:
    """Seconds until the shown code changes."""
    return WINDOW_SECONDS - int(at.timestamp()) % WINDOW_SECONDS


def code_is_valid(secret: str, code: str, at: datetime) -> bool:
    """Whether a code is the current window's or the previous one's."""
    now = time_window(at)
    return any(
        hmac.compare_digest(code_in_window(secret, window), code)
        for window in range(now - ACCEPTED_WINDOWS + 1, now + 1)
    )


def code_has_expired(secret: str, code: str, at: datetime) -> bool:
    """Whether a code was this session's in an older window (within the last hour)."""
    now = time_window(at) - ACCEPTED_WINDOWS
    return any(
        hmac.compare_digest(code_in_window(secret, window), code)
        for window in range(now - EXPIRED_WINDOWS + 1, now + 1)
    )


def normalised_code(text: str | None) -> str:
    """A typed code without spaces or dashes ("123 456" → "123456")."""
    return "".join(character for character in (text or "") if character not in " -\t")


def is_code_shaped(code: str) -> bool:
    """Six digits."""
    return len(code) == CODE_DIGITS and code.isascii() and code.isdigit()


def spaced(code: str) -> str:
    """The code as shown on the big screen: "123 456"."""
    return f"{code[:3]} {code[3:]}"


def qr_svg(url: str) -> str:
    """An inline SVG QR code of a URL (segno; black modules, the quiet zone included)."""
    qr = segno.make(url, error="m", micro=False)
    return qr.svg_inline(scale=1, svgclass="group-qr-code", lineclass=None, omitsize=True)
