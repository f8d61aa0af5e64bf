"""The completion record: written once, when every module's check is passed."""

import logging
import secrets

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ...core.extensions import db
from ...models import Attempt, Completion, Enrollment
from ...models.types import city_date, utcnow
from .outline import outline_for

log = logging.getLogger(__name__)
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: easy to read aloud


def new_certificate_code() -> str:
    """A random verification code like K7QM-3XHD-9PZA (60 bits)."""
    chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def complete_if_all_passed(enrollment: Enrollment, language: str) -> Completion | None:
    """Record the completion when every module of the enrollment's version is passed; it
    records `language`, the language of the attempt that completed the course."""
    best = dict(
        db.session.execute(
            select(Attempt.module_id, func.max(Attempt.score_percent))
            .where(Attempt.enrollment_id == enrollment.id, Attempt.passed.is_(True))
            .group_by(Attempt.module_id)
        ).all()
    )
    module_ids = [module.id for module in outline_for(enrollment.course_version_id).modules]
    if not module_ids or any(module_id not in best for module_id in module_ids):
        return None
    now = utcnow()
    completion = Completion(
        user_id=enrollment.user_id,
        course_id=enrollment.course_id,
        course_version_id=enrollment.course_version_id,
        enrollment_id=enrollment.id,
        completed_on=city_date(now),
        completed_at=now,
        score_percent=round(sum(best[m] for m in module_ids) / len(module_ids)),
        source="earned",
        certificate_code=new_certificate_code(),
        language=language,
    )
    try:
        with db.session.begin_nested():
            db.session.add(completion)
    except IntegrityError:  # already completed in a parallel request
        return None
    log.info("course completed user_id=%s enrollment_id=%s", enrollment.user_id, enrollment.id)
    return completion
