"""Uploaded roster files kept between the preview and the confirmation, in the database.

The database, not a folder: every app server shares it (a confirmation may reach another
server than the preview did), it is backed up and transactional (the import and the
deletion of its upload commit together), and an upload is small (MAX_CONTENT_LENGTH,
16 MB at most). Services only flush; the request commits (core/db.py).
"""

import secrets
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select

from ..core.extensions import db
from ..models import RosterUpload
from ..models.types import utcnow

MAX_AGE = timedelta(hours=24)


def keep_upload(
    data: bytes, filename: str, as_of: date, uploader_id: int, now: datetime | None = None
) -> RosterUpload:
    """Keep an uploaded file for its confirmation (expired uploads go first); return it."""
    now = now or utcnow()
    delete_expired_uploads(now)
    upload = RosterUpload(
        token=secrets.token_urlsafe(16),
        uploader_id=uploader_id,
        filename=filename,
        as_of=as_of,
        data=data,
        size=len(data),
        created_at=now,
    )
    db.session.add(upload)
    db.session.flush()
    return upload


def upload_to_confirm(
    token: str, uploader_id: int, now: datetime | None = None
) -> RosterUpload | None:
    """This uploader's unexpired upload, locked until the request ends (so two confirmations
    of one upload run one after the other), or None: unknown, someone else's, or expired."""
    cutoff = (now or utcnow()) - MAX_AGE
    query = (
        select(RosterUpload)
        .where(
            RosterUpload.token == token,
            RosterUpload.uploader_id == uploader_id,
            RosterUpload.created_at >= cutoff,
        )
        .with_for_update()
    )
    return db.session.scalar(query)


def discard_upload(upload: RosterUpload) -> None:
    """Delete an upload once it has been applied or cancelled."""
    db.session.delete(upload)
    db.session.flush()


def delete_expired_uploads(now: datetime | None = None) -> int:
    """Delete every upload older than MAX_AGE (one statement); return how many."""
    cutoff = (now or utcnow()) - MAX_AGE
    result = db.session.execute(delete(RosterUpload).where(RosterUpload.created_at < cutoff))
    return result.rowcount
