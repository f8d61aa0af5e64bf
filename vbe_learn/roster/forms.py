"""Roster upload and confirmation forms."""

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, StringField

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


class ConfirmRosterForm(SwedishForm):
    """Confirm a previewed roster; a mass deactivation also needs the number typed."""

    deactivate_count = StringField("Skriv antalet personer som avaktiveras för att bekräfta")

    def typed_count(self) -> int | None:
        """The typed number (spaces allowed, as in "2 995"), or None when it is not a number."""
        digits = "".join((self.deactivate_count.data or "").split())
        return int(digits) if digits.isdigit() and len(digits) < 10 else None

    def refuse_count(self, expected: int) -> None:
        """Tie the Swedish message for a missing or wrong number to the field."""
        typed = (self.deactivate_count.data or "").strip()
        said = f"Du skrev {typed}, men" if typed else "Du skrev inget antal, och"
        self.deactivate_count.errors = [
            f"{said} importen avaktiverar {expected} personer. Inget har ändrats. "
            f"Skriv {expected} för att bekräfta importen."
        ]
