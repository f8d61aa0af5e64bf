"""The HR roster: read a CSV/XLSX file, validate every row, plan the changes, apply them."""

from flask import Blueprint

bp = Blueprint("roster", __name__, url_prefix="/admin")

from . import views  # noqa: E402,F401
