"""The exports' job: make a deltagarlista or samlad bild file asked for on a page.

The request only adds a queued row and queues this job after its commit (`queue_export`);
the job worker makes the file (exports/files.py) and *Mina exporter* offers it.

The job commits twice, unlike most: first its claim (the row marked running, with
nothing else), then, through the job wrapper, the file and its log. The claim is committed
before the long work so that the page shows it under way, a second delivery of the job
finds it taken, a worker killed mid-file leaves it "running" for the clean-up to fail
(jobs/schedule.py), and, on SQLite, no write lock is held while the rows are read (they
are read under a read-only snapshot of their own).
"""

import functools
import logging

from flask import current_app

from ..core.extensions import db
from ..jobs import NOT_QUEUED, job
from ..learning.status import validity_years
from ..models import ExportFile, User
from .files import (
    BUILD_FAILED,
    ExportRefused,
    claim_export_file,
    fail_export_file,
    finish_export_file,
    new_export_file,
)

log = logging.getLogger("vbe_learn.exports")


def queue_export(requester: User, kind: str, file_format: str, filters: dict) -> ExportFile:
    """Ask for an export file: a queued row (flushed), made by a job worker once the
    request has committed."""
    days = current_app.config["EXPORT_RETENTION_DAYS"]
    export = new_export_file(requester, kind, file_format, filters, days)
    not_queued = functools.partial(fail_export_file, export.id, NOT_QUEUED)
    make_export_file.enqueue_after_commit(export.id, if_not_queued=not_queued)
    return export


@job()
def make_export_file(export_id: int) -> None:
    """Make the export file `export_id` (skipped when it is gone or already taken); a
    failure is kept on it with a Swedish reason."""
    years = validity_years(current_app.config["DEFAULT_COURSE"])
    try:
        claimed = claim_export_file(export_id, years)
    except ExportRefused as refused:
        fail_export_file(export_id, str(refused))
        return
    if claimed is None:
        return
    db.session.commit()  # the claim (see the module docstring)
    try:
        finish_export_file(claimed, years, current_app.config["EXPORT_RETENTION_DAYS"])
    except Exception:
        log.exception("event=export_failed export_file=%s", export_id)
        db.session.rollback()
        fail_export_file(export_id, BUILD_FAILED)
