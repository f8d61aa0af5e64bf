"""Giving and taking roles; every change is logged with its actor."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from ..core.audit import ACTION_LABELS, record
from ..core.extensions import db
from ..core.refusals import REFUSED
from ..models import Administration, AuditEvent, RoleAssignment, User
from ..models.org import ADMIN, COORDINATOR
from ..models.types import CITY_TIMEZONE, utcnow

AUDIT_PAGE_SIZE = 50
# "Många nekade förfrågningar": more refusals than this in the window, per person.
MANY_REFUSALS = 10
REFUSAL_WINDOW = timedelta(hours=24)


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
        raise RoleRefused("Den sista administratören kan inte tas bort. Utse en ny admin först.")
    record(actor, "role.revoked", f"user:{assignment.user_id}", role=assignment.role,
           email=assignment.user.email, administration_id=assignment.administration_id)  # fmt: skip
    db.session.delete(assignment)
    db.session.flush()


def _admin_count() -> int:
    return db.session.scalar(select(func.count()).where(RoleAssignment.role == ADMIN))


@dataclass(frozen=True)
class AuditRow:
    """One audit event as the log page shows it."""

    at: datetime
    who: str
    action: str
    target: str
    details: str


@dataclass(frozen=True)
class AuditPage:
    """One page of the audit log, newest first."""

    rows: list[AuditRow]
    page: int
    pages: int
    total: int


def _describe(details: dict) -> str:
    return " · ".join(f"{key}: {value}" for key, value in sorted(details.items())) or "–"


def audit_page(page: int, page_size: int = AUDIT_PAGE_SIZE) -> AuditPage:
    """The audit events of one page (1 = newest), with their actors (two queries)."""
    total = db.session.scalar(select(func.count(AuditEvent.id))) or 0
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        select(AuditEvent, User)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    return AuditPage(
        rows=[
            AuditRow(
                at=event.at.astimezone(CITY_TIMEZONE),
                who=f"{actor.full_name} ({actor.email})" if actor is not None else "Kommandorad",
                action=ACTION_LABELS.get(event.action, event.action),
                target=event.target or "–",
                details=_describe(event.details or {}),
            )
            for event, actor in rows
        ],
        page=page,
        pages=pages,
        total=total,
    )


@dataclass(frozen=True)
class RefusedPerson:
    """Someone refused many times lately: who, how many times, and when last."""

    user_id: int
    who: str
    refusals: int
    last_at: datetime


def refused_often(
    now: datetime | None = None, more_than: int = MANY_REFUSALS, window: timedelta = REFUSAL_WINDOW
) -> list[RefusedPerson]:
    """People with more than `more_than` refused requests in the window, most first (one
    grouped query)."""
    since = (now or utcnow()) - window
    refusals = func.count(AuditEvent.id)
    rows = db.session.execute(
        select(User, refusals, func.max(AuditEvent.at))
        .join(AuditEvent, AuditEvent.actor_id == User.id)
        .where(AuditEvent.action == REFUSED, AuditEvent.at >= since)
        .group_by(User.id)
        .having(refusals > more_than)
        .order_by(refusals.desc(), User.id)
    )
    return [
        RefusedPerson(
            user_id=user.id,
            who=f"{user.full_name} ({user.email})",
            refusals=count,
            last_at=last_at.astimezone(CITY_TIMEZONE),
        )
        for user, count, last_at in rows
    ]
