"""The hostile list: every attempt ends in a clear error (or harmless output) and changes
nothing in the database.

An employee submitting for someone else, reading another unit's report by id, a chef
after being moved trying the old team's export, forged CSRF, oversized uploads, a roster
with 10 MB of garbage, names with markup and formula prefixes, an unknown course version
and a replayed cookie after logout.
"""

import csv
import io
import os
import re
from datetime import date

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.export_rows import deltagarlista_csv
from tests.factories import (
    PASSWORD,
    correct_answers,
    make_unit,
    make_user,
    read_all_pages,
    start_check,
)
from tests.roster_files import person, roster_csv
from vbe_learn.auth.passwords import hash_password
from vbe_learn.core.extensions import db
from vbe_learn.exports.participants import ParticipantFilters
from vbe_learn.models import Attempt, AttemptAnswer, Completion, RoleAssignment, Unit, User
from vbe_learn.permissions import visible_people
from vbe_learn.roster.services import import_roster_file

ROSTER_URL = "/admin/personallista"
CSV_EXPORT = "/uppfoljning/export/deltagarlista.csv"


def snapshot() -> dict[str, int]:
    """The number of rows in every table: "nothing changed" means this is equal. (The audit
    log is left out: a refused request is recorded there, tests/integration/test_refusals.py.)"""
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
        if table.name != "audit_events"
    }


def role_holder(role: str, administration_id: int | None = None) -> User:
    user = make_user()
    db.session.add(RoleAssignment(user_id=user.id, role=role, administration_id=administration_id))
    db.session.commit()
    return user


