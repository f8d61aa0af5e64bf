"""The tillgänglighetsredogörelse (accessibility statement): public, linked from every page."""

from flask import Blueprint

bp = Blueprint("accessibility", __name__)

from . import views  # noqa: E402,F401
