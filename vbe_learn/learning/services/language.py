"""The learner's course language: chosen on Min utbildning, changed any time.

Changing it changes only the text: the pages read, the attempts and the completion are the
same rows in every language. An open attempt stays in the language it was started in.
"""

import logging

from flask_babel import gettext

from ...core.extensions import db
from ...courses.languages import LANGUAGES
from ...models import User

log = logging.getLogger(__name__)


class UnknownLanguage(ValueError):
    """Not one of the course's languages (the message is for the learner)."""


def choose_course_language(user: User, language: str) -> None:
    """Record the language the person takes the course in (flushed, not committed)."""
    if language not in LANGUAGES:
        raise UnknownLanguage(gettext("Välj ett av språken i listan."))
    user.course_language = language
    db.session.flush()
    log.info("course language chosen user_id=%s language=%s", user.id, language)
