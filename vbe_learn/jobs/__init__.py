"""Jobs: work that runs in a job worker (`flask jobs worker`) from Huey's queue, not in a
web request: mail, the nightly gallring, and later exports and reminders."""

from .queue import Job, job, periodic_job

__all__ = ["Job", "job", "periodic_job"]
