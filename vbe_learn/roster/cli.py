"""`flask roster import` and `flask completions import`."""

from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from ..core.extensions import db
from ..models import Course
from ..models.types import city_today
from .limits import ImportLimits

if TYPE_CHECKING:
    from .validation import Problems

roster_cli = AppGroup("roster", help="Personallistan från HR.")
completions_cli = AppGroup("completions", help="Genomföranden från den tidigare plattformen.")


def _refuse(problems: "Problems") -> None:
    click.echo("Filen avvisades; inget har ändrats:", err=True)
    for line in problems.lines():
        click.echo(f"  {line}", err=True)
    raise SystemExit(1)


@roster_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Visa vad som skulle hända utan att ändra något.")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="Personallistans datum.")
@click.option(
    "--deactivate",
    type=int,
    help="Antalet som avaktiveras (krävs när fler än ROSTER_MAX_DEACTIVATE_SHARE avaktiveras).",
)
def import_roster_command(path: Path, dry_run: bool, as_of, deactivate: int | None) -> None:
    """Import a roster (CSV or XLSX): add, change and deactivate people."""
    from .plan import RosterPlan
    from .services import import_roster_file, plan_roster_file  # pandas: only when importing
    from .validation import Problems

    day = as_of.date() if as_of else city_today()
    data = path.read_bytes()
    limits = ImportLimits.from_config(current_app.config)
    if dry_run:
        plan = plan_roster_file(data, path.name, day, limits)
        if isinstance(plan, Problems):
            _refuse(plan)
        _echo_summary("Provkörning, inget har ändrats", plan.summary)
        return
    result = import_roster_file(data, path.name, day, None, limits, deactivate)
    if isinstance(result, Problems):
        _refuse(result)
    if isinstance(result, RosterPlan):
        count = len(result.deactivated)
        click.echo(
            f"Importen avaktiverar {count} av {result.active_people} aktiva personer; inget har "
            f"ändrats. Kontrollera filen, och kör igen med --deactivate {count} om den stämmer.",
            err=True,
        )
        raise SystemExit(1)
    db.session.commit()
    summary = {k: getattr(result, k) for k in ("rows", "added", "changed", "deactivated")}
    _echo_summary(f"Importerad ({day.isoformat()})", summary)


def _echo_summary(title: str, summary: dict) -> None:
    click.echo(
        f"{title}: {summary['rows']} rader, {summary['added']} nya, {summary['changed']} ändrade, "
        f"{summary['deactivated']} avaktiverade."
    )


@completions_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_completions_command(path: Path) -> None:
    """Import completions from the earlier web course (marked as imported)."""
    from .services import import_completions_file  # pandas: only when importing
    from .validation import Problems

    slug = current_app.config["DEFAULT_COURSE"]
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        raise click.ClickException(f"Kursen {slug} finns inte; kör först `flask courses sync`.")
    limits = ImportLimits.from_config(current_app.config)
    result = import_completions_file(path.read_bytes(), path.name, course, None, limits)
    if isinstance(result, Problems):
        _refuse(result)
    db.session.commit()
    click.echo(
        f"{result.rows} rader: {result.added} nya genomföranden, "
        f"{result.already_present} fanns redan."
    )
    if result.unknown_numbers:
        shown = ", ".join(result.unknown_numbers[:50])
        more = len(result.unknown_numbers) - 50
        click.echo(f"Okända anställningsnummer ({len(result.unknown_numbers)}): {shown}", err=True)
        if more > 0:
            click.echo(f"… och {more} till.", err=True)
