"""Deadlines, validity and reminders: who is due for what today, sending, the send log.

Pages: /paminnelser (deadlines, for samordnare), /paminnelser/logg (what was sent to whom)
and the chef's "Påminn" buttons. The command line: `flask reminders send`, `flask deadline`.
"""

from flask import Blueprint

bp = Blueprint("reminders", __name__, url_prefix="/paminnelser")


@bp.context_processor
def time_helpers() -> dict:
    """Show stored UTC times in Stockholm time."""
    from ..models.types import CITY_TIMEZONE

    return {
        "local_time": lambda moment: moment.astimezone(CITY_TIMEZONE).strftime("%Y-%m-%d %H:%M")
    }


from . import views  # noqa: E402,F401
