"""Where a learner is: enrollment, pages read, each module's check, resume point."""

from dataclasses import dataclass, field

from sqlalchemy import bindparam, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from ...core.extensions import db
from ...courses.languages import learner_language
from ...models import Attempt, Completion, Course, Enrollment, PageRead, User
from ...models.types import city_date, utcnow
from ...reminders.deadlines import DeadlineInSight
from ...reminders.planning import Schedule, own_deadline
from ..status import COMPLETED, RENEWAL_DUE, PersonStatus, StatusRule, status_of
from .outline import ModuleRef, Outline, outline_for
from .position import reading_state


@dataclass
class ModuleProgress:
    """How far a learner has come in one module."""

    module: ModuleRef
    pages_read: int
    attempts: int = 0
    best_score: int | None = None
    passed: bool = False
    open_attempt_id: int | None = None

    @property
    def pages_done(self) -> bool:
        """Whether every page is read, which opens the knowledge check."""
        return self.pages_read >= len(self.module.pages)


@dataclass
class LearnerProgress:
    """A learner's whole position in a course (one enrollment, or none yet)."""

    outline: Outline
    enrollment: Enrollment | None
    completion: Completion | None  # the latest enrollment's own completion, if any
    read_page_ids: set[int] = field(default_factory=set)
    modules: list[ModuleProgress] = field(default_factory=list)
    standing: PersonStatus | None = None  # the status rule's answer (learning/status.py)
    deadline: DeadlineInSight | None = None  # the person's own, while not Genomförd

    @property
    def status(self) -> str:
        """Genomförd, Ska förnyas, Påbörjad or Ej påbörjad: the one status rule's answer."""
        return self.standing.status

    @property
    def valid_completion(self) -> Completion | None:
        """The completion that counts today (earned here or imported), if any."""
        return self.standing.valid_completion

    @property
    def renewal_due(self) -> bool:
        """Ska förnyas and the renewal not begun: the next page starts a new cycle."""
        return self.status == RENEWAL_DUE and (
            self.enrollment is None or self.completion is not None
        )

    @property
    def last_completion(self) -> Completion | None:
        """The newest completion up to today, valid or not (what Ska förnyas refers to)."""
        return self.standing.last_completion

    @property
    def percent_done(self) -> int:
        """Share of steps (pages and passed checks) done, in percent."""
        steps = sum(len(m.module.pages) + 1 for m in self.modules)
        done = sum(m.pages_read + (1 if m.passed else 0) for m in self.modules)
        return round(100 * done / steps) if steps else 0

    @property
    def minutes_left(self) -> int:
        """Estimated minutes left, module by module."""
        left = 0.0
        for m in self.modules:
            if not m.passed:
                share_unread = 1 - m.pages_read / max(len(m.module.pages), 1)
                left += m.module.estimated_minutes * (0.5 + 0.5 * share_unread)
        return round(left)

    def resume_point(self) -> tuple[int, int | None] | None:
        """(module, page) to continue at; page None means the module's check; None when done."""
        for m in self.modules:
            for page in m.module.pages:
                if page.id not in self.read_page_ids:
                    return m.module.position, page.position
            if not m.passed:
                return m.module.position, None
        return None


# Hot-path statements, built once at import (building one costs more than running it).
_LEARNER_IN_COURSE = (Enrollment.user_id == bindparam("user_id")) & (
    Enrollment.course_id == bindparam("course_id")
)
LATEST_ENROLLMENT = (
    select(Enrollment).where(_LEARNER_IN_COURSE).order_by(Enrollment.cycle.desc()).limit(1)
)
_LATEST_CYCLE = select(func.max(Enrollment.cycle)).where(_LEARNER_IN_COURSE).scalar_subquery()
ENROLLMENT_AND_PAGES_READ = (
    select(Enrollment, PageRead.page_id)
    .outerjoin(PageRead, PageRead.enrollment_id == Enrollment.id)
    .where(_LEARNER_IN_COURSE, Enrollment.cycle == _LATEST_CYCLE)
)
# One statement for both databases (ON CONFLICT is the same in SQLite and PostgreSQL): a
# text insert is compiled once and cached, where a dialect insert with on_conflict is not.
MARK_PAGE_READ = text(
    "INSERT INTO page_reads (enrollment_id, page_id, read_at) "
    "VALUES (:enrollment_id, :page_id, :read_at) "
    "ON CONFLICT (enrollment_id, page_id) DO NOTHING"
).bindparams(bindparam("read_at", type_=PageRead.__table__.c.read_at.type))


