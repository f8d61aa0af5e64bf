"""Refused requests: someone asked for a thing out of their reach (permissions.py answers
404). Each refusal is logged at once (actor, path, kind and id) and kept as an audit event
("access.refused"), so that the Händelselogg can show who is refused many times.

The request that was refused is rolled back (it answers 404), so the audit events cannot
ride on its transaction: they are written when the request ends (teardown), after it is
rolled back, in a short transaction of their own; this is the one write a GET may cause.
A failure to write them is logged and never changes the answer.
"""

import logging

from flask import Flask, g, has_request_context, request
from sqlalchemy.exc import SQLAlchemyError

from ..models import User
from .audit import new_event
from .extensions import db

log = logging.getLogger("vbe_learn.access")

REFUSED = "access.refused"


def note_refusal(actor: User, kind: str, object_id: int | str) -> None:
    """Log that `actor` was refused the `kind` numbered `object_id`; keep it for the log."""
    path = request.path if has_request_context() else None
    log.warning(
        "event=access_refused actor_id=%s path=%s kind=%s id=%s", actor.id, path, kind, object_id
    )
    if has_request_context():
        g.setdefault("vbe_refusals", []).append((actor.id, kind, str(object_id), path))


def write_refusals(_error: BaseException | None = None) -> None:
    """Write the request's refusals as audit events, in a transaction of their own."""
    refusals = g.pop("vbe_refusals", None)
    if not refusals:
        return
    # The request is over: what it did not commit is rolled back now rather than when its
    # session is removed, so that it holds no lock the events' transaction would wait for.
    db.session.rollback()
    try:
        # A transaction of its own, on a connection that writes even during a GET.
        db.session.connection(execution_options={"read_only": False})
        db.session.add_all(
            new_event(actor_id, REFUSED, f"{kind}:{object_id}", path=path)
            for actor_id, kind, object_id, path in refusals
        )
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        log.exception("event=access_refused_not_recorded refusals=%s", len(refusals))


def init_app(app: Flask) -> None:
    """Write each request's refusals when it ends."""
    app.teardown_request(write_refusals)
