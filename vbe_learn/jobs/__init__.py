"""Jobs: work that runs in a job worker (`flask jobs worker`) from Huey's queue, not in a
web request: e-mail, exports, the roster import's apply step, reminders and gallring."""

from .queue import NOT_QUEUED, Job, QueueUnavailable, job, periodic_job

__all__ = ["NOT_QUEUED", "Job", "QueueUnavailable", "job", "periodic_job"]