def current_enrollment(user: User, course: Course) -> Enrollment | None:
    """The learner's latest enrollment in a course."""
    return db.session.scalar(LATEST_ENROLLMENT, {"user_id": user.id, "course_id": course.id})


ENROLLMENT_COMPLETED = select(Completion.id).where(
    Completion.enrollment_id == bindparam("enrollment_id")
)


def holds_valid_completion(user: User, course: Course) -> bool:
    """Whether a completion of the learner's counts today (the one status rule)."""
    rule = StatusRule.for_course(course, city_date(utcnow()))
    return (
        db.session.scalar(
            select(Completion.id)
            .where(
                Completion.user_id == user.id, Completion.course_id == course.id, rule.counting()
            )
            .limit(1)
        )
        is not None
    )


def ensure_enrollment(user: User, course: Course) -> Enrollment:
    """The learner's enrollment, starting one on the current version if there is none, or
    a new cycle when the latest one was completed and no longer counts (a renewal)."""
    enrollment = current_enrollment(user, course)
    cycle = 1
    if enrollment is not None:
        completed = db.session.scalar(ENROLLMENT_COMPLETED, {"enrollment_id": enrollment.id})
        if completed is None or holds_valid_completion(user, course):
            return enrollment
        cycle = enrollment.cycle + 1
    try:
        with db.session.begin_nested():
            enrollment = Enrollment(
                user_id=user.id,
                course_id=course.id,
                course_version_id=course.current_version_id,
                cycle=cycle,
            )
            db.session.add(enrollment)
    except IntegrityError:  # a parallel request started it first
        enrollment = current_enrollment(user, course)
    return enrollment


class NoSuchPage(LookupError):
    """The course version has no such module or page."""


def record_page_read(user: User, slug: str, module_no: int, page_no: int) -> tuple[int, int | None]:
    """ "Nästa": record a page as read; return where to go next: (module, page), or
    (module, None) for the module's knowledge check after its last page."""
    state = reading_state(user, slug)
    if state.current_version_id is None:
        raise NoSuchPage(slug)
    enrollment_id, version_id = state.enrollment_id, state.enrolled_version_id
    if enrollment_id is None or state.completed:  # first page, or a renewal
        enrollment = ensure_enrollment(user, db.session.get(Course, state.course_id))
        enrollment_id, version_id = enrollment.id, enrollment.course_version_id
    outline = outline_for(version_id)
    module = outline.module(module_no)
    page = module.page(page_no) if module else None
    if page is None:
        raise NoSuchPage(f"{module_no}/{page_no}")
    mark_page_read(enrollment_id, page.id)
    following = outline.neighbours(module, page)[1]
    if following and following[0] == module_no:
        return following
    return module_no, None


def mark_page_read(enrollment_id: int, page_id: int) -> None:
    """Record that a page was read (once; repeating it, or racing it, changes nothing)."""
    values = {"enrollment_id": enrollment_id, "page_id": page_id, "read_at": utcnow()}
    db.session.connection().execute(MARK_PAGE_READ, values)  # Core: no ORM object involved


