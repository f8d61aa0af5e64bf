"""Giving and taking roles; every change is logged with its actor."""

import logging

from sqlalchemy import select

from ..extensions import db
from ..models import Administration, RoleAssignment, User
from ..models.org import COORDINATOR

log = logging.getLogger("vbe_learn.audit")


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


def grant_role(actor: User, user: User, role: str, administration_id: int | None) -> RoleAssignment:
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
    log.info("role granted by user_id=%s: %s to user_id=%s (%s)", actor.id, role, user.id,
             administration_id)  # fmt: skip
    return assignment


def revoke_role(actor: User, assignment: RoleAssignment) -> None:
    """Take a role away."""
    db.session.delete(assignment)
    db.session.flush()
    log.info("role revoked by user_id=%s: %s from user_id=%s (%s)", actor.id, assignment.role,
             assignment.user_id, assignment.administration_id)  # fmt: skip
