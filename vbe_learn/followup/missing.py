"""Who is not done and what to do about it: the chef's team list and a förvaltning's list of
people not done, each person with status, Försenad, Sista dag, progress and Senast påmind,
and who a "Påminn" reaches.

A page costs a fixed number of queries whatever the number of people: the statuses and
deadlines (reminders/planning.py people_not_done: one query), modules passed (two), the
reminders (one) and, for the chef, the förvaltning's and the city's share (one).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from flask_babel import lazy_gettext
from sqlalchemy import and_, case, distinct, exists, func, select, type_coerce

from ..core.extensions import db
from ..core.i18n import STATUS_LABELS
from ..learning.status import COMPLETED, NOT_STARTED, RENEWAL_DUE, STARTED, STATUSES
from ..models import (
    Attempt,
    Completion,
    Course,
    Department,
    Enrollment,
    Module,
    ReminderMessage,
    Unit,
    User,
)
from ..models.reminders import CANCELLED, FAILED
from ..models.types import UTCDateTime, city_date
from ..reminders.deadlines import LATE, is_late
from ..reminders.planning import MANUAL, PERSONAL_KINDS, PersonDue, Schedule, people_not_done
from .rates import Rate, rates
from .services import team_selection, total

ALL, NOT_DONE = "alla", "ej-klara"
NOT_DONE_STATUSES = (NOT_STARTED, STARTED, RENEWAL_DUE)
# The status filter: value → label. The chef's list shows everyone; a förvaltning's list
# only those not done.
# The labels are in the interface language (core/i18n.py).
_STATUS_TEXTS = {**STATUS_LABELS, LATE: lazy_gettext("Försenad")}
TEAM_FILTERS = {
    NOT_DONE: lazy_gettext("Ej klara"),
    ALL: lazy_gettext("Alla"),
    **{s: _STATUS_TEXTS[s] for s in (*STATUSES, LATE)},
}
NOT_DONE_FILTERS = {
    NOT_DONE: lazy_gettext("Alla ej klara"),
    **{s: _STATUS_TEXTS[s] for s in (*NOT_DONE_STATUSES, LATE)},
}
NEEDS_ACTION = "atgard"
SORT_LABELS = {
    NEEDS_ACTION: lazy_gettext("Behöver åtgärd först"),
    "namn": lazy_gettext("Namn"),
    "enhet": lazy_gettext("Enhet"),
    "status": lazy_gettext("Status"),
    "sista-dag": lazy_gettext("Sista dag"),
    "framsteg": lazy_gettext("Framsteg"),
}
STATUS_ORDER = {status: number for number, status in enumerate((*NOT_DONE_STATUSES, COMPLETED))}
PAGE_SIZE = 100  # people per page; the counts and Påminn alla cover every page
NAMES_SHOWN = 200  # names listed on the confirmation page (the count covers all)
TEXT_MAX = 100


@dataclass
class Person:
    """One person in a list: who, status, Försenad, Sista dag, progress, Senast påmind."""

    due: PersonDue | None  # None: done, or not employed yet (no reminder)
    row: object
    deadline: date | None
    late: bool
    modules_passed: int | None = None
    last_reminded: date | None = None
    reminded_today: bool = False

    @property
    def id(self) -> int:
        """The person's id."""
        return self.row.id

    @property
    def name(self) -> str:
        """First and last name."""
        return f"{self.row.first_name} {self.row.last_name}"

    @property
    def remindable(self) -> bool:
        """Not done, employed, with an e-mail address: a "Påminn" reaches them."""
        return self.due is not None and bool(self.row.email)


def _name_key(person: Person) -> tuple:
    return (person.row.last_name.lower(), person.row.first_name.lower(), person.id)


SORTS = {
    # Late first, then the nearest deadline, then not done without one, then done.
    NEEDS_ACTION: lambda p: (
        0 if p.late else 1 if p.row.status != COMPLETED else 2,
        p.deadline or date.max,
        *_name_key(p),
    ),
    "namn": _name_key,
    "enhet": lambda p: (p.row.unit.lower(), *_name_key(p)),
    "status": lambda p: (STATUS_ORDER.get(p.row.status, 0), *_name_key(p)),
    "sista-dag": lambda p: (p.deadline is None, p.deadline or date.max, *_name_key(p)),
    "framsteg": lambda p: (p.modules_passed or 0, *_name_key(p)),
}


