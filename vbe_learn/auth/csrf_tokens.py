"""Signed CSRF tokens, each signed at most once a minute per session and process.

Flask-WTF signs the session's raw CSRF token with a timestamp on every request that renders
a form (`generate_csrf`: JSON, HMAC and base64, about a fifteenth of a module page's CPU).
A signed token stays valid for WTF_CSRF_TIME_LIMIT (here None: as long as the session;
Flask-WTF's default is an hour), so a token signed up to a minute ago is as good as a new
one: each worker remembers, per secret key and raw token,
the signed token it last made and when, and hands it out again within REUSE_SECONDS by
putting it where Flask-WTF looks first (`g.csrf_token`) before the request runs.

Nothing about checking changes: a POST's token is validated by CSRFProtect as before, and
a token is at most REUSE_SECONDS older than it would otherwise be when it is sent.
"""

import time

from flask import Flask, Response, current_app, g, request, session
from itsdangerous import BadData, URLSafeTimedSerializer

REUSE_SECONDS = 60
REMEMBERED_TOKENS = 4096  # per process; when full, it starts over
_FIELD = "csrf_token"  # WTF_CSRF_FIELD_NAME: g's attribute and the session's key


class SignedTokenMemory:
    """(secret key, raw token) → (signed token, when it was signed), per process."""

    def __init__(self) -> None:
        self._signed: dict[tuple[str, str], tuple[str, float]] = {}

    def recall(self, secret_key: str, raw_token: str, now: float) -> str | None:
        """The token signed for this raw token within REUSE_SECONDS, if any."""
        remembered = self._signed.get((secret_key, raw_token))
        if remembered is None or now - remembered[1] >= REUSE_SECONDS:
            return None
        return remembered[0]

    def remember(self, secret_key: str, raw_token: str, signed: str, now: float) -> None:
        """Keep a token signed now for reuse."""
        if len(self._signed) >= REMEMBERED_TOKENS:
            self._signed.clear()
        self._signed[secret_key, raw_token] = (signed, now)


def _secret_key() -> str:
    return current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key


def signs_raw_token(signed: str, raw_token: str, secret_key: str) -> bool:
    """Whether `signed` is Flask-WTF's signature of this raw token (the session may have
    been replaced, at a login, after the request's token was made)."""
    serializer = URLSafeTimedSerializer(secret_key, salt="wtf-csrf-token")
    try:
        return serializer.loads(signed) == raw_token
    except BadData:
        return False


def init_app(app: Flask) -> None:
    """Reuse each session's signed CSRF token for up to a minute in this process."""
    if app.config.get("WTF_CSRF_FIELD_NAME", _FIELD) != _FIELD:
        return  # another field name: leave Flask-WTF to itself
    memory = SignedTokenMemory()

    @app.before_request
    def reuse_signed_token() -> None:
        if request.endpoint == "static" or not request.cookies:
            return
        raw_token = session.get(_FIELD)
        if raw_token is None:
            return
        signed = memory.recall(_secret_key(), raw_token, time.time())
        if signed is not None:
            g.csrf_token = signed
            g._csrf_token_reused = True

    @app.after_request
    def remember_signed_token(response: Response) -> Response:
        signed = g.get(_FIELD)
        if signed is not None and not g.get("_csrf_token_reused"):
            raw_token, secret_key = session.get(_FIELD), _secret_key()
            if raw_token is not None and signs_raw_token(signed, raw_token, secret_key):
                memory.remember(secret_key, raw_token, signed, time.time())
        return response
