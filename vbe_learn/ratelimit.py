"""Rate limits on logging in and on set-password links, per account and per IP address.

Counted by Flask-Limiter in Redis (REDIS_URL) so that every worker shares the counts; in
memory (one worker's own counts) only when REDIS_URL is unset, with a warning in the log.
On logging in and choosing a password only failed attempts count: a success (a redirect)
costs nothing, so people at one office behind one address are not locked out by each
other's ordinary logins. Every request for a set-password link counts (it sends e-mail).
"""

import hashlib
import logging
from functools import partial, wraps

from flask import Flask, Response, request
from flask_limiter import Limiter, RequestLimit
from flask_limiter.util import get_remote_address

log = logging.getLogger("vbe_learn.auth")


def account_key() -> str:
    """The account a request is about: the e-post in the form, or the set-password link."""
    email = request.form.get("email", "").strip().lower()
    if email:
        return f"account:{email[:254]}"
    token = (request.view_args or {}).get("token", "")
    return "link:" + hashlib.sha256(token.encode()).hexdigest()[:32]  # never the link in logs


def failed(response: Response) -> bool:
    """A POST that did not succeed (success always redirects)."""
    return response.status_code != 302


# endpoint → which responses count (None: every POST)
LIMITED_ENDPOINTS = {
    "auth.login": failed,
    "auth.set_password": failed,
    "auth.forgot_password": None,
}


def _log_lockout(limit: RequestLimit) -> None:
    log.warning(
        "event=login_locked_out endpoint=%s key=%s limit=%s ip=%s",
        request.endpoint,
        limit.key,
        limit.limit,
        get_remote_address(),
    )


def storage_uri(app: Flask) -> str:
    """Redis when REDIS_URL is set; memory otherwise (logged as a warning)."""
    if app.config["REDIS_URL"]:
        return app.config["REDIS_URL"]
    if app.config["RATELIMIT_ENABLED"]:
        log.warning(
            "REDIS_URL is not set: login limits are counted in memory, per worker process "
            "(acceptable in development only)"
        )
    return "memory://"


def init_app(app: Flask) -> Limiter:
    """A limiter for this app, with the limits on the auth endpoints' POSTs."""
    app.config["RATELIMIT_STORAGE_URI"] = storage_uri(app)
    limiter = Limiter(get_remote_address, app=app)
    config = app.config
    for endpoint, deduct_when in LIMITED_ENDPOINTS.items():
        view = app.view_functions[endpoint]
        for limit, key in (
            (config["LOGIN_LIMIT_PER_ACCOUNT"], account_key),
            (config["LOGIN_LIMIT_PER_IP"], get_remote_address),
        ):
            # The wrapper checks every limit of the view (decorated limits are checked there,
            # not in the limiter's before_request hook); this app's views only.
            view = limiter.limit(
                limit,
                key_func=key,
                methods=["POST"],
                deduct_when=deduct_when,
                on_breach=_log_lockout,
                scope=f"{endpoint}:{key.__name__}",
            )(view)
        app.view_functions[endpoint] = view
    # The limiter's app-wide before_request hook checks default and application limits,
    # which this app has none of; the limits above are checked by their view wrappers. The
    # hook would still look every request up in the limiter's tables (a measurable share
    # of a module page), so it is taken out. Its after_request hook stays: it deducts the
    # failed attempts (deduct_when).
    hooks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in hooks:  # (not there when limits are switched off)
        hooks.remove(limiter._check_request_limit)
    # Its after_request hook (which deducts) and teardown hook (which clears the request's
    # limiter state) only act on what a limited view recorded, yet each builds that state
    # for every request: they run for the limited endpoints only.
    after = app.after_request_funcs.get(None, [])
    for index, hook in enumerate(after):
        if isinstance(hook, partial) and hook.args == (limiter,):
            after[index] = _for_limited_endpoints(hook)
    teardown = app.teardown_request_funcs.get(None, [])
    for index, hook in enumerate(teardown):
        if getattr(hook, "__self__", None) is limiter:
            teardown[index] = _for_limited_endpoints(hook)
    return limiter


def _for_limited_endpoints(hook):
    """The limiter's request hook, run for the limited endpoints only."""

    @wraps(hook)
    def limited_endpoints_only(response_or_error):
        if request.endpoint in LIMITED_ENDPOINTS:
            return hook(response_or_error)
        return response_or_error

    return limited_endpoints_only
