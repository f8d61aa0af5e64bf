"""A learner's reading state (learning/services/position.py), read in one query, in every
state of a learner; a page sees what "Nästa" recorded."""

import pytest

from tests.factories import course, make_enrollment, make_user
from vbe_learn.core.extensions import db
from vbe_learn.learning.services import position
from vbe_learn.learning.services.position import page_position, reading_state
from vbe_learn.learning.services.progress import mark_page_read
from vbe_learn.models import Completion, Enrollment, PageRead
from vbe_learn.models.types import utcnow

SLUG = "grundutbildning"


def read_pages(enrollment: Enrollment, count: int) -> list[int]:
    """Mark the first `count` pages of the enrollment's version as read."""
    version = db.session.get(type(course().current_version), enrollment.course_version_id)
    page_ids = [p.id for m in version.modules for p in m.pages][:count]
    for page_id in page_ids:
        db.session.add(PageRead(enrollment_id=enrollment.id, page_id=page_id, read_at=utcnow()))
    db.session.flush()
    return page_ids


def complete(user, enrollment: Enrollment) -> None:
    """A completion of the enrollment, earned today."""
    db.session.add(
        Completion(
            user_id=user.id,
            course_id=enrollment.course_id,
            course_version_id=enrollment.course_version_id,
            enrollment_id=enrollment.id,
            completed_on=utcnow().date(),
            score_percent=100,
            certificate_code="TEST-1234",
        )
    )
    db.session.flush()


@pytest.mark.parametrize("state", ["new", "enrolled", "reading", "completed", "second cycle"])
def test_the_reading_state_in_every_state_of_a_learner(app, state):
    user = make_user()
    expected_read: list[int] = []
    latest = None
    if state != "new":
        enrollment = latest = make_enrollment(user)
        if state in ("reading", "second cycle"):
            expected_read = read_pages(enrollment, 3)
        if state == "second cycle":
            second = Enrollment(
                user_id=user.id,
                course_id=enrollment.course_id,
                course_version_id=enrollment.course_version_id,
                cycle=2,
            )
            db.session.add(second)
            db.session.flush()
            expected_read, latest = read_pages(second, 1), second
        if state == "completed":
            complete(user, enrollment)
    with app.test_request_context("/"):
        current = course()
        assert reading_state(user, SLUG) == position.ReadingState(
            current.id,
            current.current_version_id,
            latest.id if latest else None,
            latest.course_version_id if latest else None,
            state == "completed",
            frozenset(expected_read),
        )


def test_a_page_sees_the_pages_read_before_it(app):
    user = make_user()
    enrollment = make_enrollment(user)
    with app.test_request_context("/"):
        assert page_position(user, SLUG).read_page_ids == frozenset()
        read = read_pages(enrollment, 2)
        assert page_position(user, SLUG).read_page_ids == frozenset(read)


def test_recording_a_page_shows_on_the_next_read(app):
    user = make_user()
    enrollment = make_enrollment(user)
    page_id = course().current_version.modules[0].pages[0].id
    with app.test_request_context("/"):
        mark_page_read(enrollment.id, page_id)
        assert reading_state(user, SLUG).read_page_ids == frozenset({page_id})


def test_an_unknown_course_has_no_position(app):
    user = make_user()
    with app.test_request_context("/"):
        assert page_position(user, "ingen-sadan-kurs") is None
