"""What an intyg says, shared by its page and its PDF."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..extensions import db
from ..models import Administration, Completion, CourseVersion, Department, Unit, User

EARLIER_COURSE_TITLE = "Grundutbildning om våldsbejakande extremism"


@dataclass(frozen=True)
class CertificateFacts:
    """The facts printed on an intyg."""

    code: str
    name: str
    administration: str
    course_title: str
    version_label: str
    completed_on: date
    score_percent: int | None
    source: str


def _facts_query():
    return (
        select(Completion, User.first_name, User.last_name, Administration.name, CourseVersion)
        .join(User, User.id == Completion.user_id)
        .outerjoin(Unit, Unit.id == User.unit_id)
        .outerjoin(Department, Department.id == Unit.department_id)
        .outerjoin(Administration, Administration.id == Department.administration_id)
        .outerjoin(CourseVersion, CourseVersion.id == Completion.course_version_id)
    )


def _facts(row) -> CertificateFacts:
    completion, first, last, administration, version = row
    return CertificateFacts(
        code=completion.certificate_code,
        name=f"{first} {last}",
        administration=administration or "",
        course_title=version.title if version else EARLIER_COURSE_TITLE,
        version_label=version.label if version else "tidigare plattform",
        completed_on=completion.completed_on,
        score_percent=completion.score_percent,
        source=completion.source,
    )


def certificate_facts(completion: Completion) -> CertificateFacts:
    """An intyg's facts for one completion."""
    return _facts(db.session.execute(_facts_query().where(Completion.id == completion.id)).one())


def my_certificates(user: User) -> list[CertificateFacts]:
    """A person's intyg, newest first (one query)."""
    rows = db.session.execute(
        _facts_query().where(Completion.user_id == user.id).order_by(Completion.completed_at.desc())
    )
    return [_facts(row) for row in rows]
