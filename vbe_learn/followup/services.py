"""The numbers behind the follow-up pages: a few SQL queries per page, never one per row."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext
from sqlalchemy import and_, false, func, select

from ..core.extensions import db
from ..learning.status import VALID, StatusRule, versions_requiring_renewal
from ..models import Completion, Department, Placement, Unit, User
from ..permissions import team_ids
from ..reminders.deadlines import days_left, deadlines_by_administration
from .earned import EarnedBreakdown, earned_breakdown
from .languages import LanguageCount, completed_by_language
from .people import people_with_status
from .periods import month_ends, previous_tertial_end, tertial_ends, tertial_label
from .rates import Rate, rates_by
from .units import DepartmentGroup, administration_deadline, department_groups

NEW_EMPLOYEE_DAYS = 30
OVERDUE_SHOWN = 500  # the samordnare page lists this many; all of them are in the export
TEAM_LIST_MAX = 1000  # a chef's team up to this size is passed to the query as a list of ids


# ?sortera= on the samlad bild and in its export; the first is the default. Lazy: the page
# shows them in the interface language, the export file in Swedish (exports/summary.py).
CITY_SORTS = {
    "andel": lazy_gettext("Lägst andel först"),
    "-andel": lazy_gettext("Högst andel först"),
    "namn": lazy_gettext("Förvaltning (A–Ö)"),
}
DEFAULT_CITY_SORT = "andel"
CITY_TREND_TERTIALS = 6


@dataclass(frozen=True)
class CityRow:
    """One förvaltning (or the total) in the samlad bild: now, at the end of the previous
    tertial, and the deadline that applies (its own, else the city-wide one)."""

    now: Rate
    before: Rate | None
    deadline: date | None = None
    own_deadline: bool = False

    @property
    def change(self) -> float | None:
        """Change of the share in percentage points since the previous tertial."""
        if self.before is None or self.now.share is None or self.before.share is None:
            return None
        return 100 * (self.now.share - self.before.share)


@dataclass(frozen=True)
class CityOverview:
    """The samlad bild: a row per förvaltning (sorted), their total and the total's trend."""

    rows: list[CityRow]
    total: CityRow
    before_day: date
    trend: list[tuple[str, Rate]]  # ('2026 T3', the total on that tertial's last day)
    earned: EarnedBreakdown = EarnedBreakdown()  # the total's genomförda by how earned
    languages: list[LanguageCount] = field(default_factory=list)  # genomförda per språk

    @property
    def trend_points(self) -> list[tuple[str, float | None]]:
        """('2026 T3', percent) per tertial, for the trend chart."""
        return [(label, None if r.share is None else 100 * r.share) for label, r in self.trend]

    @property
    def trend_days(self) -> list[date]:
        """The day of each trend point (for placing the deadline on the chart)."""
        return [r.day for _, r in self.trend]


def city_overview(
    today: date, years: int, administration_ids=None, sort: str = DEFAULT_CITY_SORT
) -> CityOverview:
    """Every förvaltning within reach today and at the previous tertial end, their total
    (counted in SQL, not summed from the rows) and the total per tertial: one query, one
    for the deadlines and one for the completions per language."""
    before_day = previous_tertial_end(today)
    trend_days = tertial_ends(today, CITY_TREND_TERTIALS)
    marked = versions_requiring_renewal()
    found = rates_by(
        {"administration": [today, before_day], "city": [*trend_days, before_day]},
        years,
        administration_ids,
        marked,
    )
    deadlines = deadlines_by_administration()
    before = {r.key: r for r in found["administration"] if r.day == before_day}
    rows = [
        CityRow(r, before.get(r.key), deadlines.get(r.key, deadlines.get(None)), r.key in deadlines)
        for r in found["administration"]
        if r.day == today
    ]
    city = {r.day: r for r in found["city"]}
    empty = Rate(today, None, None, 0, 0)
    total = CityRow(city.get(today, empty), city.get(before_day), deadlines.get(None))
    trend = [(tertial_label(day), city[day]) for day in trend_days if day in city]
    earned = earned_breakdown(today, years, administration_ids, marked)
    languages = completed_by_language(today, years, administration_ids, marked)
    return CityOverview(
        sort_city_rows(rows, sort), total, before_day, trend, earned=earned, languages=languages
    )


