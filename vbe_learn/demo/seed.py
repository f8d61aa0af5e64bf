"""The demo city for development and `make run`, built through the real imports.

`seed_demo_city` generates HR files with `city.py` and feeds them to the same services as
real files: three roster imports over the last year (a history for rates over time), then
the earlier platform's completions, then roles and one demo login per role. The demo
logins are roster people whose E-post the seed sets to fixed addresses (DEMO_EMAILS), so
they are found again by e-post; only they get the demo password.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select

from ..auth.passwords import hash_password
from ..core.extensions import db
from ..models import Administration, Course, RoleAssignment, User
from ..models.org import ADMIN, CENTRAL_COORDINATOR, COORDINATOR
from ..reminders.deadlines import set_deadline

DEMO_PASSWORD = "demo-losenord-2026"  # noqa: S105 - printed demo login
DEMO_DOMAIN = "demo.stockholm.se"
DEMO_EMAILS = {  # role → the e-post the seed gives its demo person (in every roster file)
    "medarbetare": f"medarbetare@{DEMO_DOMAIN}",
    "chef": f"chef@{DEMO_DOMAIN}",
    COORDINATOR: f"samordnare@{DEMO_DOMAIN}",
    CENTRAL_COORDINATOR: f"central.samordnare@{DEMO_DOMAIN}",
    ADMIN: f"admin@{DEMO_DOMAIN}",
}
DEFAULT_EMPLOYEES = 3000
MIN_EMPLOYEES = 200
SEED = 2019
# The demo's deadlines: the city's in three months; the samordnare's förvaltning's own,
# two weeks ago (so its people not done show Försenad).
CITY_DEADLINE_IN_DAYS = 90
COORDINATED_DEADLINE_DAYS_AGO = 14
IMPORT_DAYS_AGO = (300, 150, 0)  # one roster import per date, oldest first
CHANGE_SHARE = 0.04  # people changed between two roster imports (moves, leavers, new hires …)
COORDINATOR_ADMINISTRATION = "Skärholmens stadsdelsförvaltning"
CENTRAL_ADMINISTRATION = "Stadsledningskontoret"


class DemoSeedError(Exception):
    """A generated file was refused by an import (a bug in city.py); nothing is kept."""


@dataclass
class DemoSeedResult:
    """What the seed made."""

    people: int
    administrations: int
    roster_imports: list[date]
    completions_added: int | None  # None: no course, so no completions were imported
    logins: dict[str, str] = field(default_factory=dict)


def database_is_empty() -> bool:
    """Whether there are no people yet."""
    return not db.session.scalar(select(func.count(User.id)))


def seed_demo_city(employees: int = DEFAULT_EMPLOYEES, today: date | None = None) -> DemoSeedResult:
    """Build the demo city through the roster and completions imports; the caller commits."""
    from ..roster.services import import_completions_file, import_roster_file  # pandas
    from . import city  # reads data/*.yaml: loaded when a city is built, not at start

    if employees < MIN_EMPLOYEES:
        raise ValueError(f"the demo city needs at least {MIN_EMPLOYEES} employees")
    today = today or date.today()
    dates = [today - timedelta(days=days) for days in IMPORT_DAYS_AGO]
    rosters = [city.generate_roster(employees, SEED, as_of=dates[0])]
    for step, as_of in enumerate(dates[1:], start=1):
        rosters.append(
            city.change_roster(rosters[-1], CHANGE_SHARE, SEED + step, as_of, rosters[:-1])
        )
    completions = city.generate_completions(rosters[-1], SEED, as_of=today)
    completed = {row[0] for row in _csv_rows(completions)}
    demo_numbers = choose_demo_people(city.read_rows(rosters[-1]), completed)
    for as_of, data in zip(dates, rosters, strict=True):
        result = import_roster_file(
            _with_demo_emails(data, demo_numbers), f"demo-personallista-{as_of}.csv", as_of, None
        )
        _refuse_problems(result)
    course = db.session.scalar(
        select(Course).where(Course.slug == current_app.config["DEFAULT_COURSE"])
    )
    added = None
    if course is not None and course.current_version_id is not None:
        result = import_completions_file(completions, "demo-genomforanden.csv", course, None)
        _refuse_problems(result)
        added = result.added
    people = _give_roles_and_passwords(demo_numbers)
    _set_deadlines(today)
    return DemoSeedResult(
        people=db.session.scalar(select(func.count(User.id)).where(User.active.is_(True))),
        administrations=db.session.scalar(select(func.count(Administration.id))),
        roster_imports=dates,
        completions_added=added,
        logins={role: people[role].email for role in DEMO_EMAILS},
    )


def demo_logins() -> dict[str, str]:
    """{role: e-post} of the demo accounts that exist (and may log in)."""
    emails = set(
        db.session.scalars(
            select(User.email).where(
                User.email.in_(DEMO_EMAILS.values()),
                User.active.is_(True),
                User.password_hash.is_not(None),
            )
        )
    )
    return {role: email for role, email in DEMO_EMAILS.items() if email in emails}


def choose_demo_people(rows: list[dict[str, str]], completed: set[str]) -> dict[str, str]:
    """{role: anställningsnummer} of the people who get the demo logins.

    A medarbetare in Skärholmen who has not done the course and their chef, a samordnare in
    Skärholmen, a central samordnare and an admin at Stadsledningskontoret; each falls back
    to anyone suitable when the roster has no such person.
    """
    chefs = {row["chef"] for row in rows if row["chef"]}
    staff = sorted((row for row in rows if row["number"] not in chefs), key=_by_number)
    taken: set[str] = set()

    def first(*preferences) -> str:
        for wanted in (*preferences, lambda row: True):
            for row in staff:
                if row["number"] not in taken and wanted(row):
                    taken.add(row["number"])
                    return row["number"]
        raise ValueError("the roster is too small for the demo logins")

    def in_coordinated(row) -> bool:
        return row["adm"] == COORDINATOR_ADMINISTRATION

    def in_central(row) -> bool:
        return row["adm"] == CENTRAL_ADMINISTRATION

    medarbetare = first(
        lambda row: in_coordinated(row) and row["close"] == "Ja" and row["number"] not in completed,
        lambda row: row["number"] not in completed,
    )
    chef = next(row["chef"] for row in rows if row["number"] == medarbetare)
    taken.add(chef)
    return {
        "medarbetare": medarbetare,
        "chef": chef,
        COORDINATOR: first(
            lambda row: in_coordinated(row) and row["avd"] == "Administrativa avdelningen",
            in_coordinated,
        ),
        CENTRAL_COORDINATOR: first(
            lambda row: in_central(row) and row["avd"] == "Säkerhetsavdelningen", in_central
        ),
        ADMIN: first(
            lambda row: in_central(row) and row["avd"] == "Avdelningen för digital utveckling",
            in_central,
        ),
    }


def _by_number(row: dict[str, str]) -> int:
    return int(row["number"])


def _with_demo_emails(data: bytes, demo_numbers: dict[str, str]) -> bytes:
    """The roster file with the demo people's E-post set to DEMO_EMAILS."""
    from . import city

    emails = {number: DEMO_EMAILS[role] for role, number in demo_numbers.items()}
    rows = city.read_rows(data)
    for row in rows:
        row["email"] = emails.get(row["number"], row["email"])
    return city.write_rows(rows)


