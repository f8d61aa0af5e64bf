"""Session lifetime: new on login, idle and absolute timeouts, logout and deactivation end
every session (remember-me too), replayed cookies are worthless, cookie flags."""

import time
from datetime import date

from tests.roster_files import person, roster_csv
from vbe_learn import create_app
from vbe_learn.auth.passwords import hash_password
from vbe_learn.auth.sessions import SEEN, STARTED
from vbe_learn.core.config import Config
from vbe_learn.core.extensions import db
from vbe_learn.models import User
from vbe_learn.roster.services import import_roster_file

from ..factories import PASSWORD, make_user

HOME = "/min-utbildning"


def _backdate(client, key: str, seconds: int) -> None:
    with client.session_transaction() as session:
        session[key] = session[key] - seconds


def test_login_starts_a_new_session(client, auth):
    user = make_user()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker before login"
    auth.login(user.email)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session[STARTED] == session[SEEN]
        assert abs(session[STARTED] - time.time()) < 5


def test_idle_session_ends_after_the_idle_timeout(app, client, auth):
    user = make_user()
    auth.login(user.email)
    _backdate(client, SEEN, app.config["SESSION_IDLE_TIMEOUT"] - 60)
    assert client.get(HOME).status_code == 200  # still within the limit, and now fresh again
    with client.session_transaction() as session:
        assert time.time() - session[SEEN] < 5
    _backdate(client, SEEN, app.config["SESSION_IDLE_TIMEOUT"] + 1)
    response = client.get(HOME)
    assert response.status_code == 302 and "/logga-in" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "sessionen tog slut" in page
    assert client.get(HOME).status_code == 302


def test_busy_session_ends_after_the_absolute_timeout(app, client, auth):
    user = make_user()
    auth.login(user.email)
    _backdate(client, STARTED, app.config["SESSION_ABSOLUTE_TIMEOUT"] + 1)
    assert client.get(HOME).status_code == 302


def test_timeouts_default_to_30_minutes_and_10_hours():
    assert Config.SESSION_IDLE_TIMEOUT == 30 * 60
    assert Config.SESSION_ABSOLUTE_TIMEOUT == 10 * 3600


def test_logout_ends_every_session_of_the_person(app, client, auth):
    user = make_user()
    auth.login(user.email)
    other = app.test_client()
    other.post("/logga-in", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    assert other.get(HOME).status_code == 200
    token_before = user.session_token
    auth.logout()
    assert db.session.get(User, user.id).session_token != token_before
    assert other.get(HOME).status_code == 302


def test_a_replayed_session_cookie_after_logout_is_logged_out(app, client, auth):
    user = make_user()
    auth.login(user.email)
    stolen = client.get_cookie("session").value
    auth.logout()
    attacker = app.test_client()
    attacker.set_cookie("session", stolen)
    response = attacker.get(HOME)
    assert response.status_code == 302 and "/logga-in" in response.headers["Location"]


def test_a_replayed_remember_me_cookie_after_logout_is_worthless(app, client):
    user = make_user()
    client.post("/logga-in", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    remember = client.get_cookie("remember_token").value
    # Before logout the cookie alone opens a new session (with its own timestamps).
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remember)
    assert fresh.get(HOME).status_code == 200
    with fresh.session_transaction() as session:
        assert session[STARTED] and session[SEEN]
    client.post("/logga-ut")
    attacker = app.test_client()
    attacker.set_cookie("remember_token", remember)
    assert attacker.get(HOME).status_code == 302
    assert fresh.get(HOME).status_code == 302


def test_deactivation_ends_the_persons_sessions(client, auth):
    user = make_user()
    auth.login(user.email)
    assert client.get(HOME).status_code == 200
    db.session.get(User, user.id).active = False
    db.session.commit()
    assert client.get(HOME).status_code == 302


def test_production_cookies_are_secure_httponly_and_samesite_lax(app):
    settings = {
        key: app.config[key] for key in ("SQLALCHEMY_DATABASE_URI", "SQLALCHEMY_ENGINE_OPTIONS")
    }
    production = create_app(
        type(
            "Prod",
            (Config,),
            {
                "ENVIRONMENT": "production",
                "SECRET_KEY": "x" * 40,
                "SESSION_COOKIE_SECURE": True,
                "REMEMBER_COOKIE_SECURE": True,
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": False,
                "LOG_FORMAT": "text",
                **settings,
            },
        )
    )
    user = make_user()
    client = production.test_client()
    response = client.post(
        "/logga-in", data={"email": user.email, "password": PASSWORD, "remember": "y"}
    )
    cookies = response.headers.getlist("Set-Cookie")
    for name in ("session=", "remember_token="):
        cookie = next(c for c in cookies if c.startswith(name))
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_deactivation_by_the_roster_ends_sessions_for_good(client):
    rows = [person("5001"), person("5002")]
    import_roster_file(roster_csv(rows), "v1.csv", date(2026, 1, 1), None)
    leaver = db.session.scalar(db.select(User).where(User.employee_number == "5002"))
    leaver.password_hash = hash_password(PASSWORD)
    db.session.commit()
    client.post("/logga-in", data={"email": leaver.email, "password": PASSWORD, "remember": "y"})
    assert client.get(HOME).status_code == 200
    import_roster_file(  # 1 of 2 leaves: the mass-deactivation guard wants the count
        roster_csv(rows[:1]), "v2.csv", date(2026, 2, 1), None, deactivate_count=1
    )
    db.session.commit()
    assert client.get(HOME).status_code == 302
    import_roster_file(roster_csv(rows), "v3.csv", date(2026, 3, 1), None)  # back again
    db.session.commit()
    assert db.session.get(User, leaver.id).active is True
    assert client.get(HOME).status_code == 302  # the old cookies stay dead
