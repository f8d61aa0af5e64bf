"""DATABASE_PGBOUNCER: the engine's connections suit PgBouncer in transaction pooling mode."""

import os
import subprocess
import sys
from pathlib import Path

from vbe_learn import create_app
from vbe_learn.core.config import TestConfig

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = "postgresql+psycopg://u@pgbouncer:6432/vbe"


def engine_options(url: str, pgbouncer: bool) -> dict:
    settings = {"SQLALCHEMY_DATABASE_URI": url, "DATABASE_PGBOUNCER": pgbouncer}
    return create_app(type("Config", (TestConfig,), settings)).config["SQLALCHEMY_ENGINE_OPTIONS"]


def test_behind_pgbouncer_psycopg_prepares_no_statements_and_sends_no_startup_options():
    options = engine_options(POSTGRES, pgbouncer=True)
    assert options["connect_args"] == {"prepare_threshold": None}
    assert options["pool_pre_ping"] is True and options["hide_parameters"] is True


def test_without_it_postgresql_keeps_its_startup_options():
    assert engine_options(POSTGRES, pgbouncer=False)["connect_args"] == {"options": "-c jit=off"}


def test_the_setting_is_read_from_the_environment():
    script = "from vbe_learn.core.config import Config; print(Config.DATABASE_PGBOUNCER)"
    shown = {}
    for value in ("1", "0", ""):
        env = {**os.environ, "DATABASE_PGBOUNCER": value}
        done = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT,
                              capture_output=True, text=True, check=True)  # fmt: skip
        shown[value] = done.stdout.strip()
    assert shown == {"1": "True", "0": "False", "": "False"}
