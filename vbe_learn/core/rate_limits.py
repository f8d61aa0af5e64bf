"""Rate limits (Flask-Limiter) on logging in, on set-password links and on the public intyg
verification page.

Counted in Redis (REDIS_URL) so that every worker shares the counts. Without REDIS_URL they
are counted in memory, one worker's own counts: allowed in development (a warning is logged
when the first request is served, so plain CLI calls stay quiet), refused in production.

Failed logins cannot lock the owner out (OWASP Authentication Cheat Sheet, "account
lockout"): they are counted per account *and* IP address, so guesses from elsewhere do not
stop the owner's own address. Account-wide there is only a softer backoff: a higher
threshold in a short fixed window, so that guesses from many addresses are slowed down and
the owner waits at most until the window ends. A third limit counts each address's failures
across accounts. On logging in and choosing a password only failed attempts count: a success
(a redirect) costs nothing, so colleagues behind one office address do not stop each other.
Every request for a set-password link counts (it sends e-mail).
"""

import hashlib
import logging
from collections.abc import Callable

from flask import Flask, Response, current_app, request
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


def account_and_ip_key() -> str:
    """The account and the address the attempt comes from."""
    return f"{account_key()}|ip:{get_remote_address()}"


def ip_key() -> str:
    """The address the attempt comes from."""
    return get_remote_address()


def failed(response: Response) -> bool:
    """A POST that did not succeed (success always redirects)."""
    return response.status_code != 302


# The limits on each attempt: (setting, key). The account-wide one is the soft backoff.
ATTEMPT_LIMITS = (
    ("LOGIN_LIMIT_PER_ACCOUNT_AND_IP", account_and_ip_key),
    ("LOGIN_BACKOFF_PER_ACCOUNT", account_key),
    ("LOGIN_LIMIT_PER_IP", ip_key),
)
# endpoint → which responses count (None: every POST)
LIMITED_ENDPOINTS: dict[str, Callable[[Response], bool] | None] = {
    "auth.login": failed,
    "auth.set_password": failed,
    "auth.forgot_password": None,
}
VERIFY_ENDPOINT = "certificates.verify"


def log_breach(limit: RequestLimit) -> None:
    """Log a refused attempt: which limit, which key (never a link itself) and the address."""
    event = "login_locked_out" if request.endpoint in LIMITED_ENDPOINTS else "rate_limited"
    log.warning(
        "event=%s endpoint=%s key=%s limit=%s ip=%s",
        event,
        request.endpoint,
        limit.key,
        limit.limit,
        get_remote_address(),
    )


def storage_uri(app: Flask) -> str:
    """Redis when REDIS_URL is set; memory otherwise, which production refuses."""
    if app.config["REDIS_URL"]:
        return app.config["REDIS_URL"]
    if app.config["RATELIMIT_ENABLED"] and app.config["ENVIRONMENT"] == "production":
        raise RuntimeError(
            "REDIS_URL måste sättas i produktion (VBE_ENV=production): gränserna för "
            "inloggningsförsök räknas i Redis, delat av alla arbetsprocesser. "
            "(REDIS_URL must be set in production: the login limits are counted in Redis.)"
        )
    return "memory://"


def warn_once_about_memory_counts() -> None:
    """Log, once per process and app, that the limits count in memory (development)."""
    if current_app.extensions.get("vbe_limits_in_memory_warned"):
        return
    current_app.extensions["vbe_limits_in_memory_warned"] = True
    log.warning(
        "REDIS_URL is not set: login limits are counted in memory, per worker process "
        "(acceptable in development only)"
    )


def init_app(app: Flask) -> Limiter:
    """A limiter for this app (no default limits), with the limits on the auth endpoints'
    POSTs and on the public verification page; call it after the blueprints."""
    app.config["RATELIMIT_STORAGE_URI"] = storage_uri(app)
    if app.config["RATELIMIT_STORAGE_URI"] == "memory://" and app.config["RATELIMIT_ENABLED"]:
        app.before_request(warn_once_about_memory_counts)
    limiter = Limiter(get_remote_address, app=app, default_limits=[], on_breach=log_breach)
    config = app.config
    for endpoint, deduct_when in LIMITED_ENDPOINTS.items():
        view = app.view_functions[endpoint]
        for setting, key in ATTEMPT_LIMITS:
            view = limiter.limit(
                config[setting],
                key_func=key,
                methods=["POST"],
                deduct_when=deduct_when,
                scope=f"{endpoint}:{key.__name__}",
            )(view)
        app.view_functions[endpoint] = view
    app.view_functions[VERIFY_ENDPOINT] = limiter.limit(
        config["VERIFY_LIMIT_PER_IP"], key_func=ip_key, scope=f"{VERIFY_ENDPOINT}:ip_key"
    )(app.view_functions[VERIFY_ENDPOINT])
    return limiter