def record_page_read_together(
    user_ids: list[int], course_id: int, version_id: int, page_id: int
) -> set[int]:
    """ "Nästa" for many people at once (a gruppomgång): a page of a course version recorded
    as read in each person's latest enrollment in the course where that enrollment is on
    the version and not completed (one SELECT, one bulk INSERT); return whom it covered.
    Everyone else (no enrollment yet, a completed or older one) goes through
    record_page_read, which knows what to do for them."""
    if not user_ids:
        return set()
    later = aliased(Enrollment)
    latest_cycle = (
        select(func.max(later.cycle))
        .where(later.user_id == Enrollment.user_id, later.course_id == Enrollment.course_id)
        .scalar_subquery()
    )
    completed = select(Completion.id).where(Completion.enrollment_id == Enrollment.id).exists()
    covered = db.session.execute(
        select(Enrollment.user_id, Enrollment.id).where(
            Enrollment.user_id.in_(user_ids),
            Enrollment.course_id == course_id,
            Enrollment.cycle == latest_cycle,
            Enrollment.course_version_id == version_id,
            ~completed,
        )
    ).all()
    if covered:
        now = utcnow()
        rows = [{"enrollment_id": e, "page_id": page_id, "read_at": now} for _, e in covered]
        db.session.connection().execute(MARK_PAGE_READ, rows)  # one executemany
    return {user_id for user_id, _ in covered}


def reading_position(user: User, course: Course) -> LearnerProgress:
    """The learner's enrollment, version (in their language) and pages read (one query):
    the start of Min utbildning."""
    params = {"user_id": user.id, "course_id": course.id}
    rows = db.session.execute(ENROLLMENT_AND_PAGES_READ, params).all()
    enrollment = rows[0][0] if rows else None
    version_id = enrollment.course_version_id if enrollment else course.current_version_id
    outline = outline_for(version_id, learner_language(user))
    progress = LearnerProgress(outline, enrollment, None)
    progress.read_page_ids = {page_id for _, page_id in rows if page_id is not None}
    return progress


def learner_progress(
    user: User, course: Course, new_employee_days: int | None = None
) -> LearnerProgress:
    """Everything Min utbildning shows, in a few queries; the status by the one rule; with
    `new_employee_days` (the setting) also the person's own deadline while not Genomförd."""
    progress = reading_position(user, course)
    enrollment = progress.enrollment
    completions = list(
        db.session.scalars(
            select(Completion).where(
                Completion.user_id == user.id, Completion.course_id == course.id
            )
        )
    )
    if enrollment is not None:
        progress.completion = next(
            (c for c in completions if c.enrollment_id == enrollment.id), None
        )
    rule = StatusRule.for_course(course, city_date(utcnow()))
    progress.standing = status_of(rule, completions, enrollment is not None)
    attempts = _attempt_summary(enrollment.id) if enrollment else {}
    for module in progress.outline.modules:
        read = sum(1 for page in module.pages if page.id in progress.read_page_ids)
        item = ModuleProgress(module, read)
        if module.id in attempts:
            item.attempts, item.best_score, item.passed, item.open_attempt_id = attempts[module.id]
        progress.modules.append(item)
    if new_employee_days is not None and progress.status != COMPLETED:
        schedule = Schedule(rule.on, rule.validity_years, new_employee_days)
        due_on = own_deadline(user.id, schedule, course.slug)
        if due_on is not None:
            progress.deadline = DeadlineInSight.of(progress.status, due_on, rule.on)
    return progress


def _attempt_summary(enrollment_id: int) -> dict[int, tuple]:
    """Per module: (attempts, best score, passed, open attempt id)."""
    open_id = func.max(Attempt.id).filter(Attempt.submitted_at.is_(None))
    rows = db.session.execute(
        select(
            Attempt.module_id,
            func.count(Attempt.id),
            func.max(Attempt.score_percent),
            func.count(Attempt.id).filter(Attempt.passed.is_(True)),
            open_id,
        )
        .where(Attempt.enrollment_id == enrollment_id)
        .group_by(Attempt.module_id)
    )
    return {row[0]: (row[1], row[2], row[3] > 0, row[4]) for row in rows}
