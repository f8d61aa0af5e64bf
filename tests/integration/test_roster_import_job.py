"""The roster import's apply step runs as a job: the request checks and queues it, a job
worker applies it (in the tests at once, immediate mode), and the Personallista page shows
its state: under way, done with its counts, or failed with the reason."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import make_user
from tests.integration.test_jobs import enqueued  # noqa: F401 (a fixture)
from tests.integration.test_roster_web import (
    URL,
    active_count,
    admin,  # noqa: F401 (a fixture)
    big_roster,
    confirm,
    confirm_with,
    counts,
    employee,
    import_via_web,
    staff,
    token_of,
    upload,
)
from tests.roster_files import roster_csv
from vbe_learn.core.extensions import db
from vbe_learn.jobs.schedule import nightly_expired_uploads
from vbe_learn.models import RosterUpload
from vbe_learn.models.types import utcnow
from vbe_learn.roster import services
from vbe_learn.roster.tasks import APPLY_FAILED, apply_roster_upload
from vbe_learn.roster.uploads import (
    MAX_AGE,
    STUCK,
    STUCK_AFTER,
    fail_stuck_imports,
    keep_upload,
    queue_upload,
)


def the_upload(token: str) -> RosterUpload:
    db.session.expire_all()
    return db.session.scalar(select(RosterUpload).where(RosterUpload.token == token))


def queued_without_its_job(user_id: int, rows, as_of: date, typed: int | None = None) -> int:
    """An upload confirmed and queued whose job has not run yet (its id)."""
    kept = keep_upload(roster_csv(rows), "lista.csv", as_of, user_id)
    queue_upload(kept, typed)
    db.session.commit()
    return kept.id


# --- the request only checks and queues --------------------------------------------------


def test_confirm_queues_the_import_and_shows_it_under_way(client, admin, enqueued):  # noqa: F811
    token = token_of(upload(client, roster_csv(staff())))
    before = counts()
    response = confirm(client, token)
    assert response.status_code == 302 and response.headers["Location"].endswith(URL)
    kept = the_upload(token)
    assert enqueued == [("apply_roster_upload", (kept.id,))]
    assert (kept.status, kept.deactivate_count, kept.started_at) == ("queued", None, None)
    assert counts() == before  # nothing applied in the request
    html = client.get(URL).get_data(as_text=True)
    assert "Importen körs …" in html and "lista.csv" in html
    assert f'<a class="ds-link" href="{URL}">Uppdatera</a>' in html
    assert confirm(client, token).status_code == 404  # confirmed once


def test_a_running_import_is_shown_under_way(client, admin):  # noqa: F811
    upload_id = queued_without_its_job(admin.id, staff(), date(2026, 1, 1))
    kept = db.session.get(RosterUpload, upload_id)
    kept.status, kept.started_at = "running", utcnow()
    db.session.commit()
    assert "Importen körs …" in client.get(URL).get_data(as_text=True)


def test_the_mass_deactivation_guard_still_refuses_in_the_request(client, admin):  # noqa: F811
    import_via_web(client, big_roster())
    token = token_of(upload(client, roster_csv(big_roster()[:3]), as_of="2026-02-01"))
    before = counts()
    html = confirm_with(client, token, "96").get_data(as_text=True)
    assert "Du skrev 96, men importen avaktiverar 97 personer. Inget har ändrats." in html
    assert the_upload(token).status is None  # not queued: still previewed, confirmable
    assert counts() == before
    assert confirm_with(client, token, "97").status_code == 302
    kept = the_upload(token)
    assert (kept.status, kept.deactivate_count) == ("done", 97)


def test_the_typed_number_reaches_the_job(client, admin):  # noqa: F811
    import_via_web(client, big_roster())
    before = active_count()
    token = token_of(upload(client, roster_csv(big_roster()[:3]), as_of="2026-02-01"))
    html = client.post(f"{URL}/{token}", data={"deactivate_count": "97"}, follow_redirects=True)
    assert "Personallistan är importerad: 0 nya, 0 ändrade, 97 avaktiverade." in html.get_data(
        as_text=True
    )
    assert active_count() == before - 97


# --- the job ------------------------------------------------------------------------------


def test_a_plan_invalid_by_the_time_of_the_job_fails_and_changes_nothing(app, client, admin):  # noqa: F811
    upload_id = queued_without_its_job(admin.id, staff()[:2], date(2026, 1, 1))
    import_via_web(client, staff(), as_of="2026-02-01")  # a later import came first
    before = counts()
    with app.app_context():
        apply_roster_upload.enqueue(upload_id)
    db.session.expire_all()
    assert counts() == before and employee("1004").active
    kept = db.session.get(RosterUpload, upload_id)
    assert (kept.status, kept.data, kept.roster_import_id) == ("failed", b"", None)
    assert kept.error.startswith("Filen stämmer inte längre med personallistan i systemet.")
    assert "Datumet 2026-01-01 är tidigare än den senaste importen (2026-02-01)." in kept.error


def test_a_mass_deactivation_grown_since_the_confirmation_fails_and_changes_nothing(
    app,
    client,
    admin,  # noqa: F811
):
    import_via_web(client, staff())
    upload_id = queued_without_its_job(admin.id, staff(), date(2026, 2, 1))  # none leave
    for number in range(2001, 2011):  # ten people added by someone else meanwhile
        make_user(employee_number=str(number))
    db.session.commit()
    before, people = counts(), active_count()
    with app.app_context():
        apply_roster_upload.enqueue(upload_id)
    assert counts() == before and active_count() == people
    kept = db.session.get(RosterUpload, upload_id)
    assert kept.status == "failed"
    assert kept.error.startswith("Importen skulle nu avaktivera 10 av 15 aktiva personer")
    assert "Inget har ändrats. Ladda upp filen igen" in kept.error


def test_an_apply_that_breaks_half_way_rolls_back_and_fails(client, admin, monkeypatch):  # noqa: F811
    real_apply = services.apply_roster

    def apply_then_break(*args, **kwargs):
        real_apply(*args, **kwargs)  # everything written, then the worker breaks
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "apply_roster", apply_then_break)
    token = token_of(upload(client, roster_csv(staff())))
    before = counts()
    assert confirm(client, token).status_code == 302
    db.session.expire_all()
    assert counts() == before and employee("1001") is None
    kept = the_upload(token)
    assert (kept.status, kept.error) == ("failed", APPLY_FAILED)
    html = client.get(URL).get_data(as_text=True)
    assert '<div class="ds-alert roster-import-state" data-color="danger" role="alert">' in html
    assert "Importen av lista.csv misslyckades" in html and APPLY_FAILED in html


def test_a_second_delivery_of_the_job_imports_nothing(app, client, admin):  # noqa: F811
    token = token_of(upload(client, roster_csv(staff())))
    assert confirm(client, token).status_code == 302
    kept = the_upload(token)
    finished = kept.finished_at
    with app.app_context():
        apply_roster_upload.enqueue(kept.id)  # Huey delivers it again
    assert counts()["RosterImport"] == 1
    kept = the_upload(token)
    assert (kept.status, kept.finished_at) == ("done", finished)


def test_a_job_for_an_import_already_running_does_nothing(app, client, admin):  # noqa: F811
    upload_id = queued_without_its_job(admin.id, staff(), date(2026, 1, 1))
    kept = db.session.get(RosterUpload, upload_id)
    kept.status, kept.started_at = "running", utcnow()  # another worker has it
    db.session.commit()
    with app.app_context():
        apply_roster_upload.enqueue(upload_id)
    assert counts()["RosterImport"] == 0
    assert db.session.get(RosterUpload, upload_id).status == "running"


def test_the_page_shows_the_latest_import_of_the_person_only(client, auth, admin):  # noqa: F811
    other = make_user()
    queued_without_its_job(other.id, staff(), date(2026, 1, 1))
    html = client.get(URL).get_data(as_text=True)
    assert "Importen körs" not in html and "roster-import-state" not in html


# --- the nightly clean-up ------------------------------------------------------------------


def aged(upload_id: int, status: str, **times) -> None:
    kept = db.session.get(RosterUpload, upload_id)
    kept.status = status
    for name, value in times.items():
        setattr(kept, name, value)
    db.session.commit()


def test_stuck_imports_are_marked_failed():
    uploader = make_user()
    now = utcnow()
    ids = [queued_without_its_job(uploader.id, staff(), date(2026, 1, 1)) for _ in range(4)]
    killed, working, lost, waiting = ids
    aged(killed, "running", started_at=now - STUCK_AFTER - timedelta(seconds=1))
    aged(working, "running", started_at=now - STUCK_AFTER + timedelta(minutes=1))
    aged(lost, "queued", confirmed_at=now - MAX_AGE - timedelta(seconds=1))
    aged(waiting, "queued", confirmed_at=now - timedelta(minutes=5))
    assert fail_stuck_imports(now) == 2
    db.session.expire_all()
    found = {i: db.session.get(RosterUpload, i) for i in ids}
    assert {i: found[i].status for i in ids} == {
        killed: "failed",
        working: "running",
        lost: "failed",
        waiting: "queued",
    }
    assert found[killed].error == STUCK == "Avbröts: ladda upp filen igen"
    assert found[killed].data == b"" and found[killed].finished_at is not None


def test_the_nightly_clean_up_fails_stuck_imports_and_deletes_old_ones(app, client, admin):  # noqa: F811
    """As the worker runs it (in its app context, committed by the job wrapper)."""
    now = utcnow()
    killed = queued_without_its_job(admin.id, staff(), date(2026, 1, 1))
    aged(killed, "running", started_at=now - timedelta(hours=2))
    old_done = queued_without_its_job(admin.id, staff(), date(2026, 1, 1))
    aged(old_done, "done", confirmed_at=now - MAX_AGE * 2, finished_at=now - MAX_AGE * 2)
    with app.app_context():
        nightly_expired_uploads.enqueue()
    db.session.expire_all()
    assert db.session.get(RosterUpload, old_done) is None
    assert db.session.get(RosterUpload, killed).status == "failed"
    html = client.get(URL).get_data(as_text=True)
    assert "Avbröts: ladda upp filen igen" in html
    assert db.session.scalar(select(func.count()).select_from(RosterUpload)) == 1


@pytest.mark.parametrize("status", ["queued", "running"])
def test_imports_under_way_are_never_deleted_as_expired(app, status):
    uploader = make_user()
    upload_id = queued_without_its_job(uploader.id, staff(), date(2026, 1, 1))
    long_ago = utcnow() - MAX_AGE * 3
    aged(upload_id, status, created_at=long_ago, confirmed_at=utcnow(), started_at=utcnow())
    with app.app_context():
        nightly_expired_uploads.enqueue()
    db.session.expire_all()
    assert db.session.get(RosterUpload, upload_id).status == status
