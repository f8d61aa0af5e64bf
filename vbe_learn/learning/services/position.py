"""Where a learner stands in a course: what a module page, "Nästa" and a check's start need.

One query reads it (`READING_BY_USER_ID`, built once): the course, its current version,
the person's latest enrollment, that enrollment's version, its completion and the pages
read there.
"""

from dataclasses import dataclass

from sqlalchemy import String, bindparam, cast, func, select

from ...core.extensions import db
from ...courses.languages import learner_language
from ...models import Completion, Course, Enrollment, PageRead, User
from .outline import Outline, outline_for


@dataclass(frozen=True)
class ReadingState:
    """A person in a course (by slug): the course, its current version, their latest
    enrollment (None before the first page), whether it is completed, the pages read."""

    course_id: int | None
    current_version_id: int | None
    enrollment_id: int | None
    enrolled_version_id: int | None
    completed: bool
    read_page_ids: frozenset[int]

    @property
    def version_id(self) -> int | None:
        """The version the person reads: their enrollment's, else the current one."""
        return self.enrolled_version_id or self.current_version_id


@dataclass(frozen=True)
class PagePosition:
    """What a module page needs: the learner's course version and the pages they have read."""

    slug: str
    outline: Outline
    read_page_ids: frozenset[int]


# Selected from the person's users row (bind "slug"): the course, its current version, the person's
# latest enrollment in it, that enrollment's version, its completion and the pages read
# there ("12,13,...").
_COURSE_BY_SLUG = Course.slug == bindparam("slug")
_COURSE_ID = select(Course.id).where(_COURSE_BY_SLUG).scalar_subquery()
_LATEST_ENROLLMENT = (
    select(Enrollment.id)
    .where(Enrollment.user_id == User.id, Enrollment.course_id == _COURSE_ID)
    .order_by(Enrollment.cycle.desc())
    .limit(1)
    .correlate(User)
    .scalar_subquery()
)


def _about_latest_enrollment(column, where):
    return select(column).where(where).correlate(User).scalar_subquery()


READING_COLUMNS = (
    _COURSE_ID,
    select(Course.current_version_id).where(_COURSE_BY_SLUG).scalar_subquery(),
    _LATEST_ENROLLMENT,
    _about_latest_enrollment(Enrollment.course_version_id, Enrollment.id == _LATEST_ENROLLMENT),
    _about_latest_enrollment(Completion.id, Completion.enrollment_id == _LATEST_ENROLLMENT),
    _about_latest_enrollment(
        func.aggregate_strings(cast(PageRead.page_id, String), ","),
        PageRead.enrollment_id == _LATEST_ENROLLMENT,
    ),
)
READING_BY_USER_ID = select(*READING_COLUMNS).where(User.id == bindparam("user_id"))


def _state(values: tuple) -> ReadingState:
    course_id, current_version_id, enrollment_id, version_id, completion_id, read_text = values
    read = frozenset(int(page_id) for page_id in (read_text or "").split(",") if page_id)
    return ReadingState(
        course_id, current_version_id, enrollment_id, version_id, completion_id is not None, read
    )


def reading_state(user: User, slug: str) -> ReadingState:
    """The person's reading state in a course (by slug), in one query."""
    values = db.session.execute(READING_BY_USER_ID, {"user_id": user.id, "slug": slug}).one()
    return _state(tuple(values))


def page_position(user: User, slug: str) -> PagePosition | None:
    """The learner's version (or the current one) in their language, and the pages read;
    None when the course does not exist or has no version loaded."""
    state = reading_state(user, slug)
    if state.version_id is None:
        return None
    outline = outline_for(state.version_id, learner_language(user))
    return PagePosition(slug, outline, state.read_page_ids)
