"""`flask export participants` and `flask report summary`: operator tools with full reach."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select, true

from ..core.db import snapshot_options
from ..core.extensions import db
from ..followup.services import CITY_SORTS, DEFAULT_CITY_SORT
from ..learning.status import STATUS_SLUGS, validity_years
from ..models import Administration, Unit
from ..models.types import city_today
from .participants import ParticipantFilters, participant_heading, participant_query
from .services import CSV, XLSX, log_participants, summary_file, write_participants

export_cli = AppGroup("export", help="Deltagarlistor som XLSX eller CSV.")
report_cli = AppGroup("report", help="Samlad bild per förvaltning som XLSX eller CSV.")

DATE = click.DateTime(["%Y-%m-%d"])
FORMAT = click.Choice([XLSX, CSV])
OUTPUT = click.Path(dir_okay=False, writable=True, path_type=Path)


def _format(file_format: str | None, output: Path) -> str:
    chosen = file_format or output.suffix.lower().lstrip(".")
    if chosen not in (XLSX, CSV):
        raise click.UsageError("Ange --format xlsx eller csv (eller en fil som slutar på dem).")
    return chosen


def _years() -> int:
    return validity_years(current_app.config["DEFAULT_COURSE"])


@export_cli.command("participants")
@click.option("--administration", help="Bara den här förvaltningen (namn).")
@click.option("--unit", help="Bara enheter med det här namnet.")
@click.option("--from", "completed_from", type=DATE, help="Genomförd från och med ÅÅÅÅ-MM-DD.")
@click.option("--to", "completed_to", type=DATE, help="Genomförd till och med ÅÅÅÅ-MM-DD.")
@click.option("--status", type=click.Choice(list(STATUS_SLUGS), case_sensitive=False))
@click.option("--format", "file_format", type=FORMAT, help="Standard: filändelsen i --output.")
@click.option("--output", type=OUTPUT, required=True, help="Filen som skrivs.")
def participants_command(
    administration, unit, completed_from, completed_to, status, file_format, output: Path
) -> None:
    """Write the deltagarlista (every active person, or the given filters) to a file."""
    file_format = _format(file_format, output)
    start = completed_from.date() if completed_from else None
    end = completed_to.date() if completed_to else None
    if start and end and end < start:
        raise click.UsageError("--to är före --from.")
    # The reads, the export's rows too, are one snapshot: the session's transaction begins
    # read-only (no write lock on SQLite) and ends before the log is written.
    connection = db.session.connection(execution_options=snapshot_options())
    filters = ParticipantFilters(
        administration=_administration(administration),
        units=_units(unit),
        status=status.lower() if status else None,
        completed_from=start,
        completed_to=end,
    )
    query = participant_query(true(), filters, city_today(), _years())
    heading = participant_heading(filters, "all", city_today())
    with output.open("wb") as file:
        rows = write_participants(connection, file, file_format, query, heading)
    db.session.rollback()  # the snapshot only read
    log_participants(None, "all", filters, file_format, rows)
    db.session.commit()
    click.echo(f"Deltagarlistan ({rows} rader) är skriven till {output}.")


def _administration(name: str | None) -> Administration | None:
    if not name:
        return None
    found = db.session.scalar(select(Administration).where(Administration.name == name))
    if found is None:
        raise click.ClickException(f"Förvaltningen finns inte: {name}")
    return found


def _units(name: str | None) -> tuple[Unit, ...]:
    if not name:
        return ()
    found = tuple(db.session.scalars(select(Unit).where(Unit.name == name).order_by(Unit.id)))
    if not found:
        raise click.ClickException(f"Enheten finns inte: {name}")
    return found


@report_cli.command("summary")
@click.option("--as-of", type=DATE, help="Datum ÅÅÅÅ-MM-DD (standard: i dag).")
@click.option(
    "--sort",
    type=click.Choice(list(CITY_SORTS)),
    default=DEFAULT_CITY_SORT,
    show_default=True,
    help="andel: lägst andel först, -andel: högst först, namn: förvaltningens namn.",
)
@click.option("--format", "file_format", type=FORMAT, help="Standard: filändelsen i --output.")
@click.option("--output", type=OUTPUT, required=True, help="Filen som skrivs.")
def summary_command(as_of, sort, file_format, output: Path) -> None:
    """Write the samlad bild: one row per förvaltning on a date, and the total."""
    file_format = _format(file_format, output)
    day = as_of.date() if as_of else city_today()
    with output.open("wb") as file:
        rows = summary_file(file, file_format, None, day, _years(), sort=sort).row_count
    db.session.commit()
    click.echo(
        f"Samlad bild per {day.isoformat()} ({rows} förvaltningar) är skriven till {output}."
    )
