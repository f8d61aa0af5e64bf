"""Login, set-password and forgotten-password POSTs are limited per account and IP, with a
softer account-wide backoff and a limit per IP, counted in the real Redis (127.0.0.1:6379)
so that every worker shares the counts. Nobody can lock the owner's own address out."""

import logging
import os
import subprocess
import sys
import uuid
from datetime import date

import pytest
import redis

from tests.conftest import skip_or_fail
from tests.factories import PASSWORD, course, make_user
from vbe_learn import create_app
from vbe_learn.auth.messages import set_password_url
from vbe_learn.core.config import REPO_ROOT, TestConfig
from vbe_learn.core.extensions import db
from vbe_learn.learning.services.completion import new_certificate_code
from vbe_learn.models import Completion

REDIS_URL = "redis://127.0.0.1:6379/0"
LIMITS = {
    "LOGIN_LIMIT_PER_ACCOUNT_AND_IP": "3 per minute",
    "LOGIN_BACKOFF_PER_ACCOUNT": "8 per minute",
    "LOGIN_LIMIT_PER_IP": "6 per minute",
}


@pytest.fixture
def prefix():
    """A key prefix of this test's own; only its keys are deleted afterwards."""
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        skip_or_fail(f"Redis is not reachable at {REDIS_URL}")
    name = f"vbe-test-{uuid.uuid4().hex}"
    yield name
    for key in connection.scan_iter(match=f"*{name}*"):
        connection.delete(key)
    connection.close()


def limited_app(app, prefix: str, **limits):
    """Another app (another worker) on the test database, limits on, counting in Redis."""
    settings = {
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "RATELIMIT_ENABLED": True,
        "REDIS_URL": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": prefix,
        **LIMITS,
        **limits,
    }
    return create_app(type("Limited", (TestConfig,), settings))


def login(client, email: str, password: str, ip: str = "10.0.0.1"):
    return client.post(
        "/logga-in",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": ip},
    )


def test_failed_logins_stop_the_account_from_that_address_and_are_logged(app, prefix, caplog):
    caplog.set_level(logging.INFO, logger="vbe_learn.auth")
    limited = limited_app(app, prefix)
    user, other = make_user(), make_user()
    client = limited.test_client()
    for _ in range(3):
        response = login(client, user.email, "fel-losenord-000")
        assert response.status_code == 200
        assert "Fel e-postadress eller lösenord." in response.get_data(as_text=True)
    locked = login(client, user.email, PASSWORD)  # even the right password now waits
    assert locked.status_code == 429
    assert "För många försök" in locked.get_data(as_text=True)
    assert client.get("/min-utbildning").status_code == 302
    assert "event=login_failed" in caplog.text and "event=login_locked_out" in caplog.text
    assert f"account:{user.email}|ip:10.0.0.1" in caplog.text
    assert login(client, user.email.upper(), PASSWORD).status_code == 429  # same account
    assert login(client, other.email, PASSWORD).status_code == 302  # others unaffected
    owner = limited.test_client()  # the owner, from their own address
    assert login(owner, user.email, PASSWORD, ip="10.0.0.77").status_code == 302


def test_the_owner_logs_in_while_another_address_fails_20_times(app, prefix):
    limited = limited_app(app, prefix)  # refusals (429) do not count towards the backoff (8)
    user = make_user()
    attacker = limited.test_client()
    statuses = [
        login(attacker, user.email, f"gissning-{n:03}", ip="10.6.6.6").status_code
        for n in range(20)
    ]
    assert statuses[:3] == [200, 200, 200] and set(statuses[3:]) == {429}
    owner = limited.test_client()
    assert login(owner, user.email, PASSWORD, ip="10.0.0.2").status_code == 302


def test_the_account_wide_backoff_slows_guesses_from_many_addresses(app, prefix, caplog):
    caplog.set_level(logging.INFO, logger="vbe_learn.auth")
    limited = limited_app(app, prefix)  # 8 failures a minute on one account, from anywhere
    user, other = make_user(), make_user()
    client = limited.test_client()
    for number in range(8):
        response = login(client, user.email, "fel-losenord-000", ip=f"10.1.0.{number}")
        assert response.status_code == 200  # each address is well within its own limits
    assert login(client, user.email, "fel-losenord-000", ip="10.1.1.1").status_code == 429
    assert f"account:{user.email}/" in caplog.text  # the account-wide key, no address
    # the backoff holds for this account only, and only until its short window ends
    assert login(client, other.email, PASSWORD, ip="10.1.1.1").status_code == 302


def test_failed_logins_from_one_ip_are_limited_across_accounts(app, prefix):
    limited = limited_app(app, prefix)
    client = limited.test_client()
    for number in range(6):
        response = login(client, f"gissning{number}@test.se", "fel-losenord-000", ip="10.0.0.9")
        assert response.status_code == 200
    user = make_user()
    assert login(client, user.email, PASSWORD, ip="10.0.0.9").status_code == 429
    assert login(client, user.email, PASSWORD, ip="10.0.0.10").status_code == 302


def test_successful_logins_do_not_count(app, prefix):
    limited = limited_app(app, prefix)
    user = make_user()
    for _ in range(8):
        client = limited.test_client()
        assert login(client, user.email, PASSWORD).status_code == 302


def test_counts_are_shared_by_every_worker(app, prefix):
    first, second = limited_app(app, prefix), limited_app(app, prefix)
    user = make_user()
    login(first.test_client(), user.email, "fel-1-losenord")
    login(second.test_client(), user.email, "fel-2-losenord")
    login(first.test_client(), user.email, "fel-3-losenord")
    assert login(second.test_client(), user.email, PASSWORD).status_code == 429


