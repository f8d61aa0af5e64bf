"""The deadline form (labels in the interface language); the förvaltning is checked
against reach in the view."""

from flask_babel import lazy_gettext
from wtforms import DateField, SelectField
from wtforms.validators import Optional

from ..core.forms import SwedishForm

CITY = "stad"


class DeadlineForm(SwedishForm):
    """Which deadline (the city's or a förvaltning's) and the new date (empty: remove)."""

    scope = SelectField(lazy_gettext("Gäller"), choices=[], validate_choice=False)
    due_on = DateField(
        lazy_gettext("Sista dag (ÅÅÅÅ-MM-DD, tomt tar bort)"),
        format="%Y-%m-%d",
        validators=[Optional()],
    )