@dataclass(frozen=True)
class ListFilter:
    """What a list shows: status filter, sort (a "-" before it: descending), search text,
    enhet and page; read from a request's arguments or a form, every value checked."""

    status: str = NOT_DONE
    sort: str = NEEDS_ACTION
    text: str = ""
    unit_id: int | None = None
    page: int = 1

    @classmethod
    def read(cls, args: Mapping, statuses: Mapping[str, str]) -> "ListFilter":
        """From query or form arguments; anything unknown falls back to the default."""
        status = args.get("status", NOT_DONE)
        sort = args.get("sortera", NEEDS_ACTION)
        unit, page = args.get("enhet", ""), args.get("sida", "")
        return cls(
            status=status if status in statuses else NOT_DONE,
            sort=sort if sort.lstrip("-") in SORTS else NEEDS_ACTION,
            text=args.get("sok", "")[:TEXT_MAX].strip(),
            unit_id=int(unit) if unit.isdigit() and len(unit) < 10 else None,
            page=max(1, int(page)) if page.isdigit() and len(page) < 6 else 1,
        )

    def query_args(self, page: int | None = None) -> dict:
        """The filter as URL arguments (defaults left out)."""
        page = self.page if page is None else page
        found = {
            "status": self.status if self.status != NOT_DONE else None,
            "sortera": self.sort if self.sort != NEEDS_ACTION else None,
            "sok": self.text or None,
            "enhet": self.unit_id,
            "sida": page if page > 1 else None,
        }
        return {key: value for key, value in found.items() if value is not None}

    def shows(self, person: Person) -> bool:
        """Whether the person matches the status filter and the search text."""
        status = person.row.status
        if self.status == NOT_DONE and status == COMPLETED:
            return False
        if self.status == LATE and not person.late:
            return False
        if self.status in STATUSES and status != self.status:
            return False
        text = self.text.lower()
        return not text or text in f"{person.name} {person.row.unit}".lower()


@dataclass(frozen=True)
class Scope:
    """Whose people a list holds: a chef's team (every level below) or a förvaltning."""

    manager_id: int | None = None
    administration_id: int | None = None

    @property
    def sender(self) -> str:
        """Who a manual reminder says it comes from."""
        return "chef" if self.manager_id is not None else "samordnare"

    @property
    def sorts(self) -> dict[str, str]:
        """The sort choices (progress only in the chef's list)."""
        if self.manager_id is not None:
            return SORT_LABELS
        return {key: label for key, label in SORT_LABELS.items() if key != "framsteg"}

    @property
    def statuses(self) -> dict[str, str]:
        """The status filter's choices."""
        return TEAM_FILTERS if self.manager_id is not None else NOT_DONE_FILTERS


