"""Session lifetime: a fresh session on login, idle and absolute timeouts, logout everywhere.

The session stores when it began and when it was last used (seconds since the epoch;
the latter to the minute).
A session older than SESSION_ABSOLUTE_TIMEOUT, or unused for SESSION_IDLE_TIMEOUT, is
ended: the person is logged out (the remember-me cookie too) and asked to log in again.
A remember-me cookie, honoured only while the person's session token is unchanged, starts
a new session with new timestamps.
"""

import logging
import time

from flask import Flask, current_app, flash, request, session
from flask_babel import gettext
from flask_login import current_user, login_user, logout_user

from ..models import User

log = logging.getLogger("vbe_learn.auth")
STARTED, SEEN = "_started_at", "_seen_at"
# "Last used" is rewritten at most once a minute: rewriting it on every request would
# re-sign and re-send the session cookie with every page (the idle timeout is 30 minutes).
SEEN_RESOLUTION_SECONDS = 60


def start_session(user: User, remember: bool = False) -> None:
    """Log a person in on a brand-new session (nothing of the old one survives)."""
    session.clear()
    login_user(user, remember=remember)
    session[STARTED] = session[SEEN] = int(time.time())


def end_every_session(user: User) -> None:
    """Log out here and end every other session and remember-me cookie of the person."""
    log.info("event=logout user_id=%s", user.id)
    user.rotate_session_token()
    session.clear()
    logout_user()  # after clear(): it marks the remember-me cookie for deletion


def session_expiry_reason(now: int, started: int, seen: int, config) -> str | None:
    """Why a session has run out ("idle" or "absolute"), or None while it is still valid."""
    if now - started >= config["SESSION_ABSOLUTE_TIMEOUT"]:
        return "absolute"
    if now - seen >= config["SESSION_IDLE_TIMEOUT"]:
        return "idle"
    return None


def _check_session_lifetime() -> None:
    if request.endpoint == "static" or not current_user.is_authenticated:
        return
    now = int(time.time())
    started, seen = session.get(STARTED), session.get(SEEN)
    if started is None or seen is None:  # restored from a remember-me cookie
        session[STARTED] = session[SEEN] = now
        return
    reason = session_expiry_reason(now, started, seen, current_app.config)
    if reason is None:
        if now - seen >= SEEN_RESOLUTION_SECONDS:
            session[SEEN] = now
        return
    log.info("event=session_expired reason=%s user_id=%s", reason, current_user.id)
    session.clear()
    logout_user()
    flash(gettext("Du har loggats ut eftersom sessionen tog slut. Logga in igen."), "info")


def init_app(app: Flask) -> None:
    """End timed-out sessions before each request."""
    app.before_request(_check_session_lifetime)
