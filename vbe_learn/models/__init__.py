"""Every model, importable from one place."""

from .audit import AuditEvent
from .course import Course, CourseVersion, Module, Option, Page, Question
from .exports import ExportFile, ExportLog
from .groups import GroupParticipant, GroupSession
from .org import Administration, Department, RoleAssignment, Unit, User
from .progress import (
    AnswerChoice,
    Attempt,
    AttemptAnswer,
    Completion,
    Enrollment,
    PageRead,
)
from .reminders import Deadline, DeadlineChange, ReminderMessage
from .roster import HeadcountSnapshot, Placement, RosterImport, RosterUpload

__all__ = [
    "Administration",
    "AnswerChoice",
    "AuditEvent",
    "Attempt",
    "AttemptAnswer",
    "Completion",
    "Course",
    "CourseVersion",
    "Deadline",
    "DeadlineChange",
    "Department",
    "Enrollment",
    "ExportFile",
    "ExportLog",
    "GroupParticipant",
    "GroupSession",
    "HeadcountSnapshot",
    "Module",
    "Option",
    "Page",
    "PageRead",
    "Placement",
    "Question",
    "ReminderMessage",
    "RoleAssignment",
    "RosterImport",
    "RosterUpload",
    "Unit",
    "User",
]
