"""The texts of the reminder e-mails (plain text and HTML, from templates), each in its
recipient's interface language (core/i18n.py: Swedish unless they chose English).

A message to a person says nothing about anyone else; a chef's digest lists only that
chef's own direct reports; a samordnare's summary holds figures, never names.
"""

import json
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import force_locale, lazy_gettext

from ..core.i18n import SOURCE_LOCALE
from ..core.mail import Outgoing
from ..core.urls import absolute_url
from ..courses.duration import current_course_minutes
from .planning import AFTER, BEFORE, DIGEST, INVITATION, MANUAL, RENEWAL, SUMMARY

SUBJECTS = {
    INVITATION: lazy_gettext("Välkommen till utbildningen om våldsbejakande extremism"),
    RENEWAL: lazy_gettext("Dags att förnya din utbildning om våldsbejakande extremism"),
    BEFORE: lazy_gettext("Påminnelse: utbildningen om våldsbejakande extremism"),
    AFTER: lazy_gettext("Utbildningen om våldsbejakande extremism är försenad"),
    MANUAL: lazy_gettext("Påminnelse från din chef: utbildningen om våldsbejakande extremism"),
    DIGEST: lazy_gettext("Veckobrev: ditt team och utbildningen om våldsbejakande extremism"),
    SUMMARY: lazy_gettext("Månadssammanfattning: utbildningen om våldsbejakande extremism"),
}
# A manual reminder from a samordnare (payload "sender") says so instead of "din chef".
COORDINATOR_SUBJECT = lazy_gettext(
    "Påminnelse från samordnaren: utbildningen om våldsbejakande extremism"
)
TEMPLATES = {DIGEST: "digest", SUMMARY: "summary"}  # every other kind: "person"


@dataclass(frozen=True)
class Links:
    """The absolute links the messages use, and the course's estimated time (worked out
    once per run)."""

    course: str
    team: str
    overview: str
    minutes: int | None = None

    @classmethod
    def build(cls) -> "Links":
        """Links from PUBLIC_BASE_URL; minutes as Min utbildning shows them (duration.py)."""
        return cls(
            course=absolute_url("learning.dashboard"),
            team=absolute_url("followup.team"),
            overview=absolute_url("followup.overview"),
            minutes=current_course_minutes(current_app.config["DEFAULT_COURSE"]),
        )


def message_id(reminder_id: int, domain: str) -> str:
    """A Message-ID fixed by the reminder row: a resend would be recognisable as one."""
    return f"<paminnelse-{reminder_id}@{domain}>"


def render_message(
    reminder,
    first_name: str,
    links: Links,
    domain: str,
    last_name: str = "",
    locale: str = SOURCE_LOCALE,
) -> Outgoing:
    """The e-mail for one planned reminder row (kind, payload, recipient), in the recipient's
    interface locale (core/i18n.py user_locale), whatever the request's."""
    payload = json.loads(reminder.payload or "{}")
    name = TEMPLATES.get(reminder.kind, "person")
    context = {
        "kind": reminder.kind,
        "first_name": first_name,
        "links": links,
        "deadline": _date(payload.get("deadline")),
        "members": payload.get("members", []),
        "administrations": payload.get("administrations", []),
        "month": payload.get("month"),
        "sender": payload.get("sender", "chef"),
        "checks_left": payload.get("checks_left", False),
    }
    subject = SUBJECTS[reminder.kind]
    if reminder.kind == MANUAL and context["sender"] == "samordnare":
        subject = COORDINATOR_SUBJECT
    with force_locale(locale):
        subject, text, html = (
            str(subject),
            _render(f"reminders/email/{name}.txt", context),
            _render(f"reminders/email/{name}.html", context),
        )
    return Outgoing(
        to=reminder.recipient,
        subject=subject,
        text=text,
        html=html,
        message_id=message_id(reminder.id, domain),
        language=locale,
        to_name=f"{first_name} {last_name}".strip(),
    )


def _render(template: str, context: dict) -> str:
    """Render without the page context processors (no request, no logged-in person)."""
    return current_app.jinja_env.get_template(template).render(**context)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
