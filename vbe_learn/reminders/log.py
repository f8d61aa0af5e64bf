"""The send log: what was sent to whom, newest first, within a samordnare's reach."""

from flask_babel import lazy_gettext
from sqlalchemy import select

from ..core.extensions import db
from ..models import Administration, ReminderMessage, User
from ..models.reminders import CANCELLED, FAILED, PLANNED, SENDING, SENT, UNKNOWN
from .planning import AFTER, BEFORE, DIGEST, INVITATION, MANUAL, RENEWAL, SUMMARY
from .sending import INTERRUPTED

STATUS_LABELS = {
    PLANNED: lazy_gettext("Planerad"), SENDING: lazy_gettext("Skickas"),
    SENT: lazy_gettext("Skickad"), FAILED: lazy_gettext("Misslyckades"),
    CANCELLED: lazy_gettext("Inte längre aktuell"), UNKNOWN: lazy_gettext("Okänt (avbrott)"),
}  # fmt: skip
# Each kind in the interface language (planning.KIND_LABELS: the command line's Swedish).
KIND_TEXTS = {
    INVITATION: lazy_gettext("Inbjudan"), RENEWAL: lazy_gettext("Förnyelse"),
    BEFORE: lazy_gettext("Påminnelse före deadline"),
    AFTER: lazy_gettext("Påminnelse efter deadline"),
    MANUAL: lazy_gettext("Påminnelse från chef"), DIGEST: lazy_gettext("Veckobrev till chef"),
    SUMMARY: lazy_gettext("Månadssammanfattning"),
}  # fmt: skip
# The stored Swedish errors written by the platform itself, as the log page shows them (an
# SMTP server's answer is shown as it came).
ERROR_TEXTS = {
    INTERRUPTED: lazy_gettext("Avbrott under sändning: kan ha skickats, skickas inte igen.")
}
LOG_LIMIT = 500


def send_log(administration_ids, limit: int = LOG_LIMIT) -> list:
    """The newest messages to people in the given förvaltningar (None: every message)."""
    query = (
        select(
            ReminderMessage.id,
            ReminderMessage.kind,
            ReminderMessage.status,
            ReminderMessage.recipient,
            ReminderMessage.planned_at,
            ReminderMessage.sent_at,
            ReminderMessage.error,
            User.first_name,
            User.last_name,
            Administration.name.label("administration"),
        )
        .join(User, User.id == ReminderMessage.user_id)
        .outerjoin(Administration, Administration.id == ReminderMessage.administration_id)
        .order_by(ReminderMessage.id.desc())
        .limit(limit)
    )
    if administration_ids is not None:
        query = query.where(ReminderMessage.administration_id.in_(list(administration_ids)))
    return db.session.execute(query).all()


def error_text(error: str | None) -> str:
    """A message's stored error as the log page shows it ("" without one)."""
    return str(ERROR_TEXTS.get(error, error or ""))