def _csv_rows(data: bytes) -> list[list[str]]:
    lines = data.decode("utf-8-sig").splitlines()[1:]
    return [line.split(";") for line in lines if line]


def _refuse_problems(result) -> None:
    from ..roster.validation import Problems  # pandas: loaded with the roster imports

    if isinstance(result, Problems):
        raise DemoSeedError("\n".join(result.lines()))


def _set_deadlines(today: date) -> None:
    """The city-wide sista dag and the samordnare's förvaltning's own (logged as changes)."""
    coordinated = db.session.scalar(
        select(Administration).where(Administration.name == COORDINATOR_ADMINISTRATION)
    )
    set_deadline(None, today + timedelta(days=CITY_DEADLINE_IN_DAYS), None)
    set_deadline(coordinated, today - timedelta(days=COORDINATED_DEADLINE_DAYS_AGO), None)


def _give_roles_and_passwords(demo_numbers: dict[str, str]) -> dict[str, User]:
    """Role assignments for the samordnare, central samordnare and admin; demo passwords."""
    users = {
        user.employee_number: user
        for user in db.session.scalars(
            select(User).where(User.employee_number.in_(demo_numbers.values()))
        )
    }
    people = {role: users[number] for role, number in demo_numbers.items()}
    coordinated = db.session.scalar(
        select(Administration).where(Administration.name == COORDINATOR_ADMINISTRATION)
    )
    db.session.add_all(
        [
            RoleAssignment(user=people[COORDINATOR], role=COORDINATOR, administration=coordinated),
            RoleAssignment(user=people[CENTRAL_COORDINATOR], role=CENTRAL_COORDINATOR),
            RoleAssignment(user=people[ADMIN], role=ADMIN),
        ]
    )
    password_hash = hash_password(DEMO_PASSWORD)
    for user in people.values():
        user.password_hash = password_hash
    db.session.flush()
    return people
