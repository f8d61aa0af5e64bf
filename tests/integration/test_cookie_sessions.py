"""The session cookie is verified once per process and then remembered: what it gives must
be exactly what Flask's own check gives (auth/cookie_sessions.py)."""

from vbe_learn.auth import cookie_sessions
from vbe_learn.auth.cookie_sessions import RememberingCookieSessions

from ..factories import make_user

HOME = "/min-utbildning"


def session_cookie(client) -> str:
    """The client's session cookie as it would be sent."""
    return client.get_cookie("session").value


def opened(app, cookie: str):
    """The session that the app's interface opens from this cookie text."""
    with app.test_request_context(headers={"Cookie": f"session={cookie}"}) as context:
        return app.session_interface.open_session(app, context.request)


def test_the_app_remembers_verified_cookies(app, client, auth):
    assert isinstance(app.session_interface, RememberingCookieSessions)
    auth.login(make_user().email)
    cookie = session_cookie(client)
    assert client.get(HOME).status_code == 200
    assert (app.secret_key, cookie) in app.session_interface._verified


def test_a_remembered_cookie_gives_each_request_its_own_copy(app, client, auth):
    auth.login(make_user().email)
    cookie = session_cookie(client)
    first = opened(app, cookie)
    first["planted"] = "changed by one request"
    second = opened(app, cookie)
    assert "planted" not in second and not second.modified
    assert dict(second) == {key: value for key, value in first.items() if key != "planted"}


def test_a_tampered_cookie_is_refused_after_the_real_one_was_remembered(app, client, auth):
    auth.login(make_user().email)
    cookie = session_cookie(client)
    assert client.get(HOME).status_code == 200  # remembered now
    payload, _, signature = cookie.rpartition(".")
    forged = payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    assert dict(opened(app, forged)) == {}
    client.set_cookie("session", forged)
    response = client.get(HOME)
    assert response.status_code == 302 and "/logga-in" in response.headers["Location"]


def test_a_remembered_cookie_still_expires_with_the_session_lifetime(
    app, client, auth, monkeypatch
):
    auth.login(make_user().email)
    cookie = session_cookie(client)
    assert dict(opened(app, cookie))  # verified and remembered
    lifetime = app.permanent_session_lifetime.total_seconds()
    later = cookie_sessions.time.time() + lifetime + 60
    monkeypatch.setattr(cookie_sessions.time, "time", lambda: later)
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    assert dict(opened(app, cookie)) == {}


def test_sessions_with_flashed_messages_are_not_remembered(app, client):
    with client.session_transaction() as stored:
        stored["_flashes"] = [("info", "Hej")]
    cookie = session_cookie(client)
    assert opened(app, cookie)["_flashes"] == [("info", "Hej")]
    assert (app.secret_key, cookie) not in app.session_interface._verified


def test_a_full_memory_starts_over(app, client, auth, monkeypatch):
    monkeypatch.setattr(cookie_sessions, "REMEMBERED_COOKIES", 1)
    interface = RememberingCookieSessions()
    monkeypatch.setattr(app, "session_interface", interface)
    auth.login(make_user().email)
    first = session_cookie(client)
    assert dict(opened(app, first))
    with client.session_transaction() as stored:
        stored["other"] = 1
    second = session_cookie(client)
    assert dict(opened(app, second))
    assert list(interface._verified) == [(app.secret_key, second)]


def test_a_new_secret_key_refuses_a_cookie_remembered_under_the_old_one(
    app, client, auth, monkeypatch
):
    auth.login(make_user().email)
    cookie = session_cookie(client)
    assert dict(opened(app, cookie))  # verified and remembered under the current key
    monkeypatch.setitem(app.config, "SECRET_KEY", "another-key-" + "x" * 32)
    assert dict(opened(app, cookie)) == {}
