"""Single sign-on against a real OpenID Connect provider started by the test on loopback.

The test client plays the browser: it asks for /login/sso, the provider's authorize
redirect is followed with `requests` (as a browser would), and the provider's redirect
back is handed to the app's callback, which then talks to the provider itself.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import func, select

from vbe_learn.core.extensions import db
from vbe_learn.models import User

from ..factories import make_user
from ..oidc_provider import OidcProvider

NOT_IN_ROSTER = "Du finns inte i utbildningens personallista."
NOT_ACTIVE = "Ditt konto är inte aktivt."
NOT_COMPLETED = "Inloggningen med stadens konto kunde inte slutföras."


@pytest.fixture(scope="module")
def provider():
    """The provider, serving for the whole module."""
    server = OidcProvider().start()
    yield server
    server.stop()


@pytest.fixture
def sso(app, provider, monkeypatch):
    """The app configured for the provider (match by e-post, as by default)."""
    provider.reset({})
    for key, value in {
        "OIDC_ISSUER": provider.issuer,
        "OIDC_CLIENT_ID": provider.client_id,
        "OIDC_CLIENT_SECRET": provider.client_secret,
        "OIDC_MATCH_CLAIM": "email",
        "OIDC_MATCH_FIELD": "email",
    }.items():
        monkeypatch.setitem(app.config, key, value)
    return provider


def provider_redirect(client, path: str = "/login/sso") -> str:
    """Start the login and follow the provider's authorize step; return the callback URL."""
    start = client.get(path)
    assert start.status_code == 302, start.get_data(as_text=True)
    answer = requests.get(start.location, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def callback(client, url: str):
    """Hand the provider's redirect to the app's callback."""
    parts = urlsplit(url)
    assert parts.path == "/login/sso/callback"
    return client.get(f"{parts.path}?{parts.query}")


def sign_in(client, path: str = "/login/sso"):
    """The whole dance; returns the callback's response."""
    return callback(client, provider_redirect(client, path))


def logged_in(client) -> bool:
    """Whether the client's session belongs to a logged-in person."""
    return client.get("/min-utbildning").status_code == 200


def refusal_text(client, response) -> str:
    """The page the refused login redirects to, with its message."""
    assert response.status_code == 302
    assert response.location.endswith("/logga-in")
    return client.get(response.location).get_data(as_text=True)


def test_login_by_email_behaves_like_a_local_login(client, sso):
    user = make_user(email="anna.ek@test.stockholm.se", first_name="Anna")
    sso.reset({"sub": "city-1", "email": "Anna.Ek@Test.Stockholm.se"})
    response = sign_in(client)
    assert response.location.endswith("/min-utbildning")
    assert logged_in(client)
    with client.session_transaction() as session:
        assert session["_user_id"] == user.session_token
        assert not [key for key in session if key.startswith("_state_")]
    client.post("/logga-ut")
    assert not logged_in(client)


def test_the_authorize_request_uses_pkce_state_and_nonce(client, sso):
    make_user(email="pkce@test.stockholm.se")
    sso.reset({"sub": "city-2", "email": "pkce@test.stockholm.se"})
    sign_in(client)
    (request,) = sso.authorize_requests
    assert request["code_challenge_method"] == "S256"
    assert len(request["code_challenge"]) >= 43
    assert request["state"] and request["nonce"]
    assert request["redirect_uri"] == "http://localhost/login/sso/callback"
    assert set(request["scope"].split()) >= {"openid", "email"}


def test_login_by_employee_number_claim(client, sso, monkeypatch, app):
    monkeypatch.setitem(app.config, "OIDC_MATCH_CLAIM", "anstallningsnummer")
    monkeypatch.setitem(app.config, "OIDC_MATCH_FIELD", "employee_number")
    make_user(email="other@test.stockholm.se", employee_number="E1234")
    sso.reset(
        {"sub": "city-3", "email": "not.in.roster@example.org", "anstallningsnummer": "E1234"}
    )
    assert sign_in(client).location.endswith("/min-utbildning")
    assert logged_in(client)


def test_next_page_is_kept_through_the_dance(client, sso):
    make_user(email="next@test.stockholm.se")
    sso.reset({"sub": "city-4", "email": "next@test.stockholm.se"})
    response = sign_in(client, "/login/sso?next=/intyg")
    assert response.location == "/intyg"


def test_unknown_person_is_refused_and_nobody_is_created(client, sso):
    people_before = db.session.scalar(select(func.count(User.id)))
    sso.reset({"sub": "city-5", "email": "ny.person@test.stockholm.se"})
    page = refusal_text(client, sign_in(client))
    assert NOT_IN_ROSTER in page
    assert not logged_in(client)
    assert db.session.scalar(select(func.count(User.id))) == people_before


def test_person_who_left_is_refused(client, sso):
    make_user(email="slutat@test.stockholm.se", active=False)
    sso.reset({"sub": "city-6", "email": "slutat@test.stockholm.se"})
    assert NOT_ACTIVE in refusal_text(client, sign_in(client))
    assert not logged_in(client)


def test_unverified_email_is_refused(client, sso):
    make_user(email="overifierad@test.stockholm.se")
    sso.reset({"sub": "city-8", "email": "overifierad@test.stockholm.se", "email_verified": False})
    assert "inte bekräftat din e-postadress" in refusal_text(client, sign_in(client))
    assert not logged_in(client)


def test_missing_claim_is_refused(client, sso):
    sso.reset({"sub": "city-7"})
    assert "inga uppgifter som vi kan känna igen dig på" in refusal_text(client, sign_in(client))


@pytest.mark.parametrize(
    "misbehave",
    [
        pytest.param(lambda p: setattr(p, "sign_with_other_key", True), id="bad-signature"),
        pytest.param(lambda p: setattr(p, "nonce_override", "another-nonce"), id="wrong-nonce"),
        pytest.param(lambda p: setattr(p, "audience_override", "other-app"), id="wrong-audience"),
    ],
)
def test_untrustworthy_id_tokens_are_refused(client, sso, misbehave):
    make_user(email="maria@test.stockholm.se")
    sso.reset({"sub": "city-8", "email": "maria@test.stockholm.se"})
    misbehave(sso)
    assert NOT_COMPLETED in refusal_text(client, sign_in(client))
    assert not logged_in(client)


def test_wrong_state_is_refused(client, sso):
    make_user(email="state@test.stockholm.se")
    sso.reset({"sub": "city-9", "email": "state@test.stockholm.se"})
    url = provider_redirect(client)
    code = parse_qs(urlsplit(url).query)["code"][0]
    response = client.get(f"/login/sso/callback?code={code}&state=forged-state")
    assert NOT_COMPLETED in refusal_text(client, response)
    assert not logged_in(client)


def test_a_callback_from_another_browser_is_refused(app, client, sso):
    make_user(email="csrf@test.stockholm.se")
    sso.reset({"sub": "city-10", "email": "csrf@test.stockholm.se"})
    url = provider_redirect(client)
    victim = app.test_client()
    assert NOT_COMPLETED in refusal_text(victim, callback(victim, url))
    assert not logged_in(victim)


def test_provider_error_answer_is_refused(client, sso):
    provider_redirect(client)
    response = client.get("/login/sso/callback?error=access_denied&state=x")
    assert NOT_COMPLETED in refusal_text(client, response)


def test_unreachable_provider_gives_a_message(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_ISSUER", "http://127.0.0.1:9")
    monkeypatch.setitem(app.config, "OIDC_CLIENT_ID", "vbe-learn")
    response = client.get("/login/sso")
    assert response.location.endswith("/logga-in")
    assert "Stadens inloggning svarar inte" in client.get(response.location).get_data(as_text=True)


def test_login_page_offers_sso_only_when_configured(client, sso, app, monkeypatch):
    assert "Logga in med stadens konto" in client.get("/logga-in").get_data(as_text=True)
    monkeypatch.setitem(app.config, "OIDC_ISSUER", "")
    page = client.get("/logga-in").get_data(as_text=True)
    assert "Logga in med stadens konto" not in page
    assert 'name="password"' in page
    assert client.get("/login/sso").status_code == 404
    assert client.get("/login/sso/callback?code=x&state=y").status_code == 404


def test_unknown_match_field_stops_the_app():
    from vbe_learn import create_app
    from vbe_learn.core.config import TestConfig

    with pytest.raises(RuntimeError, match="OIDC_MATCH_FIELD"):
        create_app(type("Config", (TestConfig,), {"OIDC_MATCH_FIELD": "personnummer"}))
