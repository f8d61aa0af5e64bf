"""Jobs on the queue: the forgot-password mail (the request only enqueues the e-post; the job
looks the account up) and the nightly gallring from the worker's scheduler."""

from datetime import date, datetime, timedelta

import pytest
from huey.exceptions import CancelExecution
from sqlalchemy import event, select

from vbe_learn.auth.tasks import send_set_password_link
from vbe_learn.core.extensions import db
from vbe_learn.jobs import NOT_QUEUED
from vbe_learn.jobs.queue import EXTENSION, build_queue
from vbe_learn.jobs.schedule import hourly_reminders, nightly_expired_uploads, nightly_gallring
from vbe_learn.models import Placement, RosterUpload, User
from vbe_learn.models.types import city_today, utcnow
from vbe_learn.roster.uploads import MAX_AGE, keep_upload

from ..factories import make_unit, make_user
from .test_exports import CSV_URL, MINE, build_city, login, newest_file

ANSWER = "Om adressen finns hos oss"


@pytest.fixture
def enqueued(app):
    """The calls the app enqueues, recorded and not run (Huey's pre-execute hook cancels them)."""
    huey = app.extensions[EXTENSION].huey
    calls = []

    @huey.pre_execute(name="record_and_cancel")
    def record_and_cancel(task):
        calls.append((task.name, task.args))
        raise CancelExecution()

    yield calls
    huey.unregister_pre_execute("record_and_cancel")


@pytest.fixture
def statements(app):
    """The SQL statements run while the fixture's list is being filled (not the test's own
    savepoints)."""
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_):
        if "SAVEPOINT" not in statement:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def test_the_request_enqueues_the_e_post_and_never_reads_the_accounts(client, enqueued, statements):
    known = make_user(email="finns@test.stockholm.se")
    statements.clear()
    answers = {}
    for email in (known.email, "finns.inte@test.stockholm.se"):
        start = len(statements)
        response = client.post("/glomt-losenord", data={"email": email}, follow_redirects=True)
        answers[email] = (response.status_code, ANSWER in response.get_data(as_text=True))
        answers[email] += (len(statements) - start,)

    assert answers[known.email] == answers["finns.inte@test.stockholm.se"]
    assert answers[known.email][:2] == (200, True)
    assert not [s for s in statements if "users" in s.lower()]
    name = send_set_password_link.function.__name__
    assert enqueued == [
        (name, ("finns@test.stockholm.se",)),
        (name, ("finns.inte@test.stockholm.se",)),
    ]


def test_the_job_mails_a_known_active_account_and_nobody_else(app, smtp):
    known = make_user(email="glomsk.igen@test.stockholm.se", first_name="Greta")
    left = make_user(email="slutat@test.stockholm.se", active=False)

    with app.app_context():  # as in the worker
        send_set_password_link("  Glomsk.Igen@test.stockholm.se ")
        send_set_password_link("okand@test.stockholm.se")
        send_set_password_link(left.email)

    (received,) = smtp.received
    assert received.message["To"].addresses[0].addr_spec == known.email
    assert "Hej Greta!" in received.text and "/satt-losenord/" in received.text


def test_the_request_sends_the_mail_through_the_queue(client, smtp):
    known = make_user(email="via.kon@test.stockholm.se")
    client.post("/glomt-losenord", data={"email": known.email})
    client.post("/glomt-losenord", data={"email": "ingen.alls@test.stockholm.se"})
    assert [r.message["To"].addresses[0].addr_spec for r in smtp.received] == [known.email]


def test_the_nightly_gallring_job_pseudonymises_those_due(app):
    unit = make_unit("Jobbförvaltningen", "Enhet J")
    left_long_ago = make_user(last_name="Längesedan", unit=unit, placed=False, active=False)
    stays = make_user(last_name="Stannar", unit=unit)
    db.session.add(
        Placement(
            user_id=left_long_ago.id, unit_id=unit.id, close_to_residents=False,
            valid_from=date(2019, 1, 1), valid_to=date(2022, 1, 1),
        )
    )  # fmt: skip
    db.session.commit()

    with app.app_context():
        nightly_gallring.enqueue()  # immediate in tests: through Huey and the job wrapper

    db.session.expire_all()
    gone, kept = db.session.get(User, left_long_ago.id), db.session.get(User, stays.id)
    assert (gone.first_name, gone.pseudonymised_at is not None) == ("Gallrad", True)
    assert (kept.last_name, kept.pseudonymised_at) == ("Stannar", None)


