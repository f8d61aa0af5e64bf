"""`flask demo seed|logins`."""

import time

import click
from flask import current_app
from flask.cli import AppGroup

from ..core.extensions import db
from .seed import (
    DEFAULT_EMPLOYEES,
    DEMO_PASSWORD,
    MIN_EMPLOYEES,
    DemoSeedError,
    database_is_empty,
    demo_logins,
    seed_demo_city,
)

demo_cli = AppGroup("demo", help="Demodata för utveckling.")
ROLE_LABELS = {
    "medarbetare": "Medarbetare",
    "chef": "Chef",
    "samordnare": "Samordnare",
    "central_samordnare": "Central samordnare",
    "admin": "Admin",
}


@demo_cli.command("seed")
@click.option(
    "--employees",
    type=click.IntRange(min=MIN_EMPLOYEES),
    default=DEFAULT_EMPLOYEES,
    show_default=True,
    help="Antal anställda i demostaden.",
)
@click.option("--if-empty", is_flag=True, help="Gör inget om det redan finns personer.")
def seed_command(employees: int, if_empty: bool) -> None:
    """Build the demo city through the roster and completions imports, with demo logins."""
    if current_app.config["ENVIRONMENT"] == "production":
        raise click.ClickException(
            "Demodata skapas aldrig i produktion (demokontona har ett känt lösenord)."
        )
    if not database_is_empty():
        if if_empty:
            click.echo("Databasen har redan personer; inga demodata skapades.")
            return
        raise click.ClickException(
            "Databasen har redan personer; demostaden byggs bara i en tom databas."
        )
    started = time.perf_counter()
    try:
        result = seed_demo_city(employees)
    except DemoSeedError as error:
        db.session.rollback()
        raise click.ClickException(f"En demofil avvisades; inget har ändrats:\n{error}") from error
    db.session.commit()
    click.echo(
        f"Demostaden skapad på {time.perf_counter() - started:.1f} s: {result.people} personer "
        f"i {result.administrations} förvaltningar, {len(result.roster_imports)} personallistor "
        f"importerade ({', '.join(d.isoformat() for d in result.roster_imports)})."
    )
    if result.completions_added is None:
        click.echo(
            "Ingen kurs finns ännu (kör `flask courses sync` först); "
            "inga tidigare genomföranden importerades."
        )
    else:
        click.echo(f"{result.completions_added} genomföranden från den tidigare plattformen.")


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
