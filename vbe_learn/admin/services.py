"""Giving and taking roles; every change is logged with its actor."""

from flask_babel import gettext
from sqlalchemy import func, select

from ..core.audit import record
from ..core.extensions import db
from ..models import Administration, RoleAssignment, User
from ..models.org import ADMIN, COORDINATOR


class RoleRefused(Exception):
    """A role change that would leave the platform without anyone to manage it."""


def role_holders() -> list[tuple[RoleAssignment, User, Administration | None]]:
    """Every role assignment with its person and förvaltning (one query)."""
    rows = db.session.execute(
        select(RoleAssignment, User, Administration)
        .join(User, User.id == RoleAssignment.user_id)
        .outerjoin(Administration, Administration.id == RoleAssignment.administration_id)
        .order_by(RoleAssignment.role, User.last_name, User.first_name)
    )
    return [tuple(row) for row in rows]


def administration_choices() -> list[tuple[int, str]]:
    """(id, name) of every förvaltning, for a select list (0 = none)."""
    rows = db.session.execute(
        select(Administration.id, Administration.name).order_by(Administration.name)
    )
    return [(0, "–"), *(tuple(row) for row in rows)]


def grant_role(
    actor: User | None, user: User, role: str, administration_id: int | None
) -> RoleAssignment:
    """Give a role (samordnare for a förvaltning); giving it twice changes nothing."""
    administration_id = administration_id if role == COORDINATOR else None
    existing = db.session.scalar(
        select(RoleAssignment).where(
            RoleAssignment.user_id == user.id,
            RoleAssignment.role == role,
            RoleAssignment.administration_id.is_(administration_id)
            if administration_id is None
            else RoleAssignment.administration_id == administration_id,
        )
    )
    if existing:
        return existing
    assignment = RoleAssignment(user_id=user.id, role=role, administration_id=administration_id)
    db.session.add(assignment)
    db.session.flush()
    record(actor, "role.granted", f"user:{user.id}", role=role, email=user.email,
           administration_id=administration_id)  # fmt: skip
    return assignment


def revoke_role(actor: User, assignment: RoleAssignment) -> None:
    """Take a role away; the last admin's admin role stays (nobody could give it back)."""
    if assignment.role == ADMIN and _admin_count() <= 1:
        raise RoleRefused(
            gettext("Den sista administratören kan inte tas bort. Utse en ny admin först.")
        )
    record(actor, "role.revoked", f"user:{assignment.user_id}", role=assignment.role,
           email=assignment.user.email, administration_id=assignment.administration_id)  # fmt: skip
    db.session.delete(assignment)
    db.session.flush()


def _admin_count() -> int:
    return db.session.scalar(select(func.count()).where(RoleAssignment.role == ADMIN))
