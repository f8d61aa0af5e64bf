"""Follow-up: who has completed the course, per team, enhet and förvaltning."""

from flask import Blueprint

bp = Blueprint("followup", __name__, url_prefix="/uppfoljning")

from . import views  # noqa: E402,F401
