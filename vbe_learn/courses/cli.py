"""`flask courses check|sync`."""

import os
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..core.extensions import db
from .files import course_folders, load_course
from .languages import SOURCE_LANGUAGE
from .quality import course_figures, quality_problems
from .sync import sync_course

courses_cli = AppGroup("courses", help="Kontrollera och läs in kurserna i courses/.")


def _load_all():
    folder = Path(current_app.config["COURSES_DIR"])
    results = [load_course(path) for path in course_folders(folder)]
    if not results:
        raise click.ClickException(f"inga kurser (course.yaml) under {folder}")
    return results


def _echo_problems(problems) -> None:
    for problem in problems:
        try:
            path = os.path.relpath(problem.path)
        except ValueError:
            path = str(problem.path)
        click.echo(f"{path}:{problem.line}: {problem.message}", err=True)


@courses_cli.command("check")
def check_command() -> None:
    """Validate every course and its quality rules; print file:line: problem, exit 1 if any."""
    problems, figures = [], []
    for spec, found in _load_all():
        problems += found + (quality_problems(spec) if spec else [])
        figures += [course_figures(spec)] if spec else []
    _echo_problems(problems)
    for line in figures:
        click.echo(line)
    if problems:
        raise SystemExit(1)
    click.echo("Alla kurser är giltiga.")


@courses_cli.command("sync")
def sync_command() -> None:
    """Load every valid course into the database; refuse (exit 1) if any has problems."""
    results = _load_all()
    problems = [problem for _spec, found in results for problem in found]
    if problems:
        _echo_problems(problems)
        raise SystemExit(1)
    for spec, _found in results:
        version, created = sync_course(spec)
        state = "ny version" if created else "oförändrad"
        languages = ", ".join([SOURCE_LANGUAGE, *spec.complete_languages()])
        click.echo(f"{spec.slug}: {state} {version.label} (språk: {languages})")
    db.session.commit()
