"""One row per person with their status on a date: the chef's table and the deltagarlista.

Status (derived, never stored):
- Genomförd: a completion on or before the date that is still valid on it;
- Ska förnyas: no valid completion, but an earlier one that has expired (older than the
  course's validity) or been superseded by a version that requires renewal;
- Påbörjad: started the course here, no completion at all;
- Ej påbörjad: none of these.
`last_completed_on` is the newest completion on or before the date, valid or not.
"""

from datetime import date, timedelta

from sqlalchemy import Select, and_, case, exists, func, literal, select, true
from sqlalchemy.orm import aliased

from ..learning.services.progress import COMPLETED, NOT_STARTED, RENEWAL_DUE, STARTED
from ..models import Administration, Completion, CourseVersion, Department, Enrollment, Unit, User
from .rates import renewal_condition, validity_start

PARTICIPANT_COLUMNS = (
    "Anställningsnummer", "Förnamn", "Efternamn", "E-post", "Förvaltning", "Avdelning",
    "Enhet", "Chef", "Status", "Genomförd datum", "Resultat (%)", "Kursversion", "Giltig till",
)  # fmt: skip


def latest_valid_completion(on: date, validity_years: int, people=None):
    """A subquery: each person's newest completion on or before `on` still valid on it.

    `people` (a select of user ids) limits the ranking to them: much faster for one team.
    """
    ranked = (
        select(
            Completion.user_id,
            Completion.completed_on,
            Completion.score_percent,
            func.coalesce(CourseVersion.content_hash, Completion.source_version).label("version"),
            func.row_number()
            .over(
                partition_by=Completion.user_id,
                order_by=(Completion.completed_on.desc(), Completion.id.desc()),
            )
            .label("rank"),
        )
        .outerjoin(CourseVersion, CourseVersion.id == Completion.course_version_id)
        .where(
            Completion.completed_on <= on,
            Completion.completed_on > validity_start(on, validity_years),
            renewal_condition(on),
            Completion.user_id.in_(people) if people is not None else true(),
        )
        .subquery()
    )
    return select(ranked).where(ranked.c.rank == 1).subquery("latest")


def has_valid_completion(on: date, validity_years: int):
    """A condition on User: has a completion on or before `on` still valid on it (the same
    completions as latest_valid_completion ranks)."""
    return exists(
        select(Completion.id).where(
            Completion.user_id == User.id,
            Completion.completed_on <= on,
            Completion.completed_on > validity_start(on, validity_years),
            renewal_condition(on),
        )
    )


def last_completion(on: date, people=None):
    """A subquery: each person's newest completion date on or before `on`, valid or not."""
    return (
        select(Completion.user_id, func.max(Completion.completed_on).label("completed_on"))
        .where(
            Completion.completed_on <= on,
            Completion.user_id.in_(people) if people is not None else true(),
        )
        .group_by(Completion.user_id)
        .subquery("last_completion")
    )


def status_without_valid_completion(on: date, user_id=User.id):
    """The status of a person (`user_id`, a column) known to have no valid completion on
    `on`, as people_with_status derives it: Ska förnyas, Påbörjad or Ej påbörjad.

    Each test is a scalar subquery with LIMIT 1, one index probe per person: written as
    EXISTS, PostgreSQL hashed every completion and enrollment in the city to answer for
    the 500 people the samordnare page lists (10 of its 33 ms)."""
    completed_before = (
        select(Completion.id)
        .where(Completion.user_id == user_id, Completion.completed_on <= on)
        .limit(1)
        .scalar_subquery()
        .is_not(None)
    )
    started = (
        select(Enrollment.id)
        .where(Enrollment.user_id == user_id)
        .limit(1)
        .scalar_subquery()
        .is_not(None)
    )
    return case(
        (completed_before, literal(RENEWAL_DUE)),
        (started, literal(STARTED)),
        else_=literal(NOT_STARTED),
    )


def people_with_status(condition, on: date, validity_years: int, people=None) -> Select:
    """Active people matching `condition` (a User condition, e.g. from permissions) with status.

    `people`, a select of user ids, narrows the completions looked at (optional, for speed).
    """
    latest = latest_valid_completion(on, validity_years, people)
    last = last_completion(on, people)
    chef = aliased(User)
    started = exists(select(Enrollment.id).where(Enrollment.user_id == User.id))
    status = case(
        (latest.c.completed_on.is_not(None), literal(COMPLETED)),
        (last.c.completed_on.is_not(None), literal(RENEWAL_DUE)),
        (started, literal(STARTED)),
        else_=literal(NOT_STARTED),
    )
    return (
        select(
            User.id,
            User.employee_number,
            User.first_name,
            User.last_name,
            User.email,
            Administration.name.label("administration"),
            Department.name.label("department"),
            Unit.name.label("unit"),
            func.trim(
                func.coalesce(chef.first_name, "") + " " + func.coalesce(chef.last_name, "")
            ).label("chef"),
            status.label("status"),
            latest.c.completed_on,
            latest.c.score_percent,
            func.substr(latest.c.version, 1, 8).label("version"),
            User.employed_from,
            User.close_to_residents,
            last.c.completed_on.label("last_completed_on"),
            Administration.id.label("administration_id"),
            User.manager_id,
        )
        .join(Unit, Unit.id == User.unit_id)
        .join(Department, Department.id == Unit.department_id)
        .join(Administration, Administration.id == Department.administration_id)
        .outerjoin(chef, chef.id == User.manager_id)
        .outerjoin(latest, latest.c.user_id == User.id)
        .outerjoin(last, last.c.user_id == User.id)
        .where(and_(User.active.is_(True), condition))
        .order_by(User.last_name, User.first_name, User.id)
    )


def valid_until(completed_on: date | None, validity_years: int) -> date | None:
    """The last day a completion counts: the day before its N-year anniversary."""
    if completed_on is None:
        return None
    return validity_start(completed_on, -validity_years) - timedelta(days=1)
