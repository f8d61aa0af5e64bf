"""Apply a roster plan in one transaction: people, placements, headcount snapshot, log.

Bulk statements only (a few per import, none per row), so that a 50,000-person roster
applies in seconds. The caller commits.
"""

import logging

import pandas as pd
from sqlalchemy import delete, insert, select, update

from ..extensions import db
from ..models import Department, HeadcountSnapshot, Placement, RosterImport, Unit, User
from .organisation import ensure_units
from .plan import RosterPlan

log = logging.getLogger(__name__)
PERSON_FIELDS = ["employee_number", "email", "first_name", "last_name", "employed_from"]


def apply_roster(plan: RosterPlan, actor: User | None, source_name: str) -> RosterImport:
    """Write the plan; return the import's log row."""
    assert not plan.problems, "a roster with problems is never applied"
    unit_ids = ensure_units(set(plan.roster["unit_path"]))
    roster = plan.roster.assign(unit_id=plan.roster["unit_path"].map(unit_ids))
    _free_changed_emails(plan.changed)
    _insert_new_people(roster[roster["user_id"].isna()])
    new_ids = dict(  # every number (an IN list of 50,000 would be too long for SQLite)
        db.session.execute(
            select(User.employee_number, User.id).where(User.employee_number.is_not(None))
        ).all()
    )
    roster["user_id"] = [
        user_id if user_id is not None else new_ids[number]
        for user_id, number in zip(roster["user_id"], roster["employee_number"], strict=True)
    ]
    number_to_id = dict(zip(roster["employee_number"], roster["user_id"], strict=True))
    roster["manager_id"] = [number_to_id.get(number) for number in roster["manager_number"]]
    _update_people(roster, plan)
    deactivated_ids = plan.deactivated["user_id"].astype(int).tolist()
    if deactivated_ids:
        db.session.execute(update(User), [{"id": i, "active": False} for i in deactivated_ids])
    _update_placements(roster, deactivated_ids, plan)
    record = RosterImport(
        as_of=plan.as_of,
        actor_id=actor.id if actor else None,
        source_name=source_name[:255],
        **{key: plan.summary[key] for key in ("rows", "added", "changed", "deactivated")},
    )
    db.session.add(record)
    db.session.flush()
    store_headcount_snapshot(record)
    log.info("roster import %s by %s: %s", source_name, actor.id if actor else "cli", plan.summary)
    return record


def _free_changed_emails(changed: pd.DataFrame) -> None:
    """Give people whose e-post changes a temporary one first, so that swaps never collide."""
    moving = changed[changed["changes"].map(lambda c: "e-post" in c)]
    if len(moving):
        db.session.execute(
            update(User),
            [{"id": int(i), "email": f"~{int(i)}~"} for i in moving["user_id"]],
        )


def _insert_new_people(new: pd.DataFrame) -> None:
    if new.empty:
        return
    rows = new[PERSON_FIELDS + ["unit_id", "close_to_residents"]].to_dict("records")
    for row in rows:
        row["employed_from"] = row["employed_from"] or None
        row["unit_id"] = int(row["unit_id"])
        row["close_to_residents"] = bool(row["close_to_residents"])
    db.session.execute(insert(User), rows)


def _update_people(roster: pd.DataFrame, plan: RosterPlan) -> None:
    """Update changed people, and set every chef link that differs (new people's too)."""
    changed_rows = roster.loc[plan.changed.index]
    new_rows = roster.loc[plan.added.index]
    updates = []
    for frame, full in ((changed_rows, True), (new_rows, False)):
        for row in frame.itertuples(index=False):
            values = {"id": int(row.user_id), "manager_id": _int_or_none(row.manager_id)}
            if full:
                values.update(
                    employee_number=row.employee_number,
                    email=row.email,
                    first_name=row.first_name,
                    last_name=row.last_name,
                    employed_from=row.employed_from or None,
                    unit_id=int(row.unit_id),
                    close_to_residents=bool(row.close_to_residents),
                    active=True,
                )
            updates.append(values)
    if updates:
        db.session.execute(update(User), updates)


def _update_placements(roster: pd.DataFrame, deactivated_ids: list[int], plan: RosterPlan) -> None:
    """Close the open placement of people who moved or left; open one where someone now is."""
    open_rows = db.session.execute(
        select(
            Placement.id, Placement.user_id, Placement.unit_id, Placement.close_to_residents
        ).where(Placement.valid_to.is_(None))
    ).all()
    current = {user_id: (pid, unit_id, close) for pid, user_id, unit_id, close in open_rows}
    to_close, to_open = [], []
    for row in roster[["user_id", "unit_id", "close_to_residents"]].itertuples(index=False):
        user_id, unit_id, close = int(row.user_id), int(row.unit_id), bool(row.close_to_residents)
        existing = current.get(user_id)
        if existing and (existing[1], existing[2]) == (unit_id, close):
            continue
        if existing:
            to_close.append(existing[0])
        to_open.append(
            {
                "user_id": user_id,
                "unit_id": unit_id,
                "close_to_residents": close,
                "valid_from": plan.as_of,
            }  # fmt: skip
        )
    to_close += [current[i][0] for i in deactivated_ids if i in current]
    if to_close:
        db.session.execute(update(Placement), [{"id": i, "valid_to": plan.as_of} for i in to_close])
    if to_open:
        db.session.execute(insert(Placement), to_open)


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


def _int_or_none(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)
