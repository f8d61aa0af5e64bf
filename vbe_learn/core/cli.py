"""Command-line commands: `flask courses …`, `flask users …`, `flask demo …`, `flask gdpr …`,
`flask backup …`, `flask reminders …`, `flask deadline …`, `flask jobs …`."""

from flask import Flask

from ..admin.cli import users_cli
from ..backups.cli import backup_cli
from ..courses.cli import courses_cli
from ..demo.cli import demo_cli
from ..exports.cli import export_cli, report_cli
from ..jobs.cli import jobs_cli
from ..privacy.cli import gdpr_cli
from ..reminders.cli import deadline_cli, register_course_commands, reminders_cli
from ..roster.cli import completions_cli, roster_cli


def register_commands(app: Flask) -> None:
    """Attach every command group to the app's CLI."""
    app.cli.add_command(courses_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(roster_cli)
    app.cli.add_command(completions_cli)
    app.cli.add_command(export_cli)
    app.cli.add_command(report_cli)
    app.cli.add_command(gdpr_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(deadline_cli)
    app.cli.add_command(jobs_cli)
    register_course_commands(courses_cli)
