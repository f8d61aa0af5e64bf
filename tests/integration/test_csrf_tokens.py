"""A session's signed CSRF token is reused for up to a minute per process, and stays exactly
as valid as one signed afresh (auth/csrf_tokens.py)."""

import re

import pytest
from flask import session
from flask_wtf.csrf import generate_csrf

from vbe_learn.auth import csrf_tokens
from vbe_learn.auth.csrf_tokens import SignedTokenMemory, signs_raw_token

from ..factories import make_user

PAGE = "/kurs/grundutbildning/1/1"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def csrf_checked(app):
    """CSRFProtect on, as in production (the suite turns it off)."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def token_on(client, path: str = PAGE) -> str:
    """The signed CSRF token in the page's form."""
    return TOKEN.search(client.get(path).get_data(as_text=True)).group(1)


def raw_token(client) -> str:
    """The session's raw CSRF token."""
    with client.session_transaction() as session:
        return session["csrf_token"]


def test_a_session_gets_the_same_signed_token_within_a_minute_and_it_is_accepted(
    app, client, auth, csrf_checked, monkeypatch
):
    auth.login(make_user().email, csrf_token=token_on(client, "/logga-in"))
    first = token_on(client)
    now = csrf_tokens.time.time()  # the time module: Flask-WTF's signer reads it too
    monkeypatch.setattr(csrf_tokens.time, "time", lambda: now + csrf_tokens.REUSE_SECONDS - 5)
    second = token_on(client)
    assert first == second  # signed afresh, its timestamp would differ
    assert signs_raw_token(first, raw_token(client), app.secret_key)
    response = client.post(PAGE + "/last", data={"csrf_token": second})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/kurs/grundutbildning/1/2")


def test_after_a_minute_the_token_is_signed_again(app, client, auth, csrf_checked, monkeypatch):
    auth.login(make_user().email, csrf_token=token_on(client, "/logga-in"))
    first = token_on(client)
    now = csrf_tokens.time.time()
    monkeypatch.setattr(csrf_tokens.time, "time", lambda: now + csrf_tokens.REUSE_SECONDS + 1)
    later = token_on(client)
    assert later != first
    assert signs_raw_token(later, raw_token(client), app.secret_key)
    assert client.post(PAGE + "/last", data={"csrf_token": later}).status_code == 302
    assert client.post(PAGE + "/last", data={"csrf_token": first}).status_code == 302


def test_two_sessions_never_share_a_token(client, app, auth, csrf_checked):
    other = app.test_client()
    auth.login(make_user().email, csrf_token=token_on(client, "/logga-in"))
    other_token = token_on(other, "/logga-in")
    other.post(
        "/logga-in",
        data={
            "email": make_user().email,
            "password": "ratt-losenord-123",
            "csrf_token": other_token,
        },
    )
    mine, theirs = token_on(client), token_on(other)
    assert mine != theirs
    assert client.post(PAGE + "/last", data={"csrf_token": theirs}).status_code == 400
    assert other.post(PAGE + "/last", data={"csrf_token": mine}).status_code == 400


def test_a_login_gives_a_token_for_the_new_session(client, auth, csrf_checked):
    before_login = token_on(client, "/logga-in")
    auth.login(make_user().email, csrf_token=before_login)
    after_login = token_on(client)
    assert after_login != before_login  # the login began a new session with a new raw token
    assert client.post(PAGE + "/last", data={"csrf_token": after_login}).status_code == 302
    assert client.post(PAGE + "/last", data={"csrf_token": before_login}).status_code == 400


def test_the_memory_forgets_after_a_minute_and_when_full(monkeypatch):
    memory = SignedTokenMemory()
    memory.remember("key", "raw", "signed", now=1000.0)
    assert memory.recall("key", "raw", 1000.0 + csrf_tokens.REUSE_SECONDS - 1) == "signed"
    assert memory.recall("key", "raw", 1000.0 + csrf_tokens.REUSE_SECONDS) is None
    assert memory.recall("another key", "raw", 1000.0) is None
    monkeypatch.setattr(csrf_tokens, "REMEMBERED_TOKENS", 2)
    memory.remember("key", "second", "s2", now=1000.0)
    memory.remember("key", "third", "s3", now=1000.0)  # full: starts over
    assert memory.recall("key", "raw", 1000.0) is None
    assert memory.recall("key", "third", 1000.0) == "s3"


def test_a_token_of_another_raw_token_or_key_is_not_taken_for_this_one(app, client):
    with app.test_request_context():
        signed = generate_csrf()
        raw = session["csrf_token"]
    assert signs_raw_token(signed, raw, app.secret_key)
    assert not signs_raw_token(signed, "another raw token", app.secret_key)
    assert not signs_raw_token(signed, raw, "another secret key")
    assert not signs_raw_token("garbage", raw, app.secret_key)
