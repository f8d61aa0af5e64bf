"""Account services: authenticate, set a password, make and read set-password links."""

import logging

from flask_babel import gettext
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload, undefer

from ..core.extensions import db
from ..models import User
from .passwords import hash_password, needs_rehash, verify_password

log = logging.getLogger("vbe_learn.auth")
SET_PASSWORD_SALT = "set-password"  # noqa: S105 - a salt name, not a secret


# Every signed-in request runs it: built once at import (building a statement costs more
# than running it); bind "session_token".
SIGNED_IN_USER = (
    select(User)
    .options(joinedload(User.roles), undefer(User.manages_someone))
    .where(User.session_token == bindparam("session_token"), User.active.is_(True))
    .execution_options(populate_existing=True)  # fresh, even if the session had them
)


def find_signed_in_user(session_token: str) -> User | None:
    """The active person holding this session token (None if nobody does), with their
    roles and whether they are someone's chef (what the menu and permissions ask next)."""
    binds = {"session_token": session_token}
    return db.session.scalars(SIGNED_IN_USER, binds).unique().one_or_none()


def find_user_by_email(email: str) -> User | None:
    """The account with this e-post (compared case-insensitively)."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-post and password, or None; logs the outcome."""
    user = find_user_by_email(email)
    if not verify_password(user.password_hash if user else None, password) or not user.active:
        reason = "unknown_account" if user is None else "bad_password_or_inactive"
        log.warning("event=login_failed email=%r reason=%s", email.strip().lower()[:254], reason)
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    log.info("event=login_succeeded user_id=%s", user.id)
    return user


class SsoRefused(Exception):
    """The identity from the city's provider may not log in; the message is for the person."""


def user_for_identity(claims: dict, match_claim: str, match_field: str) -> User:
    """The active person the provider's claims name (by e-post or anställningsnummer).

    Nobody is created: someone not in the roster is refused, as is someone who left, and an
    e-post the provider says it has not verified (`email_verified: false`).
    """
    value = str(claims.get(match_claim) or "").strip()
    if not value:
        log.warning("sso login refused: the id_token has no %r claim", match_claim)
        raise SsoRefused(
            gettext("Stadens inloggning skickade inga uppgifter som vi kan känna igen dig på.")
        )
    if match_field == "email" and claims.get("email_verified") is False:
        log.warning("sso login refused: the provider has not verified %r", value)
        raise SsoRefused(gettext("Stadens inloggning har inte bekräftat din e-postadress."))
    if match_field == "email":
        user = find_user_by_email(value)
    else:
        user = db.session.scalar(select(User).where(User.employee_number == value))
    if user is None:
        log.warning("sso login refused: no person with %s %r", match_field, value)
        raise SsoRefused(
            gettext(
                "Du finns inte i utbildningens personallista. "
                "Kontakta din chef eller förvaltningens samordnare."
            )
        )
    if not user.active:
        log.warning("sso login refused: user_id=%s is not active", user.id)
        raise SsoRefused(
            gettext("Ditt konto är inte aktivt. Kontakta din chef om du arbetar kvar i staden.")
        )
    log.info("sso login user_id=%s", user.id)
    return user


def set_password(user: User, password: str) -> None:
    """Store a new password; ends the person's other sessions and links."""
    user.password_hash = hash_password(password)
    user.rotate_session_token()
    db.session.flush()
    log.info("event=password_set user_id=%s", user.id)


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=SET_PASSWORD_SALT)


def make_set_password_token(user: User, secret_key: str) -> str:
    """A signed token for the set-password link; dies when the password changes."""
    return _serializer(secret_key).dumps({"user": user.id, "session": user.session_token})


def user_for_set_password_token(token: str, secret_key: str, max_age: int) -> User | None:
    """The active user a valid, unused, unexpired token was made for, else None."""
    try:
        data = _serializer(secret_key).loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return None
    user = db.session.get(User, data.get("user")) if isinstance(data, dict) else None
    if user is None or not user.active or user.session_token != data.get("session"):
        return None
    return user
