"""Export files: asked for on a page, made by the job, downloaded from *Mina exporter*.

The request adds a queued export file and queues the job after its commit; in the tests
the job runs at once (JOBS_IMMEDIATE), in its own app context and session, as a worker
would. The city is test_exports'; these tests commit (`live`), except those that call the
clean-up services on the test's own session.
"""

import json
import re
from datetime import UTC, timedelta

import openpyxl
import pytest
from sqlalchemy import select

from tests.factories import make_user
from tests.integration.test_exports import (
    CSV_URL,
    MINE,
    XLSX_URL,
    build_city,
    download,
    login,
    newest_file,
    read_xlsx,
    xlsx_rows,
)
from tests.sql_statements import recorded_statements
from vbe_learn.core.extensions import db
from vbe_learn.exports import files, services
from vbe_learn.exports.files import (
    BUILD_FAILED,
    NO_LONGER_ALLOWED,
    STUCK,
    delete_expired_export_files,
    fail_stuck_export_files,
)
from vbe_learn.exports.tasks import make_export_file
from vbe_learn.jobs.schedule import hourly_export_cleanup
from vbe_learn.models import AuditEvent, ExportFile, ExportLog, RoleAssignment
from vbe_learn.models.types import CITY_TIMEZONE, utcnow

SUMMARY_URL = "/uppfoljning/export/samlad-bild.xlsx"


@pytest.fixture
def city(app):
    """The city, committed (deleted after the test)."""
    with app.app_context():
        return build_city()


def events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        return list(db.session.scalars(query))


# --- the flow ---------------------------------------------------------------------------


@pytest.mark.live
def test_asking_for_a_file_queues_it_and_the_job_makes_it(app, client, auth, city):
    login(auth, city, "samordnare_a")
    response = client.post(CSV_URL, data={"status": "genomförd"}, follow_redirects=True)
    assert response.request.path == MINE
    html = response.get_data(as_text=True)
    assert "Din fil förbereds. Den visas här när den är klar." in html
    export = newest_file(app)
    assert export.requested_by_id == city.people["samordnare_a"].id
    assert (export.kind, export.format, export.status) == ("participants", "csv", "done")
    assert json.loads(export.filters) == {"scope": "reach", "status": "genomförd"}
    finished = export.finished_at.replace(tzinfo=export.finished_at.tzinfo or UTC)
    day = finished.astimezone(CITY_TIMEZONE).date()  # files are named by the day in Stockholm
    assert export.filename == f"deltagarlista-{day.isoformat()}.csv"
    assert export.row_count == 1 and export.size == len(export.data) > 0
    assert export.created_at <= export.started_at <= export.finished_at
    days = app.config["EXPORT_RETENTION_DAYS"]
    assert export.expires_at - export.finished_at == timedelta(days=days)
    with app.app_context():
        logged = db.session.get(ExportLog, export.export_log_id)
        assert (logged.actor_id, logged.row_count) == (export.requested_by_id, 1)
    # The page: the tag, the rows, the choices, a download button, no "Uppdatera" (all made)
    assert '<span class="ds-tag" data-color="success">Klar</span>' in html
    assert "Deltagarlista (CSV)" in html and "Status: genomförd" in html
    assert f'action="{MINE}/{export.id}"' in html and "Uppdatera" not in html

    with client.post(f"{MINE}/{export.id}") as file:
        body = file.get_data()
    assert file.mimetype == "text/csv" and body == export.data
    assert file.headers["Content-Disposition"] == f"attachment; filename={export.filename}"
    (downloaded,) = events(app, "export.downloaded")
    assert downloaded.actor_id == export.requested_by_id
    assert downloaded.target == f"export_log:{export.export_log_id}"
    assert downloaded.details["format"] == "csv" and downloaded.details["rows"] == 1


@pytest.mark.live
def test_the_samlad_bild_keeps_its_date_and_sort(app, client, auth, city):
    login(auth, city, "central")
    sheet = read_xlsx(download(client, SUMMARY_URL, data={"sortera": "-andel"}))
    assert sheet["A3"].value == "Sortering: Högst andel först"
    export = newest_file(app)
    assert json.loads(export.filters)["sort"] == "-andel"
    assert export.filename.startswith("samlad-bild-") and export.row_count == 2
    html = client.get(MINE).get_data(as_text=True)
    assert "Samlad bild (XLSX)" in html and "Sortering" not in html


@pytest.mark.live
def test_the_download_is_in_the_admin_log_as_a_sentence(app, client, auth, city):
    login(auth, city, "central")
    download(client, XLSX_URL)
    auth.logout()
    login(auth, city, "admin")
    html = client.get("/admin/logg?action=export.downloaded").get_data(as_text=True)
    assert "Laddade ner exporten Deltagarlista (XLSX, " in html


