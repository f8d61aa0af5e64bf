"""The send log: what was sent to whom, newest first, within a samordnare's reach."""

from sqlalchemy import select

from ..core.extensions import db
from ..models import Administration, ReminderMessage, User
from ..models.reminders import CANCELLED, FAILED, PLANNED, SENDING, SENT, UNKNOWN

STATUS_LABELS = {
    PLANNED: "Planerad", SENDING: "Skickas", SENT: "Skickad", FAILED: "Misslyckades",
    CANCELLED: "Inte längre aktuell", UNKNOWN: "Okänt (avbrott)",
}  # fmt: skip
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
