"""The audit log service: `record(actor, action, target=None, **details)`.

Call it from a service in the same transaction as the change it describes: it only adds
the row and flushes, so the event is committed with the change or not at all. `details`
become JSON (dates and other values that JSON lacks are stored as text).
"""

import json
import logging

from .extensions import db
from .models import AuditEvent, User

log = logging.getLogger("vbe_learn.audit")

# Actions and their Swedish labels on /admin/logg; add new actions here.
ACTION_LABELS = {
    "role.granted": "Roll given",
    "role.revoked": "Roll borttagen",
    "roster.imported": "Personallista importerad",
    "completions.imported": "Genomföranden importerade",
    "export.participants": "Deltagarlista exporterad",
    "export.summary": "Samlad bild exporterad",
    "deadline.changed": "Sista datum ändrat",
}


def record(actor: User | None, action: str, target: str | None = None, **details) -> AuditEvent:
    """Add one audit event (flushed, never committed); actor None means the command line."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target=target,
        details=json.loads(json.dumps(details, default=str, ensure_ascii=False)),
    )
    db.session.add(event)
    db.session.flush()
    log.info(
        "event=audit action=%s actor_id=%s target=%s",
        action,
        event.actor_id if event.actor_id is not None else "cli",
        target,
    )
    return event
