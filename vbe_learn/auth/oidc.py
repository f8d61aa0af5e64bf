"""OpenID Connect with the city's identity provider (Authlib): the protocol, not the people.

The provider is found by discovery (`OIDC_ISSUER` + /.well-known/openid-configuration).
Each login uses the authorization code flow with PKCE (S256), a state and a nonce kept
in the session; the id_token's signature is checked against the provider's JWKS, and its
issuer, audience, expiry and nonce against what this login expects. Which person the
identity is, is decided in `services.user_for_identity`.
"""

import logging
from typing import TYPE_CHECKING

from flask import Flask, Response, current_app

if TYPE_CHECKING:  # Authlib (and requests) load at the first single sign-on, not at start
    from authlib.integrations.flask_client.apps import FlaskOAuth2App

log = logging.getLogger(__name__)
MATCH_FIELDS = ("email", "employee_number")
DISCOVERY_PATH = "/.well-known/openid-configuration"
HTTP_TIMEOUT_SECONDS = 10


class SsoError(Exception):
    """The provider's answer could not be trusted or understood; nobody is logged in."""


def sso_enabled(app: Flask | None = None) -> bool:
    """Whether single sign-on is configured (issuer and client id set)."""
    config = (app or current_app).config
    return bool(config.get("OIDC_ISSUER") and config.get("OIDC_CLIENT_ID"))


def check_settings(app: Flask) -> None:
    """Refuse to start with an OIDC_MATCH_FIELD that names no identifying column."""
    if app.config.get("OIDC_MATCH_FIELD") not in MATCH_FIELDS:
        raise RuntimeError(
            "OIDC_MATCH_FIELD måste vara email eller employee_number, "
            f"inte {app.config.get('OIDC_MATCH_FIELD')!r}."
        )


def _client() -> "FlaskOAuth2App":
    """The provider client for the current settings (kept per app, rebuilt if they change)."""
    from authlib.integrations.flask_client import FlaskIntegration
    from authlib.integrations.flask_client.apps import FlaskOAuth2App

    config = current_app.config
    issuer = config["OIDC_ISSUER"].rstrip("/")
    key = (issuer, config["OIDC_CLIENT_ID"], config["OIDC_CLIENT_SECRET"])
    cached = current_app.extensions.get("vbe_oidc")
    if cached is None or cached[0] != key:
        client = FlaskOAuth2App(
            FlaskIntegration("oidc"),
            name="oidc",
            client_id=key[1],
            client_secret=key[2],
            server_metadata_url=issuer + DISCOVERY_PATH,
            client_kwargs={
                "scope": "openid email profile",
                "code_challenge_method": "S256",
                "default_timeout": HTTP_TIMEOUT_SECONDS,
            },
        )
        cached = (key, client)
        current_app.extensions["vbe_oidc"] = cached
    return cached[1]


def _checked_client() -> "FlaskOAuth2App":
    client = _client()
    metadata = client.load_server_metadata()
    if metadata.get("issuer", "").rstrip("/") != current_app.config["OIDC_ISSUER"].rstrip("/"):
        current_app.extensions.pop("vbe_oidc", None)  # read the discovery document again
        raise SsoError(f"the discovery document names issuer {metadata.get('issuer')!r}")
    return client


def redirect_to_provider(redirect_uri: str) -> Response:
    """Send the browser to the provider (state, nonce and PKCE verifier go in the session)."""
    from authlib.common.errors import AuthlibBaseError
    from requests import RequestException

    try:
        return _checked_client().authorize_redirect(redirect_uri)
    except (AuthlibBaseError, RequestException, ValueError) as error:
        log.warning("sso: cannot reach the provider: %s", error)
        raise SsoError(str(error)) from error


def verified_claims() -> dict:
    """The claims of the id_token returned to the callback, after every check has passed."""
    from authlib.common.errors import AuthlibBaseError
    from joserfc.errors import JoseError
    from requests import RequestException

    try:
        token = _checked_client().authorize_access_token()
    except (AuthlibBaseError, JoseError, RequestException, ValueError, KeyError) as error:
        log.warning("sso: refused the provider's answer: %r", error)
        raise SsoError(repr(error)) from error
    claims = token.get("userinfo")
    if not claims:
        log.warning("sso: the token response has no id_token")
        raise SsoError("no id_token")
    return dict(claims)
