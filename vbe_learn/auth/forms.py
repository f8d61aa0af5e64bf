"""Login and password forms."""

from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from ..core.forms import SwedishForm
from .passwords import MIN_PASSWORD_LENGTH


class LoginForm(SwedishForm):
    """E-post and password."""

    email = EmailField("E-post", validators=[DataRequired("Fyll i din e-postadress.")])
    password = PasswordField("Lösenord", validators=[DataRequired("Fyll i ditt lösenord.")])
    remember = BooleanField("Kom ihåg mig på den här enheten")


class SetPasswordForm(SwedishForm):
    """Choose a password (twice)."""

    password = PasswordField(
        "Nytt lösenord",
        validators=[
            DataRequired("Välj ett lösenord."),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=f"Lösenordet måste ha minst {MIN_PASSWORD_LENGTH} tecken.",
            ),
        ],
    )
    confirm = PasswordField(
        "Upprepa lösenordet",
        validators=[EqualTo("password", "Lösenorden är inte likadana.")],
    )


class ForgotPasswordForm(SwedishForm):
    """Ask for a set-password link."""

    email = StringField(
        "E-post",
        validators=[
            DataRequired("Fyll i din e-postadress."),
            Email("Skriv en giltig e-postadress."),
        ],
    )
