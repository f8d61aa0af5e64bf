"""Gruppomgång: a leader shows the course to a group (an APT); each person joins with a
rotating code on their phone and it counts for them as if they had taken it alone."""

from flask import Blueprint

bp = Blueprint("groups", __name__, url_prefix="/gruppomgang")

from . import views  # noqa: E402,F401
