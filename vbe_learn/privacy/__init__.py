"""Personuppgifter: Mina uppgifter (download your own data) and gallring (pseudonymisation)."""

from flask import Blueprint

bp = Blueprint("privacy", __name__)

from . import views  # noqa: E402,F401
