"""The course's estimated time: one figure, computed here and shown everywhere.

A module takes its words at `words_per_minute` plus `seconds_per_question` for each of the
`questions_per_check` questions of its knowledge check. The course's estimate is the sum
rounded up to whole minutes. Each module's figure is rounded so that the modules add up to
exactly the course's estimate (cumulative rounding), so Min utbildning (which adds up the
modules), `courses check` and the invitation e-mail all show the same number.

Each language has its own reading speed (course.yaml; why these speeds: courses/README.md):
lättläst readers read more slowly, so the same course takes them longer.
"""

import math
from fractions import Fraction

from sqlalchemy import func, select

from ..core.extensions import db
from ..models import Course, Module

# The course.yaml setting that holds each language's reading speed (words per minute).
WORDS_PER_MINUTE_SETTING = {
    "sv": "words_per_minute",
    "sv-lattlast": "words_per_minute_lattlast",
    "en": "words_per_minute_en",
}


def module_time(words: int, settings: dict, language: str = "sv") -> Fraction:
    """Exact minutes for one module: reading (at the language's speed) plus answering its
    knowledge check."""
    reading = Fraction(words, settings[WORDS_PER_MINUTE_SETTING[language]])
    answering = Fraction(settings["questions_per_check"] * settings["seconds_per_question"], 60)
    return reading + answering


def course_minutes(module_words: list[int], settings: dict, language: str = "sv") -> int:
    """The course's estimated time in whole minutes (rounded up)."""
    times = (module_time(words, settings, language) for words in module_words)
    return math.ceil(sum(times, Fraction(0)))


def module_minutes(module_words: list[int], settings: dict, language: str = "sv") -> list[int]:
    """Each module's minutes, rounded so that they add up to `course_minutes`."""
    result, elapsed, shown = [], Fraction(0), 0
    for words in module_words:
        elapsed += module_time(words, settings, language)
        result.append(math.ceil(elapsed) - shown)
        shown = math.ceil(elapsed)
    return result


def current_course_minutes(course_slug: str) -> int | None:
    """The estimate of a course's current version as stored by `courses sync` (one query)."""
    return db.session.scalar(
        select(func.sum(Module.estimated_minutes))
        .join(Course, Course.current_version_id == Module.version_id)
        .where(Course.slug == course_slug)
    )
