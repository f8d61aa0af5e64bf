"""Roster upload and confirmation forms."""

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField

from ..core.forms import SwedishForm
from ..models.types import city_today


class RosterUploadForm(SwedishForm):
    """A roster file (CSV or XLSX) and the date it describes."""

    file = FileField(
        "Personallista (CSV eller XLSX)",
        validators=[
            FileRequired("Välj en fil."),
            FileAllowed(["csv", "txt", "xlsx"], "Filen ska vara en CSV- eller XLSX-fil."),
        ],
    )
    as_of = DateField("Personallistans datum", default=city_today, format="%Y-%m-%d")
