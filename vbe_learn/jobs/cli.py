"""`flask jobs worker`: a job worker, Huey's consumer for this app's queue."""

import logging

import click
from flask import current_app
from flask.cli import AppGroup
from huey.consumer_options import ConsumerConfig

from .queue import EXTENSION

jobs_cli = AppGroup("jobs", help="Jobb: arbetsprocessen som kör köade och schemalagda jobb.")


@jobs_cli.command("worker")
@click.option("--workers", default=2, show_default=True, help="Antal trådar som kör jobb.")
@click.option(
    "--periodic/--no-periodic",
    default=True,
    show_default=True,
    help="Lägg schemalagda jobb (gallring …) i kön. Med flera arbetsprocesser: bara i en.",
)
def worker_command(workers: int, periodic: bool) -> None:
    """Run queued jobs until stopped (SIGINT: finish running jobs first; SIGTERM: at once)."""
    huey = current_app.extensions[EXTENSION].huey
    if huey.immediate:
        raise click.ClickException("JOBS_IMMEDIATE är på: jobben körs direkt, utan kö.")
    # Each job's start and end are logged once, by jobs/queue.py (event=job_started …);
    # Huey's own "Executing …" lines say the same again. Its warnings and errors stay, and
    # so do the consumer's (start, stop, signals).
    logging.getLogger("huey").setLevel(logging.WARNING)
    logging.getLogger("huey.consumer").setLevel(logging.INFO)
    config = ConsumerConfig(workers=workers, worker_type="thread", periodic=periodic)
    config.validate()
    huey.create_consumer(**config.values).run()
