"""Who is due for which message today: one query for everyone's status, decisions in
Python over those rows (no query per person), then one bulk insert that skips every
(person, kind, period) already planned — which is what makes re-runs send nothing new.

Messages (kind → period_key):
- invitation: a new employee, from Anställd från until NEW_EMPLOYEE_DAYS after (→ that date)
- renewal:    "Ska förnyas", once per expiry (→ the day the completion stopped counting)
- before:     REMINDER_DAYS_BEFORE days before the person's deadline up to it (→ the deadline)
- after:      after the deadline, once every REMINDER_REPEAT_DAYS (→ deadline+period number)
- digest:     weekly, to each chef with a direct report not done (→ ISO week)
- summary:    monthly, to each samordnare and central samordnare (→ month)
- manual:     a chef's "Påminn", at most once a day per person (→ the day)
A person gets at most one of invitation/renewal/before/after per run.
"""

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select, true
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..core.extensions import db
from ..followup.people import people_with_status
from ..learning.services.position import only_checks_left
from ..learning.status import COMPLETED, RENEWAL_DUE, expires_on
from ..models import Administration, Course, CourseVersion, ReminderMessage, RoleAssignment, User
from ..models.org import CENTRAL_COORDINATOR, COORDINATOR
from ..models.reminders import PLANNED
from ..models.types import utcnow
from .deadlines import deadlines_by_administration, personal_deadline

INVITATION, RENEWAL, BEFORE, AFTER, MANUAL = "invitation", "renewal", "before", "after", "manual"
DIGEST, SUMMARY = "digest", "summary"
PERSONAL_KINDS = (INVITATION, RENEWAL, BEFORE, AFTER, MANUAL)
KIND_LABELS = {
    INVITATION: "Inbjudan", RENEWAL: "Förnyelse", BEFORE: "Påminnelse före deadline",
    AFTER: "Påminnelse efter deadline", MANUAL: "Påminnelse från chef",
    DIGEST: "Veckobrev till chef", SUMMARY: "Månadssammanfattning",
}  # fmt: skip
INSERT_BATCH = 2000


@dataclass(frozen=True)
class Schedule:
    """The day and the settings that decide who is due."""

    today: date
    validity_years: int
    new_employee_days: int = 30
    days_before: int = 7
    repeat_days: int = 7

    @classmethod
    def from_config(cls, config, today: date, validity_years: int) -> "Schedule":
        """The schedule from the app's settings."""
        return cls(
            today,
            validity_years,
            config["NEW_EMPLOYEE_DAYS"],
            config["REMINDER_DAYS_BEFORE"],
            config["REMINDER_REPEAT_DAYS"],
        )


@dataclass(frozen=True)
class PersonDue:
    """A person not done, with their deadline and whether they are due for a message."""

    row: object
    deadline: date | None
    start: date | None


def renewal_required_on(course_slug: str, today: date) -> date | None:
    """The newest date in force from which the course requires renewal (or None)."""
    return db.session.scalar(
        select(func.max(CourseVersion.renewal_required_on))
        .join(Course, Course.id == CourseVersion.course_id)
        .where(Course.slug == course_slug, CourseVersion.renewal_required_on <= today)
    )


def people_not_done(
    schedule: Schedule, condition=None, course_slug: str = "grundutbildning", people=None
):
    """Every active person (matching `condition`) not done today, with deadline (one query).

    `people`, a select of user ids, narrows the completions looked at (for one team)."""
    deadlines = deadlines_by_administration()
    required_on = renewal_required_on(course_slug, schedule.today)
    condition = condition if condition is not None else true()
    statement = people_with_status(condition, schedule.today, schedule.validity_years, people)
    rows = db.session.execute(statement).all()
    due = []
    for row in rows:
        if row.status == COMPLETED:
            continue
        if row.employed_from is not None and row.employed_from > schedule.today:
            continue  # not employed yet
        start = _start(row, schedule, required_on)
        deadline = personal_deadline(
            deadlines, row.administration_id, start, schedule.new_employee_days
        )
        due.append(PersonDue(row, deadline, start))
    return rows, due


