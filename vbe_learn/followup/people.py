"""One row per person with their status on a date: the chef's table and the deltagarlista.

The status and the valid completion come from the one rule (learning/status.py);
`last_completed_on` is the newest completion on or before the date, valid or not.
"""

from datetime import date

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import aliased

from ..learning.status import (
    COMPLETED_BEFORE,
    HAS_STARTED,
    VALID,
    StatusRule,
    last_completion,
    latest_valid_completion,
    started,
)
from ..models import Administration, Department, Unit, User

PARTICIPANT_COLUMNS = (
    "Anställningsnummer", "Förnamn", "Efternamn", "E-post", "Förvaltning", "Avdelning",
    "Enhet", "Chef", "Status", "Genomförd datum", "Resultat (%)", "Kursversion", "Giltig till",
    "Senast genomförd",  # the newest completion, also one that no longer counts (Ska förnyas)
)  # fmt: skip


def people_with_status(condition, on: date, validity_years: int, people=None) -> Select:
    """Active people matching `condition` (a User condition, e.g. from permissions) with status.

    `people`, a select of user ids, narrows the completions looked at (optional, for speed).
    """
    rule = StatusRule.on_day(on, validity_years)
    latest = latest_valid_completion(rule, people)
    last = last_completion(rule, people)
    chef = aliased(User)
    status = rule.status_sql(
        User.id,
        **{
            VALID: latest.c.completed_on.is_not(None),
            COMPLETED_BEFORE: last.c.completed_on.is_not(None),
            HAS_STARTED: started(User.id),
        },
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
            latest.c.version_loaded_at,
            latest.c.source_version,
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
