"""gunicorn settings for production: `gunicorn app:app` (read from the repository root).

Every value can be changed through the environment (see README "Drift bakom en omvänd
proxy"); command-line options override this file.
"""

import os

from gunicorn.glogging import Logger

from vbe_learn.logs import JsonFormatter  # the app's own format (modules only: no app, no DB)

# Workers: sync workers, one request at a time each; 2 × cores + 1 is gunicorn's advice.
workers = int(os.environ.get("GUNICORN_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
worker_class = "sync"
# Only the reverse proxy talks to gunicorn: loopback by default.
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]
# A request that takes longer than this is killed (its transaction is rolled back).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Each worker builds its own app: no database connection is shared across a fork.
preload_app = False
# Restart workers now and then, so that a slow leak can never grow for ever.
max_requests = 2000
max_requests_jitter = 200
# X-Forwarded-* headers are trusted from these addresses only (the reverse proxy).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Access log: one JSON object per line on stdout (as the app's own logs in production).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = (
    '{"time": "%(t)s", "type": "access", "remote_addr": "%(h)s", '
    '"forwarded_for": "%({x-forwarded-for}i)s", "method": "%(m)s", "path": "%(U)s", '
    '"status": %(s)s, "bytes": "%(B)s", "duration_us": %(D)s}'
)


class JsonErrorLogger(Logger):
    """gunicorn's logger with JSON error-log lines (the access log is JSON by its format)."""

    def setup(self, cfg) -> None:
        """Configure as usual, then format the error log as JSON."""
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(JsonFormatter())


production = os.environ.get("VBE_ENV") == "production"
if os.environ.get("LOG_FORMAT", "json" if production else "text") == "json":
    logger_class = JsonErrorLogger
