"""`flask users create|invite|grant-role`: local accounts (the roster import brings the
employees) and the first admin (after that, admins give roles in the web UI)."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..auth.messages import send_set_password_message
from ..auth.services import find_user_by_email
from ..core.extensions import db
from ..models import Administration, User
from ..models.org import COORDINATOR, ROLE_LABELS
from .services import grant_role

users_cli = AppGroup("users", help="Lokala konton.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--first-name", required=True)
@click.option("--last-name", required=True)
def create_user(email: str, first_name: str, last_name: str) -> None:
    """Create a local account and send (print) its set-password link."""
    if find_user_by_email(email):
        raise click.ClickException(f"{email} finns redan.")
    user = User(email=email.strip().lower(), first_name=first_name, last_name=last_name)
    db.session.add(user)
    db.session.flush()
    click.echo(send_set_password_message(user))
    db.session.commit()


@users_cli.command("invite")
@click.argument("email")
def invite_user(email: str) -> None:
    """Send (print) a new set-password link to an existing account."""
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"{email} finns inte.")
    click.echo(send_set_password_message(user))


@users_cli.command("grant-role")
@click.argument("email")
@click.argument("role", type=click.Choice(sorted(ROLE_LABELS)))
@click.option("--administration", help="Förvaltningens namn (krävs för samordnare).")
def grant_role_command(email: str, role: str, administration: str | None) -> None:
    """Give a person a role from the command line (e.g. the first admin); logged."""
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"{email} finns inte.")
    administration_id = None
    if role == COORDINATOR:
        found = db.session.scalar(
            select(Administration).where(Administration.name == administration)
        )
        if found is None:
            raise click.ClickException("Ange en befintlig förvaltning med --administration.")
        administration_id = found.id
    grant_role(None, user, role, administration_id)
    db.session.commit()
    click.echo(
        f"{email}: {ROLE_LABELS[role]}" + (f" för {administration}" if administration_id else "")
    )