def own_deadline(
    user_id: int, schedule: Schedule, course_slug: str = "grundutbildning"
) -> date | None:
    """One person's own deadline by the rule and query people_not_done uses for everyone;
    None when they are done, not employed yet, or no deadline applies."""
    one = select(User.id).where(User.id == user_id)
    _rows, due = people_not_done(schedule, User.id == user_id, course_slug, one)
    return due[0].deadline if due else None


def _start(row, schedule: Schedule, required_on: date | None) -> date | None:
    if row.status != RENEWAL_DUE:
        return row.employed_from
    expired_on = expires_on(row.last_completed_on, schedule.validity_years)
    if expired_on <= schedule.today or required_on is None:
        return expired_on
    return required_on


def personal_message(person: PersonDue, schedule: Schedule, already: set) -> tuple | None:
    """(kind, period_key) of the one message a person is due for today, or None."""
    row, today, deadline = person.row, schedule.today, person.deadline
    candidates = []
    if row.status == RENEWAL_DUE and person.start is not None:
        candidates.append((RENEWAL, person.start.isoformat()))
    elif row.employed_from is not None and today <= row.employed_from + timedelta(
        days=schedule.new_employee_days
    ):
        candidates.append((INVITATION, row.employed_from.isoformat()))
    if deadline is not None and today > deadline:
        period = (today - deadline).days // schedule.repeat_days
        candidates.append((AFTER, f"{deadline.isoformat()}+{period}"))
    elif deadline is not None and today >= deadline - timedelta(days=schedule.days_before):
        candidates.append((BEFORE, deadline.isoformat()))
    for kind, key in candidates:
        if (row.id, kind, key) not in already:
            return kind, key
    return None


def plan_messages(schedule: Schedule, course_slug: str = "grundutbildning") -> dict[str, int]:
    """Plan today's messages; return how many new ones per kind (nothing is sent here)."""
    rows, due = people_not_done(schedule, course_slug=course_slug)
    already = set(
        db.session.execute(
            select(ReminderMessage.user_id, ReminderMessage.kind, ReminderMessage.period_key).where(
                ReminderMessage.kind.in_((INVITATION, RENEWAL))
            )
        ).all()
    )
    personal = []
    for person in due:
        message = personal_message(person, schedule, already)
        if message is not None and person.row.email:
            personal.append((person, message))
    checks_left = only_checks_left([person.row.id for person, _ in personal], course_slug)
    planned = [
        _message(
            person.row.id,
            *message,
            person.row.email,
            person.row.administration_id,
            personal_payload(person, person.row.id in checks_left),
        )
        for person, message in personal
    ]
    planned += digest_messages(rows, due, schedule)
    planned += summary_messages(rows, due, schedule)
    return insert_planned(planned)


def personal_payload(person: PersonDue, checks_left: bool, sender: str | None = None) -> dict:
    """A personal message's payload: the deadline; whether only the knowledge checks are
    left (the message then says so); who sends a manual one, when not the chef."""
    payload = {"deadline": _iso(person.deadline)}
    if checks_left:
        payload["checks_left"] = True
    if sender is not None:
        payload["sender"] = sender
    return payload


def digest_messages(rows, due: list[PersonDue], schedule: Schedule) -> list[dict]:
    """One weekly digest per active chef listing only their direct reports not done."""
    by_id = {row.id: row for row in rows}
    members = defaultdict(list)
    for person in due:
        if person.row.manager_id in by_id:
            members[person.row.manager_id].append(person)
    year, week, _ = schedule.today.isocalendar()
    messages = []
    for chef_id, team in members.items():
        chef = by_id[chef_id]
        listed = [
            {"name": f"{p.row.first_name} {p.row.last_name}", "unit": p.row.unit,
             "status": p.row.status, "deadline": _iso(p.deadline)}
            for p in sorted(team, key=lambda p: (p.row.last_name, p.row.first_name, p.row.id))
        ]  # fmt: skip
        messages.append(
            _message(
                chef.id,
                DIGEST,
                f"{year}-W{week:02d}",
                chef.email,
                chef.administration_id,
                {"members": listed},
            )
        )
    return messages


