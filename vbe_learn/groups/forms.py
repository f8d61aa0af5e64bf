"""The forms of a gruppomgång: starting one (the modules) and joining one (the code)."""

from flask_babel import lazy_gettext
from wtforms import HiddenField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from ..core.forms import SwedishForm


class StartForm(SwedishForm):
    """ "Starta gruppomgång": the modules to go through (all of them: the whole course)."""

    moduler = SelectMultipleField(
        lazy_gettext("Moduler"),
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[InputRequired(lazy_gettext("Välj minst en modul."))],
        invalid_choice_message=lazy_gettext("Välj bland kursens moduler."),
    )
    forvaltning = HiddenField()


class JoinForm(SwedishForm):
    """ "Gå med": the code on the leader's screen (prefilled from the QR code)."""

    kod = StringField(
        lazy_gettext("Kod"),
        validators=[
            InputRequired(lazy_gettext("Skriv koden som visas på skärmen.")),
            Length(max=20, message=lazy_gettext("Skriv koden med sex siffror.")),
        ],
    )
    gruppomgang = HiddenField()
