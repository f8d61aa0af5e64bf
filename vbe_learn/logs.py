"""Logging: one JSON object per line in production, readable text in development."""

import json
import logging
from datetime import UTC, datetime

from flask import Flask, has_request_context, request

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """A log record as one line of JSON: time, level, logger, pid, message (+ request, error).

    Used for the app's logs and, through gunicorn.conf.py, for gunicorn's own messages."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as JSON."""
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "pid": record.process,
            "message": record.getMessage(),
        }
        if has_request_context():
            entry["method"], entry["path"] = request.method, request.path
            entry["remote_addr"] = request.remote_addr
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(app: Flask) -> None:
    """Give the root logger one handler in the configured format (unless it has one)."""
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    if root.handlers:  # already configured (a test runner, or a second app in one process)
        return
    handler = logging.StreamHandler()
    json_logs = app.config["LOG_FORMAT"] == "json"
    handler.setFormatter(JsonFormatter() if json_logs else logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
