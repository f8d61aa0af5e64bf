"""Every model, importable from one place."""

from .audit import AuditEvent
from .course import (
    Course,
    CourseVersion,
    CourseVersionText,
    Module,
    ModuleText,
    Option,
    OptionText,
    Page,
    PageText,
    Question,
    QuestionText,
)
from .exports import ExportFile, ExportLog
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
    "CourseVersionText",
    "Deadline",
    "DeadlineChange",
    "Department",
    "Enrollment",
    "ExportFile",
    "ExportLog",
    "HeadcountSnapshot",
    "Module",
    "ModuleText",
    "Option",
    "OptionText",
    "Page",
    "PageText",
    "PageRead",
    "Placement",
    "Question",
    "QuestionText",
    "ReminderMessage",
    "RoleAssignment",
    "RosterImport",
    "RosterUpload",
    "Unit",
    "User",
]
