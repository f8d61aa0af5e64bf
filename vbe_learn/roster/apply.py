"""Apply a roster plan in one transaction: people, placements, headcount snapshot, log.

Bulk statements only (a few per import, none per row), so that a 50,000-person roster
applies in seconds. The caller commits.
"""

import logging

import pandas as pd
from sqlalchemy import Date, delete, insert, literal, select, update

from ..core.audit import record as audit
from ..core.bulk_insert import insert_rows
from ..core.extensions import db
from ..models import Department, HeadcountSnapshot, Placement, RosterImport, Unit, User
from ..models.org import new_session_token
from .organisation import ensure_units
from .plan import RosterPlan

log = logging.getLogger(__name__)
LOOKUP_CHUNK = 5000  # numbers per IN list (SQLite allows 32,766 parameters)


def apply_roster(plan: RosterPlan, actor: User | None, source_name: str) -> RosterImport:
    """Write the plan; return the import's log row."""
    assert not plan.problems, "a roster with problems is never applied"
    unit_ids = ensure_units(set(plan.roster["unit_path"]))
    roster = plan.roster.assign(unit_id=plan.roster["unit_path"].map(unit_ids))
    _free_changed_emails(plan.changed)
    number_to_id = {
        number: user_id
        for number, user_id in zip(roster["employee_number"], roster["user_id"], strict=True)
        if user_id is not None
    }
    _insert_new_people(roster.loc[plan.added.index], number_to_id)
    _update_changed_people(roster.loc[plan.changed.index], number_to_id)
    deactivated_ids = plan.deactivated["user_id"].astype(int).tolist()
    if deactivated_ids:
        db.session.execute(  # a new session token ends their sessions and remember-me cookies
            update(User),
            [
                {"id": i, "active": False, "session_token": new_session_token()}
                for i in deactivated_ids
            ],
        )
    _update_placements(plan.as_of)
    record = RosterImport(
        as_of=plan.as_of,
        actor_id=actor.id if actor else None,
        source_name=source_name[:255],
        **{key: plan.summary[key] for key in ("rows", "added", "changed", "deactivated")},
    )
    db.session.add(record)
    db.session.flush()
    store_headcount_snapshot(record)
    audit(actor, "roster.imported", f"roster_import:{record.id}", file=source_name,
          as_of=plan.as_of, **{key: int(value) for key, value in plan.summary.items()})  # fmt: skip
    log.info("roster import %s by %s: %s", source_name, actor.id if actor else "cli", plan.summary)
    return record


def _free_changed_emails(changed: pd.DataFrame) -> None:
    """Give people whose e-post changes a temporary one first, so that swaps never collide."""
    moving = changed[changed["changes"].map(lambda c: any(x.field == "email" for x in c))]
    if len(moving):
        db.session.execute(
            update(User),
            [{"id": int(i), "email": f"~{int(i)}~"} for i in moving["user_id"]],
        )


def _person_values(row, number_to_id: dict[str, int]) -> dict:
    """The users-table values of a roster row (an active person)."""
    return {
        "employee_number": row.employee_number,
        "email": row.email,
        "first_name": row.first_name,
        "last_name": row.last_name,
        "employed_from": row.employed_from or None,
        "unit_id": int(row.unit_id),
        "manager_id": number_to_id.get(row.manager_number),
        "close_to_residents": bool(row.close_to_residents),
        "active": True,
    }


def _insert_new_people(new: pd.DataFrame, number_to_id: dict[str, int]) -> None:
    """Insert new people chef-first (a level at a time), so each row gets its manager_id."""
    pending = new
    while len(pending):
        ready = pending[pending["manager_number"].map(lambda m: m == "" or m in number_to_id)]
        assert len(ready), "validation refuses chef chains that go round in a circle"
        rows = [
            _person_values(row, number_to_id) | {"session_token": new_session_token()}
            for row in ready.itertuples(index=False)
        ]
        insert_rows(User.__table__, rows)
        numbers = [row["employee_number"] for row in rows]
        for start in range(0, len(numbers), LOOKUP_CHUNK):
            chunk = numbers[start : start + LOOKUP_CHUNK]
            number_to_id.update(
                db.session.execute(
                    select(User.employee_number, User.id).where(User.employee_number.in_(chunk))
                ).all()
            )
        pending = pending.drop(ready.index)


def _update_changed_people(changed: pd.DataFrame, number_to_id: dict[str, int]) -> None:
    """Write every field of the people whose row differs (few, even on a big re-import)."""
    updates = [
        _person_values(row, number_to_id) | {"id": int(row.user_id)}
        for row in changed.itertuples(index=False)
    ]
    if updates:
        db.session.execute(update(User), updates)


def _update_placements(as_of) -> None:
    """Close placements that no longer match the person; open one for everyone without one.

    Two set-based statements: the history follows the users table as it now is.
    """
    still_true = (
        select(User.id)
        .where(
            User.id == Placement.user_id,
            User.active.is_(True),
            User.unit_id == Placement.unit_id,
            User.close_to_residents == Placement.close_to_residents,
        )
        .exists()
    )
    db.session.execute(
        update(Placement)
        .where(Placement.valid_to.is_(None), ~still_true)
        .values(valid_to=as_of)
        .execution_options(synchronize_session=False)
    )
    has_open = (
        select(Placement.id)
        .where(Placement.user_id == User.id, Placement.valid_to.is_(None))
        .exists()
    )
    db.session.execute(
        insert(Placement).from_select(
            ["user_id", "unit_id", "close_to_residents", "valid_from"],
            select(User.id, User.unit_id, User.close_to_residents, literal(as_of, Date)).where(
                User.active.is_(True), User.unit_id.is_not(None), ~has_open
            ),
        )
    )


def store_headcount_snapshot(record: RosterImport) -> None:
    """Active people per enhet on the import's as-of date (replaces one for the same date)."""
    db.session.execute(delete(HeadcountSnapshot).where(HeadcountSnapshot.as_of == record.as_of))
    counts = (
        select(
            db.literal(record.id),
            db.literal(record.as_of),
            Department.administration_id,
            User.unit_id,
            db.func.count(User.id),
            db.func.sum(db.case((User.close_to_residents, 1), else_=0)),
        )
        .join(Unit, Unit.id == User.unit_id)
        .join(Department, Department.id == Unit.department_id)
        .where(User.active.is_(True))
        .group_by(Department.administration_id, User.unit_id)
    )
    db.session.execute(
        insert(HeadcountSnapshot).from_select(
            [
                "roster_import_id",
                "as_of",
                "administration_id",
                "unit_id",
                "headcount",
                "close_to_residents",
            ],  # fmt: skip
            counts,
        )
    )
