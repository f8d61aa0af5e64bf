"""Uploaded roster files kept between the preview and the confirmation, in the database,
and the state of their import once confirmed (a job worker applies it: roster/tasks.py).

The database, not a folder: every app server shares it (a confirmation may reach another
server than the preview did), it is backed up and transactional (the import and the
deletion of its upload commit together), and an upload is small (MAX_CONTENT_LENGTH,
16 MB at most). Services only flush; the request commits (core/db.py).
"""

import secrets
from datetime import date, datetime, timedelta

from sqlalchemy import delete, or_, select, update

from ..core.extensions import db
from ..models import RosterImport, RosterUpload
from ..models.roster import DONE, FAILED, QUEUED, RUNNING
from ..models.types import utcnow

MAX_AGE = timedelta(hours=24)
STUCK_AFTER = timedelta(hours=1)  # an apply takes seconds to a minute; longer: its worker died
STUCK = "Avbröts: ladda upp filen igen"


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
    """This uploader's unexpired upload, not yet confirmed, locked until the request ends (so
    two confirmations of one upload run one after the other), or None: unknown, someone
    else's, expired or already confirmed."""
    cutoff = (now or utcnow()) - MAX_AGE
    query = (
        select(RosterUpload)
        .where(
            RosterUpload.token == token,
            RosterUpload.uploader_id == uploader_id,
            RosterUpload.created_at >= cutoff,
            RosterUpload.status.is_(None),
        )
        .with_for_update()
    )
    return db.session.scalar(query)


def discard_upload(upload: RosterUpload) -> None:
    """Delete an upload once it has been cancelled."""
    db.session.delete(upload)
    db.session.flush()


def queue_upload(upload: RosterUpload, typed_count: int | None) -> None:
    """Mark a confirmed upload queued for its import, with the number typed (flushed)."""
    upload.status, upload.deactivate_count, upload.confirmed_at = QUEUED, typed_count, utcnow()
    db.session.flush()


def claim_upload(upload_id: int) -> RosterUpload | None:
    """Take a queued upload for the job: marked running (flushed). None when it is gone or
    already taken (a second delivery of the job). Locked until the claim commits: a second
    worker given the same job waits, then finds it running."""
    upload = db.session.scalar(
        select(RosterUpload).where(RosterUpload.id == upload_id).with_for_update()
    )
    if upload is None or upload.status != QUEUED:
        return None
    upload.status, upload.started_at = RUNNING, utcnow()
    db.session.flush()
    return upload


def finish_upload(upload_id: int, result: RosterImport) -> None:
    """Mark an upload imported, with its import's log row; its bytes go (flushed)."""
    upload = db.session.get(RosterUpload, upload_id)
    upload.status, upload.roster_import_id, upload.finished_at = DONE, result.id, utcnow()
    upload.data = b""
    db.session.flush()


def fail_upload(upload_id: int, reason: str) -> None:
    """Mark an upload's import failed with its Swedish reason; its bytes go (flushed)."""
    upload = db.session.get(RosterUpload, upload_id)
    if upload is None:
        return
    upload.status, upload.error, upload.finished_at = FAILED, reason, utcnow()
    upload.data = b""
    db.session.flush()


def latest_import_of(uploader_id: int) -> RosterUpload | None:
    """The person's most recently confirmed upload (queued, running, done or failed), with
    its import's log row; None when there is none (the bytes are not loaded)."""
    return db.session.scalar(
        select(RosterUpload)
        .where(RosterUpload.uploader_id == uploader_id, RosterUpload.status.is_not(None))
        .order_by(RosterUpload.confirmed_at.desc(), RosterUpload.id.desc())
        .limit(1)
    )


def fail_stuck_imports(now: datetime | None = None) -> int:
    """Mark failed ("Avbröts: ladda upp filen igen") every import running longer than
    STUCK_AFTER (its worker was killed: the apply rolled back) or queued longer than MAX_AGE
    (its job was lost); how many (one statement)."""
    now = now or utcnow()
    result = db.session.execute(
        update(RosterUpload)
        .where(
            or_(
                (RosterUpload.status == RUNNING) & (RosterUpload.started_at < now - STUCK_AFTER),
                (RosterUpload.status == QUEUED) & (RosterUpload.confirmed_at < now - MAX_AGE),
            )
        )
        .values(status=FAILED, error=STUCK, finished_at=now, data=b"")
    )
    return result.rowcount


def delete_expired_uploads(now: datetime | None = None) -> int:
    """Delete every upload previewed more than MAX_AGE ago and never confirmed, and every
    import finished more than MAX_AGE ago (one statement); return how many."""
    cutoff = (now or utcnow()) - MAX_AGE
    result = db.session.execute(
        delete(RosterUpload).where(
            or_(
                RosterUpload.status.is_(None) & (RosterUpload.created_at < cutoff),
                RosterUpload.status.in_((DONE, FAILED)) & (RosterUpload.finished_at < cutoff),
            )
        )
    )
    return result.rowcount
