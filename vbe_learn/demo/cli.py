"""`flask demo seed|logins`."""

import click
from flask.cli import AppGroup

from ..extensions import db
from .seed import DEMO_PASSWORD, database_is_empty, demo_logins, seed_demo_organisation

demo_cli = AppGroup("demo", help="Demodata för utveckling.")
ROLE_LABELS = {
    "medarbetare": "Medarbetare",
    "chef": "Chef",
    "samordnare": "Samordnare",
    "central_samordnare": "Central samordnare",
    "admin": "Admin",
}


@demo_cli.command("seed")
@click.option("--if-empty", is_flag=True, help="Gör inget om det redan finns personer.")
def seed_command(if_empty: bool) -> None:
    """Create the demo organisation and its logins."""
    if if_empty and not database_is_empty():
        click.echo("Databasen har redan personer; inga demodata skapades.")
        return
    seed_demo_organisation()
    db.session.commit()
    click.echo("Demodata skapade.")


@demo_cli.command("logins")
def logins_command() -> None:
    """Print one demo login per role."""
    logins = demo_logins()
    if not logins:
        click.echo("Inga demokonton finns.")
        return
    click.echo(f"Demokonton (lösenord för alla: {DEMO_PASSWORD}):")
    for role, label in ROLE_LABELS.items():
        if role in logins:
            click.echo(f"  {label:<20} {logins[role]}")
