"""The audit log service: `record(actor, action, target=None, **details)`.

Call it from a service in the same transaction as the change it describes: it only adds
the row and flushes, so the event is committed with the change or not at all. (A refused
request is rolled back, so its event is written apart: refusals.py, with `new_event`.) `details`
become JSON (dates and other values that JSON lacks are stored as text).
"""

import json
import logging

from ..models import AuditEvent, User
from .extensions import db
from .i18n import N_

log = logging.getLogger("vbe_learn.core.audit")

# Actions and their Swedish labels (the log's CSV, a person's data); /admin/logg shows them in
# the interface language (gettext). Add new actions here (and their sentence in
# vbe_learn/admin/log.py).
ACTION_LABELS = {
    "role.granted": N_("Roll given"),
    "role.revoked": N_("Roll borttagen"),
    "roster.imported": N_("Personallista importerad"),
    "completions.imported": N_("Genomföranden importerade"),
    "export.participants": N_("Deltagarlista exporterad"),
    "export.summary": N_("Samlad bild exporterad"),
    "export.downloaded": N_("Export nedladdad"),
    "deadline.changed": N_("Sista datum ändrat"),
    "access.refused": N_("Nekad förfrågan"),
    "auditlog.exported": N_("Händelselogg exporterad"),
    "group_session.started": N_("Gruppomgång startad"),
    "group_session.ended": N_("Gruppomgång avslutad"),
    "group_session.participant_removed": N_("Deltagare borttagen från gruppomgång"),
}


def record(actor: User | None, action: str, target: str | None = None, **details) -> AuditEvent:
    """Add one audit event (flushed, never committed); actor None means the command line."""
    event = new_event(actor.id if actor is not None else None, action, target, **details)
    db.session.add(event)
    db.session.flush()
    return event


def new_event(
    actor_id: int | None, action: str, target: str | None = None, **details
) -> AuditEvent:
    """One audit event, not yet added to any session (logged as it is made)."""
    log.info(
        "event=audit action=%s actor_id=%s target=%s",
        action,
        actor_id if actor_id is not None else "cli",
        target,
    )
    return AuditEvent(
        actor_id=actor_id,
        action=action,
        target=target,
        details=json.loads(json.dumps(details, default=str, ensure_ascii=False)),
    )
