"""A chef's "Påminn": a reminder to one team member or to all not done, at most once a day
per person (the same unique key as every other message), sent by the next run of
`flask reminders send`."""

from ..models import User
from ..permissions import team_ids
from .planning import MANUAL, Schedule, _iso, _message, insert_planned, people_not_done


def remind_team(chef: User, person_id: int | None, schedule: Schedule, course_slug: str) -> int:
    """Plan a reminder for one team member (or, with None, everyone not done); return how
    many are new today (people already reminded today, or done, are left out)."""
    condition = User.id.in_(team_ids(chef.id, name="remind_team"))
    if person_id is not None:
        condition = condition & (User.id == person_id)
    completions_of = team_ids(chef.id, name="remind_completions")
    _rows, due = people_not_done(schedule, condition, course_slug, completions_of)
    key = schedule.today.isoformat()
    messages = [
        _message(
            p.row.id,
            MANUAL,
            key,
            p.row.email,
            p.row.administration_id,
            {"deadline": _iso(p.deadline)},
            requested_by=chef.id,
        )
        for p in due
        if p.row.email
    ]
    return insert_planned(messages).get(MANUAL, 0)
