"""Roster upload and confirmation forms."""

from flask_babel import gettext, lazy_gettext
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, StringField

from ..core.forms import SwedishForm
from ..models.types import city_today


class RosterUploadForm(SwedishForm):
    """A roster file (CSV or XLSX) and the date it describes."""

    file = FileField(
        lazy_gettext("Personallista (CSV eller XLSX)"),
        validators=[
            FileRequired(lazy_gettext("Välj en fil.")),
            FileAllowed(
                ["csv", "txt", "xlsx"], lazy_gettext("Filen ska vara en CSV- eller XLSX-fil.")
            ),
        ],
    )
    as_of = DateField(lazy_gettext("Personallistans datum"), default=city_today, format="%Y-%m-%d")


class ConfirmRosterForm(SwedishForm):
    """Confirm a previewed roster; a mass deactivation also needs the number typed."""

    deactivate_count = StringField(
        lazy_gettext("Skriv antalet personer som avaktiveras för att bekräfta")
    )

    def typed_count(self) -> int | None:
        """The typed number (spaces allowed, as in "2 995"), or None when it is not a number."""
        digits = "".join((self.deactivate_count.data or "").split())
        return int(digits) if digits.isdigit() and len(digits) < 10 else None

    def refuse_count(self, expected: int) -> None:
        """Tie the message for a missing or wrong number to the field."""
        typed = (self.deactivate_count.data or "").strip()
        if typed:
            message = gettext(
                "Du skrev %(typed)s, men importen avaktiverar %(count)s personer. Inget har "
                "ändrats. Skriv %(count)s för att bekräfta importen.",
                typed=typed,
                count=expected,
            )
        else:
            message = gettext(
                "Du skrev inget antal, och importen avaktiverar %(count)s personer. Inget har "
                "ändrats. Skriv %(count)s för att bekräfta importen.",
                count=expected,
            )
        self.deactivate_count.errors = [message]
