"""The learner's side: Min utbildning, module pages, knowledge checks."""

from flask import Blueprint

from ..courses.question_kinds import kind_named

bp = Blueprint("learning", __name__)


@bp.app_context_processor
def question_kinds() -> dict:
    """Let templates ask a question kind how it is shown."""
    return {"question_kind": kind_named}


from . import views  # noqa: E402,F401
