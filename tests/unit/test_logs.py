"""Structured logs: JSON lines in production, text in development; ProxyFix behind a proxy."""

import json
import logging
import sys

from vbe_learn import create_app
from vbe_learn.core.config import Config, TestConfig
from vbe_learn.core.logs import TEXT_FORMAT, JsonFormatter, configure_logging


def record(message: str, *args, exc_info=None) -> logging.LogRecord:
    return logging.LogRecord(
        "vbe_learn.auth", logging.WARNING, __file__, 1, message, args, exc_info
    )


def test_json_lines_carry_time_level_logger_and_message():
    line = JsonFormatter().format(record("event=login_failed email=%r", "a@b.se"))
    entry = json.loads(line)
    assert "\n" not in line
    assert entry["level"] == "WARNING" and entry["logger"] == "vbe_learn.auth"
    assert entry["message"] == "event=login_failed email='a@b.se'"
    assert entry["time"].endswith("+00:00")


def test_json_lines_carry_the_request_and_the_error(app):
    try:
        raise ValueError("boom")
    except ValueError:
        failing = record("unhandled error", exc_info=sys.exc_info())
    with app.test_request_context("/logga-in", method="POST"):
        entry = json.loads(JsonFormatter().format(failing))
    assert (entry["method"], entry["path"]) == ("POST", "/logga-in")
    assert "ValueError: boom" in entry["error"]


def test_production_logs_json_and_development_text(monkeypatch):
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])
    production = create_app(type("Prod", (Config,), {"SECRET_KEY": "x" * 40, "LOG_FORMAT": "json"}))
    assert isinstance(root.handlers[0].formatter, JsonFormatter)
    monkeypatch.setattr(root, "handlers", [])
    configure_logging(create_app(type("Dev", (TestConfig,), {"LOG_FORMAT": "text"})))
    record = logging.LogRecord("vbe_learn", logging.INFO, __file__, 1, "hej", None, None)
    assert root.handlers[0].formatter.format(record) == logging.Formatter(TEXT_FORMAT).format(
        record
    )
    assert production.config["LOG_FORMAT"] == "json"


def seen_by_the_app(behind_proxy: bool) -> tuple[str, str]:
    app = create_app(type("Proxy", (TestConfig,), {"BEHIND_PROXY": behind_proxy}))

    @app.get("/_who")
    def who():
        from flask import request

        return f"{request.remote_addr} {request.scheme}"

    response = app.test_client().get(
        "/_who",
        headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )
    return tuple(response.get_data(as_text=True).split())


def test_behind_a_proxy_the_forwarded_address_and_scheme_are_used():
    assert seen_by_the_app(False) == ("127.0.0.1", "http")
    assert seen_by_the_app(True) == ("203.0.113.7", "https")
