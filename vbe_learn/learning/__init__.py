"""The learner's side: Min utbildning, module pages, knowledge checks."""

from flask import Blueprint
from flask_login import current_user
from markupsafe import Markup

from ..courses.languages import LANGUAGES, html_lang, learner_language
from ..courses.question_kinds import kind_named
from ..courses.rendering import inline_plain_text, render_inline

bp = Blueprint("learning", __name__)


@bp.app_context_processor
def question_kinds() -> dict:
    """Let templates ask a question kind how it is shown."""
    return {"question_kind": kind_named}


@bp.app_context_processor
def course_languages() -> dict:
    """The signed-in person's course language (`course_language`, Swedish until chosen: the
    one value for anything that follows the learner's language, e.g. `<html lang>`), the
    languages' names, and `content_lang(language)`, the HTML lang of course text."""
    return {
        "course_language": learner_language(current_user),
        "course_language_names": LANGUAGES,
        "content_lang": html_lang,
    }


@bp.app_template_filter("course_text")
def course_text(text: str) -> Markup:
    """A course text (a question's prompt, an option, a page title, …) as safe HTML, with
    its inline Markdown rendered (`[orosanmälan]{lang=sv}` → `<span lang="sv">`)."""
    return Markup(render_inline(text or ""))  # noqa: S704 - sanitised by render_inline


@bp.app_template_filter("course_plain")
def course_plain(text: str) -> str:
    """A course text without its markup, where HTML cannot go (`<title>`)."""
    return inline_plain_text(text or "")


from . import views  # noqa: E402,F401