# --- the page's states ---------------------------------------------------------------------


@pytest.mark.live
def test_mina_exporter_shows_files_under_way_and_failed(app, client, auth, city):
    person = city.people["chef_a"]
    now = utcnow()
    with app.app_context():
        db.session.add_all(
            [
                ExportFile(
                    requested_by_id=person.id,
                    kind="participants",
                    format="xlsx",
                    filters='{"scope": "team"}',
                    status="queued",
                    created_at=now,
                    expires_at=now + timedelta(days=7),
                ),
                ExportFile(
                    requested_by_id=person.id,
                    kind="participants",
                    format="csv",
                    filters="{}",
                    status="failed",
                    error=STUCK,
                    created_at=now - timedelta(hours=2),
                    expires_at=now + timedelta(days=7),
                ),
            ]  # fmt: skip
        )
        db.session.commit()
    login(auth, city, "chef_a")
    html = client.get(MINE).get_data(as_text=True)
    assert '<span class="ds-tag" data-color="info">Förbereds</span>' in html
    assert (
        '<span class="ds-tag" data-color="danger">Misslyckades</span> Avbröts: försök igen' in html
    )
    assert "Omfattning: mitt team" in html
    assert f'href="{MINE}">Uppdatera</a>' in html  # while one is under way
    assert f'action="{MINE}/' not in html  # nothing made yet: nothing to download
    assert 'href="/mina-exporter" aria-current="page">Mina exporter</a>' in html


@pytest.mark.live
def test_mina_exporter_is_for_those_who_may_export(client, auth, city):
    for who, expected in (("worker_a1", 404), ("admin", 404), ("chef_a", 200), ("central", 200)):
        login(auth, city, who)
        response = client.get(MINE)
        assert response.status_code == expected, who
        html = client.get("/min-utbildning").get_data(as_text=True)
        assert ('href="/mina-exporter"' in html) is (expected == 200), who
        auth.logout()


@pytest.mark.live
def test_the_list_is_one_query_however_many_files(app, client, auth, city):
    login(auth, city, "central")
    download(client, CSV_URL)

    def statements_on_the_page() -> int:
        with recorded_statements() as statements:
            assert client.get(MINE).status_code == 200
        return sum("export_files" in statement for statement in statements)

    one = statements_on_the_page()
    for _ in range(3):
        download(client, CSV_URL)
    assert statements_on_the_page() == one == 1
    with recorded_statements() as statements:
        client.get(MINE)
    assert not any(re.search(r"\bdata\b", s.split("FROM")[0]) for s in statements)


# --- who may download -------------------------------------------------------------------


@pytest.mark.live
def test_someone_elses_file_answers_as_a_missing_one(app, client, auth, city):
    login(auth, city, "central")
    download(client, CSV_URL)
    export = newest_file(app)
    auth.logout()
    login(auth, city, "samordnare_a")
    mine_missing = client.post(f"{MINE}/{export.id + 1000}")
    not_mine = client.post(f"{MINE}/{export.id}")
    assert not_mine.status_code == mine_missing.status_code == 404
    assert not_mine.get_data() == mine_missing.get_data()
    refused = [event.target for event in events(app, "access.refused")]
    assert f"export_file:{export.id}" in refused
    auth.logout()
    login(auth, city, "admin")
    html = client.get("/admin/logg?action=access.refused").get_data(as_text=True)
    assert "Nekades att se exportfilen samlad bild" not in html  # it was a deltagarlista
    assert "Nekades att se exportfilen deltagarlista (CSV, beställd " in html
    assert len(events(app, "export.downloaded")) == 1  # the central samordnare's own
    assert client.get(f"{MINE}/{export.id}").status_code == 405  # a GET writes nothing


@pytest.mark.live
def test_a_file_not_made_cannot_be_downloaded(app, client, auth, city):
    person = city.people["chef_a"]
    now = utcnow()
    with app.app_context():
        queued = ExportFile(requested_by_id=person.id, kind="participants", format="csv",
                            filters="{}", status="queued", created_at=now,
                            expires_at=now + timedelta(days=7))  # fmt: skip
        db.session.add(queued)
        db.session.commit()
        queued_id = queued.id
    login(auth, city, "chef_a")
    assert client.post(f"{MINE}/{queued_id}").status_code == 404


