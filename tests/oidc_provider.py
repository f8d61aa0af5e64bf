"""A small, real OpenID Connect provider on loopback for the SSO tests.

It serves discovery, a JWKS with an RSA key made at start, an authorize endpoint that
logs in the configured test person at once and redirects back with a code, and a token
endpoint that checks the client secret, the redirect URI and the PKCE verifier and
issues an RS256-signed id_token carrying the nonce it was given. Knobs let a test make
it misbehave: sign with another key, answer with another nonce or audience.
"""

import base64
import hashlib
import json
import secrets
import threading
import time
from urllib.parse import urlencode

from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

KEY_ID = "test-key-1"


class OidcProvider:
    """The provider; `start()` serves it on 127.0.0.1 at a free port, `stop()` ends it."""

    client_id = "vbe-learn"
    client_secret = "provider-secret"  # noqa: S105 - a test provider's secret

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": KEY_ID})
        self.other_key = RSAKey.generate_key(2048, parameters={"kid": KEY_ID})
        self.claims: dict = {}
        self.sign_with_other_key = False
        self.nonce_override: str | None = None
        self.audience_override: str | None = None
        self.authorize_requests: list[dict] = []
        self._codes: dict[str, dict] = {}
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> "OidcProvider":
        """Serve in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def reset(self, claims: dict) -> None:
        """Log in this person next, and behave correctly again."""
        self.claims = dict(claims)
        self.sign_with_other_key = False
        self.nonce_override = None
        self.audience_override = None
        self.authorize_requests.clear()

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        routes = {
            "/.well-known/openid-configuration": self._discovery,
            "/jwks": self._jwks,
            "/authorize": self._authorize,
            "/token": self._token,
        }
        handler = routes.get(request.path)
        response = handler(request) if handler else Response("not found", status=404)
        return response(environ, start_response)

    def _discovery(self, _request: Request) -> Response:
        return _json(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            }
        )

    def _jwks(self, _request: Request) -> Response:
        return _json({"keys": [self.key.as_dict(private=False)]})

    def _authorize(self, request: Request) -> Response:
        args = request.args.to_dict()
        self.authorize_requests.append(args)
        if args.get("client_id") != self.client_id or args.get("response_type") != "code":
            return Response("bad client or response type", status=400)
        if args.get("code_challenge_method") != "S256" or not args.get("code_challenge"):
            return Response("PKCE required", status=400)
        code = secrets.token_urlsafe(16)
        self._codes[code] = args
        query = urlencode({"code": code, "state": args.get("state", "")})
        return Response(status=302, headers={"Location": f"{args['redirect_uri']}?{query}"})

    def _token(self, request: Request) -> Response:
        authorization = request.authorization
        if authorization is None or (authorization.username, authorization.password) != (
            self.client_id,
            self.client_secret,
        ):
            return _json({"error": "invalid_client"}, status=401)
        grant = self._codes.pop(request.form.get("code", ""), None)
        if grant is None or request.form.get("redirect_uri") != grant["redirect_uri"]:
            return _json({"error": "invalid_grant"}, status=400)
        if _s256(request.form.get("code_verifier", "")) != grant["code_challenge"]:
            return _json({"error": "invalid_grant", "error_description": "PKCE"}, status=400)
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.audience_override or self.client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": self.nonce_override or grant.get("nonce"),
            **self.claims,
        }
        key = self.other_key if self.sign_with_other_key else self.key
        id_token = jwt.encode({"alg": "RS256", "kid": KEY_ID}, claims, key)
        return _json(
            {
                "access_token": secrets.token_urlsafe(16),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": id_token,
            }
        )


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _json(data: dict, status: int = 200) -> Response:

    return Response(json.dumps(data), status=status, mimetype="application/json")
