"""The one status rule: a person's valid completion on a date, and their status.

On a day D, for a course whose completions last N years:

    a completion counts on D  when  completed_on <= D
                               and  completed_on > validity_start(D, N)
                               and  it is not superseded on D: its version (an imported
                                    completion has none: 0) is at least the newest version
                                    of its course that requires renewal from a day <= D
    the valid completion on D  =    the newest completion that counts (completed_on, id)
    the status on D            =    Genomförd    when a completion counts on D
                                    Ska förnyas  else when any completion is on or before D
                                    Påbörjad     else when the person has started (enrolled)
                                    Ej påbörjad  otherwise

A completion counts wherever it came from: earned here or imported from the earlier
platform. Status is derived, never stored.

The rule is given twice, built from the same values so that they agree by construction:
in Python (`StatusRule.counts`, `.valid_completion`, `.status`: for one person, over their
completions) and in SQL (`StatusRule.counting`, `.status_sql`, `latest_valid_completion`:
for lists and reports). Both decide the status from the same three facts in the same order
(`STATUS_ORDER`).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select, true

from ..core.extensions import db
from ..models import Completion, Course, CourseVersion, Enrollment, User

COMPLETED, RENEWAL_DUE, STARTED, NOT_STARTED = "Genomförd", "Ska förnyas", "Påbörjad", "Ej påbörjad"
STATUSES = (COMPLETED, RENEWAL_DUE, STARTED, NOT_STARTED)
# The status as a word in addresses and on the command line (the deltagarlista's filter).
STATUS_SLUGS = {
    "genomförd": COMPLETED,
    "ska-förnyas": RENEWAL_DUE,
    "påbörjad": STARTED,
    "ej-påbörjad": NOT_STARTED,
}
# The facts a status is decided from, first true wins; NOT_STARTED when none is.
VALID, COMPLETED_BEFORE, HAS_STARTED = "valid", "completed_before", "started"
STATUS_ORDER = ((VALID, COMPLETED), (COMPLETED_BEFORE, RENEWAL_DUE), (HAS_STARTED, STARTED))
DEFAULT_VALIDITY_YEARS = 3


def validity_start(day: date, validity_years: int) -> date:
    """The earliest completion date still valid on `day` (completions last N years)."""
    try:
        return day.replace(year=day.year - validity_years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - validity_years, day=28)


def expires_on(completed_on: date, validity_years: int) -> date:
    """The first day a completion no longer counts by age (its N-year anniversary)."""
    return validity_start(completed_on, -validity_years)


def valid_until(completed_on: date | None, validity_years: int) -> date | None:
    """The last day a completion counts by age: the day before its N-year anniversary."""
    if completed_on is None:
        return None
    return expires_on(completed_on, validity_years) - timedelta(days=1)


def validity_years(course_slug: str) -> int:
    """How many years a completion of the course's current version is valid (3 if unknown)."""
    years = db.session.scalar(
        select(CourseVersion.validity_years)
        .join(Course, Course.current_version_id == CourseVersion.id)
        .where(Course.slug == course_slug)
    )
    return DEFAULT_VALIDITY_YEARS if years is None else years


def versions_requiring_renewal() -> list[tuple[int, int, date]]:
    """(version id, course id, from which day) of every version marked as requiring renewal."""
    return db.session.execute(
        select(CourseVersion.id, CourseVersion.course_id, CourseVersion.renewal_required_on)
        .where(CourseVersion.renewal_required_on.is_not(None))
        .order_by(CourseVersion.id)
    ).all()


def renewal_bars(marked: Iterable[tuple[int, int, date]], on: date) -> tuple[tuple[int, int], ...]:
    """((course id, lowest version id that still counts), ...) in force on `on`, from the
    versions marked as requiring renewal (versions_requiring_renewal())."""
    bars: dict[int, int] = {}
    for version_id, course_id, required_on in marked:
        if required_on <= on:
            bars[course_id] = max(bars.get(course_id, 0), version_id)
    return tuple(sorted(bars.items()))


def decide(facts: Mapping[str, bool]) -> str:
    """The status from the facts (VALID, COMPLETED_BEFORE, HAS_STARTED), in Python."""
    return next((label for fact, label in STATUS_ORDER if facts[fact]), NOT_STARTED)


