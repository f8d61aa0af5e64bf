"""`flask gdpr pseudonymise [--dry-run]`: gallring of people who left the city."""

import click
from flask import current_app
from flask.cli import AppGroup

from ..core.extensions import db
from ..models.types import city_today, utcnow
from .gallring import delete_old_messages, due_for_pseudonymisation, pseudonymise

gdpr_cli = AppGroup("gdpr", help="Personuppgifter: gallring.")


@gdpr_cli.command("pseudonymise")
@click.option("--dry-run", is_flag=True, help="Visa vilka som berörs utan att ändra något.")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Räkna gallringstiden från detta datum (ÅÅÅÅ-MM-DD) i stället för i dag.",
)
def pseudonymise_command(dry_run: bool, today) -> None:
    """Pseudonymise people whose last placement ended GDPR_RETENTION_DAYS ago or more."""
    days = current_app.config["GDPR_RETENTION_DAYS"]
    day = today.date() if today else city_today()
    due = due_for_pseudonymisation(day, days)
    click.echo(f"Gallringstid: {days} dagar efter sista placeringen ({day.isoformat()}).")
    for item in due:
        click.echo(f"  person {item.user_id}: slutade {item.left_on.isoformat()}")
    if dry_run:
        click.echo(f"{len(due)} personer skulle pseudonymiseras (inget ändrat).")
        return
    count = pseudonymise(due, utcnow())
    messages = delete_old_messages(day, days)
    db.session.commit()
    click.echo(f"{count} personer pseudonymiserade; {messages} gamla e-postloggrader raderade.")
