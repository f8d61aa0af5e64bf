"""Every "may this person see that" decision, in one place.

Each access_* helper returns the object when the person may see it and answers
404 otherwise: "not found" and "not yours" look the same from outside.
"""

from flask import abort
from sqlalchemy import select

from .extensions import db
from .models import Attempt, Completion, Course, User


def access_course(slug: str) -> Course:
    """A course with a loaded version, which every logged-in person may take."""
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        abort(404)
    if course.current_version_id is None:
        abort(404)
    return course


def access_attempt(user: User, attempt_id: int) -> Attempt:
    """A knowledge-check attempt: only its own learner may see or submit it."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None:
        abort(404)
    if attempt.user_id != user.id:
        abort(404)
    return attempt


def access_own_certificate(user: User, code: str) -> Completion:
    """The full intyg (PDF with förvaltning and score): only its holder."""
    completion = db.session.scalar(select(Completion).where(Completion.certificate_code == code))
    if completion is None:
        abort(404)
    if completion.user_id != user.id:
        abort(404)
    return completion


def access_certificate_verification(code: str) -> Completion:
    """The public verification page: anyone with the code (it shows name, course, date)."""
    completion = db.session.scalar(select(Completion).where(Completion.certificate_code == code))
    if completion is None:
        abort(404)
    return completion
