"""Marking a course's current version as requiring renewal."""

from datetime import date

from sqlalchemy import select

from ..core.extensions import db
from ..models import Course, CourseVersion


def require_renewal(course_slug: str, on: date) -> CourseVersion | None:
    """From `on`, completions of older versions no longer count; None for an unknown course.

    Marking an already marked version keeps its first date.
    """
    version = db.session.scalar(
        select(CourseVersion)
        .join(Course, Course.current_version_id == CourseVersion.id)
        .where(Course.slug == course_slug)
    )
    if version is None:
        return None
    if version.renewal_required_on is None:
        version.renewal_required_on = on
        db.session.flush()
    return version
