"""Login, set-password and forgotten-password POSTs are limited per account and per IP,
counted in the real Redis (127.0.0.1:6379) so that every worker shares the counts."""

import logging
import uuid

import pytest
import redis

from tests.conftest import skip_or_fail
from tests.factories import PASSWORD, make_user
from vbe_learn import create_app
from vbe_learn.auth.messages import set_password_url
from vbe_learn.config import TestConfig
from vbe_learn.extensions import db

REDIS_URL = "redis://127.0.0.1:6379/0"
LIMITS = {"LOGIN_LIMIT_PER_ACCOUNT": "3 per minute", "LOGIN_LIMIT_PER_IP": "6 per minute"}


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


def limited_app(app, prefix: str):
    """Another app (another worker) on the test database, limits on, counting in Redis."""
    settings = {
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "RATELIMIT_ENABLED": True,
        "REDIS_URL": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": prefix,
        **LIMITS,
    }
    return create_app(type("Limited", (TestConfig,), settings))


def login(client, email: str, password: str, ip: str = "10.0.0.1"):
    return client.post(
        "/logga-in",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": ip},
    )


def test_failed_logins_lock_the_account_and_are_logged(app, prefix, caplog):
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
    assert f"account:{user.email}" in caplog.text
    assert login(client, user.email.upper(), PASSWORD).status_code == 429  # same account
    assert login(client, other.email, PASSWORD).status_code == 302  # others unaffected


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
    caplog.set_level(logging.INFO, logger="vbe_learn.mail")
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


def test_without_redis_the_limits_count_in_memory_with_a_warning(app, caplog):
    caplog.set_level(logging.WARNING, logger="vbe_learn.auth")
    settings = {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}
    development = create_app(
        type("Dev", (TestConfig,), {**settings, "RATELIMIT_ENABLED": True, "REDIS_URL": ""})
    )
    assert development.config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert "REDIS_URL is not set" in caplog.text
    caplog.clear()
    quiet = create_app(type("Test", (TestConfig,), settings))
    assert "REDIS_URL" not in caplog.text and quiet.config["RATELIMIT_ENABLED"] is False


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
