"""The audit log: role changes, roster and completions imports and exports are recorded in
the same transaction as the change, and admins (only) read them at /admin/logg."""

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.factories import make_user
from tests.roster_files import person, roster_csv
from vbe_learn.core.audit import record
from vbe_learn.core.extensions import db
from vbe_learn.models import AuditEvent, RoleAssignment, User
from vbe_learn.roster.services import import_roster_file


def events(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def role_holder(role: str) -> User:
    user = make_user()
    db.session.add(RoleAssignment(user_id=user.id, role=role))
    db.session.commit()
    return user


@pytest.fixture
def admin(auth) -> User:
    user = role_holder("admin")
    assert auth.login(user.email).status_code == 302
    return user


def test_record_adds_and_flushes_with_json_details():
    actor = make_user()
    event = record(actor, "deadline.changed", "administration:7", deadline=date(2027, 3, 31))
    assert event.id is not None and event.at is not None
    stored = db.session.get(AuditEvent, event.id)
    assert (stored.actor_id, stored.target) == (actor.id, "administration:7")
    assert stored.details == {"deadline": "2027-03-31"}
    assert record(None, "roster.imported").actor_id is None  # the command line


def test_granting_and_revoking_a_role_is_recorded(client, admin):
    target = make_user(email="blir.central@test.se")
    client.post(
        "/admin/roller",
        data={"email": target.email, "role": "central_samordnare", "administration": 0},
    )
    (granted,) = events("role.granted")
    assert granted.actor_id == admin.id and granted.target == f"user:{target.id}"
    assert granted.details["role"] == "central_samordnare"
    assignment = db.session.scalar(
        select(RoleAssignment).where(RoleAssignment.user_id == target.id)
    )
    client.post(f"/admin/roller/{assignment.id}/ta-bort")
    (revoked,) = events("role.revoked")
    assert revoked.details == {
        "role": "central_samordnare",
        "email": "blir.central@test.se",
        "administration_id": None,
    }


def test_a_refused_role_form_records_nothing(client, admin):
    client.post(
        "/admin/roller", data={"email": "ingen@test.se", "role": "admin", "administration": 0}
    )
    assert events("role.granted") == []


def test_roster_import_is_recorded_and_a_refused_one_is_not():
    actor = make_user()
    good = roster_csv([person("7001"), person("7002", manager="7001")])
    result = import_roster_file(good, "lista.csv", date(2026, 2, 1), actor)
    (event,) = events("roster.imported")
    assert event.target == f"roster_import:{result.id}"
    assert event.details["added"] == 2 and event.details["as_of"] == "2026-02-01"
    bad = roster_csv([person("7003", manager="9999")])
    import_roster_file(bad, "trasig.csv", date(2026, 3, 1), actor)
    assert len(events("roster.imported")) == 1


def test_completions_import_from_the_cli_is_recorded(runner, tmp_path):
    make_user(employee_number="8001")
    path = tmp_path / "genomforda.csv"
    path.write_text("Anställningsnummer;Genomförd\n8001;2024-05-02\n9999;2024-05-03\n")
    result = runner.invoke(args=["completions", "import", str(path)])
    assert result.exit_code == 0, result.output
    (event,) = events("completions.imported")
    assert event.actor_id is None
    assert (event.details["added"], event.details["unknown"]) == (1, 1)


def test_admins_read_the_log_a_page_at_a_time(client, admin):
    for number in range(60):
        record(admin, "export.participants", None, format="csv", rows=number)
    db.session.commit()
    first = client.get("/admin/logg")
    html = first.get_data(as_text=True)
    assert first.status_code == 200
    assert "Händelselogg" in html and "Deltagarlista exporterad" in html
    assert "Exporterade deltagarlista som CSV med 59 rader." in html
    assert "med 0 rader." not in html
    assert "Sida 1 av 2" in html and first.headers["Cache-Control"] == "no-store"
    second = client.get("/admin/logg?sida=2").get_data(as_text=True)
    assert "med 0 rader." in second and "med 59 rader." not in second
    assert "Sida 2 av 2" in client.get("/admin/logg?sida=99").get_data(as_text=True)


def test_markup_in_logged_values_is_escaped(client, admin):
    record(admin, "roster.imported", "roster_import:1", file="<script>alert(1)</script>.csv")
    db.session.commit()
    html = client.get("/admin/logg").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize("role", [None, "central_samordnare", "samordnare"])
def test_only_admins_see_the_log(client, auth, role):
    user = role_holder(role) if role else make_user()
    auth.login(user.email)
    assert client.get("/admin/logg").status_code == 404
    assert "Händelselogg" not in client.get("/min-utbildning").get_data(as_text=True)


def test_the_menu_links_the_log_for_admins(client, admin):
    assert 'href="/admin/logg"' in client.get("/min-utbildning").get_data(as_text=True)


def test_roster_upload_in_the_browser_is_recorded(app, client, admin, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    data = roster_csv([person("7101")])
    preview = client.post(
        "/admin/personallista",
        data={"file": (io.BytesIO(data), "lista.csv"), "as_of": "2026-01-01"},
        content_type="multipart/form-data",
    )
    assert events("roster.imported") == []  # a preview changes nothing
    token = preview.get_data(as_text=True).split('action="/admin/personallista/')[1].split('"')[0]
    assert client.post(f"/admin/personallista/{token}").status_code == 302
    (event,) = events("roster.imported")
    assert event.actor_id == admin.id and event.details["file"] == "lista.csv"
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 1
