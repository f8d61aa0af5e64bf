"""The base form: CSRF from Flask-WTF; WTForms' own messages in the interface language."""

from flask_wtf import FlaskForm


class SwedishForm(FlaskForm):
    """Every form's base. Its built-in validation messages follow the interface language
    (Flask-WTF's translations with Flask-Babel, WTF_I18N_ENABLED): Swedish unless the person
    chose English."""


class ActionForm(SwedishForm):
    """A button that changes state (only the CSRF token)."""
