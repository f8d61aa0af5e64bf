"""The organisation: förvaltning → avdelning → enhet, the people in it and their roles."""

import secrets
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Date, ForeignKey, Index, String, UniqueConstraint, false, select
from sqlalchemy.orm import Mapped, aliased, column_property, mapped_column, relationship

from ..core.extensions import db
from .types import UTCDateTime


class Administration(db.Model):
    """A förvaltning (a stadsdelsförvaltning or a facknämnd's förvaltning)."""

    __tablename__ = "administrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class Department(db.Model):
    """An avdelning within a förvaltning."""

    __tablename__ = "departments"
    __table_args__ = (UniqueConstraint("administration_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    administration_id: Mapped[int] = mapped_column(ForeignKey("administrations.id"))
    name: Mapped[str] = mapped_column(String(200))

    administration: Mapped[Administration] = relationship()


class Unit(db.Model):
    """An enhet within an avdelning; every employee belongs to one."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("department_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    name: Mapped[str] = mapped_column(String(200))

    department: Mapped[Department] = relationship()


def new_session_token() -> str:
    """A fresh random value that identifies a person's login sessions."""
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    """A person: an employee from the roster, or a local account."""

    __tablename__ = "users"
    # (manager_id, id): the recursive team query reads the index alone, never the table.
    __table_args__ = (Index("ix_users_manager_id_id", "manager_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_number: Mapped[str | None] = mapped_column(String(50), unique=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Rotated on password change: every session and set-password link made before dies.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    close_to_residents: Mapped[bool] = mapped_column(  # Invånarnära
        Boolean, default=False, server_default=false()
    )
    employed_from: Mapped[date | None] = mapped_column(Date)
    # Gallring: when name, e-post and anställningsnummer were replaced by pseudonyms.
    pseudonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The language the person takes the course in (None: not chosen yet, i.e. Swedish).
    course_language: Mapped[str | None] = mapped_column(String(20))

    unit: Mapped[Unit | None] = relationship()
    manager: Mapped["User | None"] = relationship(remote_side=[id])
    # The roles given to the person (read-only here: roles are given as RoleAssignment rows).
    roles: Mapped[list["RoleAssignment"]] = relationship(
        viewonly=True, order_by="RoleAssignment.id"
    )

    @property
    def full_name(self) -> str:
        """First and last name."""
        return f"{self.first_name} {self.last_name}"

    @property
    def is_active(self) -> bool:  # Flask-Login: deactivated people cannot log in
        """Whether the person may log in."""
        return self.active

    def get_id(self) -> str:
        """Flask-Login's session key: the session token, not the database id."""
        return self.session_token

    def rotate_session_token(self) -> None:
        """End every session and invalidate every set-password link of this person."""
        self.session_token = new_session_token()


COORDINATOR, CENTRAL_COORDINATOR, ADMIN = "samordnare", "central_samordnare", "admin"
ROLE_LABELS = {COORDINATOR: "Samordnare", CENTRAL_COORDINATOR: "Central samordnare", ADMIN: "Admin"}


class RoleAssignment(db.Model):
    """A role given to a person; samordnare roles are per förvaltning."""

    __tablename__ = "role_assignments"
    __table_args__ = (UniqueConstraint("user_id", "role", "administration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(30))
    administration_id: Mapped[int | None] = mapped_column(ForeignKey("administrations.id"))

    user: Mapped[User] = relationship()
    administration: Mapped[Administration | None] = relationship()


_REPORT = aliased(User)
# Whether anyone active has the person as their chef (a chef's role is derived, never
# given); loaded only when asked for, as the signed-in person is (auth/services.py).
User.manages_someone = column_property(
    select(_REPORT.id).where(_REPORT.manager_id == User.id, _REPORT.active.is_(True)).exists(),
    deferred=True,
)
