"""Login and password forms."""

from flask_babel import lazy_gettext
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from ..core.forms import SwedishForm
from .passwords import MIN_PASSWORD_LENGTH


class LoginForm(SwedishForm):
    """E-post and password."""

    email = EmailField(
        lazy_gettext("E-post"), validators=[DataRequired(lazy_gettext("Fyll i din e-postadress."))]
    )
    password = PasswordField(
        lazy_gettext("Lösenord"), validators=[DataRequired(lazy_gettext("Fyll i ditt lösenord."))]
    )
    remember = BooleanField(lazy_gettext("Kom ihåg mig på den här enheten"))


class SetPasswordForm(SwedishForm):
    """Choose a password (twice)."""

    password = PasswordField(
        lazy_gettext("Nytt lösenord"),
        validators=[
            DataRequired(lazy_gettext("Välj ett lösenord.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=lazy_gettext(
                    "Lösenordet måste ha minst %(num)d tecken.", num=MIN_PASSWORD_LENGTH
                ),
            ),
        ],
    )
    confirm = PasswordField(
        lazy_gettext("Upprepa lösenordet"),
        validators=[EqualTo("password", lazy_gettext("Lösenorden är inte likadana."))],
    )


class ForgotPasswordForm(SwedishForm):
    """Ask for a set-password link."""

    email = StringField(
        lazy_gettext("E-post"),
        validators=[
            DataRequired(lazy_gettext("Fyll i din e-postadress.")),
            Email(lazy_gettext("Skriv en giltig e-postadress.")),
        ],
    )
