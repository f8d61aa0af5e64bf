"""Login, logout and set-password links for local accounts."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import sso_views, views  # noqa: E402,F401
