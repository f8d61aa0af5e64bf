"""The app factory: settings and refusals; the server entry point."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from vbe_learn import create_app
from vbe_learn.core.config import Config, TestConfig, database_url_from_env


def test_production_refuses_the_default_secret_key():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(type("Prod", (Config,), {"ENVIRONMENT": "production"}))


def test_production_with_a_secret_key_and_redis_starts():
    settings = {
        "ENVIRONMENT": "production",
        "SECRET_KEY": "x" * 32,
        "REDIS_URL": "redis://127.0.0.1:6379/0",  # required in production (core/rate_limits.py)
    }
    config = type("Prod", (Config,), settings)
    app = create_app(config)
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_database_url_defaults_to_sqlite_in_instance(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert database_url_from_env(str(tmp_path)) == f"sqlite:///{tmp_path}/vbe_learn.db"
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    assert database_url_from_env(str(tmp_path)) == "postgresql+psycopg://u@h/db"
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    assert database_url_from_env(str(tmp_path)) == "postgresql+psycopg://u@h/db"


def test_testing_config_is_testing():
    assert TestConfig.TESTING is True


def test_unexpected_errors_render_a_plain_page(tmp_path):
    app = create_app(TestConfig)

    @app.get("/_boom")
    def boom():
        raise ValueError("secret detail")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/_boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Något gick fel" in body and "secret detail" not in body


@pytest.mark.parametrize(
    ("url", "pre_ping", "connect_args"),
    [
        ("sqlite:////tmp/vbe-options.db", None, None),
        ("postgresql+psycopg://u@h/db", True, {"options": "-c jit=off"}),
    ],
)
def test_engine_options_per_database(url, pre_ping, connect_args):
    """PostgreSQL: the pool's pre-ping and recycling, no JIT; SQLite: a file needs neither.
    Database errors never carry their parameters on either."""
    app = create_app(type("Config", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options.get("pool_pre_ping") is pre_ping
    assert options.get("connect_args") == connect_args
    assert options["hide_parameters"] is True


def test_the_server_entry_point_freezes_what_start_up_made(tmp_path):
    """`app.py` (what gunicorn imports) hides start-up's objects from the collector."""
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path}/x.db")
    done = subprocess.run(
        [sys.executable, "-c", "import gc, app; print(gc.get_freeze_count())"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert int(done.stdout.split()[-1]) > 10_000
