"""The base form: CSRF from Flask-WTF and WTForms' own Swedish messages."""

from flask_wtf import FlaskForm


class SwedishForm(FlaskForm):
    """Every form's base: built-in validation messages in Swedish."""

    class Meta:
        """WTForms settings: Swedish messages."""

        locales = ("sv",)


class ActionForm(SwedishForm):
    """A button that changes state (only the CSRF token)."""
