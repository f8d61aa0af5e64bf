"""Every model, importable from one place."""

from .course import Course, CourseVersion, Module, Option, Page, Question
from .org import Administration, Department, RoleAssignment, Unit, User
from .progress import (
    AnswerChoice,
    Attempt,
    AttemptAnswer,
    Completion,
    Enrollment,
    PageRead,
)

__all__ = [
    "Administration",
    "AnswerChoice",
    "Attempt",
    "AttemptAnswer",
    "Completion",
    "Course",
    "CourseVersion",
    "Department",
    "Enrollment",
    "Module",
    "Option",
    "Page",
    "PageRead",
    "Question",
    "RoleAssignment",
    "Unit",
    "User",
]