def summary_messages(rows, due: list[PersonDue], schedule: Schedule) -> list[dict]:
    """One monthly summary per samordnare: figures for each of their förvaltningar."""
    figures = _figures_per_administration(rows, due, schedule.today)
    names = dict(db.session.execute(select(Administration.id, Administration.name)).all())
    reach = defaultdict(set)
    recipients = {}
    for user_id, email, role, administration_id in db.session.execute(
        select(User.id, User.email, RoleAssignment.role, RoleAssignment.administration_id)
        .join(User, User.id == RoleAssignment.user_id)
        .where(User.active.is_(True), RoleAssignment.role.in_((COORDINATOR, CENTRAL_COORDINATOR)))
    ):
        recipients[user_id] = email
        reach[user_id] |= set(names) if role == CENTRAL_COORDINATOR else {administration_id}
    month = schedule.today.strftime("%Y-%m")
    messages = []
    for user_id, administration_ids in reach.items():
        listed = [
            {"name": names[a], **figures.get(a, _empty_figures())}
            for a in sorted(administration_ids, key=lambda a: names[a])
        ]
        only = next(iter(administration_ids)) if len(administration_ids) == 1 else None
        messages.append(
            _message(
                user_id,
                SUMMARY,
                month,
                recipients[user_id],
                only,
                {"administrations": listed, "month": month},
            )
        )
    return messages


def _empty_figures() -> dict:
    return {"headcount": 0, "completed": 0, "renewal": 0, "overdue": 0}


def _figures_per_administration(rows, due: list[PersonDue], today: date) -> dict:
    """{administration id: headcount, completed, renewal, overdue}, counted with pandas."""
    import pandas as pd  # loaded when the summaries are planned, not at start

    people = pd.DataFrame(
        {
            "administration": [row.administration_id for row in rows],
            "completed": [row.status == COMPLETED for row in rows],
            "renewal": [row.status == RENEWAL_DUE for row in rows],
        }
    )
    overdue = pd.Series(
        [p.row.administration_id for p in due if p.deadline is not None and p.deadline < today],
        dtype="int64",
    )
    counted = people.groupby("administration").agg(
        headcount=("completed", "size"), completed=("completed", "sum"), renewal=("renewal", "sum")
    )
    counted["overdue"] = overdue.value_counts().reindex(counted.index, fill_value=0)
    return {
        int(key): {column: int(value) for column, value in figures.items()}
        for key, figures in counted.to_dict("index").items()
    }


def _message(user_id, kind, key, recipient, administration_id, payload, requested_by=None):
    return {
        "user_id": user_id,
        "kind": kind,
        "period_key": key,
        "status": PLANNED,
        "recipient": recipient,
        "administration_id": administration_id,
        "payload": json.dumps(payload, ensure_ascii=False),
        "requested_by_id": requested_by,
        "planned_at": utcnow(),
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def insert_planned(messages: list[dict]) -> dict[str, int]:
    """Insert the messages, skipping any (person, kind, period) already there; new per kind.

    `ON CONFLICT DO NOTHING` on the unique key, on both databases: when two runs plan at
    once, the second waits for the first's insert of the same key (PostgreSQL: the unique
    index; SQLite: the writer lock) and then skips it. What is counted is what this
    insert returned, not a before/after count another run's commit could change."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    # The table, not the ORM entity: a plain insert, without the ORM's bulk bookkeeping.
    table = ReminderMessage.__table__
    statement = (
        insert(table)
        .on_conflict_do_nothing(index_elements=["user_id", "kind", "period_key"])
        .returning(table.c.kind)
    )
    new: dict[str, int] = defaultdict(int)
    for start in range(0, len(messages), INSERT_BATCH):
        for kind in db.session.scalars(statement, messages[start : start + INSERT_BATCH]):
            new[kind] += 1
    return dict(new)
