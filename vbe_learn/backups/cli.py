"""`flask backup create PATH` and `flask backup restore PATH --yes`."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..core.extensions import db
from .services import BackupError, create_backup, restore_backup

backup_cli = AppGroup("backup", help="Säkerhetskopior av databasen.")


@backup_cli.command("create")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def create(path: Path) -> None:
    """Write a backup (SQLite: online backup; PostgreSQL: pg_dump -Fc) to PATH."""
    try:
        create_backup(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Säkerhetskopian är sparad i {path} ({path.stat().st_size} byte).")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Ja, ersätt allt i databasen med säkerhetskopian.")
def restore(path: Path, yes: bool) -> None:
    """Replace the database's contents with the backup in PATH (stop the app first)."""
    if not yes:
        raise click.ClickException(
            "Återställningen ersätter allt i databasen. Stoppa appen och kör igen med --yes."
        )
    db.session.remove()
    db.engine.dispose()  # no connection of ours keeps the old database open
    try:
        restore_backup(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Databasen är återställd från {path}.")
