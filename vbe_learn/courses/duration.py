"""The course's estimated time: one figure, computed here and shown everywhere.

A module takes its words at `words_per_minute` plus `seconds_per_question` for each of the
`questions_per_check` questions of its knowledge check. The course's estimate is the sum
rounded up to whole minutes. Each module's figure is rounded so that the modules add up to
exactly the course's estimate (cumulative rounding), so Min utbildning (which adds up the
modules), `courses check` and the invitation e-mail all show the same number.
"""

import math
from fractions import Fraction

from sqlalchemy import func, select

from ..core.extensions import db
from ..models import Course, Module


def module_time(words: int, settings: dict) -> Fraction:
    """Exact minutes for one module: reading plus answering its knowledge check."""
    reading = Fraction(words, settings["words_per_minute"])
    answering = Fraction(settings["questions_per_check"] * settings["seconds_per_question"], 60)
    return reading + answering


def course_minutes(module_words: list[int], settings: dict) -> int:
    """The course's estimated time in whole minutes (rounded up)."""
    return math.ceil(sum((module_time(words, settings) for words in module_words), Fraction(0)))


def module_minutes(module_words: list[int], settings: dict) -> list[int]:
    """Each module's minutes, rounded so that they add up to `course_minutes`."""
    result, elapsed, shown = [], Fraction(0), 0
    for words in module_words:
        elapsed += module_time(words, settings)
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
