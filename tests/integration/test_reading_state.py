"""A learner's reading state comes with the signed-in person (learning/services/position.py):
what the person's query remembers equals what the state's own query reads, in every state
of a learner, and a page or "Nästa" uses it once without asking the database again."""

import pytest
from flask import g

from tests.factories import course, make_enrollment, make_user
from vbe_learn.auth.signed_in import signed_in_user
from vbe_learn.extensions import db
from vbe_learn.learning.services import position
from vbe_learn.learning.services.position import page_position, reading_state
from vbe_learn.learning.services.progress import mark_page_read
from vbe_learn.models import Completion, Enrollment, PageRead
from vbe_learn.models.types import utcnow

SLUG = "grundutbildning"


def asked_of_the_database(user) -> position.ReadingState:
    """The state's own query, with nothing remembered."""
    position.forget_reading()
    return reading_state(user, SLUG)


def remembered_at_sign_in(user) -> position.ReadingState:
    """What loading the signed-in person remembered for the default course."""
    assert signed_in_user(user.session_token).id == user.id
    return g._reading_states[user.id, SLUG]


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
def test_remembered_state_equals_its_own_query(app, state):
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
        remembered = remembered_at_sign_in(user)
        assert remembered == asked_of_the_database(user)
        current = course()
        assert remembered == position.ReadingState(
            current.id,
            current.current_version_id,
            latest.id if latest else None,
            latest.course_version_id if latest else None,
            state == "completed",
            frozenset(expected_read),
        )


def test_a_page_takes_the_remembered_position_once(app):
    user = make_user()
    enrollment = make_enrollment(user)
    with app.test_request_context("/"):
        signed_in_user(user.session_token)
        read = read_pages(enrollment, 2)  # after the person was loaded: not remembered
        assert page_position(user, SLUG).read_page_ids == frozenset()
        assert page_position(user, SLUG).read_page_ids == frozenset(read)


def test_recording_a_page_forgets_the_remembered_position(client, auth):
    user = make_user()
    auth.login(user.email)
    with client:
        client.get("/kurs/grundutbildning/1/1")
        assert g._reading_states == {}  # the page took it
        client.post("/kurs/grundutbildning/1/1/last")
        assert g._reading_states == {}  # "Nästa" took it too


def test_recording_a_page_forgets_what_was_remembered(app):
    user = make_user()
    enrollment = make_enrollment(user)
    with app.test_request_context("/"):
        signed_in_user(user.session_token)
        mark_page_read(enrollment.id, course().current_version.modules[0].pages[0].id)
        assert g._reading_states == {}


def test_another_course_is_asked_of_the_database(app):
    user = make_user()
    with app.test_request_context("/"):
        signed_in_user(user.session_token)
        assert page_position(user, "ingen-sadan-kurs") is None
        assert (user.id, SLUG) in g._reading_states
