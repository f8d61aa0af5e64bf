"""Gruppomgång: the course led for a group on a shared screen (an APT), each person
answering on their own phone; what they read and pass counts for them as if done alone.

The whole state lives in these rows (any app server may answer any request);
`state_version` is bumped on every change, so that the polls' ETag is that number.
"""

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.extensions import db
from .org import User
from .types import CITY_TIMEZONE, UTCDateTime, utcnow

OPEN, ENDED = "open", "ended"
PAGE_STEP, CHECK_STEP, DISCUSS_STEP = "page", "check", "discuss"


class GroupSession(db.Model):
    """One gruppomgång: its course version and modules, its leader, where it stands."""

    __tablename__ = "group_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    course_version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id"))
    leader_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # A samordnare's session for a förvaltning (a mixed group); None: a chef's team.
    administration_id: Mapped[int | None] = mapped_column(ForeignKey("administrations.id"))
    module_positions: Mapped[list] = mapped_column(JSON)  # the chosen modules, e.g. [1, 2]
    status: Mapped[str] = mapped_column(String(10), default=OPEN)
    joining_open: Mapped[bool] = mapped_column(Boolean, default=True)
    # Where it stands: a module, and its page (step "page"), its check or its discussion.
    current_module: Mapped[int] = mapped_column(Integer)
    current_step: Mapped[str] = mapped_column(String(10), default=PAGE_STEP)
    current_page: Mapped[int | None] = mapped_column(Integer)
    revealed_modules: Mapped[list] = mapped_column(JSON, default=list)  # answers shown
    join_secret: Mapped[str] = mapped_column(String(64))  # the rotating code's key
    state_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    leader: Mapped[User] = relationship(foreign_keys=[leader_id])

    @property
    def is_open(self) -> bool:
        """Whether the session is still going on."""
        return self.status == OPEN

    @property
    def position_key(self) -> str:
        """Where it stands as one word: "2/page/3", "2/check", "2/discuss"."""
        if self.current_step == PAGE_STEP:
            return f"{self.current_module}/{PAGE_STEP}/{self.current_page}"
        return f"{self.current_module}/{self.current_step}"

    @property
    def started_text(self) -> str:
        """When it started, in Stockholm time: "2026-12-07 13:05"."""
        return (self.created_at or utcnow()).astimezone(CITY_TIMEZONE).strftime("%Y-%m-%d %H:%M")

    def is_revealed(self, module_position: int) -> bool:
        """Whether the leader has shown the answers of this module's check."""
        return module_position in (self.revealed_modules or [])

    def bump(self) -> None:
        """Mark a change: the polls see a new state version."""
        self.state_version = (self.state_version or 0) + 1


class GroupParticipant(db.Model):
    """A person at a gruppomgång: joined on their phone, or marked present without one."""

    __tablename__ = "group_participants"
    __table_args__ = (
        UniqueConstraint("group_session_id", "user_id"),
        Index("ix_group_participants_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_session_id: Mapped[int] = mapped_column(ForeignKey("group_sessions.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # by the leader
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # "Lämna gruppomgången"
    has_no_phone: Mapped[bool] = mapped_column(Boolean, default=False)
    marked_present_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def is_active(self) -> bool:
        """Joined and neither removed nor gone: what is shown counts for them."""
        return self.removed_at is None and self.left_at is None
