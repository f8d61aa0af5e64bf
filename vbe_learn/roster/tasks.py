"""The roster import's job: apply a confirmed upload (the web request only queues it).

The request (views.confirm → queue_roster_import) checks the upload, the form and the
mass-deactivation guard, marks the upload queued and queues this job after its commit.
The job commits twice, as the exports' does: first its claim (the upload marked running),
then, through the job wrapper, the import and its result together. So a second delivery
of the job finds the upload taken and imports nothing, and a worker killed mid-apply
rolls the whole apply back and leaves the upload "running" for the nightly clean-up to
fail (jobs/schedule.py).

The job runs the same code as `flask roster import`: the file is validated and planned
again against the database as it is now; a plan that is now refused changes nothing and
fails the import with the reason.
"""

import functools
import logging

from flask import current_app

from ..core.extensions import db
from ..jobs import NOT_QUEUED, job
from ..models import RosterUpload, User
from .limits import ImportLimits
from .uploads import claim_upload, fail_upload, finish_upload, queue_upload

log = logging.getLogger("vbe_learn.roster")
APPLY_FAILED = "Importen kunde inte genomföras. Inget har ändrats. Försök igen."


def queue_roster_import(upload: RosterUpload, typed_count: int | None) -> None:
    """Mark a confirmed upload queued (flushed); a job worker imports it once the request
    has committed."""
    queue_upload(upload, typed_count)
    not_queued = functools.partial(fail_upload, upload.id, NOT_QUEUED)
    apply_roster_upload.enqueue_after_commit(upload.id, if_not_queued=not_queued)


def refusal_reason(result) -> str | None:
    """The Swedish reason a re-planned import is refused now, or None when it was applied."""
    from .plan import RosterPlan
    from .validation import Problems

    if isinstance(result, Problems):
        return "Filen stämmer inte längre med personallistan i systemet. Inget har ändrats. " + (
            " ".join(result.lines(5))
        )
    if isinstance(result, RosterPlan):
        return (
            f"Importen skulle nu avaktivera {len(result.deactivated)} av "
            f"{result.active_people} aktiva personer, och det stämmer inte med det du "
            "bekräftade. Inget har ändrats. Ladda upp filen igen och kontrollera "
            "förhandsgranskningen."
        )
    return None


@job()
def apply_roster_upload(upload_id: int) -> None:
    """Import the confirmed upload `upload_id` (skipped when it is gone or already taken);
    a refusal or failure is kept on it with a Swedish reason."""
    from .services import import_roster_file  # pandas: loaded when a roster is read

    upload = claim_upload(upload_id)
    if upload is None:
        return
    data, filename, as_of = upload.data, upload.filename, upload.as_of
    typed, actor = upload.deactivate_count, db.session.get(User, upload.uploader_id)
    db.session.commit()  # the claim (see the module docstring)
    limits = ImportLimits.from_config(current_app.config)
    try:
        result = import_roster_file(data, filename, as_of, actor, limits, typed)
    except Exception:
        log.exception("event=roster_import_failed upload=%s", upload_id)
        db.session.rollback()
        fail_upload(upload_id, APPLY_FAILED)
        return
    reason = refusal_reason(result)
    if reason is None:
        finish_upload(upload_id, result)
    else:
        db.session.rollback()  # planning writes nothing; nothing of it is kept
        fail_upload(upload_id, reason)
