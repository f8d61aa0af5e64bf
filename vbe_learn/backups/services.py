"""Backups of the database: SQLite through its online backup API, PostgreSQL with pg_dump.

SQLite: a consistent copy while the app keeps running (the backup API copies page by
page and restarts when a writer changes a page under it). PostgreSQL: `pg_dump -Fc` (the
custom format) and `pg_restore --clean --if-exists --single-transaction`.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL, make_url


class BackupError(Exception):
    """A backup or restore that could not be made (the message is Swedish)."""


def _sqlite_file(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("Databasen finns bara i minnet och kan inte säkerhetskopieras.")
    return Path(url.database)


def _check_sqlite_backup(path: Path) -> None:
    """A readable, undamaged SQLite file made by this app (it has alembic_version or users)."""
    if not path.is_file():
        raise BackupError(f"Filen {path} finns inte.")
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        ok = source.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as error:
        raise BackupError(f"Filen {path} är ingen SQLite-databas ({error}).") from error
    finally:
        source.close()
    if not ok or "users" not in tables:
        raise BackupError(f"Filen {path} är ingen hel säkerhetskopia av vbe_learn.")


def _copy_sqlite(source_path: Path, target_path: Path) -> None:
    source = sqlite3.connect(source_path)
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """The libpq connection string (no password) and the environment carrying the password."""
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    dsn = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return dsn, environment


def _run(tool: str, arguments: list[str], environment: dict[str, str]) -> None:
    program = shutil.which(tool)
    if program is None:
        raise BackupError(f"{tool} finns inte på den här datorn (paketet postgresql-client).")
    result = subprocess.run(
        [program, *arguments], env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{tool} misslyckades: {result.stderr.strip()}")


def create_backup(database_url: str, target: Path) -> None:
    """Write a backup of the database to target (a new file)."""
    if target.exists():
        raise BackupError(f"Filen {target} finns redan; välj ett nytt namn.")
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        _copy_sqlite(_sqlite_file(url), target)
        return
    dsn, environment = _libpq(url)
    _run("pg_dump", ["--format=custom", "--no-owner", f"--file={target}", dsn], environment)


def restore_backup(database_url: str, source: Path) -> None:
    """Replace the database's contents with those of a backup (stop the app first)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        _check_sqlite_backup(source)
        _copy_sqlite(source, _sqlite_file(url))
        return
    if not source.is_file():
        raise BackupError(f"Filen {source} finns inte.")
    dsn, environment = _libpq(url)
    arguments = ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error"]
    _run("pg_restore", [*arguments, f"--dbname={dsn}", str(source)], environment)