def log_in(client, user: User) -> None:
    response = client.post("/logga-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302


def upload(client, data: bytes, name: str = "lista.csv"):
    """POST a file, the multipart body built in memory (the test client would spool a big
    body to a temporary file that it never closes)."""
    boundary, body = encode_multipart(
        MultiDict({"file": FileStorage(io.BytesIO(data), name), "as_of": "2026-01-01"})
    )
    return client.post(
        ROSTER_URL, data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


# --- an employee submitting for someone else --------------------------------------------


def test_an_employee_cannot_see_or_submit_someone_elses_attempt(app, client):
    owner, intruder = make_user(), make_user()
    log_in(client, owner)
    read_all_pages(client, 1)
    attempt = start_check(client, 1)
    answers = correct_answers(attempt)
    other = app.test_client()
    log_in(other, intruder)
    before = snapshot()
    assert other.get(f"/kunskapskontroll/{attempt.id}").status_code == 404
    response = other.post(f"/kunskapskontroll/{attempt.id}", data=answers)
    assert response.status_code == 404
    assert "Sidan finns inte" in response.get_data(as_text=True)
    assert snapshot() == before
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).submitted_at is None
    assert db.session.scalar(select(func.count(AttemptAnswer.id))) == 0
    assert db.session.scalar(select(func.count(Completion.id))) == 0


# --- reading another unit's report by id -----------------------------------------------


@pytest.fixture
def two_administrations():
    a1, b1 = make_unit("Förvaltning A", "Enhet A1"), make_unit("Förvaltning B", "Enhet B1")
    chef_a = make_user(unit=a1)
    worker_a = make_user(unit=a1, manager=chef_a)
    chef_b = make_user(unit=b1)
    worker_b = make_user(unit=b1, manager=chef_b)
    samordnare_a = role_holder("samordnare", a1.department.administration_id)
    return {
        "a1": a1, "b1": b1, "chef_a": chef_a, "worker_a": worker_a,
        "chef_b": chef_b, "worker_b": worker_b, "samordnare_a": samordnare_a,
    }  # fmt: skip


def test_reports_of_other_units_and_forvaltningar_by_id_are_404(client, two_administrations):
    city = two_administrations
    b_id = city["b1"].department.administration_id
    log_in(client, city["samordnare_a"])
    before = snapshot()
    for path in (
        f"/uppfoljning/forvaltning/{b_id}",
        f"/uppfoljning/person/{city['worker_b'].id}",
        f"/uppfoljning/fragor?forvaltning={b_id}",
        "/uppfoljning/forvaltning/2147483647",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Sidan finns inte" in response.get_data(as_text=True)
    for data in ({"unit": str(city["b1"].id)}, {"administration": str(b_id)}):
        assert client.post(CSV_EXPORT, data=data).status_code == 404
    assert client.post(CSV_EXPORT, data={"unit": "1e9"}).status_code == 404
    assert snapshot() == before


# --- a chef after being moved trying the old team's export -------------------------------


def test_a_moved_chef_cannot_export_the_old_team(client):
    old_team = [
        person("1001", unit="Hemtjänst Syd"),
        person("1002", unit="Hemtjänst Syd", manager="1001"),
        person("2001", unit="Förskola Ängen"),
        person("2002", unit="Förskola Ängen", manager="2001"),
    ]
    first = import_roster_file(roster_csv(old_team), "v1.csv", date(2026, 1, 1), None)
    assert first.added == 4
    chef = db.session.scalar(select(User).where(User.employee_number == "1001"))
    chef.password_hash = hash_password(PASSWORD)
    db.session.commit()
    old_unit = db.session.scalar(select(Unit).where(Unit.name == "Hemtjänst Syd"))
    log_in(client, chef)
    assert client.post(CSV_EXPORT, data={"administration": "team"}).status_code == 302
    chef = db.session.get(User, chef.id)  # the requests ended their sessions
    team = ParticipantFilters(team_of=chef)
    assert "person1002@" in deltagarlista_csv(visible_people(chef), team)
    moved = [
        person("1001", unit="Förskola Ängen", manager="2001"),
        person("1002", unit="Hemtjänst Syd", manager="2001"),
        person("2001", unit="Förskola Ängen"),
        person("2002", unit="Förskola Ängen", manager="2001"),
    ]
    import_roster_file(roster_csv(moved), "v2.csv", date(2026, 2, 1), None)
    db.session.commit()
    before = snapshot()
    assert client.post(CSV_EXPORT, data={"administration": "team"}).status_code == 404
    assert client.post(CSV_EXPORT, data={"unit": str(old_unit.id)}).status_code == 404
    assert client.get("/uppfoljning/team").status_code == 404
    worker = db.session.scalar(select(User).where(User.employee_number == "1002"))
    assert client.get(f"/uppfoljning/person/{worker.id}").status_code == 404
    assert snapshot() == before  # no export, no log row


# --- forged CSRF ----------------------------------------------------------------------


def csrf_token(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_forged_csrf_tokens_are_refused(app):
    admin = role_holder("admin")
    target = make_user()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        attacker = app.test_client()
        attacker.get("/logga-in")
        foreign_token = csrf_token(attacker, "/logga-in")  # valid, but for another session
        client = app.test_client()
        token = csrf_token(client, "/logga-in")
        response = client.post(
            "/logga-in", data={"email": admin.email, "password": PASSWORD, "csrf_token": token}
        )
        assert response.status_code == 302
        before = snapshot()
        form = {"email": target.email, "role": "admin", "administration": 0}
        for token in (None, "", "forged", foreign_token):
            data = form if token is None else {**form, "csrf_token": token}
            response = client.post("/admin/roller", data=data)
            assert response.status_code == 400, token
            assert "Formuläret kunde inte tas emot" in response.get_data(as_text=True)
            next_page = client.post("/kurs/grundutbildning/1/1/last", data=data)
            assert next_page.status_code == 400, token  # "Nästa" has no form object of its own
        assert client.post("/logga-ut").status_code == 400  # no logout by a third-party page
        assert snapshot() == before
        token = csrf_token(client, "/admin/roller")
        assert client.post("/admin/roller", data={**form, "csrf_token": token}).status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


# --- oversized uploads and a roster of garbage ---------------------------------------------


def test_an_oversized_upload_is_refused_with_413(app, client):
    log_in(client, role_holder("admin"))
    before = snapshot()
    too_big = b"a;b\n" * (app.config["MAX_CONTENT_LENGTH"] // 4 + 1)
    response = upload(client, too_big)
    assert response.status_code == 413
    assert "Filen är för stor." in response.get_data(as_text=True)
    assert snapshot() == before  # roster_uploads included: no copy kept


@pytest.mark.parametrize(
    "garbage",
    [
        pytest.param(lambda: os.urandom(10 * 1024 * 1024), id="random-bytes"),
        pytest.param(lambda: (b"\x00\xff;<>\"'=;" * 3 + b"\n") * 375_000, id="binary-lines"),
        pytest.param(lambda: b"PK\x03\x04" + os.urandom(10 * 1024 * 1024), id="fake-xlsx"),
        pytest.param(lambda: ("x;" * 200 + "\n").encode() * 27_000, id="wide-text"),
    ],
)
def test_a_roster_of_10_mb_garbage_is_refused_in_swedish(client, garbage):
    log_in(client, role_holder("admin"))
    data = garbage()
    assert len(data) >= 10 * 1024 * 1024
    before = snapshot()
    response = upload(client, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Filen avvisades – inget har ändrats" in html
    assert 'action="/admin/personallista/' not in html  # no preview, nothing to confirm
    assert snapshot() == before  # roster_uploads included: no copy kept


# --- names with markup and formula prefixes ----------------------------------------------

MARKUP = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
FORMULAS = ['=HYPERLINK("http://x")', "+SUM(1)", "-1+2", "@cmd", "\t=1"]


def test_names_with_markup_and_formula_prefixes_stay_text(client):
    rows = [person("3001", unit="Enhet <b>fet</b>", first=MARKUP, last="Chef")]
    rows += [
        person(f"30{n + 10}", unit="Enhet <b>fet</b>", first=formula, last="Formel",
               manager="3001")
        for n, formula in enumerate(FORMULAS)
    ]  # fmt: skip
    import_roster_file(roster_csv(rows), "namn.csv", date(2026, 1, 1), None)
    chef = db.session.scalar(select(User).where(User.employee_number == "3001"))
    assert chef.first_name == MARKUP  # stored as given, never interpreted
    chef.password_hash = hash_password(PASSWORD)
    db.session.commit()
    log_in(client, chef)
    for path in ("/min-utbildning", "/uppfoljning/team", f"/uppfoljning/person/{chef.id}"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>fet" not in html
    escaped = client.get(f"/uppfoljning/person/{chef.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in escaped
    assert client.post(CSV_EXPORT, data={"administration": "team"}).status_code == 302
    chef = db.session.get(User, chef.id)  # the requests ended their sessions
    text = deltagarlista_csv(visible_people(chef), ParticipantFilters(team_of=chef))
    first_names = {row[1] for row in csv.reader(io.StringIO(text), delimiter=";")}
    for formula in FORMULAS:
        assert "'" + formula.lstrip("\t") in first_names or "'" + formula in first_names, formula
        assert formula not in first_names


# --- an unknown course version ---------------------------------------------------------


def test_unknown_course_versions_and_courses_are_404(client, two_administrations):
    log_in(client, two_administrations["samordnare_a"])
    before = snapshot()
    for path in (
        "/uppfoljning/fragor?version=999999",
        "/uppfoljning/fragor?version=abc",
        "/uppfoljning/fragor?version=-1",
        "/kurs/finns-inte/1/1",
        "/kurs/grundutbildning/99/1",
        "/kurs/grundutbildning/1/999",
        "/kurs/grundutbildning/99/kunskapskontroll",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Sidan finns inte" in response.get_data(as_text=True)
    assert client.post("/kurs/grundutbildning/99/1/last").status_code == 404
    assert client.post("/kurs/finns-inte/1/kunskapskontroll").status_code == 404
    assert snapshot() == before


# --- a replayed cookie after logout ----------------------------------------------------


def test_a_replayed_cookie_after_logout_gets_nothing(app, client):
    user = make_user()
    client.post("/logga-in", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    session_cookie = client.get_cookie("session").value
    remember_cookie = client.get_cookie("remember_token").value
    client.post("/logga-ut")
    before = snapshot()
    replay = app.test_client()
    replay.set_cookie("session", session_cookie)
    replay.set_cookie("remember_token", remember_cookie)
    for path in ("/min-utbildning", "/intyg"):
        response = replay.get(path)
        assert response.status_code == 302 and "/logga-in" in response.headers["Location"]
    assert replay.post("/kurs/grundutbildning/1/1/last").status_code == 302
    assert snapshot() == before
