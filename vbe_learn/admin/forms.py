"""Give a role."""

from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, ValidationError

from ..auth.services import find_user_by_email
from ..core.forms import SwedishForm
from ..models.org import COORDINATOR, ROLE_LABELS


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
