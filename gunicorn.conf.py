"""gunicorn settings for production: `gunicorn app:app` (read from the repository root).

Every value can be changed through the environment (see docs/configuration.md and
docs/operations.md); command-line options override this file.
"""

import os

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
# Logs on stdout. The access log is one JSON object per request, written by a logging
# formatter (vbe_learn.core.logs.AccessJsonFormatter: a %0A in a path cannot split a line); the
# error log is JSON in production and text in development, as the app's own logs.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
production = os.environ.get("VBE_ENV") == "production"
json_errors = os.environ.get("LOG_FORMAT", "json" if production else "text") == "json"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": "INFO", "handlers": []},  # the app adds its own (vbe_learn/core/logs.py)
    "formatters": {
        "access": {"()": "vbe_learn.core.logs.AccessJsonFormatter"},
        "error": (
            {"()": "vbe_learn.core.logs.JsonFormatter"}
            if json_errors
            else {"format": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s"}
        ),
    },
    "handlers": {
        "access": {
            "class": "logging.StreamHandler",
            "formatter": "access",
            "stream": "ext://sys.stdout",
        },
        "error": {
            "class": "logging.StreamHandler",
            "formatter": "error",
            "stream": "ext://sys.stderr",
        },
    },
    "loggers": {
        "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["error"], "propagate": False},
    },
}
