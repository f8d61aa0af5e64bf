"""The intyg: the learner's certificate page and PDF, and public verification."""

from flask import Blueprint

bp = Blueprint("certificates", __name__)

from . import views  # noqa: E402,F401
