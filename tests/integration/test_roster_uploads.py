"""A previewed roster waits in the database, not on one app server's disk: a preview on one
server is confirmed on another, and expired uploads are deleted (a nightly job, and each new
upload)."""

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import PASSWORD, make_user
from tests.integration.test_roster_web import URL, log_in, role_holder, staff, token_of, upload
from tests.roster_files import roster_csv
from vbe_learn import create_app
from vbe_learn.core.config import TestConfig
from vbe_learn.core.extensions import db
from vbe_learn.models import RoleAssignment, RosterImport, RosterUpload, User
from vbe_learn.models.types import utcnow
from vbe_learn.roster.uploads import MAX_AGE, delete_expired_uploads, keep_upload


def tokens() -> list[str]:
    """The tokens of the uploads in the database, oldest first."""
    return list(db.session.scalars(select(RosterUpload.token).order_by(RosterUpload.id)))


# --- expiry ------------------------------------------------------------------------------


def test_delete_expired_uploads_deletes_those_older_than_a_day_only():
    uploader = make_user()
    now = utcnow()
    old = keep_upload(b"a", "gammal.csv", date(2026, 1, 1), uploader.id, now=now - MAX_AGE)
    fresh = keep_upload(b"b", "ny.csv", date(2026, 1, 1), uploader.id, now=now - MAX_AGE / 2)
    assert delete_expired_uploads(now) == 0  # exactly a day old: still valid
    assert delete_expired_uploads(now + timedelta(seconds=1)) == 1
    assert tokens() == [fresh.token] and old.token != fresh.token
    assert delete_expired_uploads(now + MAX_AGE) == 1
    assert tokens() == []


def test_a_new_upload_deletes_the_expired_ones(client, auth):
    someone = make_user()
    yesterday = utcnow() - MAX_AGE - timedelta(minutes=1)
    expired = keep_upload(b"x", "gammal.csv", date(2026, 1, 1), someone.id, now=yesterday)
    recent = keep_upload(b"y", "ny.csv", date(2026, 1, 1), someone.id)
    db.session.commit()
    log_in(auth, role_holder("admin"))
    token = token_of(upload(client, roster_csv(staff())))
    assert tokens() == [recent.token, token] and expired.token not in tokens()


def test_each_upload_gets_its_own_random_token():
    uploader = make_user()
    kept = [keep_upload(b"a", "a.csv", date(2026, 1, 1), uploader.id) for _ in range(3)]
    assert len({upload.token for upload in kept}) == 3
    assert all(len(upload.token) >= 22 for upload in kept)


# --- two app servers ---------------------------------------------------------------------


@pytest.fixture
def two_servers(app, tmp_path):
    """Two apps on the same database, each with an instance folder of its own (two hosts)."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    servers = []
    for name in ("a", "b"):
        server = create_app(type("Config", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
        server.instance_path = str(tmp_path / name)
        (tmp_path / name).mkdir()
        servers.append(server)
    yield servers
    for server in servers:
        with server.app_context():
            db.session.remove()
            db.engine.dispose()


def admin_on(server) -> tuple[int, str]:
    """A committed admin: (id, e-post)."""
    with server.app_context():
        admin = make_user()
        db.session.add(RoleAssignment(user_id=admin.id, role="admin"))
        db.session.commit()
        return admin.id, admin.email


def logged_in_client(server, email: str):
    """A client of this server, logged in."""
    client = server.test_client()
    response = client.post("/logga-in", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.mark.live
def test_a_roster_previewed_on_one_server_is_confirmed_on_another(two_servers, tmp_path):
    server_a, server_b = two_servers
    admin_id, email = admin_on(server_a)
    client_a, client_b = (logged_in_client(server, email) for server in two_servers)

    preview = upload(client_a, roster_csv(staff()), name="hr-januari.csv")
    assert preview.status_code == 200
    token = token_of(preview)
    response = client_b.post(f"{URL}/{token}")

    assert response.status_code == 302
    assert "importerad: 4 nya" in client_b.get(URL).get_data(as_text=True)
    with server_b.app_context():
        record = db.session.scalars(select(RosterImport)).one()
        assert (record.actor_id, record.source_name, record.added) == (
            admin_id,
            "hr-januari.csv",
            4,
        )
        [kept] = db.session.scalars(select(RosterUpload)).all()  # the import's state, no bytes
        assert (kept.status, kept.roster_import_id, kept.data) == ("done", record.id, b"")
        assert db.session.scalar(select(func.count()).where(User.employee_number == "1003"))
    assert client_a.post(f"{URL}/{token}").status_code == 404  # confirmed once, on B
    assert [list((tmp_path / name).iterdir()) for name in ("a", "b")] == [[], []]


@pytest.mark.live
def test_a_preview_on_one_server_is_not_anyone_elses_on_another(two_servers):
    server_a, server_b = two_servers
    _, email = admin_on(server_a)
    _, other_email = admin_on(server_b)
    token = token_of(upload(logged_in_client(server_a, email), roster_csv(staff())))

    other = logged_in_client(server_b, other_email)
    assert other.post(f"{URL}/{token}").status_code == 404
    assert other.post(f"{URL}/{token}/avbryt").status_code == 404
    with server_b.app_context():
        assert tokens() == [token]
        assert db.session.scalar(select(func.count()).select_from(RosterImport)) == 0


@pytest.mark.live
def test_two_confirmations_of_one_upload_at_once_import_it_once(two_servers):
    server_a, server_b = two_servers
    _, email = admin_on(server_a)
    clients = [logged_in_client(server, email) for server in two_servers]
    token = token_of(upload(clients[0], roster_csv(staff())))
    barrier, statuses = threading.Barrier(2), []

    def confirm_on(client):
        barrier.wait()
        statuses.append(client.post(f"{URL}/{token}").status_code)

    threads = [threading.Thread(target=confirm_on, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(statuses) == [302, 404]  # the upload is locked, then confirmed
    with server_b.app_context():
        assert db.session.scalar(select(func.count()).select_from(RosterImport)) == 1
        assert tokens() == [token]
        assert db.session.scalar(select(RosterUpload.status)) == "done"