@dataclass
class Listing:
    """A list's people (filtered and sorted), the page shown, and counts."""

    scope: Scope
    filters: ListFilter
    everyone: list[Person]
    shown: list[Person]
    modules_total: int | None = None
    administration_rate: Rate | None = None
    city_rate: Rate | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def headcount(self) -> int:
        """How many people the list is about (before filtering)."""
        return len(self.everyone)

    @property
    def completed(self) -> int:
        """How many of them are Genomförd."""
        return sum(1 for p in self.everyone if p.row.status == COMPLETED)

    @property
    def share(self) -> float | None:
        """Andel genomförda of everyone in the list."""
        return self.completed / self.headcount if self.headcount else None

    @property
    def pages(self) -> int:
        """How many pages the filtered list has (at least one)."""
        return max(1, -(-len(self.shown) // PAGE_SIZE))

    @property
    def page(self) -> list[Person]:
        """The people on the page asked for."""
        start = (min(self.filters.page, self.pages) - 1) * PAGE_SIZE
        return self.shown[start : start + PAGE_SIZE]

    @property
    def to_remind(self) -> list[Person]:
        """Everyone shown whom a "Påminn alla" reaches (already reminded today left out)."""
        return [p for p in self.shown if p.remindable and not p.reminded_today]

    @property
    def reminded_today(self) -> list[Person]:
        """Everyone shown who could be reminded but already was today."""
        return [p for p in self.shown if p.remindable and p.reminded_today]


def _people_condition(scope: Scope, filters: ListFilter):
    """(a User condition, a select of the same people's ids, the ids as a list or None)."""
    if scope.manager_id is not None:
        team, completions_of = team_selection(scope.manager_id)
        return User.id.in_(team), completions_of, team if isinstance(team, list) else None
    units = (
        select(Unit.id)
        .join(Department, Department.id == Unit.department_id)
        .where(Department.administration_id == scope.administration_id)
    )
    condition = User.unit_id.in_(units)
    if filters.unit_id is not None:
        condition = and_(condition, User.unit_id == filters.unit_id)
    return condition, select(User.id).where(condition), None


def listing(
    scope: Scope, schedule: Schedule, course_slug: str, filters: ListFilter, rates_too=False
) -> Listing:
    """The people of a chef's team or a förvaltning, filtered, sorted, with what the list
    shows; `rates_too`: also the share of the chef's förvaltning and of the city."""
    condition, people, ids = _people_condition(scope, filters)
    rows, due = people_not_done(schedule, condition, course_slug, people)
    deadlines = {p.row.id: p for p in due}
    everyone = []
    for row in rows:
        person_due = deadlines.get(row.id)
        deadline = person_due.deadline if person_due else None
        person = Person(person_due, row, deadline, is_late(row.status, deadline, schedule.today))
        if scope.manager_id is not None or row.status != COMPLETED:
            everyone.append(person)
    modules_total = None
    if scope.manager_id is not None:
        passed, modules_total = modules_passed(ids if ids is not None else people, course_slug)
        for person in everyone:
            done = person.row.status == COMPLETED
            person.modules_passed = modules_total if done else passed.get(person.id, 0)
    reminders = latest_reminders(ids if ids is not None else people, schedule.today)
    for person in everyone:
        person.last_reminded, person.reminded_today = reminders.get(person.id, (None, False))
    shown = sorted(
        (p for p in everyone if filters.shows(p)),
        key=SORTS[filters.sort.lstrip("-")],
        reverse=filters.sort.startswith("-"),
    )
    found = Listing(scope, filters, everyone, shown, modules_total)
    found.counts = {key: sum(1 for p in everyone if _in(p, key)) for key in scope.statuses}
    if rates_too:
        found.administration_rate, found.city_rate = _comparison(
            scope.manager_id, schedule.today, schedule.validity_years
        )
    return found


def _in(person: Person, status: str) -> bool:
    return ListFilter(status=status).shows(person)


def modules_passed(people, course_slug: str) -> tuple[dict[int, int], int]:
    """({person id: modules passed in their open enrollment of the current version}, the
    number of modules in the current version): two queries for any number of people."""
    current = select(Course.current_version_id).where(Course.slug == course_slug)
    current = current.scalar_subquery()
    completed = exists().where(Completion.enrollment_id == Enrollment.id)
    passed = db.session.execute(
        select(Attempt.user_id, func.count(distinct(Attempt.module_id)))
        .join(Enrollment, Enrollment.id == Attempt.enrollment_id)
        .where(
            Attempt.passed.is_(True),
            Attempt.user_id.in_(people),
            Enrollment.course_version_id == current,
            ~completed,
        )
        .group_by(Attempt.user_id)
    ).all()
    modules = db.session.scalar(select(func.count(Module.id)).where(Module.version_id == current))
    return dict(passed), int(modules or 0)


def latest_reminders(people, today: date) -> dict[int, tuple[date, bool]]:
    """{person id: (day of the latest personal reminder planned or sent to them, whether a
    manual one was planned today)} for people with any (one query)."""
    moment = func.coalesce(ReminderMessage.sent_at, ReminderMessage.planned_at)
    manual_today = and_(
        ReminderMessage.kind == MANUAL, ReminderMessage.period_key == today.isoformat()
    )
    found = db.session.execute(
        select(
            ReminderMessage.user_id,
            type_coerce(func.max(moment), UTCDateTime),
            func.max(case((manual_today, 1), else_=0)),
        )
        .where(
            ReminderMessage.user_id.in_(people),
            ReminderMessage.kind.in_(PERSONAL_KINDS),
            ReminderMessage.status.not_in((FAILED, CANCELLED)),
        )
        .group_by(ReminderMessage.user_id)
    ).all()
    return {user_id: (city_date(latest), bool(today_)) for user_id, latest, today_ in found}


def _comparison(manager_id: int, today: date, years: int) -> tuple[Rate | None, Rate]:
    """The chef's förvaltning's share and the city's today (one query for every förvaltning)."""
    administration_id = db.session.scalar(
        select(Department.administration_id)
        .join(Unit, Unit.department_id == Department.id)
        .join(User, User.unit_id == Unit.id)
        .where(User.id == manager_id)
    )
    found = rates([today], "administration", years)
    own = next((rate for rate in found if rate.key == administration_id), None)
    city = total(found, today)
    return own, Rate(today, None, "Hela staden", city.headcount, city.completed)


def recipients(
    scope: Scope, schedule: Schedule, course_slug: str, filters: ListFilter, person_id=None
) -> tuple[list[Person], list[Person]]:
    """Whom a "Påminn" reaches: (to remind, already reminded today), for one person or
    everyone the filtered list shows."""
    if person_id is not None:  # one person: whatever the list's enhet filter
        filters = replace(filters, unit_id=None)
    found = listing(scope, schedule, course_slug, filters)
    people = found.shown if person_id is None else [p for p in found.everyone if p.id == person_id]
    reachable = [p for p in people if p.remindable]
    return (
        [p for p in reachable if not p.reminded_today],
        [p for p in reachable if p.reminded_today],
    )


def units_of(administration_id: int) -> list[tuple[int, str]]:
    """(id, name) of the förvaltning's enheter, by name: the enhet filter's choices."""
    return db.session.execute(
        select(Unit.id, Unit.name)
        .join(Department, Department.id == Unit.department_id)
        .where(Department.administration_id == administration_id)
        .order_by(Unit.name, Unit.id)
    ).all()