def decide_sql(facts: Mapping[str, ColumnElement[bool]]) -> ColumnElement[str]:
    """The status from the facts as SQL conditions: the same order as decide()."""
    whens = [(facts[fact], literal(label)) for fact, label in STATUS_ORDER]
    return case(*whens, else_=literal(NOT_STARTED))


@dataclass(frozen=True)
class StatusRule:
    """The rule on one day: the validity window and the renewal bars in force."""

    on: date
    validity_years: int
    bars: tuple[tuple[int, int], ...] = ()

    @classmethod
    def on_day(cls, on: date, validity_years: int, marked=None) -> "StatusRule":
        """The rule on `on`; `marked` is versions_requiring_renewal() (read when not given)."""
        marked = versions_requiring_renewal() if marked is None else marked
        return cls(on, validity_years, renewal_bars(marked, on))

    @classmethod
    def for_course(cls, course: Course, on: date) -> "StatusRule":
        """The rule on `on` for one course's completions, in one query: the validity of its
        current version (as validity_years()) and its versions requiring renewal."""
        rows = db.session.execute(
            select(
                CourseVersion.id,
                CourseVersion.course_id,
                CourseVersion.renewal_required_on,
                CourseVersion.validity_years,
            ).where(
                CourseVersion.course_id == course.id,
                or_(
                    CourseVersion.renewal_required_on.is_not(None),
                    CourseVersion.id == course.current_version_id,
                ),
            )
        ).all()
        years = next((r.validity_years for r in rows if r.id == course.current_version_id), None)
        marked = [r[:3] for r in rows if r.renewal_required_on is not None]
        return cls.on_day(on, DEFAULT_VALIDITY_YEARS if years is None else years, marked)

    @property
    def window_start(self) -> date:
        """Completions on or before this day are too old to count on `on`."""
        return validity_start(self.on, self.validity_years)

    # -- Python: one person, from their completions (objects with completed_on, course_id,
    #    course_version_id and id) and whether they have started.

    def counts(self, completion) -> bool:
        """Whether a completion counts on the rule's day."""
        if not self.window_start < completion.completed_on <= self.on:
            return False
        version = completion.course_version_id or 0
        return all(
            completion.course_id != course_id or version >= bar for course_id, bar in self.bars
        )

    def valid_completion(self, completions: Iterable):
        """The newest completion that counts on the day, or None."""
        counting = [c for c in completions if self.counts(c)]
        return max(counting, key=lambda c: (c.completed_on, c.id), default=None)

    def status(self, completions: Iterable, started: bool) -> str:
        """Genomförd, Ska förnyas, Påbörjad or Ej påbörjad for one person."""
        completions = list(completions)
        return decide(
            {
                VALID: self.valid_completion(completions) is not None,
                COMPLETED_BEFORE: any(c.completed_on <= self.on for c in completions),
                HAS_STARTED: started,
            }
        )

    # -- SQL: the same conditions for lists and reports.

    def counting(self, completions=Completion.__table__.c) -> ColumnElement[bool]:
        """A condition on completions (the table's columns, or a CTE's): counts on the day."""
        return and_(
            completions.completed_on <= self.on,
            completions.completed_on > self.window_start,
            *(
                or_(
                    completions.course_id != course_id,
                    func.coalesce(completions.course_version_id, 0) >= bar,
                )
                for course_id, bar in self.bars
            ),
        )

    def completed_before(self, completions=Completion.__table__.c) -> ColumnElement[bool]:
        """A condition on completions: on or before the day (counting or not)."""
        return completions.completed_on <= self.on

    def status_sql(self, user_id=User.id, **known: ColumnElement[bool]) -> ColumnElement[str]:
        """The status of the person `user_id` (a column) as one SQL expression.

        Each fact not given in `known` (VALID, COMPLETED_BEFORE, HAS_STARTED: a condition
        a query already has, e.g. from an outer join of latest_valid_completion) is a
        scalar subquery with LIMIT 1: one index probe per person."""
        probes = {
            VALID: lambda: self._probe(Completion.id, Completion.user_id, user_id, self.counting()),
            COMPLETED_BEFORE: lambda: self._probe(
                Completion.id, Completion.user_id, user_id, self.completed_before()
            ),
            HAS_STARTED: lambda: self._probe(Enrollment.id, Enrollment.user_id, user_id, true()),
        }
        facts = {fact: known[fact] if fact in known else probes[fact]() for fact in probes}
        return decide_sql(facts)

    def has_valid_completion(self, user_id=User.id) -> ColumnElement[bool]:
        """A condition: the person `user_id` (a column) has a completion that counts (EXISTS)."""
        return select(Completion.id).where(Completion.user_id == user_id, self.counting()).exists()

    @staticmethod
    def _probe(id_column, owner_column, user_id, condition) -> ColumnElement[bool]:
        return (
            select(id_column)
            .where(owner_column == user_id, condition)
            .limit(1)
            .scalar_subquery()
            .is_not(None)
        )


