"""Deltagarlistor and the samlad bild as XLSX or CSV, from the pages and the command line.

Pages: /uppfoljning/export (the form: a file is asked for and made by a job worker),
/mina-exporter (the person's own files and their downloads) and /admin/exporter (the
export log, admins). Every export is logged (models/exports.py).
"""

from flask import Blueprint

bp = Blueprint("exports", __name__)

from . import views  # noqa: E402,F401
