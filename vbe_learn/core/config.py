"""Settings, read from the environment; listed in docs/configuration.md."""

import os
from datetime import timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SECRET_KEY = "dev-only-change-me"  # noqa: S105 - refused in production


def database_url_from_env(instance_path: str) -> str:
    """Return the SQLAlchemy URL: DATABASE_URL, or the SQLite file in instance/."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return "sqlite:///" + str(Path(instance_path) / "vbe_learn.db")
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


class Config:
    """Production and development settings."""

    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    ENVIRONMENT = os.environ.get("VBE_ENV", "development")
    COURSES_DIR = os.environ.get("COURSES_DIR", str(REPO_ROOT / "courses"))
    DEFAULT_COURSE = os.environ.get("DEFAULT_COURSE", "grundutbildning")
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL") or (
        f"http://127.0.0.1:{os.environ.get('PORT', '5000')}"  # `make run PORT=…` passes PORT
    )
    # db.engine_options adds the per-database ones and hide_parameters (a database error
    # never logs its values, e.g. a session token).
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # DATABASE_URL points at PgBouncer in transaction pooling mode (db.engine_options).
    DATABASE_PGBOUNCER = _flag("DATABASE_PGBOUNCER")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = ENVIRONMENT == "production"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = ENVIRONMENT == "production"
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    # A session ends after this long without a request, and this long after login at most.
    SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
    SESSION_ABSOLUTE_TIMEOUT = int(os.environ.get("SESSION_MAX_HOURS", "10")) * 3600
    # Rate limits (Flask-Limiter): Redis shared by every worker; memory only in development.
    REDIS_URL = os.environ.get("REDIS_URL", "").strip()
    RATELIMIT_ENABLED = True
    # The job queue (jobs/queue.py): Redis when this is set (REDIS_URL unless JOBS_REDIS_URL
    # names another), otherwise a SQLite file (JOBS_SQLITE_PATH, else instance/jobs.db).
    JOBS_REDIS_URL = os.environ.get("JOBS_REDIS_URL", "").strip() or REDIS_URL
    JOBS_SQLITE_PATH = os.environ.get("JOBS_SQLITE_PATH", "").strip()
    JOBS_IMMEDIATE = False  # True: run each job at once in the enqueuing process (tests only)
    RATELIMIT_KEY_PREFIX = "vbe_learn"
    RATELIMIT_SWALLOW_ERRORS = True  # Redis down: log it and let logins through (not a 500)
    # Failed attempts per account and IP (the owner's own address is never stopped by others),
    # a softer account-wide backoff (short window), and per IP across accounts (rate_limits.py).
    LOGIN_LIMIT_PER_ACCOUNT_AND_IP = os.environ.get(
        "LOGIN_LIMIT_PER_ACCOUNT_AND_IP", "10 per 15 minutes"
    )
    LOGIN_BACKOFF_PER_ACCOUNT = os.environ.get("LOGIN_BACKOFF_PER_ACCOUNT", "30 per 5 minutes")
    LOGIN_LIMIT_PER_IP = os.environ.get("LOGIN_LIMIT_PER_IP", "100 per 15 minutes")
    VERIFY_LIMIT_PER_IP = os.environ.get("VERIFY_LIMIT_PER_IP", "30 per minute; 300 per hour")
    BEHIND_PROXY = os.environ.get("VBE_BEHIND_PROXY") == "1"  # trust X-Forwarded-* (one hop)
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json" if ENVIRONMENT == "production" else "text")
    SET_PASSWORD_LINK_MAX_AGE = 7 * 24 * 3600
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    WTF_I18N_ENABLED = True  # WTForms' own messages in the interface language (Flask-Babel)
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    # A roster or completions file, checked before it is parsed (zip bombs): its unpacked
    # size (XLSX) and its rows.
    IMPORT_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("IMPORT_MAX_UNCOMPRESSED_MB", "100")) << 20
    IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "200000"))
    # A roster import that deactivates more than this share of the active people must be
    # confirmed by typing how many it deactivates (roster/plan.py, RosterPlan.mass_deactivation).
    ROSTER_MAX_DEACTIVATE_SHARE = float(os.environ.get("ROSTER_MAX_DEACTIVATE_SHARE", "0.05"))
    # Single sign-on (OpenID Connect); SSO is offered when OIDC_ISSUER and OIDC_CLIENT_ID are set.
    OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "")
    OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
    OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
    OIDC_MATCH_CLAIM = os.environ.get("OIDC_MATCH_CLAIM", "email")
    OIDC_MATCH_FIELD = os.environ.get("OIDC_MATCH_FIELD", "email")  # or employee_number
    # Gallring: people are pseudonymised this many days after their last placement ended.
    GDPR_RETENTION_DAYS = int(os.environ.get("GDPR_RETENTION_DAYS", "730"))
    # Export files (Mina exporter): kept this many days, then deleted by the hourly clean-up,
    # which also fails an export still not made after EXPORT_STUCK_MINUTES (a killed worker).
    EXPORT_RETENTION_DAYS = int(os.environ.get("EXPORT_RETENTION_DAYS", "7"))
    EXPORT_STUCK_MINUTES = int(os.environ.get("EXPORT_STUCK_MINUTES", "60"))
    # E-mail (Flask-Mail's names). Without MAIL_SERVER messages go to MAIL_OUTBOX_DIR
    # (one .eml file each) or, without that too, to the log.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _flag("MAIL_USE_TLS")
    MAIL_USE_SSL = _flag("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "vbe-utbildning@stockholm.se")
    MAIL_OUTBOX_DIR = os.environ.get("MAIL_OUTBOX_DIR", "")
    MAIL_TIMEOUT = 30
    # Deadlines and reminders (docs/reminders.md).
    NEW_EMPLOYEE_DAYS = int(os.environ.get("NEW_EMPLOYEE_DAYS", "30"))
    REMINDER_DAYS_BEFORE = int(os.environ.get("REMINDER_DAYS_BEFORE", "7"))
    REMINDER_REPEAT_DAYS = int(os.environ.get("REMINDER_REPEAT_DAYS", "7"))
    # A reminder row claimed longer ago than this by a run that never finished it is settled
    # as "unknown" (never resent); far longer than one SMTP transaction (MAIL_TIMEOUT).
    REMINDER_CLAIM_LEASE_MINUTES = int(os.environ.get("REMINDER_CLAIM_LEASE_MINUTES", "15"))
    # The share genomförda a förvaltning aims at: the "Mål" line on its trend charts (0 hides it).
    FOLLOWUP_TARGET_SHARE = float(os.environ.get("FOLLOWUP_TARGET_SHARE", "0.9"))


class TestConfig(Config):
    """Settings for the test suite (database from TEST_DATABASE_URL, SQLite otherwise)."""

    TESTING = True
    SECRET_KEY = "test-secret"  # noqa: S105 - tests only
    ENVIRONMENT = "test"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    WTF_CSRF_ENABLED = False
    PUBLIC_BASE_URL = "http://localhost"
    RATELIMIT_ENABLED = False  # tests/integration/test_rate_limits.py turns it on, with Redis
    JOBS_IMMEDIATE = True  # jobs run synchronously, in the test's transaction
    JOBS_REDIS_URL = ""
    LOG_FORMAT = "text"
