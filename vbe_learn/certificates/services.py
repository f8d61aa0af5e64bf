"""What an intyg says, shared by its page and its PDF."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..core.extensions import db
from ..core.i18n import course_version_label
from ..learning.status import StatusRule, valid_until
from ..models import Administration, Completion, Course, CourseVersion, Department, Unit, User
from ..models.types import city_date, utcnow

EARLIER_COURSE_TITLE = "Grundutbildning om våldsbejakande extremism"


@dataclass(frozen=True)
class CertificateFacts:
    """The facts printed on an intyg (version_label in the interface language in force)."""

    code: str
    name: str
    administration: str
    course_title: str
    version_label: str
    completed_on: date
    score_percent: int | None
    source: str
    valid_until: date  # the last day it counts by age (the status rule): "Giltigt till"
    counts_today: bool  # whether it counts today (by age and course version)
    expired: bool  # whether today is past valid_until: the intyg "har gått ut"


def _facts_query():
    return (
        select(Completion, User.first_name, User.last_name, Administration.name, CourseVersion)
        .join(User, User.id == Completion.user_id)
        .outerjoin(Unit, Unit.id == User.unit_id)
        .outerjoin(Department, Department.id == Unit.department_id)
        .outerjoin(Administration, Administration.id == Department.administration_id)
        .outerjoin(CourseVersion, CourseVersion.id == Completion.course_version_id)
    )


def _facts(row, rules: dict[int, StatusRule]) -> CertificateFacts:
    completion, first, last, administration, version = row
    rule = rules.get(completion.course_id)
    if rule is None:
        course = db.session.get(Course, completion.course_id)
        rule = rules[completion.course_id] = StatusRule.for_course(course, city_date(utcnow()))
    last_day = valid_until(completion.completed_on, rule.validity_years)
    return CertificateFacts(
        code=completion.certificate_code,
        name=f"{first} {last}",
        administration=administration or "",
        course_title=version.title if version else EARLIER_COURSE_TITLE,
        version_label=course_version_label(
            version.created_at if version else None, completion.source_version
        ),
        completed_on=completion.completed_on,
        score_percent=completion.score_percent,
        source=completion.source,
        valid_until=last_day,
        counts_today=rule.counts(completion),
        expired=rule.on > last_day,
    )


def certificate_facts(completion: Completion) -> CertificateFacts:
    """An intyg's facts for one completion."""
    row = db.session.execute(_facts_query().where(Completion.id == completion.id)).one()
    return _facts(row, {})


def my_certificates(user: User) -> list[CertificateFacts]:
    """A person's intyg, newest first (one query)."""
    rows = db.session.execute(
        _facts_query().where(Completion.user_id == user.id).order_by(Completion.completed_at.desc())
    )
    rules: dict[int, StatusRule] = {}
    return [_facts(row, rules) for row in rows]