def test_gallring_is_scheduled_nightly_at_half_past_two_utc(app):
    huey = app.extensions[EXTENSION].huey

    def due(moment: datetime) -> set[str]:
        return {task.name for task in huey.read_periodic(moment)}

    name = nightly_gallring.function.__name__
    assert name in due(datetime(2026, 12, 7, 2, 30))
    assert name not in due(datetime(2026, 12, 7, 3, 30))
    assert name not in due(datetime(2026, 12, 7, 2, 31))


def test_the_nightly_job_deletes_roster_uploads_never_confirmed(app):
    uploader = make_user()
    keep_upload(b"a;b", "ny.csv", date(2026, 12, 1), uploader.id)
    keep_upload(b"a;b", "gammal.csv", date(2026, 12, 1), uploader.id,
                now=utcnow() - MAX_AGE - timedelta(minutes=1))  # fmt: skip
    db.session.commit()

    with app.app_context():
        nightly_expired_uploads.enqueue()

    assert db.session.scalars(select(RosterUpload.filename)).all() == ["ny.csv"]


def test_reminders_are_scheduled_hourly_on_weekday_working_hours_utc(app):
    huey = app.extensions[EXTENSION].huey

    def due(moment: datetime) -> bool:
        return hourly_reminders.function.__name__ in {t.name for t in huey.read_periodic(moment)}

    assert due(datetime(2026, 12, 7, 6, 5)) and due(datetime(2026, 12, 7, 16, 5))  # a Monday
    assert not due(datetime(2026, 12, 7, 17, 5)) and not due(datetime(2026, 12, 7, 6, 6))
    assert not due(datetime(2026, 12, 6, 10, 5))  # a Sunday


def test_the_hourly_job_plans_and_sends_like_the_command(app, smtp):
    unit = make_unit("Påminnelseförvaltningen", "Enhet P")
    make_user(email="ny@test.se", unit=unit, employed_from=city_today())
    db.session.commit()

    with app.app_context():
        hourly_reminders.enqueue()

    assert [r.recipients for r in smtp.received] == [["ny@test.se"]]  # the invitation
    with app.app_context():
        hourly_reminders.enqueue()
    assert len(smtp.received) == 1  # a second run sends nothing new


@pytest.fixture
def queue_down(app, monkeypatch):
    """The app's queue in Redis on a port where nothing listens (Redis down)."""
    monkeypatch.setitem(app.config, "JOBS_IMMEDIATE", False)
    monkeypatch.setitem(app.config, "JOBS_REDIS_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setitem(app.extensions, EXTENSION, build_queue(app))


def test_forgot_password_with_the_queue_down_says_so_the_same_for_everyone(client, queue_down):
    known = make_user(email="finns.ko@test.stockholm.se")
    for email in (known.email, "finns.inte.ko@test.stockholm.se"):
        response = client.post("/glomt-losenord", data={"email": email})
        page = response.get_data(as_text=True)
        assert response.status_code == 503
        assert "Det gick inte att skicka länken just nu" in page
        assert ANSWER not in page


@pytest.mark.live
def test_an_export_the_queue_did_not_take_is_shown_failed_with_the_reason(
    app, client, auth, queue_down
):
    with app.app_context():
        city = build_city()
    login(auth, city, "central")
    response = client.post(CSV_URL, data={"status": ""}, follow_redirects=True)
    assert response.request.path == MINE
    export = newest_file(app)
    assert (export.status, export.error) == ("failed", NOT_QUEUED)
    assert NOT_QUEUED in response.get_data(as_text=True)
