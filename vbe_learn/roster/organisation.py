"""Find or create förvaltningar, avdelningar and enheter by name, in bulk."""

from sqlalchemy import insert, select

from ..core.extensions import db
from ..models import Administration, Department, Unit

UnitPath = tuple[str, str, str]  # (förvaltning, avdelning, enhet)


def existing_unit_ids() -> dict[UnitPath, int]:
    """Every enhet's id by its (förvaltning, avdelning, enhet) names."""
    rows = db.session.execute(
        select(Administration.name, Department.name, Unit.name, Unit.id)
        .join(Department, Department.administration_id == Administration.id)
        .join(Unit, Unit.department_id == Department.id)
    )
    return {(a, d, u): unit_id for a, d, u, unit_id in rows}


def ensure_units(paths: set[UnitPath]) -> dict[UnitPath, int]:
    """Create the missing administrations, departments and units; return all unit ids."""
    known = existing_unit_ids()
    missing = paths - set(known)
    if not missing:
        return known
    admins = dict(db.session.execute(select(Administration.name, Administration.id)).all())
    new_admins = sorted({a for a, _, _ in missing} - set(admins))
    if new_admins:
        db.session.execute(insert(Administration), [{"name": name} for name in new_admins])
        admins = dict(db.session.execute(select(Administration.name, Administration.id)).all())
    departments = {
        (admin_id, name): dept_id
        for admin_id, name, dept_id in db.session.execute(
            select(Department.administration_id, Department.name, Department.id)
        )
    }
    new_departments = sorted({(admins[a], d) for a, d, _ in missing} - set(departments))
    if new_departments:
        db.session.execute(
            insert(Department),
            [{"administration_id": a, "name": d} for a, d in new_departments],
        )
        departments = {
            (admin_id, name): dept_id
            for admin_id, name, dept_id in db.session.execute(
                select(Department.administration_id, Department.name, Department.id)
            )
        }
    db.session.execute(
        insert(Unit),
        [{"department_id": departments[(admins[a], d)], "name": u} for a, d, u in sorted(missing)],
    )
    return existing_unit_ids()
