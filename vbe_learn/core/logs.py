"""Logging: one JSON object per line in production, readable text in development."""

import json
import logging
from collections.abc import Mapping
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


# gunicorn's access-log atoms (its record's args) → the fields of one JSON line.
ACCESS_FIELDS = {
    "remote_addr": "h",
    "forwarded_for": "{x-forwarded-for}i",
    "method": "m",
    "path": "U",
    "query": "q",
    "status": "s",
    "bytes": "B",
    "duration_us": "D",
    "referer": "f",
    "user_agent": "a",
}


class AccessJsonFormatter(logging.Formatter):
    """gunicorn's access log as one line of JSON per request (see gunicorn.conf.py).

    gunicorn passes the request's fields in the record's args (a dict of atoms); json.dumps
    escapes every control character, so a %0A in a path can never split a line."""

    def format(self, record: logging.LogRecord) -> str:
        """The request's fields as JSON."""
        atoms = record.args if isinstance(record.args, Mapping) else {}
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "type": "access",
        }
        for field, atom in ACCESS_FIELDS.items():
            entry[field] = _atom(atoms, atom)
        # ASCII only: not even U+2028 or NEL, which some readers take as line ends.
        return json.dumps(entry, ensure_ascii=True)


def _atom(atoms: Mapping, key: str):
    """One atom as logged: a number as a number, "-" (absent) as None.

    gunicorn escapes '"' as '\\"' in its atoms (for its text format): undone here."""
    try:
        value = atoms[key]  # gunicorn's atoms answer "-" for a header the request lacks
    except KeyError:
        return None
    if value in (None, "-"):
        return None
    if isinstance(value, str):
        value = value.replace('\\"', '"')
        return int(value) if key in ("s", "B", "D") and value.isdigit() else value
    return value


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
