"""The export forms (Swedish labels). Förvaltning and enhet are checked against reach in
the view (404 outside it), not against the listed choices."""

from wtforms import DateField, SelectChoice, SelectField
from wtforms.validators import Optional, ValidationError

from ..core.forms import SwedishForm
from ..followup.services import CITY_SORTS, DEFAULT_CITY_SORT
from ..learning.status import STATUS_SLUGS
from ..models.types import city_today

STATUS_CHOICES = [
    SelectChoice("", "Alla"),
    *(SelectChoice(slug, label) for slug, label in STATUS_SLUGS.items()),
]


class ParticipantExportForm(SwedishForm):
    """Which people go into the deltagarlista."""

    administration = SelectField("Förvaltning", choices=[], validate_choice=False)
    unit = SelectField("Enhet", choices=[], validate_choice=False)
    status = SelectField("Status", choices=STATUS_CHOICES, default="")
    completed_from = DateField("Genomförd från och med", format="%Y-%m-%d", validators=[Optional()])
    completed_to = DateField("Genomförd till och med", format="%Y-%m-%d", validators=[Optional()])

    def validate_completed_to(self, field) -> None:
        """The period must not end before it starts."""
        if field.data and self.completed_from.data and field.data < self.completed_from.data:
            raise ValidationError("Slutdatumet är före startdatumet.")


class SummaryExportForm(SwedishForm):
    """The date and the sort of the samlad bild (the page's ?sortera=, "andel" if not sent)."""

    as_of = DateField("Per datum", format="%Y-%m-%d", default=city_today, validators=[Optional()])
    sort = SelectField(
        "Sortering",
        choices=[SelectChoice(value, label) for value, label in CITY_SORTS.items()],
        default=DEFAULT_CITY_SORT,
        name="sortera",
    )
