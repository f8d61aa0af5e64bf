"""The main menu: which links a person sees (the decisions come from permissions.py)."""

from flask import Flask
from flask_login import current_user

from ..models.org import ROLE_LABELS
from ..permissions import main_menu


def init_app(app: Flask) -> None:
    """Give templates the role labels and the menu entries the current person may use."""

    @app.context_processor
    def menu() -> dict:
        if not current_user.is_authenticated:
            return {"menu": {}, "role_labels": ROLE_LABELS}
        return {"role_labels": ROLE_LABELS, "menu": main_menu(current_user)}
