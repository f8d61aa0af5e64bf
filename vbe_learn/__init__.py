"""vbe_learn: Stockholm stad's web course and follow-up on våldsbejakande extremism."""

import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from .auth import sessions
from .auth.oidc import check_settings as check_oidc_settings
from .core import db as database
from .core import i18n, menu, numbers, rate_limits, refusals, security_headers
from .core.config import DEFAULT_SECRET_KEY, REPO_ROOT, Config, database_url_from_env
from .core.extensions import csrf, db, login_manager, migrate
from .core.logs import configure_logging
from .core.urls import IdConverter
from .jobs import queue as job_queue


def create_app(config: type[Config] | dict | None = None) -> Flask:
    """Build the application: settings, extensions, blueprints and CLI commands."""
    app = Flask(__name__, instance_relative_config=True)
    app.url_map.converters["id"] = IdConverter  # <id:...>: 404 beyond a database integer
    app.config.from_object(Config)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url_from_env(app.instance_path)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    os.makedirs(app.instance_path, exist_ok=True)
    _refuse_default_secret_in_production(app)
    check_oidc_settings(app)
    configure_logging(app)
    if app.config["BEHIND_PROXY"]:  # the reverse proxy's X-Forwarded-For/-Proto/-Host (one hop)
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = database.engine_options(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(REPO_ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    i18n.init_app(app)
    database.init_app(app)
    security_headers.init_app(app)
    menu.init_app(app)
    numbers.init_app(app)
    sessions.init_app(app)

    from . import models  # noqa: F401  (register the models with SQLAlchemy)
    from .accessibility import bp as accessibility_bp
    from .admin import bp as admin_bp
    from .auth import bp as auth_bp
    from .certificates import bp as certificates_bp
    from .core.cli import register_commands
    from .core.error_pages import register_error_handlers
    from .core.health import bp as health_bp
    from .exports import bp as exports_bp
    from .followup import bp as followup_bp
    from .groups import bp as groups_bp
    from .learning import bp as learning_bp
    from .privacy import bp as privacy_bp
    from .reminders import bp as reminders_bp
    from .roster import bp as roster_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(learning_bp)
    app.register_blueprint(certificates_bp)
    app.register_blueprint(roster_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(followup_bp)
    app.register_blueprint(groups_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(accessibility_bp)
    app.register_blueprint(health_bp)
    app.extensions["vbe_limiter"] = rate_limits.init_app(app)
    job_queue.init_app(app)
    app.register_blueprint(reminders_bp)
    register_error_handlers(app)
    refusals.init_app(app)
    register_commands(app)
    return app


def _refuse_default_secret_in_production(app: Flask) -> None:
    if app.config["ENVIRONMENT"] == "production" and app.config["SECRET_KEY"] == DEFAULT_SECRET_KEY:
        raise RuntimeError("SECRET_KEY måste sättas i produktion (VBE_ENV=production).")
