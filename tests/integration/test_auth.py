"""Login, logout and set-password links."""

import logging
import re

from vbe_learn.auth.messages import set_password_url
from vbe_learn.auth.passwords import verify_password
from vbe_learn.core.extensions import db
from vbe_learn.models import User

from ..factories import PASSWORD, make_user


def test_login_and_logout(client, auth):
    user = make_user()
    response = auth.login(user.email)
    assert response.headers["Location"].endswith("/min-utbildning")
    assert client.get("/min-utbildning").status_code == 200
    auth.logout()
    assert client.get("/min-utbildning").status_code == 302


def test_email_is_case_insensitive(client, auth):
    user = make_user(email="anna.ek@test.stockholm.se")
    auth.login("  ANNA.EK@test.stockholm.se ")
    assert client.get("/min-utbildning").status_code == 200
    assert user.id


def test_wrong_password_gives_one_swedish_message_and_is_logged(client, auth, caplog):
    user = make_user()
    caplog.set_level(logging.WARNING)
    response = auth.login(user.email, "fel-losenord-999")
    assert "Fel e-postadress eller lösenord." in response.get_data(as_text=True)
    unknown = auth.login("finns.inte@test.stockholm.se", PASSWORD)
    assert "Fel e-postadress eller lösenord." in unknown.get_data(as_text=True)
    assert "event=login_failed" in caplog.text
    assert client.get("/min-utbildning").status_code == 302


def test_deactivated_person_cannot_log_in(client, auth):
    user = make_user(active=False)
    auth.login(user.email)
    assert client.get("/min-utbildning").status_code == 302


def test_open_redirects_are_refused(client):
    user = make_user()
    hostile = ("https://evil.example", "//evil.example", "/\\evil.example", "/%09/evil.example",
               "/%0a/evil.example", "/%20/evil.example", "/%0d%0a/evil.example")  # fmt: skip
    for target in hostile:
        response = client.post(
            f"/logga-in?next={target}", data={"email": user.email, "password": PASSWORD}
        )
        assert response.headers["Location"] == "/min-utbildning"
        client.post("/logga-ut")
    response = client.post(
        "/logga-in?next=/intyg", data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/intyg"


def test_set_password_link_works_once(app, client):
    user = make_user(password_hash=None)
    with app.test_request_context():
        url = set_password_url(user)
    path = url.removeprefix(app.config["PUBLIC_BASE_URL"])
    assert client.get(path).status_code == 200
    short = client.post(path, data={"password": "kort", "confirm": "kort"})
    assert "minst 12 tecken" in short.get_data(as_text=True)
    new_password = "en lång mening som lösenord"
    response = client.post(path, data={"password": new_password, "confirm": new_password})
    assert response.headers["Location"].endswith("/min-utbildning")
    assert client.get("/min-utbildning").status_code == 200
    stored = db.session.get(User, user.id)
    assert stored.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert verify_password(stored.password_hash, new_password)
    assert client.get(path).status_code == 404  # used: the link is dead


def test_tampered_set_password_link_is_404(client):
    assert client.get("/satt-losenord/not-a-token").status_code == 404


def test_password_change_ends_other_sessions(app, client, auth):
    user = make_user()
    auth.login(user.email)
    other = app.test_client()
    other.post("/logga-in", data={"email": user.email, "password": PASSWORD})
    assert other.get("/min-utbildning").status_code == 200
    stored = db.session.get(User, user.id)
    stored.rotate_session_token()
    db.session.commit()
    assert other.get("/min-utbildning").status_code == 302
    assert client.get("/min-utbildning").status_code == 302


def test_forgot_password_answers_the_same_for_unknown_addresses(client, caplog):
    user = make_user()
    caplog.set_level(logging.INFO, logger="vbe_learn.core.mail")
    known = client.post("/glomt-losenord", data={"email": user.email}, follow_redirects=True)
    assert "/satt-losenord/" in caplog.text
    caplog.clear()
    unknown = client.post(
        "/glomt-losenord", data={"email": "ingen@test.stockholm.se"}, follow_redirects=True
    )
    assert "/satt-losenord/" not in caplog.text
    message = "Om adressen finns hos oss"
    assert message in known.get_data(as_text=True) and message in unknown.get_data(as_text=True)


def test_csrf_is_required_when_enabled(app):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        user = make_user()
        response = client.post("/logga-in", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 400  # refused: no login without a CSRF token
        assert client.get("/min-utbildning").status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_the_set_password_link_is_e_mailed_over_smtp(client, smtp):
    user = make_user(email="glomsk@test.stockholm.se", first_name="Göran")
    client.post("/glomt-losenord", data={"email": user.email})
    (received,) = smtp.to(user.email)
    assert received.message["Subject"].startswith("Välj lösenord")
    assert "Hej Göran!" in received.text
    link = re.search(r"http://localhost(/satt-losenord/\S+)", received.text).group(1)
    assert client.get(link).status_code == 200
    assert link in received.html


def test_in_production_without_a_mail_server_the_link_is_not_logged(app, client, caplog):
    user = make_user()
    caplog.set_level(logging.INFO, logger="vbe_learn.core.mail")
    app.config.update(ENVIRONMENT="production")
    try:
        client.post("/glomt-losenord", data={"email": user.email})
    finally:
        app.config.update(ENVIRONMENT="test")
    assert "/satt-losenord/" not in caplog.text
    assert "mail_not_configured" in caplog.text
