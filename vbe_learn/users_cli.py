"""`flask users create|invite`: local accounts (the roster import brings the employees)."""

import click
from flask.cli import AppGroup

from .auth.messages import send_set_password_message
from .auth.services import find_user_by_email
from .extensions import db
from .models import User

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
