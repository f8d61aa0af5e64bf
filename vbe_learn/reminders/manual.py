"""A manual "Påminn" from a chef (their team) or a samordnare (their förvaltning): at most
one a day per person (the same unique key as every other message), sent by the next run of
`flask reminders send`. Who is reached is decided by the lists (followup/missing.py)."""

import json
from types import SimpleNamespace

from flask import current_app

from ..core.extensions import db
from ..core.i18n import user_locale
from ..core.mail import Outgoing
from ..learning.services.position import only_checks_left
from ..models import User
from .messages import Links, render_message
from .planning import MANUAL, PersonDue, Schedule, _message, insert_planned, personal_payload

CHEF, COORDINATOR = "chef", "samordnare"  # who the message says it comes from
PREVIEW_DOMAIN = "forhandsvisning.invalid"


def _payload(person: PersonDue, sender: str, checks_left: set[int]) -> dict:
    from_whom = None if sender == CHEF else sender
    return personal_payload(person, person.row.id in checks_left, from_whom)


def remind_people(people: list[PersonDue], requested_by: User, schedule: Schedule, sender: str):
    """Plan today's manual reminder for each person; return how many are new (anyone
    already reminded today is skipped by the unique key)."""
    key = schedule.today.isoformat()
    checks_left = only_checks_left([p.row.id for p in people], current_app.config["DEFAULT_COURSE"])
    messages = [
        _message(
            p.row.id,
            MANUAL,
            key,
            p.row.email,
            p.row.administration_id,
            _payload(p, sender, checks_left),
            requested_by=requested_by.id,
        )
        for p in people
        if p.row.email
    ]
    return insert_planned(messages).get(MANUAL, 0)


def preview_message(person: PersonDue, sender: str) -> Outgoing:
    """The e-mail the person would get, rendered by the same templates as when sent."""
    checks_left = only_checks_left([person.row.id], current_app.config["DEFAULT_COURSE"])
    reminder = SimpleNamespace(
        id=0,
        kind=MANUAL,
        payload=json.dumps(_payload(person, sender, checks_left)),
        recipient=person.row.email,
    )
    row = person.row
    locale = user_locale(db.session.get(User, row.id))  # in the recipient's language
    return render_message(
        reminder, row.first_name, Links.build(), PREVIEW_DOMAIN, row.last_name, locale
    )