def test_set_password_link_attempts_are_limited(app, prefix):
    limited = limited_app(app, prefix)
    user = make_user(password_hash=None)
    with limited.test_request_context():
        path = set_password_url(user).removeprefix(limited.config["PUBLIC_BASE_URL"])
    client = limited.test_client()
    assert client.get(path).status_code == 200
    for _ in range(3):
        assert client.post(path, data={"password": "kort", "confirm": "kort"}).status_code == 200
    good = "en lång mening som lösenord"
    response = client.post(path, data={"password": good, "confirm": good})
    assert response.status_code == 429
    assert db.session.get(type(user), user.id).password_hash is None  # nothing changed


def test_requests_for_set_password_links_are_limited(app, prefix, caplog):
    caplog.set_level(logging.INFO, logger="vbe_learn.core.mail")
    limited = limited_app(app, prefix)
    user = make_user()
    client = limited.test_client()
    for _ in range(3):
        assert client.post("/glomt-losenord", data={"email": user.email}).status_code == 302
    assert caplog.text.count("/satt-losenord/") == 3
    assert client.post("/glomt-losenord", data={"email": user.email}).status_code == 429
    assert caplog.text.count("/satt-losenord/") == 3  # no fourth e-mail


def test_the_login_page_itself_is_not_limited(app, prefix):
    limited = limited_app(app, prefix)
    client = limited.test_client()
    for _ in range(10):
        assert client.get("/logga-in").status_code == 200


def test_without_redis_the_limits_count_in_memory_with_a_warning_when_serving(app, caplog):
    caplog.set_level(logging.WARNING, logger="vbe_learn.auth")
    settings = {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}
    development = create_app(
        type("Dev", (TestConfig,), {**settings, "RATELIMIT_ENABLED": True, "REDIS_URL": ""})
    )
    assert development.config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert "REDIS_URL" not in caplog.text  # a plain CLI call (create_app only) stays quiet
    client = development.test_client()
    client.get("/logga-in")
    client.get("/logga-in")
    assert caplog.text.count("REDIS_URL is not set") == 1  # once, when serving
    caplog.clear()
    quiet = create_app(type("Test", (TestConfig,), settings))
    quiet.test_client().get("/logga-in")
    assert "REDIS_URL" not in caplog.text and quiet.config["RATELIMIT_ENABLED"] is False


def test_in_production_a_missing_redis_url_stops_the_start(app):
    settings = {
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "ENVIRONMENT": "production",
        "RATELIMIT_ENABLED": True,
        "REDIS_URL": "",
    }
    with pytest.raises(RuntimeError, match="REDIS_URL måste sättas i produktion"):
        create_app(type("Production", (TestConfig,), settings))
    started = create_app(type("Production", (TestConfig,), {**settings, "REDIS_URL": REDIS_URL}))
    assert started.config["RATELIMIT_STORAGE_URI"] == REDIS_URL


def test_a_plain_cli_call_prints_no_redis_warning(tmp_path):
    environment = {
        **os.environ,
        "FLASK_APP": "app.py",
        "VBE_ENV": "development",
        "REDIS_URL": "",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
    }
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--help"],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "REDIS_URL" not in result.stdout + result.stderr


def test_an_unreachable_redis_lets_logins_through(app, caplog):
    settings = {
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "RATELIMIT_ENABLED": True,
        "REDIS_URL": "redis://127.0.0.1:1/0?socket_connect_timeout=1",
        **LIMITS,
    }
    unreachable = create_app(type("NoRedis", (TestConfig,), settings))
    user = make_user()
    client = unreachable.test_client()
    assert login(client, user.email, "fel-losenord-000").status_code == 200
    assert login(client, user.email, PASSWORD).status_code == 302


def completion_code(user) -> str:
    """An imported completion of the user; its intyg's code."""
    completion = Completion(
        user_id=user.id,
        course_id=course().id,
        completed_on=date(2024, 5, 2),
        source="imported",
        certificate_code=new_certificate_code(),
    )
    db.session.add(completion)
    db.session.commit()
    return completion.certificate_code


def test_the_public_verification_page_is_noindex(client):
    code = completion_code(make_user(first_name="Vera", last_name="Kontroll"))
    response = client.get(f"/intyg/{code}")
    assert response.status_code == 200
    assert response.headers["X-Robots-Tag"] == "noindex"
    html = response.get_data(as_text=True)
    assert "Vera Kontroll" in html and '<meta name="robots" content="noindex">' in html


def test_the_public_verification_page_is_limited_per_ip(app, prefix, caplog):
    caplog.set_level(logging.INFO, logger="vbe_learn.auth")
    limited = limited_app(app, prefix, VERIFY_LIMIT_PER_IP="5 per minute")
    code = completion_code(make_user())
    client = limited.test_client()
    guesses = [f"/intyg/GISS-{number:04}-XXXX" for number in range(4)]
    for path in guesses:  # unknown codes count too: codes cannot be tried in bulk
        assert client.get(path, environ_base={"REMOTE_ADDR": "10.7.0.1"}).status_code == 404
    assert client.get(f"/intyg/{code}", environ_base={"REMOTE_ADDR": "10.7.0.1"}).status_code == 200
    refused = client.get(f"/intyg/{code}", environ_base={"REMOTE_ADDR": "10.7.0.1"})
    assert refused.status_code == 429 and "För många försök" in refused.get_data(as_text=True)
    assert "event=rate_limited endpoint=certificates.verify" in caplog.text
    other = client.get(f"/intyg/{code}", environ_base={"REMOTE_ADDR": "10.7.0.2"})
    assert other.status_code == 200  # another address has its own count
