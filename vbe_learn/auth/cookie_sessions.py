"""Flask's signed-cookie sessions, each cookie's signature verified once per process.

Every request opens the session cookie: an HMAC check, base64, zlib and tagged JSON, about
a fifteenth of a module page's CPU. A learner sends the same cookie for a minute at a time
(it changes when "last used" is rewritten, auth/sessions.py), so each worker remembers the
cookies it has verified: the cookie's text → its data and when it was signed. A
remembered cookie is still held to the session lifetime, and every request gets its own
copy of the data. Only flat data (text, numbers, booleans) is remembered; a session that
holds a list or a dict (flashed messages) is opened the usual way every time.

Nothing else changes: a cookie is remembered only after Flask's own check accepted it,
under the app's current key (part of what is remembered); a changed cookie is a different
text and is checked afresh.
"""

import time

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature

REMEMBERED_COOKIES = 4096  # per process; when full, it starts over
FLAT_TYPES = (str, int, float, bool, type(None))


class RememberingCookieSessions(SecureCookieSessionInterface):
    """SecureCookieSessionInterface that verifies a given cookie text once per process."""

    def __init__(self) -> None:
        self._verified: dict[tuple, tuple[dict, float]] = {}  # (key, cookie) → data, signed

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """The session in the request's cookie: remembered if verified before, else checked."""
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie or not app.secret_key:
            return super().open_session(app, request)
        max_age = app.permanent_session_lifetime.total_seconds()
        remembered = self._verified.get((app.secret_key, cookie))
        if remembered is not None and time.time() - remembered[1] <= max_age:
            return self.session_class(remembered[0])
        serializer = self.get_signing_serializer(app)
        try:
            data, signed_at = serializer.loads(cookie, max_age=int(max_age), return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if all(isinstance(value, FLAT_TYPES) for value in data.values()):
            if len(self._verified) >= REMEMBERED_COOKIES:
                self._verified.clear()
            self._verified[app.secret_key, cookie] = (dict(data), signed_at.timestamp())
        return self.session_class(data)


def init_app(app: Flask) -> None:
    """Use the remembering cookie sessions for this app (one memory per app)."""
    app.session_interface = RememberingCookieSessions()