@pytest.mark.live
def test_a_requester_who_lost_the_role_gets_nothing(app, client, auth, city):
    """The job checks again: a samordnare whose role was taken between the request and the
    job gets a failed file; and a made file is not downloaded once the role is gone."""
    login(auth, city, "samordnare_a")
    download(client, CSV_URL)
    made = newest_file(app)
    person = city.people["samordnare_a"]
    with app.app_context():
        (role,) = db.session.scalars(
            select(RoleAssignment).where(RoleAssignment.user_id == person.id)
        )
        db.session.delete(role)
        db.session.commit()
        now = utcnow()
        db.session.add(ExportFile(requested_by_id=person.id, kind="participants", format="csv",
                                  filters='{"scope": "reach"}', status="queued",
                                  created_at=now, expires_at=now + timedelta(days=1)))  # fmt: skip
        db.session.commit()
        waiting = newest_file(app).id
        make_export_file.enqueue(waiting)  # as a worker runs it
    failed = newest_file(app)
    assert (failed.status, failed.error, failed.data) == ("failed", NO_LONGER_ALLOWED, None)
    assert client.post(f"{MINE}/{made.id}").status_code == 404


@pytest.mark.live
def test_a_file_that_cannot_be_written_fails_with_a_reason(app, client, auth, city, monkeypatch):
    def broken(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(files, "participants_file", broken)
    login(auth, city, "central")
    before = len(events(app, "export.participants"))
    assert client.post(XLSX_URL, data={}).status_code == 302
    export = newest_file(app)
    assert (export.status, export.error) == ("failed", BUILD_FAILED)
    assert export.started_at is not None and export.data is None
    assert len(events(app, "export.participants")) == before  # nothing left the system
    html = client.get(MINE).get_data(as_text=True)
    assert "Misslyckades</span> Filen kunde inte skapas. Försök igen." in html


@pytest.mark.live
def test_a_job_for_a_file_already_taken_does_nothing(app, client, auth, city, monkeypatch):
    login(auth, city, "central")
    download(client, CSV_URL)
    export = newest_file(app)
    calls = []
    monkeypatch.setattr(services, "write_participants", lambda *args: calls.append(args))
    with app.app_context():
        make_export_file.enqueue(export.id)  # a second delivery
    assert calls == [] and newest_file(app).data == export.data


# --- keeping and cleaning up (on the test's session) ------------------------------------------


def add_file(status: str, created_ago: timedelta, expires_in: timedelta, **fields) -> ExportFile:
    now = utcnow()
    export = ExportFile(requested_by_id=make_user().id, kind="participants", format="csv",
                        filters="{}", status=status, created_at=now - created_ago,
                        expires_at=now + expires_in, **fields)  # fmt: skip
    db.session.add(export)
    db.session.flush()
    return export


def test_expired_files_are_deleted_with_one_statement(app):
    gone = add_file("done", timedelta(days=8), -timedelta(minutes=1), data=b"x")
    kept = add_file("done", timedelta(days=6), timedelta(days=1), data=b"y")
    gone_id = gone.id
    with recorded_statements() as statements:
        assert delete_expired_export_files(utcnow()) == 1
    assert sum(s.lstrip().upper().startswith("DELETE") for s in statements) == 1
    db.session.expire_all()
    assert db.session.get(ExportFile, gone_id) is None
    assert db.session.get(ExportFile, kept.id).data == b"y"


def test_stuck_exports_are_marked_failed(app):
    minutes = app.config["EXPORT_STUCK_MINUTES"]
    late = timedelta(minutes=minutes + 1)
    old_queued = add_file("queued", late, timedelta(days=7))
    old_running = add_file("running", late, timedelta(days=7), started_at=utcnow() - late)
    new_queued = add_file("queued", timedelta(minutes=1), timedelta(days=7))
    busy = add_file("running", late, timedelta(days=7), started_at=utcnow())  # waited, now made
    done = add_file("done", late, timedelta(days=7))
    assert fail_stuck_export_files(utcnow(), minutes) == 2
    db.session.expire_all()
    assert [(e.status, e.error) for e in (old_queued, old_running)] == [("failed", STUCK)] * 2
    assert [e.status for e in (new_queued, busy, done)] == ["queued", "running", "done"]


@pytest.mark.live
def test_the_hourly_clean_up_does_both(app):
    """As the worker runs it (in its app context, committed by the job wrapper)."""
    with app.app_context():
        expired = add_file("failed", timedelta(days=8), -timedelta(days=1)).id
        stuck = add_file("queued", timedelta(hours=3), timedelta(days=7)).id
        made = add_file("done", timedelta(hours=3), timedelta(days=7)).id
        db.session.commit()
        hourly_export_cleanup.enqueue()
    with app.app_context():
        assert db.session.get(ExportFile, expired) is None
        assert db.session.get(ExportFile, stuck).error == STUCK
        assert db.session.get(ExportFile, made).status == "done"


# --- the command line stays direct ----------------------------------------------------------


@pytest.mark.live
def test_the_commands_write_at_once_without_a_file_row(app, runner, city, tmp_path):
    output = tmp_path / "lista.xlsx"
    result = runner.invoke(args=["export", "participants", "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert newest_file(app) is None
    assert len(xlsx_rows(openpyxl.load_workbook(output).active)) == 7
