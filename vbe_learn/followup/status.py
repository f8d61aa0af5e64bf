"""A person's course status, derived in SQL from completions and enrollments (never stored)."""

from sqlalchemy import case, exists, select

from ..learning.services.progress import COMPLETED, NOT_STARTED, STARTED
from ..models import Completion, Enrollment, User


def has_completion():
    """SQL: the person has a completion (earned here or imported)."""
    return exists(select(Completion.id).where(Completion.user_id == User.id))


def status_column():
    """SQL: Genomförd, Påbörjad or Ej påbörjad for each User row."""
    started = exists(select(Enrollment.id).where(Enrollment.user_id == User.id))
    return case((has_completion(), COMPLETED), (started, STARTED), else_=NOT_STARTED).label(
        "status"
    )
