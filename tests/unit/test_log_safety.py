"""Logs an attacker cannot forge or mine: gunicorn's access log is one JSON line per request
whatever the path holds, and database errors never carry their parameters."""

import io
import json
import logging
import runpy
from datetime import timedelta
from logging.config import dictConfig
from pathlib import Path

import pytest
from gunicorn.config import Config as GunicornConfig
from gunicorn.glogging import Logger
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, insert
from sqlalchemy.exc import IntegrityError, StatementError

from vbe_learn.core.extensions import db
from vbe_learn.core.logs import AccessJsonFormatter

REPO = Path(__file__).resolve().parents[2]
FORGED = '/a\n{"type": "access", "path": "/admin"}\r\n"\u2028\x85'


def access_record(atoms: dict) -> logging.LogRecord:
    """A record as gunicorn's Logger.access makes it: its format, with the atoms as args."""
    return logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "%(h)s", (atoms,), None)


def test_a_path_with_line_breaks_gives_exactly_one_line_of_json():
    atoms = {"h": "10.0.0.1", "m": "GET", "U": FORGED, "q": "", "s": "404", "B": 1234,
             "D": 5210, "{x-forwarded-for}i": "192.0.2.7", "a": "curl"}  # fmt: skip

    line = AccessJsonFormatter().format(access_record(atoms))

    assert len(line.splitlines()) == 1 and line.isascii()
    entry = json.loads(line)
    assert entry["path"] == FORGED and entry["type"] == "access"
    assert (entry["method"], entry["status"], entry["bytes"], entry["duration_us"]) == (
        "GET", 404, 1234, 5210
    )  # fmt: skip
    assert (entry["remote_addr"], entry["forwarded_for"], entry["user_agent"]) == (
        "10.0.0.1", "192.0.2.7", "curl"
    )  # fmt: skip
    assert entry["referer"] is None  # not in the atoms


def test_gunicorn_conf_writes_the_access_log_through_the_formatter(monkeypatch):
    """gunicorn's own Logger, configured by gunicorn.conf.py's logconfig_dict."""
    settings = runpy.run_path(str(REPO / "gunicorn.conf.py"))
    config = GunicornConfig()
    for name in ("accesslog", "errorlog", "loglevel", "logconfig_dict"):
        config.set(name, settings[name])
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)  # the handler's stream: ext://sys.stdout
    logger = Logger(config)
    try:
        response = type("Response", (), {"status": "404 NOT FOUND", "sent": 17, "headers": []})
        environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/a%0Ab", "PATH_INFO": FORGED,
                   "QUERY_STRING": "", "SERVER_PROTOCOL": "HTTP/1.1",
                   "REMOTE_ADDR": "10.0.0.1"}  # fmt: skip
        request = type("Request", (), {"headers": [("X-Forwarded-For", "192.0.2.7")]})
        logger.access(response(), request(), environ, timedelta(microseconds=900))
    finally:
        dictConfig({"version": 1, "disable_existing_loggers": False,
                    "loggers": {"gunicorn.access": {"handlers": []},
                                "gunicorn.error": {"handlers": []}}})  # fmt: skip
    [line] = out.getvalue().splitlines()
    entry = json.loads(line)
    assert entry["path"] == FORGED  # gunicorn's '\\"' escaping is undone
    assert (entry["status"], entry["bytes"], entry["duration_us"]) == (404, 17, 900)
    assert entry["forwarded_for"] == "192.0.2.7"


@pytest.fixture
def engine(app):
    """An engine with the app's engine options, on a table with a unique token column."""
    engine = create_engine(
        "sqlite://", hide_parameters=app.config["SQLALCHEMY_ENGINE_OPTIONS"]["hide_parameters"]
    )
    table = Table("tokens", MetaData(), Column("id", Integer, primary_key=True),
                  Column("token", String(64), unique=True))  # fmt: skip
    table.metadata.create_all(engine)
    yield engine, table
    engine.dispose()


def test_database_errors_never_carry_their_parameters(engine):
    engine, table = engine
    secret = "hemlig-sessionstoken-0123456789"
    with engine.begin() as connection:
        connection.execute(insert(table), {"token": secret})
    with pytest.raises(IntegrityError) as duplicate, engine.begin() as connection:
        connection.execute(insert(table), {"token": secret})
    with pytest.raises(StatementError) as wrong_type, engine.begin() as connection:
        connection.execute(insert(table), {"id": object(), "token": secret})
    for error in (duplicate.value, wrong_type.value):
        assert secret not in str(error) and secret not in repr(error)
        assert "hidden due to hide_parameters" in str(error)


def test_the_apps_engine_hides_parameters(app):
    with app.app_context():
        assert db.engine.hide_parameters is True
