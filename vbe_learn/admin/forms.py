"""Give a role, find a person, filter the Händelselogg."""

from flask_babel import gettext, lazy_gettext
from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..auth.services import find_user_by_email
from ..core.forms import SwedishForm
from ..core.i18n import role_label
from ..models.org import COORDINATOR, ROLE_LABELS
from .log import LogFilters, action_choices


def role_choices() -> list[SelectChoice]:
    """The roles one can give, in the interface language."""
    return [SelectChoice(role, role_label(role)) for role in ROLE_LABELS]


def action_select_choices() -> list[SelectChoice]:
    """The Händelselogg's action filter, in the interface language."""
    return [SelectChoice(action, label) for action, label in action_choices()]


class GrantRoleForm(SwedishForm):
    """Who gets which role (samordnare: for which förvaltning)."""

    email = StringField(
        lazy_gettext("Personens e-post"),
        validators=[DataRequired(lazy_gettext("Fyll i e-postadressen."))],
    )
    role = SelectField(lazy_gettext("Roll"), choices=role_choices)
    administration = SelectField(
        lazy_gettext("Förvaltning (för samordnare)"), coerce=int, choices=[]
    )

    def validate_email(self, field) -> None:
        """The person must exist and be active."""
        user = find_user_by_email(field.data)
        if user is None or not user.active:
            raise ValidationError(gettext("Det finns ingen aktiv person med den e-postadressen."))
        self.user = user

    def validate_administration(self, field) -> None:
        """A samordnare is always samordnare for a förvaltning."""
        if self.role.data == COORDINATOR and not field.data:
            raise ValidationError(gettext("Välj förvaltning för samordnaren."))


class PersonSearchForm(SwedishForm):
    """Find a person by name or e-post (a GET form: it changes nothing)."""

    class Meta:
        """No CSRF token: searching changes nothing."""

        csrf = False

    sok = StringField(
        lazy_gettext("Sök person (namn eller e-post)"),
        validators=[
            DataRequired(lazy_gettext("Skriv en del av namnet eller e-postadressen.")),
            Length(max=100),
        ],
    )


class LogFilterForm(SwedishForm):
    """The Händelselogg's filters (a GET form: it changes nothing)."""

    class Meta:
        """No CSRF token: filtering changes nothing."""

        csrf = False

    person = StringField(
        lazy_gettext("Person (namn eller e-post)"), validators=[Optional(), Length(max=100)]
    )
    action = SelectField(lazy_gettext("Händelse"), choices=action_select_choices, default="")
    date_from = DateField(lazy_gettext("Från och med"), validators=[Optional()])
    date_to = DateField(lazy_gettext("Till och med"), validators=[Optional()])

    def validate_date_to(self, field) -> None:
        """The range must not end before it starts."""
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(gettext("Till och med-datumet ligger före från och med-datumet."))

    def filters(self) -> LogFilters:
        """The chosen filters (none when the form is not valid)."""
        if not self.validate():
            return LogFilters()
        return LogFilters(
            (self.person.data or "").strip(),
            self.action.data or "",
            self.date_from.data,
            self.date_to.data,
        )
