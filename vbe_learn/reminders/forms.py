"""The deadline form (Swedish labels); the förvaltning is checked against reach in the view."""

from wtforms import DateField, SelectField
from wtforms.validators import Optional

from ..core.forms import SwedishForm

CITY = "stad"


class DeadlineForm(SwedishForm):
    """Which deadline (the city's or a förvaltning's) and the new date (empty: remove)."""

    scope = SelectField("Gäller", choices=[], validate_choice=False)
    due_on = DateField(
        "Sista dag (ÅÅÅÅ-MM-DD, tomt tar bort)", format="%Y-%m-%d", validators=[Optional()]
    )
