"""A module page's position comes with the signed-in person (learning/services/position.py):
what the person's query remembers equals what the page's own query reads, in every state
of a learner, and a page uses it once without asking the database again."""

import pytest
from flask import g

from tests.factories import course, make_enrollment, make_user
from vbe_learn.auth.signed_in import signed_in_user
from vbe_learn.extensions import db
from vbe_learn.learning.services import position
from vbe_learn.learning.services.position import page_position
from vbe_learn.models import Enrollment, PageRead
from vbe_learn.models.types import utcnow

SLUG = "grundutbildning"


def asked_of_the_database(user) -> tuple:
    """The page's own query, with nothing remembered."""
    position.forget_positions()
    found = page_position(user, SLUG)
    return found.outline.version_id, found.read_page_ids


def remembered_at_sign_in(user) -> tuple:
    """What loading the signed-in person remembered for the default course."""
    assert signed_in_user(user.session_token).id == user.id
    version_id, read = g._page_positions[user.id, SLUG]
    return version_id, read


def read_pages(enrollment: Enrollment, count: int) -> list[int]:
    """Mark the first `count` pages of the enrollment's version as read."""
    version = db.session.get(type(course().current_version), enrollment.course_version_id)
    page_ids = [p.id for m in version.modules for p in m.pages][:count]
    for page_id in page_ids:
        db.session.add(PageRead(enrollment_id=enrollment.id, page_id=page_id, read_at=utcnow()))
    db.session.flush()
    return page_ids


@pytest.mark.parametrize("state", ["new", "enrolled", "reading", "second cycle"])
def test_remembered_position_equals_the_pages_own_query(app, state):
    user = make_user()
    expected_read: list[int] = []
    if state != "new":
        enrollment = make_enrollment(user)
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
            expected_read = read_pages(second, 1)
    with app.test_request_context("/"):
        remembered = remembered_at_sign_in(user)
        assert remembered == asked_of_the_database(user)
        assert remembered == (course().current_version_id, frozenset(expected_read))


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
        assert g._page_positions == {}  # the page took it
        client.post("/kurs/grundutbildning/1/1/last")
        assert g._page_positions == {}  # "Nästa" read the person's position, then dropped it


def test_another_course_is_asked_of_the_database(app):
    user = make_user()
    with app.test_request_context("/"):
        signed_in_user(user.session_token)
        assert page_position(user, "ingen-sadan-kurs") is None
        assert (user.id, SLUG) in g._page_positions
