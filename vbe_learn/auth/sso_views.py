"""Single sign-on with the city's account (OpenID Connect): /login/sso and its callback."""

from flask import abort, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext
from flask_login import current_user

from ..core.urls import absolute_url
from . import bp
from .oidc import SsoError, redirect_to_provider, sso_enabled, verified_claims
from .services import SsoRefused, user_for_identity
from .sessions import start_session
from .views import safe_next_url

NEXT_KEY = "sso_next"


@bp.app_context_processor
def sso_offer() -> dict:
    """Templates show "Logga in med stadens konto" when single sign-on is configured."""
    return {"sso_enabled": sso_enabled()}


@bp.get("/login/sso")
def sso_login():
    """Send the person to the city's login page."""
    if not sso_enabled():
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("learning.dashboard"))
    session[NEXT_KEY] = safe_next_url(request.args.get("next"))
    try:
        return redirect_to_provider(absolute_url("auth.sso_callback"))
    except SsoError:
        flash(gettext("Stadens inloggning svarar inte just nu. Försök igen om en stund."), "error")
        return redirect(url_for("auth.login"))


@bp.get("/login/sso/callback")
def sso_callback():
    """Back from the city's login page: check the answer, find the person, log them in."""
    if not sso_enabled():
        abort(404)
    config = current_app.config
    try:
        claims = verified_claims()
        user = user_for_identity(claims, config["OIDC_MATCH_CLAIM"], config["OIDC_MATCH_FIELD"])
    except SsoError:
        flash(gettext("Inloggningen med stadens konto kunde inte slutföras. Försök igen."), "error")
        return redirect(url_for("auth.login"))
    except SsoRefused as refusal:
        flash(str(refusal), "error")
        return redirect(url_for("auth.login"))
    next_url = session.get(NEXT_KEY)
    start_session(user)
    return redirect(safe_next_url(next_url))