def sort_city_rows(rows: list[CityRow], sort: str) -> list[CityRow]:
    """By share (lowest or highest first; empty förvaltningar last, ties by name) or by name."""
    by_name = sorted(rows, key=lambda row: (str(row.now.name).lower(), row.now.key))
    if sort not in ("andel", "-andel"):
        return by_name
    with_share = [row for row in by_name if row.now.share is not None]
    without = [row for row in by_name if row.now.share is None]
    with_share.sort(key=lambda row: row.now.share, reverse=sort == "-andel")  # stable: by name
    return with_share + without


def share_bars(rows: list[Rate]) -> list[tuple[str, float | None]]:
    """(name, share in percent) for a chart."""
    return [(str(r.name), None if r.share is None else 100 * r.share) for r in rows]


def total(rows: list[Rate], day: date) -> Rate:
    """The sum of groups' rates (people count once: each has one placement on a day)."""
    return Rate(
        day,
        None,
        "Totalt",
        sum(r.headcount for r in rows),
        sum(r.completed for r in rows),
    )


@dataclass
class AdministrationReport:
    """Everything the samordnare page shows for one förvaltning."""

    today: date
    totals: Rate
    departments: list[Rate]
    units: list[Rate]
    close_to_residents: list[Rate]
    months: list[Rate]
    tertials: list[tuple[str, Rate]]
    without_completion: list = field(default_factory=list)  # the first OVERDUE_SHOWN
    without_completion_count: int = 0
    groups: list[DepartmentGroup] = field(default_factory=list)  # enheter under avdelningar
    deadline: date | None = None  # the förvaltning's sista dag (its own or the city's)
    earned: EarnedBreakdown = EarnedBreakdown()  # genomförda by how earned
    languages: list[LanguageCount] = field(default_factory=list)  # genomförda per språk

    @property
    def deadline_days_left(self) -> int | None:
        """Days from today to the sista dag (negative after it); None without one."""
        return days_left(self.deadline, self.today)

    @property
    def month_days(self) -> list[date]:
        """The date of each month's point (for placing the deadline on the chart)."""
        return [r.day for r in self.months]

    @property
    def tertial_days(self) -> list[date]:
        """The date of each tertial's point."""
        return [r.day for _, r in self.tertials]

    @property
    def month_points(self) -> list[tuple[str, float | None]]:
        """('2026-03', percent) per month, for the trend chart."""
        return [(r.day.strftime("%Y-%m"), share) for r, (_, share) in zip(
            self.months, share_bars(self.months), strict=True)]  # fmt: skip

    @property
    def tertial_points(self) -> list[tuple[str, float | None]]:
        """('2026 T3', percent) per tertial, for the trend chart."""
        return [(label, None if r.share is None else 100 * r.share) for label, r in self.tertials]


def administration_report(
    administration_id: int, today: date, years: int, sort: str = "namn"
) -> AdministrationReport:
    """Breakdowns (enheter under avdelningar, sorted by name or share), trends, the sista
    dag and the people employed > 30 days without completion."""
    month_days, tertial_days = month_ends(today, 12), tertial_ends(today, 6)
    found = administration_rates(administration_id, today, years, month_days + tertial_days)
    departments, units = found["department"], found["unit"]
    close, trend = found["close_to_residents"], {r.day: r for r in found["administration"]}
    months = [trend[day] for day in month_days if day in trend]
    tertials = [(tertial_label(day), trend[day]) for day in tertial_days if day in trend]
    overdue_count, overdue_rows = overdue_people(administration_id, today, years)
    return AdministrationReport(
        today=today,
        totals=total(departments, today),
        departments=departments,
        units=units,
        close_to_residents=close,
        months=months,
        tertials=tertials,
        without_completion=overdue_rows,
        without_completion_count=overdue_count,
        groups=department_groups(administration_id, departments, units, sort),
        deadline=administration_deadline(administration_id),
        earned=earned_breakdown(today, years, [administration_id]),
        languages=completed_by_language(today, years, [administration_id]),
    )


