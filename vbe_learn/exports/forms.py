"""The export forms (labels in the interface language). Förvaltning and enhet are checked
against reach in the view (404 outside it), not against the listed choices."""

from flask_babel import gettext, lazy_gettext
from wtforms import DateField, SelectChoice, SelectField
from wtforms.validators import Optional, ValidationError

from ..core.forms import SwedishForm
from ..core.i18n import status_label
from ..followup.services import CITY_SORTS, DEFAULT_CITY_SORT
from ..learning.status import STATUS_SLUGS
from ..models.types import city_today


def status_choices() -> list[SelectChoice]:
    """Every status, or all, in the interface language."""
    return [
        SelectChoice("", lazy_gettext("Alla")),
        *(SelectChoice(slug, status_label(status)) for slug, status in STATUS_SLUGS.items()),
    ]


class ParticipantExportForm(SwedishForm):
    """Which people go into the deltagarlista."""

    administration = SelectField(lazy_gettext("Förvaltning"), choices=[], validate_choice=False)
    unit = SelectField(lazy_gettext("Enhet"), choices=[], validate_choice=False)
    status = SelectField(lazy_gettext("Status"), choices=status_choices, default="")
    completed_from = DateField(
        lazy_gettext("Genomförd från och med"), format="%Y-%m-%d", validators=[Optional()]
    )
    completed_to = DateField(
        lazy_gettext("Genomförd till och med"), format="%Y-%m-%d", validators=[Optional()]
    )

    def validate_completed_to(self, field) -> None:
        """The period must not end before it starts."""
        if field.data and self.completed_from.data and field.data < self.completed_from.data:
            raise ValidationError(gettext("Slutdatumet är före startdatumet."))


class SummaryExportForm(SwedishForm):
    """The date and the sort of the samlad bild (the page's ?sortera=, "andel" if not sent)."""

    as_of = DateField(
        lazy_gettext("Per datum"), format="%Y-%m-%d", default=city_today, validators=[Optional()]
    )
    sort = SelectField(
        lazy_gettext("Sortering"),
        choices=[SelectChoice(value, label) for value, label in CITY_SORTS.items()],
        default=DEFAULT_CITY_SORT,
        name="sortera",
    )
