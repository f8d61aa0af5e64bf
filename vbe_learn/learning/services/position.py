"""What a module page needs: the learner's course version and the pages they have read.

Every module page needs it, so it comes with the signed-in person (auth/signed_in.py): the
three columns of `POSITION_COLUMNS`, for the default course, ride on the query that loads
the person, and `remember_position` keeps them for the rest of the request. A module page
of that course thus costs one query in all, not two. `page_position` takes them once;
for another course, or when nothing was remembered, it asks the database itself.
"""

from dataclasses import dataclass

from flask import g, has_request_context
from sqlalchemy import String, bindparam, cast, func, select

from ...direct_reads import DirectRead
from ...models import Course, Enrollment, PageRead, User
from .outline import Outline, outline_for


@dataclass(frozen=True)
class PagePosition:
    """What a module page needs: the learner's course version and the pages they have read."""

    slug: str
    outline: Outline
    read_page_ids: frozenset[int]


_LATEST_CYCLE_IN_COURSE = (
    select(func.max(Enrollment.cycle))
    .where(Enrollment.user_id == bindparam("user_id"), Enrollment.course_id == Course.id)
    .correlate(Course)
    .scalar_subquery()
)
# Joins a course (by slug) to the learner's latest enrollment in it, if any.
LEARNERS_LATEST_ENROLLMENT_IN_COURSE = (
    (Enrollment.course_id == Course.id)
    & (Enrollment.user_id == bindparam("user_id"))
    & (Enrollment.cycle == _LATEST_CYCLE_IN_COURSE)
)
VERSION_AND_PAGES_READ_BY_SLUG = DirectRead(
    select(Course.current_version_id, Enrollment.course_version_id, PageRead.page_id)
    .outerjoin(Enrollment, LEARNERS_LATEST_ENROLLMENT_IN_COURSE)
    .outerjoin(PageRead, PageRead.enrollment_id == Enrollment.id)
    .where(Course.slug == bindparam("slug"))
)

# The same, as columns beside a users row (bind "slug"): the course's current version, the
# version of the person's latest enrollment in it, and the pages read there ("12,13,...").
_COURSE_ID = select(Course.id).where(Course.slug == bindparam("slug")).scalar_subquery()
_LATEST_ENROLLMENT = (
    select(Enrollment.id)
    .where(Enrollment.user_id == User.id, Enrollment.course_id == _COURSE_ID)
    .order_by(Enrollment.cycle.desc())
    .limit(1)
    .correlate(User)
    .scalar_subquery()
)
POSITION_COLUMNS = (
    select(Course.current_version_id).where(Course.slug == bindparam("slug")).scalar_subquery(),
    select(Enrollment.course_version_id)
    .where(Enrollment.id == _LATEST_ENROLLMENT)
    .correlate(User)
    .scalar_subquery(),
    select(func.aggregate_strings(cast(PageRead.page_id, String), ","))
    .where(PageRead.enrollment_id == _LATEST_ENROLLMENT)
    .correlate(User)
    .scalar_subquery(),
)


def _remembered() -> dict:
    return g.setdefault("_page_positions", {}) if has_request_context() else {}


def remember_position(user_id: int, slug: str, values: tuple) -> None:
    """Keep, for this request, what POSITION_COLUMNS read for the person in a course."""
    current_version_id, enrolled_version_id, read_text = values
    read = frozenset(int(page_id) for page_id in (read_text or "").split(",") if page_id)
    _remembered()[user_id, slug] = (enrolled_version_id or current_version_id, read)


def forget_positions() -> None:
    """Drop what was remembered: the person's reading changes in this request."""
    _remembered().clear()


def page_position(user: User, slug: str) -> PagePosition | None:
    """The learner's version (or the current one) and pages read; None when the course
    does not exist or has no version loaded."""
    remembered = _remembered().pop((user.id, slug), None)
    if remembered is None:
        rows = VERSION_AND_PAGES_READ_BY_SLUG.rows(user_id=user.id, slug=slug)
        if not rows:
            return None
        current_version_id, enrolled_version_id, _ = rows[0]
        read = frozenset(page_id for _, _, page_id in rows if page_id is not None)
        remembered = (enrolled_version_id or current_version_id, read)
    version_id, read = remembered
    if version_id is None:
        return None
    return PagePosition(slug, outline_for(version_id), read)