def latest_valid_completion(rule: StatusRule, people=None):
    """A subquery: each person's valid completion on the rule's day (the newest that counts):
    user_id, completed_on, score_percent, version_loaded_at and source_version (for
    models.types.version_label: the version's load time, or the imported label).

    `people` (a select or list of user ids) limits the ranking to them: much faster for a team.
    """
    ranked = (
        select(
            Completion.user_id,
            Completion.completed_on,
            Completion.score_percent,
            CourseVersion.created_at.label("version_loaded_at"),
            Completion.source_version,
            func.row_number()
            .over(
                partition_by=Completion.user_id,
                order_by=(Completion.completed_on.desc(), Completion.id.desc()),
            )
            .label("rank"),
        )
        .outerjoin(CourseVersion, CourseVersion.id == Completion.course_version_id)
        .where(
            rule.counting(),
            Completion.user_id.in_(people) if people is not None else true(),
        )
        .subquery()
    )
    return select(ranked).where(ranked.c.rank == 1).subquery("latest")


def last_completion(rule: StatusRule, people=None):
    """A subquery: each person's newest completion date on or before the day, valid or not."""
    return (
        select(Completion.user_id, func.max(Completion.completed_on).label("completed_on"))
        .where(
            rule.completed_before(),
            Completion.user_id.in_(people) if people is not None else true(),
        )
        .group_by(Completion.user_id)
        .subquery("last_completion")
    )


def started(user_id=User.id) -> ColumnElement[bool]:
    """A condition: the person `user_id` (a column) has started here (an enrollment, EXISTS)."""
    return select(Enrollment.id).where(Enrollment.user_id == user_id).exists()


@dataclass(frozen=True)
class PersonStatus:
    """One person's status on a day, with the completion it rests on."""

    status: str
    valid_completion: Completion | None
    last_completion: Completion | None  # the newest on or before the day, valid or not
    validity_years: int

    @property
    def valid_until(self) -> date | None:
        """The last day the valid completion counts by age."""
        if self.valid_completion is None:
            return None
        return valid_until(self.valid_completion.completed_on, self.validity_years)


def person_status(user_id: int, course: Course, on: date) -> PersonStatus:
    """A person's status in a course on a day, in Python over their completions (3 queries)."""
    rule = StatusRule.for_course(course, on)
    completions = list(
        db.session.scalars(
            select(Completion).where(
                Completion.user_id == user_id, Completion.course_id == course.id
            )
        )
    )
    has_started = (
        db.session.scalar(
            select(Enrollment.id)
            .where(Enrollment.user_id == user_id, Enrollment.course_id == course.id)
            .limit(1)
        )
        is not None
    )
    return status_of(rule, completions, has_started)


def status_in_course(user_id: int, course_slug: str, on: date) -> PersonStatus | None:
    """A person's status in the course named `course_slug` on a day (None: no such course)."""
    course = db.session.scalar(select(Course).where(Course.slug == course_slug))
    if course is None or course.current_version_id is None:
        return None
    return person_status(user_id, course, on)


def status_of(rule: StatusRule, completions: list, has_started: bool) -> PersonStatus:
    """PersonStatus from a person's completions and whether they have started."""
    before = [c for c in completions if c.completed_on <= rule.on]
    return PersonStatus(
        rule.status(completions, has_started),
        rule.valid_completion(completions),
        max(before, key=lambda c: (c.completed_on, c.id), default=None),
        rule.validity_years,
    )
