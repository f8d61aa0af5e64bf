"""The main menu: which links a person sees (the decisions come from permissions.py)."""

from flask import Flask
from flask_login import current_user

from .models.org import ROLE_LABELS
from .permissions import may_follow_up, may_import_roster, may_manage_deadlines, may_manage_roles


def init_app(app: Flask) -> None:
    """Give templates the menu entries the current person may use."""

    @app.context_processor
    def menu() -> dict:
        if not current_user.is_authenticated:
            return {"menu": {}, "role_labels": ROLE_LABELS}
        return {
            "role_labels": ROLE_LABELS,
            "menu": {
                "follow_up": may_follow_up(current_user),
                "roster": may_import_roster(current_user),
                "roles": may_manage_roles(current_user),
                "reminders": may_manage_deadlines(current_user),
            },
        }
