"""A deltagarlista is read under one snapshot (db.read_snapshot), for real.

These tests commit (`live`): the snapshot is a connection (or a command's transaction) of
its own, which cannot see a rolled-back test transaction. While an export (the command, or the
job that makes a page's file) reads its rows, another connection commits a change to a
person further down the list: the export still shows the person as they were when it
began, and on SQLite that commit does not wait for the export (its read holds no write
lock).
"""

import csv
import io
import sqlite3

import openpyxl
import pytest
from sqlalchemy import update

from tests.integration.test_exports import (
    CSV_URL,
    XLSX_URL,
    build_city,
    download,
    read_csv,
    read_xlsx,
    xlsx_rows,
)
from vbe_learn.core.db import read_snapshot
from vbe_learn.core.extensions import db
from vbe_learn.exports import services
from vbe_learn.models import ExportLog, User

pytestmark = pytest.mark.live
MOVED = "flyttad@test.se"


@pytest.fixture
def city(app):
    """The city, committed."""
    with app.app_context():
        return build_city()


def commit_elsewhere(user_id: int) -> None:
    """Change a person's e-post on another connection and commit, failing within about a
    second if a write lock is held (SQLite: BEGIN IMMEDIATE on a plain sqlite3 connection)."""
    if db.engine.dialect.name == "sqlite":
        other = sqlite3.connect(db.engine.url.database, timeout=1, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("UPDATE users SET email = ? WHERE id = ?", (MOVED, user_id))
            other.execute("COMMIT")
        finally:
            other.close()
        return
    with db.engine.begin() as other:
        other.exec_driver_sql("SET LOCAL lock_timeout = '1s'")
        other.execute(update(User).where(User.id == user_id).values(email=MOVED))


@pytest.fixture
def commit_after_first_row(monkeypatch):
    """While an export reads (after its first row), commit a change of the given person's
    e-post on another connection; the connections the rows were read on are recorded."""
    seen: dict = {"connections": []}
    read_rows = services.participant_rows

    def reading(connection, query):
        seen["connections"].append(connection)
        rows = read_rows(connection, query)
        yield next(rows)
        commit_elsewhere(seen["user_id"])
        yield from rows

    monkeypatch.setattr(services, "participant_rows", reading)

    def arm(user_id: int) -> dict:
        seen["user_id"] = user_id
        return seen

    return arm


def emails(rows) -> set[str]:
    return {row[3] for row in rows}


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_a_command_export_reads_one_snapshot_and_holds_no_write_lock(
    app, runner, city, commit_after_first_row, tmp_path, suffix
):
    """On SQLite the concurrent BEGIN IMMEDIATE succeeds only if the export's read holds
    no write lock (db.py: a connection with read_only=True begins with a plain BEGIN)."""
    worker = city.people["worker_b1"]
    commit_after_first_row(worker.id)
    output = tmp_path / f"lista.{suffix}"
    result = runner.invoke(args=["export", "participants", "--output", str(output)])
    assert result.exit_code == 0, result.output
    if suffix == "xlsx":
        rows = xlsx_rows(openpyxl.load_workbook(output).active)
    else:
        rows = read_csv_file(output)[1:]
    assert worker.email in emails(rows) and MOVED not in emails(rows)  # as it was
    assert len(rows) == 7
    with app.app_context():
        assert db.session.get(User, worker.id).email == MOVED  # committed meanwhile
        entry = db.session.query(ExportLog).order_by(ExportLog.id.desc()).first()
        assert (entry.format, entry.row_count, entry.actor_id) == (suffix, 7, None)


def read_csv_file(path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text("utf-8-sig"), newline=""), delimiter=";"))


@pytest.mark.postgresql
def test_a_downloaded_xlsx_reads_one_repeatable_read_snapshot(
    app, client, auth, city, commit_after_first_row
):
    """On PostgreSQL the request's snapshot is REPEATABLE READ and READ ONLY."""
    worker = city.people["worker_b1"]
    seen = commit_after_first_row(worker.id)
    assert auth.login(city.people["central"].email).status_code == 302
    rows = xlsx_rows(read_xlsx(download(client, XLSX_URL)))
    assert worker.email in emails(rows) and MOVED not in emails(rows)
    (connection,) = seen["connections"]
    assert connection.closed  # back in the pool
    with app.app_context(), db.engine.connect() as probe:
        assert probe.get_isolation_level() == "READ COMMITTED"  # the pool's default again


@pytest.mark.postgresql
def test_the_snapshot_is_repeatable_read_and_read_only(app):
    """What the snapshot connection is on PostgreSQL."""
    with app.app_context(), read_snapshot() as connection:
        assert connection.exec_driver_sql("SHOW transaction_isolation").scalar() == (
            "repeatable read"
        )
        assert connection.exec_driver_sql("SHOW transaction_read_only").scalar() == "on"


@pytest.mark.parametrize("url", [XLSX_URL, CSV_URL])
def test_a_file_made_by_the_job_reads_one_snapshot_and_holds_no_write_lock(
    app, client, auth, city, commit_after_first_row, url
):
    """A change committed while the job reads the rows (after the first) is not in the
    file, the file has as many rows as were logged, and on SQLite the job holds no write
    lock while it reads (the concurrent BEGIN IMMEDIATE succeeds within a second)."""
    worker = city.people["worker_b1"]
    commit_after_first_row(worker.id)
    assert auth.login(city.people["central"].email).status_code == 302
    response = download(client, url)
    if url == CSV_URL:
        rows = read_csv(response)[1:]
    else:
        rows = xlsx_rows(read_xlsx(response))
    assert worker.email in emails(rows) and MOVED not in emails(rows)
    with app.app_context():
        assert db.engine.pool.checkedout() == 0  # the snapshot is back in the pool
        assert db.session.get(User, worker.id).email == MOVED  # committed meanwhile
        entry = db.session.query(ExportLog).order_by(ExportLog.id.desc()).first()
        assert entry.row_count == len(rows) == 7
