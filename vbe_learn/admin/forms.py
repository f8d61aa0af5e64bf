"""Give a role, find a person, filter the Händelselogg."""

from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..auth.services import find_user_by_email
from ..core.forms import SwedishForm
from ..models.org import COORDINATOR, ROLE_LABELS
from .log import LogFilters, action_choices


class GrantRoleForm(SwedishForm):
    """Who gets which role (samordnare: for which förvaltning)."""

    email = StringField("Personens e-post", validators=[DataRequired("Fyll i e-postadressen.")])
    role = SelectField("Roll", choices=[SelectChoice(k, v) for k, v in ROLE_LABELS.items()])
    administration = SelectField("Förvaltning (för samordnare)", coerce=int, choices=[])

    def validate_email(self, field) -> None:
        """The person must exist and be active."""
        user = find_user_by_email(field.data)
        if user is None or not user.active:
            raise ValidationError("Det finns ingen aktiv person med den e-postadressen.")
        self.user = user

    def validate_administration(self, field) -> None:
        """A samordnare is always samordnare for a förvaltning."""
        if self.role.data == COORDINATOR and not field.data:
            raise ValidationError("Välj förvaltning för samordnaren.")


class PersonSearchForm(SwedishForm):
    """Find a person by name or e-post (a GET form: it changes nothing)."""

    class Meta:
        """No CSRF token: searching changes nothing."""

        csrf = False

    sok = StringField(
        "Sök person (namn eller e-post)",
        validators=[DataRequired("Skriv en del av namnet eller e-postadressen."), Length(max=100)],
    )


class LogFilterForm(SwedishForm):
    """The Händelselogg's filters (a GET form: it changes nothing)."""

    class Meta:
        """No CSRF token: filtering changes nothing."""

        csrf = False

    person = StringField("Person (namn eller e-post)", validators=[Optional(), Length(max=100)])
    action = SelectField(
        "Händelse", choices=[SelectChoice(k, v) for k, v in action_choices()], default=""
    )
    date_from = DateField("Från och med", validators=[Optional()])
    date_to = DateField("Till och med", validators=[Optional()])

    def validate_date_to(self, field) -> None:
        """The range must not end before it starts."""
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("Till och med-datumet ligger före från och med-datumet.")

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
