"""Login and password forms."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from .passwords import MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    """E-post and password."""

    email = EmailField("E-post", validators=[DataRequired("Fyll i din e-postadress.")])
    password = PasswordField("Lösenord", validators=[DataRequired("Fyll i ditt lösenord.")])
    remember = BooleanField("Kom ihåg mig på den här enheten")


class SetPasswordForm(FlaskForm):
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


class ForgotPasswordForm(FlaskForm):
    """Ask for a set-password link."""

    email = StringField(
        "E-post",
        validators=[
            DataRequired("Fyll i din e-postadress."),
            Email("Skriv en giltig e-postadress."),
        ],
    )
