"""`flask reminders send`, `flask deadline set|show` and `flask courses require-renewal`."""

import sys

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from ..core.extensions import db
from ..models import Administration
from ..models.types import city_today
from .deadlines import city_deadline, deadline_rows, set_deadline
from .planning import KIND_LABELS
from .renewal import require_renewal
from .run import run_reminders

reminders_cli = AppGroup("reminders", help="Påminnelser, veckobrev och sammanfattningar.")
deadline_cli = AppGroup(
    "deadline", help="Sista dag för utbildningen, för staden eller en förvaltning."
)
DATE = click.DateTime(["%Y-%m-%d"])


@reminders_cli.command("send")
@click.option("--dry-run", is_flag=True, help="Visa vad som skulle skickas, skicka inget.")
@click.option("--date", "on", type=DATE, help="Räkna som om det vore ÅÅÅÅ-MM-DD (test).")
def send_command(dry_run: bool, on) -> None:
    """Plan today's messages, then send every planned one (at most once each)."""
    report = run_reminders(current_app.config, on.date() if on else city_today(), dry_run)
    for kind, count in sorted(report.planned.items()):
        click.echo(f"{KIND_LABELS[kind]}: {count} nya")
    if report.sending is None:
        click.echo("Provkörning: inget sparat, inget skickat.")
        return
    sent = report.sending
    click.echo(
        f"Skickade: {sent.sent}, misslyckade: {sent.failed}, försöks igen senare: "
        f"{sent.retry_later}, inte längre aktuella: {report.cancelled}, "
        f"avbrutna tidigare: {report.interrupted}"
    )
    if sent.stopped:
        why = sent.stopped
        click.echo(f"E-postservern svarar inte, resten skickas nästa gång: {why}", err=True)
        sys.exit(1)


@deadline_cli.command("set")
@click.argument("due_on", type=DATE)
@click.option("--administration", help="Förvaltningens namn (utan: hela staden).")
def set_command(due_on, administration: str | None) -> None:
    """Set the city-wide deadline, or a förvaltning's own, to YYYY-MM-DD (logged)."""
    found = None
    if administration:
        found = db.session.scalar(
            select(Administration).where(Administration.name == administration)
        )
        if found is None:
            raise click.ClickException(f"Ingen förvaltning heter {administration!r}.")
    change = set_deadline(found, due_on.date(), actor=None)
    db.session.commit()
    where = found.name if found else "hela staden"
    if change is None:
        click.echo(f"Oförändrat: sista dag för {where} är redan {due_on.date().isoformat()}.")
    else:
        click.echo(f"Sista dag för {where}: {due_on.date().isoformat()}.")


@deadline_cli.command("show")
def show_command() -> None:
    """Print the city-wide deadline and every förvaltning's own."""
    city = city_deadline()
    click.echo(f"Hela staden: {city.isoformat() if city else 'ingen'}")
    for administration, due_on in deadline_rows(None):
        if due_on is not None:
            click.echo(f"{administration.name}: {due_on.isoformat()}")


def register_course_commands(courses_cli: AppGroup) -> None:
    """Attach `flask courses require-renewal` to the courses group."""

    @courses_cli.command("require-renewal")
    @click.argument("course", required=False)
    @click.option("--from", "on", type=DATE, help="Från och med ÅÅÅÅ-MM-DD (utan: i dag).")
    def require_renewal_command(course: str | None, on) -> None:
        """Mark the course's current version: older completions must be renewed."""
        slug = course or current_app.config["DEFAULT_COURSE"]
        version = require_renewal(slug, on.date() if on else city_today())
        if version is None:
            raise click.ClickException(f"Ingen inläst kurs heter {slug!r}.")
        db.session.commit()
        click.echo(
            f"{slug} version {version.label} kräver förnyelse från "
            f"{version.renewal_required_on.isoformat()}."
        )