def administration_rates(administration_id: int, today: date, years: int, trend_days) -> dict:
    """One förvaltning's rates per avdelning, enhet and Invånarnära today, and per trend
    day: {group_by: [Rate]}, from one query."""
    today_only = [today]
    return rates_by(
        {
            "department": today_only,
            "unit": today_only,
            "close_to_residents": today_only,
            "administration": trend_days,
        },
        years,
        [administration_id],
    )


def overdue_people(administration_id: int, today: date, years: int) -> tuple[int, list]:
    """How many people were employed more than 30 days ago without a valid completion
    (employed since Anställd från, or, when the roster has no such date, their first
    placement), and the first OVERDUE_SHOWN of them by name: (count, rows)."""
    in_administration = User.unit_id.in_(
        select(Unit.id)
        .join(Department, Department.id == Unit.department_id)
        .where(Department.administration_id == administration_id)
    )
    first_placed = (
        select(func.min(Placement.valid_from)).where(Placement.user_id == User.id).scalar_subquery()
    )
    employed_since = func.coalesce(User.employed_from, first_placed)
    employed_long = employed_since <= today - timedelta(days=NEW_EMPLOYEE_DAYS)
    # An anti-join, not "no latest completion" after an outer join: the planner estimates it
    # well (PostgreSQL otherwise expected one row and chose nested loops over everyone).
    rule = StatusRule.on_day(today, years)
    overdue = and_(
        User.active.is_(True), in_administration, employed_long, ~rule.has_valid_completion(User.id)
    )
    listed = (  # the first ones by name, each with the number of them all
        select(
            User.id,
            User.first_name,
            User.last_name,
            Unit.name.label("unit"),
            User.employed_from,
            func.count().over().label("overdue_count"),
        )
        .join(Unit, Unit.id == User.unit_id)
        .where(overdue)
        .order_by(User.last_name, User.first_name, User.id)
        .limit(OVERDUE_SHOWN)
        .subquery()
    )
    # Each remaining fact is a scalar subquery with LIMIT 1, one index probe per person:
    # written as EXISTS, PostgreSQL hashed every completion and enrollment in the city to
    # answer for the 500 people the page lists.
    status = rule.status_sql(listed.c.id, **{VALID: false()}).label("status")
    rows = db.session.execute(
        select(listed, status).order_by(listed.c.last_name, listed.c.first_name, listed.c.id)
    ).all()
    count = rows[0].overdue_count if rows else 0
    return count, rows


def team_selection(manager_id: int) -> tuple:
    """(the team, the people whose completions to read): a list of ids for a team of up to
    TEAM_LIST_MAX people (one query now), else the recursive query twice (see team_rows)."""
    ids = db.session.scalars(team_ids(manager_id).limit(TEAM_LIST_MAX + 1)).all()
    if len(ids) <= TEAM_LIST_MAX:
        return ids, ids
    return team_ids(manager_id), team_ids(manager_id, "team_completions")


def team_rows(manager_id: int, today: date, years: int) -> list:
    """Everyone in a chef's team (every level below) with their status, by name.

    A team of up to TEAM_LIST_MAX people is read first and passed as a list of ids: the
    planner then knows it is a few rows (PostgreSQL guesses thousands for the recursive
    query and hashes every enrollment and completion). A larger team stays a subquery.
    """
    team, completions_of = team_selection(manager_id)
    query = people_with_status(User.id.in_(team), today, years, completions_of)
    return db.session.execute(query).all()


def person_completions(person: User) -> list[Completion]:
    """A person's completions, newest first."""
    return list(
        db.session.scalars(
            select(Completion)
            .where(Completion.user_id == person.id)
            .order_by(Completion.completed_on.desc())
        )
    )
