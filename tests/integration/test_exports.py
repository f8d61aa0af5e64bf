"""Deltagarlistor and samlad bild: columns, formats, formula safety, the log and reach.

The city (as in test_permissions): förvaltning A with enheter A1 and A2, förvaltning B
with B1; chef A over worker A1 and sub-chef A2 (over worker A2); chef B over worker B1;
a samordnare for A, a central samordnare, an admin. Worker A1 is called
`=HYPERLINK("http://x")` `+1` and has a completion; worker B1 has one too.

These tests commit (`live`): a deltagarlista is read on a snapshot connection of its own
(db.read_snapshot), which cannot see a rolled-back test transaction.
"""

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import openpyxl
import pytest
from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import undefer

from tests.factories import course, make_unit, make_user
from vbe_learn.core.extensions import db
from vbe_learn.followup.people import PARTICIPANT_COLUMNS
from vbe_learn.followup.rates import rates
from vbe_learn.followup.services import city_overview
from vbe_learn.learning.services.completion import new_certificate_code
from vbe_learn.learning.status import valid_until, validity_years
from vbe_learn.models import (
    Completion,
    CourseVersion,
    Deadline,
    Enrollment,
    ExportFile,
    ExportLog,
    RoleAssignment,
    User,
    types,
)
from vbe_learn.models.types import city_today, version_label

HOSTILE_FIRST, HOSTILE_LAST = '=HYPERLINK("http://x")', "+1"
XLSX_URL = "/uppfoljning/export/deltagarlista.xlsx"
CSV_URL = "/uppfoljning/export/deltagarlista.csv"
TODAY = city_today()
COMPLETED_ON = TODAY - timedelta(days=40)

pytestmark = pytest.mark.live


@dataclass(frozen=True)
class Person:
    """What the tests need of a person, kept after the app context that made them ends."""

    id: int
    email: str
    last_name: str


@dataclass
class City:
    """Ids of the förvaltningar and enheter, and the people."""

    admin_a: int
    admin_b: int
    unit_a1: int
    unit_a2: int
    unit_b1: int
    people: dict[str, Person]


def complete(user: User, on: date, score: int) -> None:
    db.session.add(
        Completion(
            user_id=user.id,
            course_id=course().id,
            course_version_id=course().current_version_id,
            completed_on=on,
            score_percent=score,
            certificate_code=new_certificate_code(),
        )  # fmt: skip
    )


@pytest.fixture
def city(app) -> City:
    """The city, committed (deleted after the test)."""
    with app.app_context():
        return build_city()


def build_city() -> City:
    """The city (see the module docstring), committed (in an app context)."""
    a1 = make_unit("Förvaltning A", "Enhet A1")
    a2 = make_unit("Förvaltning A", "Enhet A2")
    b1 = make_unit("Förvaltning B", "Enhet B1")
    p = {}
    p["chef_a"] = make_user(email="chef.a@test.se", unit=a1, employee_number="E100")
    p["worker_a1"] = make_user(
        email="worker.a1@test.se",
        unit=a1,
        manager=p["chef_a"],
        first_name=HOSTILE_FIRST,
        last_name=HOSTILE_LAST,
        employee_number="E101",
    )
    p["subchef_a2"] = make_user(email="subchef.a2@test.se", unit=a2, manager=p["chef_a"])
    p["worker_a2"] = make_user(email="worker.a2@test.se", unit=a2, manager=p["subchef_a2"])
    p["chef_b"] = make_user(email="chef.b@test.se", unit=b1)
    p["worker_b1"] = make_user(email="worker.b1@test.se", unit=b1, manager=p["chef_b"])
    p["samordnare_a"] = make_user(email="samordnare.a@test.se", unit=a1)
    p["central"] = make_user(email="central@test.se")
    p["admin"] = make_user(email="admin@test.se")
    p["gone"] = make_user(email="gone@test.se", unit=a1, active=False, placed=False)
    admin_a = a1.department.administration_id
    db.session.add_all(
        [
            RoleAssignment(
                user_id=p["samordnare_a"].id, role="samordnare", administration_id=admin_a
            ),
            RoleAssignment(user_id=p["central"].id, role="central_samordnare"),
            RoleAssignment(user_id=p["admin"].id, role="admin"),
        ]  # fmt: skip
    )
    complete(p["worker_a1"], COMPLETED_ON, 85)
    complete(p["worker_b1"], TODAY - timedelta(days=5), 100)
    db.session.add(
        Enrollment(
            user_id=p["worker_a2"].id,
            course_id=course().id,
            course_version_id=course().current_version_id,
        )  # fmt: skip
    )
    db.session.commit()
    people = {key: Person(user.id, user.email, user.last_name) for key, user in p.items()}
    return City(admin_a, b1.department.administration_id, a1.id, a2.id, b1.id, people)


def login(auth, city: City, who: str) -> None:
    response = auth.login(city.people[who].email)
    assert response.status_code == 302


MINE = "/mina-exporter"


def newest_file(app) -> ExportFile:
    with app.app_context():
        newest = select(ExportFile).options(undefer(ExportFile.data))
        return db.session.scalars(newest.order_by(ExportFile.id.desc())).first()


def download(client, url: str, data: dict | None = None):
    """Ask for a file as the person does (a POST: the job makes it at once in the tests),
    then download it from Mina exporter; an answer other than the redirect is returned."""
    response = client.post(url, data=data or {})
    if response.status_code != 302:
        return response
    assert response.headers["Location"] == MINE
    export = newest_file(client.application)
    assert export.status == "done", (export.status, export.error)
    assert f'action="{MINE}/{export.id}"' in client.get(MINE).get_data(as_text=True)
    with client.post(f"{MINE}/{export.id}") as response:
        response.get_data()
    return response


def read_xlsx(response):
    assert response.status_code == 200, response.status_code
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return openpyxl.load_workbook(io.BytesIO(response.data)).active


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    return list(
        csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline=""), delimiter=";")
    )


def emails(rows) -> set[str]:
    """The E-post column (index 3) of data rows."""
    return {row[3] for row in rows}


HEADER_ROW = 4  # below the title, the choices (Urval / Sortering) and the date of the data
SUMMARY_HEADER = [
    "Förvaltning", "Antal anställda", "Genomförda", "Andel genomförda",
    "Förändring sedan förra tertialen (procentenheter)", "Sista dag",
]  # fmt: skip


def xlsx_rows(sheet) -> list[tuple]:
    """The rows below the header (a samlad bild's total row included: it is the last)."""
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows(min_row=HEADER_ROW + 1)]


def assert_printable(sheet) -> None:
    """Landscape, one page wide, the header row repeated on every page."""
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth or 1) == 1  # left out when 1 (the OOXML default)
    assert sheet.page_setup.fitToHeight == 0  # as many pages tall as needed
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"


def last_log(app) -> ExportLog:
    with app.app_context():
        return db.session.scalars(select(ExportLog).order_by(ExportLog.id.desc())).first()


def course_years(app) -> int:
    with app.app_context():
        return validity_years("grundutbildning")


def log_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(db.func.count(ExportLog.id)))


# --- format ---------------------------------------------------------------------------


def test_xlsx_columns_types_and_no_formulas(app, client, auth, city):
    login(auth, city, "central")
    sheet = read_xlsx(download(client, XLSX_URL, data={}))
    assert sheet["A1"].value == "Deltagarlista – grundutbildningen om våldsbejakande extremism"
    assert sheet["A2"].value == "Urval: alla inom din behörighet"
    assert sheet["A3"].value == f"Uppgifter per {TODAY.isoformat()}"
    header = sheet[HEADER_ROW]
    assert tuple(cell.value for cell in header) == PARTICIPANT_COLUMNS
    assert all(cell.font.b for cell in header)
    assert_printable(sheet)
    rows = xlsx_rows(sheet)
    assert sheet.auto_filter.ref == f"A{HEADER_ROW}:N{len(rows) + HEADER_ROW}"
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert sheet.column_dimensions["D"].width >= 30  # E-post is wide
    hostile = next(
        row
        for row in sheet.iter_rows(min_row=HEADER_ROW + 1)
        if row[3].value == "worker.a1@test.se"
    )
    by_header = dict(zip(PARTICIPANT_COLUMNS, hostile, strict=True))
    # Typed as text, never evaluated: written as they are, no apostrophe (the CSV has one)
    assert by_header["Förnamn"].value == HOSTILE_FIRST
    assert by_header["Efternamn"].value == HOSTILE_LAST
    assert by_header["Förnamn"].data_type == "s" and by_header["Efternamn"].data_type == "s"
    assert by_header["Anställningsnummer"].value == "E101"
    assert by_header["Förvaltning"].value == "Förvaltning A"
    assert by_header["Enhet"].value == "Enhet A1"
    assert by_header["Chef"].value == "Test " + city.people["chef_a"].last_name
    assert by_header["Status"].value == "Genomförd"
    assert by_header["Genomförd datum"].is_date
    assert by_header["Genomförd datum"].value.date() == COMPLETED_ON
    assert by_header["Genomförd datum"].number_format == "yyyy-mm-dd"
    assert by_header["Resultat (%)"].value == 85 and by_header["Resultat (%)"].data_type == "n"
    # the month the version was loaded, never its hash
    with app.app_context():
        loaded_at = db.session.get(CourseVersion, course().current_version_id).created_at
    assert by_header["Kursversion"].value == version_label(loaded_at)
    assert not re.search(r"[0-9a-f]{7}", by_header["Kursversion"].value)
    assert by_header["Giltig till"].value.date() == valid_until(COMPLETED_ON, course_years(app))
    assert by_header["Senast genomförd"].value.date() == COMPLETED_ON
    statuses = {row[3]: row[8] for row in rows}
    assert statuses["worker.a2@test.se"] == "Påbörjad"
    assert statuses["chef.b@test.se"] == "Ej påbörjad"
    assert "gone@test.se" not in statuses  # inactive people are not listed


def test_csv_bom_separator_iso_dates_and_neutralised(app, client, auth, city):
    login(auth, city, "central")
    response = download(client, CSV_URL, data={})
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.data[3:].startswith("Anställningsnummer;Förnamn;".encode())
    rows = read_csv(response)
    assert tuple(rows[0]) == PARTICIPANT_COLUMNS
    hostile = next(row for row in rows[1:] if row[3] == "worker.a1@test.se")
    assert hostile[:3] == ["E101", "'" + HOSTILE_FIRST, "'" + HOSTILE_LAST]
    assert hostile[8:11] == ["Genomförd", COMPLETED_ON.isoformat(), "85"]
    assert hostile[12] == valid_until(COMPLETED_ON, course_years(app)).isoformat()
    assert hostile[13] == COMPLETED_ON.isoformat()  # Senast genomförd
    not_started = next(row for row in rows[1:] if row[3] == "chef.b@test.se")
    assert not_started[9:] == ["", "", "", "", ""]


def test_renewal_due_shows_the_earlier_completion_as_senast_genomford(app, client, auth, city):
    """Ska förnyas: no valid completion (Genomförd datum empty), the old one in its column."""
    old = TODAY - timedelta(days=365 * course_years(app) + 30)
    with app.app_context():
        complete(db.session.get(User, city.people["chef_b"].id), old, 90)
        db.session.commit()
    login(auth, city, "central")
    rows = read_csv(download(client, CSV_URL, data={"status": "ska-förnyas"}))
    assert [row[3] for row in rows[1:]] == ["chef.b@test.se"]
    by_header = dict(zip(PARTICIPANT_COLUMNS, rows[1], strict=True))
    assert by_header["Status"] == "Ska förnyas" and by_header["Genomförd datum"] == ""
    assert by_header["Senast genomförd"] == old.isoformat()
    sheet = read_xlsx(download(client, XLSX_URL, data={"status": "ska-förnyas"}))
    assert sheet["A2"].value == "Urval: Status: Ska förnyas"
    (row,) = xlsx_rows(sheet)
    by_header = dict(zip(PARTICIPANT_COLUMNS, row, strict=True))
    assert by_header["Genomförd datum"] is None
    assert by_header["Senast genomförd"].date() == old


# --- the log --------------------------------------------------------------------------


def test_each_export_is_logged_with_actor_filters_and_rows(app, client, auth, city):
    login(auth, city, "samordnare_a")
    sheet = read_xlsx(
        download(
            client, XLSX_URL, data={"administration": str(city.admin_a), "status": "genomförd"}
        )
    )
    assert sheet["A2"].value == "Urval: Förvaltning: Förvaltning A · Status: Genomförd"
    rows = xlsx_rows(sheet)
    assert emails(rows) == {"worker.a1@test.se"}
    entry = last_log(app)
    assert entry.actor_id == city.people["samordnare_a"].id
    assert (entry.kind, entry.format, entry.row_count) == ("participants", "xlsx", 1)
    filters = json.loads(entry.filters)
    assert filters["administration_id"] == city.admin_a
    assert filters["administration"] == "Förvaltning A"
    assert filters["status"] == "genomförd" and filters["scope"] == "reach"
    assert entry.created_at is not None

    rows = read_csv(download(client, CSV_URL, data={"unit": str(city.unit_a2)}))
    entry = last_log(app)
    assert (entry.format, entry.row_count) == ("csv", len(rows) - 1) and len(rows) - 1 == 2
    assert json.loads(entry.filters)["unit"] == "Enhet A2"


def test_a_csv_is_read_once_on_one_snapshot_and_logged(app, client, auth, city):
    """The job reads the rows once (no count first: the file's rows are counted as they are
    written), logs that count, keeps it on the file, and gives its snapshot back."""
    login(auth, city, "central")
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_):
        statements.append(statement.lower())

    event.listen(Engine, "before_cursor_execute", record)
    try:
        rows = read_csv(download(client, CSV_URL))
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    assert sum("row_number()" in statement for statement in statements) == 1
    assert not any("count(*)" in statement for statement in statements)
    assert last_log(app).row_count == newest_file(app).row_count == len(rows) - 1 == 7
    with app.app_context():
        assert db.engine.pool.checkedout() == 0


def test_an_invalid_form_exports_and_logs_nothing(app, client, auth, city):
    login(auth, city, "central")
    before = log_count(app)
    response = client.post(
        XLSX_URL, data={"completed_from": "2025-05-01", "completed_to": "2025-04-01"}
    )
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "Slutdatumet är före startdatumet." in response.get_data(as_text=True)
    assert log_count(app) == before and newest_file(app) is None


def test_the_form_is_checked_before_the_scope(app, client, auth, city):
    """An invalid form is answered with its errors before a förvaltning is looked up."""
    login(auth, city, "samordnare_a")
    before = log_count(app)
    bad_dates = {"completed_from": "2025-05-01", "completed_to": "2025-04-01"}
    response = client.post(XLSX_URL, data={"administration": str(city.admin_b), **bad_dates})
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "Slutdatumet är före startdatumet." in response.get_data(as_text=True)
    assert client.post(XLSX_URL, data={"administration": str(city.admin_b)}).status_code == 404
    assert log_count(app) == before


def test_the_export_page_uses_the_stockholm_date(client, auth, city, monkeypatch):
    """At 23:30 UTC in summer it is already the next day in Stockholm."""
    login(auth, city, "central")
    monkeypatch.setattr(types, "utcnow", lambda: datetime(2026, 7, 14, 23, 30, tzinfo=UTC))
    html = client.get("/uppfoljning/export").get_data(as_text=True)
    assert "status i dag (2026-07-15)" in html and 'value="2026-07-15"' in html


def test_export_log_page_is_for_admins(client, auth, city):
    login(auth, city, "central")
    download(client, CSV_URL, data={"status": "ej-påbörjad"}).get_data()
    auth.logout()
    login(auth, city, "admin")
    html = client.get("/admin/exporter").get_data(as_text=True)
    assert "central@test.se" in html and "Deltagarlista" in html and "ej-påbörjad" in html
    auth.logout()
    for who in ("central", "samordnare_a", "chef_a", "worker_a1"):
        login(auth, city, who)
        assert client.get("/admin/exporter").status_code == 404
        auth.logout()


# --- filters --------------------------------------------------------------------------


def test_status_and_completion_period_filters(client, auth, city):
    login(auth, city, "central")

    def exported(**data):
        return emails(read_csv(download(client, CSV_URL, data=data))[1:])

    assert exported(status="påbörjad") == {"worker.a2@test.se"}
    assert exported(status="genomförd") == {"worker.a1@test.se", "worker.b1@test.se"}
    start, end = COMPLETED_ON.isoformat(), (COMPLETED_ON + timedelta(days=1)).isoformat()
    assert exported(completed_from=start, completed_to=end) == {"worker.a1@test.se"}
    assert exported(completed_from=(COMPLETED_ON + timedelta(days=1)).isoformat()) == {
        "worker.b1@test.se"
    }
    assert exported(unit=str(city.unit_b1), status="ej-påbörjad") == {"chef.b@test.se"}


# --- reach ----------------------------------------------------------------------------


def test_a_chefs_export_is_their_team(app, client, auth, city):
    login(auth, city, "chef_a")
    page = client.get("/uppfoljning/export").get_data(as_text=True)
    assert "Mitt team" in page and "Förvaltning B" not in page
    assert "Samlad bild" not in page
    sheet = read_xlsx(download(client, XLSX_URL, data={"administration": "team"}))
    assert sheet["A2"].value == "Urval: Mitt team (Test " + city.people["chef_a"].last_name + ")"
    rows = xlsx_rows(sheet)
    assert emails(rows) == {"worker.a1@test.se", "subchef.a2@test.se", "worker.a2@test.se"}
    data = {"administration": "team", "unit": str(city.unit_a2)}
    sheet = read_xlsx(download(client, XLSX_URL, data=data))
    assert sheet["A2"].value.startswith("Urval: Mitt team (Test ")
    assert " · Enhet: Enhet A2 (avdelning " in sheet["A2"].value
    assert json.loads(last_log(app).filters)["scope"] == "team"
    sub = read_csv(
        download(client, CSV_URL, data={"administration": "team", "unit": str(city.unit_a2)})
    )
    assert emails(sub[1:]) == {"subchef.a2@test.se", "worker.a2@test.se"}


def test_a_samordnares_export_is_their_forvaltning(client, auth, city):
    login(auth, city, "samordnare_a")
    page = client.get("/uppfoljning/export").get_data(as_text=True)
    assert "Förvaltning A" in page and "Förvaltning B" not in page and "Enhet B1" not in page
    rows = read_csv(download(client, CSV_URL, data={}))[1:]
    assert {row[4] for row in rows} == {"Förvaltning A"}
    assert emails(rows) == {
        "chef.a@test.se",
        "worker.a1@test.se",
        "subchef.a2@test.se",
        "worker.a2@test.se",
        "samordnare.a@test.se",
    }


@pytest.mark.parametrize(
    ("who", "data"),
    [
        ("samordnare_a", {"administration": "{B}"}),
        ("samordnare_a", {"unit": "{B1}"}),
        ("samordnare_a", {"administration": "999999"}),
        ("samordnare_a", {"administration": "team"}),  # not anyone's chef
        ("samordnare_a", {"administration": "x1"}),
        ("central", {"administration": "99999999999999999999"}),
        ("central", {"unit": "-1"}),
        ("chef_a", {"administration": "{A}"}),
        ("chef_a", {"unit": "{B1}"}),
        ("chef_b", {"administration": "team", "unit": "{A1}"}),
        ("worker_a1", {}),
        ("admin", {}),
    ],
)
def test_outside_reach_is_404(app, client, auth, city, who, data):
    ids = {"A": city.admin_a, "B": city.admin_b, "A1": city.unit_a1, "B1": city.unit_b1}
    login(auth, city, who)
    form = {key: value.format(**ids) for key, value in data.items()}
    before = log_count(app)
    for url in (XLSX_URL, CSV_URL):
        assert client.post(url, data=form).status_code == 404
    assert log_count(app) == before and newest_file(app) is None


def test_the_export_page_is_for_follow_up_roles(client, auth, city):
    for who, expected in (("worker_a1", 404), ("admin", 404), ("chef_a", 200), ("central", 200)):
        login(auth, city, who)
        assert client.get("/uppfoljning/export").status_code == expected
        auth.logout()


def test_the_summary_is_for_the_central_samordnare_only(client, auth, city):
    for who in ("samordnare_a", "chef_a", "worker_a1", "admin"):
        login(auth, city, who)
        assert download(client, "/uppfoljning/export/samlad-bild.xlsx", data={}).status_code == 404
        auth.logout()
    login(auth, city, "central")
    assert "Samlad bild" in client.get("/uppfoljning/export").get_data(as_text=True)


# --- samlad bild: the same numbers as rates() -----------------------------------------


def expected_summary(app, day: date) -> dict[str, tuple[int, int, float]]:
    with app.app_context():
        years = validity_years("grundutbildning")
        found = rates([day], "administration", years)
    return {r.name: (r.headcount, r.completed, r.share) for r in found}


def test_summary_xlsx_and_csv_equal_rates(app, client, auth, city):
    expected = expected_summary(app, TODAY)
    assert expected["Förvaltning A"] == (5, 1, 0.2)
    assert expected["Förvaltning B"] == (2, 1, 0.5)
    due_city, due_b = TODAY + timedelta(days=60), TODAY + timedelta(days=30)
    with app.app_context():
        db.session.add_all([Deadline(due_on=due_city), Deadline(administration_id=city.admin_b,
                                                                due_on=due_b)])  # fmt: skip
        db.session.commit()
        overview = city_overview(TODAY, validity_years("grundutbildning"))
    login(auth, city, "central")
    sheet = read_xlsx(download(client, "/uppfoljning/export/samlad-bild.xlsx", data={}))
    assert sheet["A1"].value == "Samlad bild – andel genomförda grundutbildningen"
    assert sheet["A2"].value.startswith(f"Uppgifter per {TODAY.isoformat()}, förändring sedan")
    assert sheet["A3"].value == "Sortering: Lägst andel först"
    assert [c.value for c in sheet[HEADER_ROW]] == SUMMARY_HEADER
    assert_printable(sheet)
    *found, total = xlsx_rows(sheet)
    assert [row[0] for row in found] == ["Förvaltning A", "Förvaltning B"]  # lowest share first
    for name, headcount, completed, share, _change, _due in found:
        assert (headcount, completed) == expected[name][:2]
        assert share == pytest.approx(expected[name][2])
    assert [row[5].date() for row in found] == [due_city, due_b]  # A: the city's, B: its own
    # The total is counted in SQL over everyone, not summed from the rows' shares
    assert total[:3] == ("Hela staden", 7, 2) and total[3] == pytest.approx(2 / 7)
    assert total[4] == pytest.approx(overview.total.change) and total[5].date() == due_city
    last = HEADER_ROW + 3
    assert sheet[f"A{last}"].font.b and sheet[f"D{last}"].font.b
    assert sheet[f"D{HEADER_ROW + 1}"].number_format == sheet[f"D{last}"].number_format == "0.0%"
    assert sheet[f"E{HEADER_ROW + 1}"].number_format == "+0.0;-0.0;0.0"
    assert sheet[f"F{HEADER_ROW + 1}"].number_format == "yyyy-mm-dd"
    entry = last_log(app)
    assert (entry.kind, entry.format, entry.row_count) == ("summary", "xlsx", len(expected))
    assert json.loads(entry.filters) == {"as_of": TODAY.isoformat()}

    highest_first = read_xlsx(
        download(client, "/uppfoljning/export/samlad-bild.xlsx", data={"sortera": "-andel"})
    )
    assert [row[0] for row in xlsx_rows(highest_first)] == [
        "Förvaltning B", "Förvaltning A", "Hela staden",
    ]  # fmt: skip
    assert highest_first["A3"].value == "Sortering: Högst andel först"

    earlier = COMPLETED_ON - timedelta(days=1)  # before worker A1's completion
    form = {"as_of": earlier.isoformat(), "sortera": "namn"}
    rows = read_csv(download(client, "/uppfoljning/export/samlad-bild.csv", data=form))
    assert rows[0] == SUMMARY_HEADER  # the CSV has no title rows: the header comes first
    then = expected_summary(app, earlier)
    assert then["Förvaltning A"][1] == 0
    *by_name, city_row = rows[1:]
    assert [row[0] for row in by_name] == ["Förvaltning A", "Förvaltning B"]
    for name, headcount, completed, share, change, due in by_name:
        assert (int(headcount), int(completed)) == then[name][:2]
        assert float(share.replace(",", ".")) == pytest.approx(then[name][2], abs=5e-5)
        assert change == "" or re.fullmatch(r"-?\d+,\d", change)  # decimal comma, one decimal
        assert due == (due_b if name == "Förvaltning B" else due_city).isoformat()
    assert city_row[:3] == ["Hela staden", "7", str(sum(c for _, c, _ in then.values()))]


# --- the command line -----------------------------------------------------------------


def test_cli_export_participants_with_administration(app, runner, city, tmp_path):
    output = tmp_path / "b.csv"
    result = runner.invoke(
        args=[
            "export",
            "participants",
            "--administration",
            "Förvaltning B",
            "--format",
            "csv",
            "--output",
            str(output),
        ]  # fmt: skip
    )
    assert result.exit_code == 0, result.output
    data = output.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert tuple(rows[0]) == PARTICIPANT_COLUMNS
    assert emails(rows[1:]) == {"chef.b@test.se", "worker.b1@test.se"}
    entry = last_log(app)
    assert entry.actor_id is None and entry.row_count == 2
    assert json.loads(entry.filters) == {
        "administration": "Förvaltning B",
        "administration_id": city.admin_b,
        "scope": "all",
    }


def test_cli_export_xlsx_with_filters_has_full_reach(runner, city, tmp_path):
    output = tmp_path / "lista.xlsx"
    result = runner.invoke(
        args=["export", "participants", "--status", "genomförd", "--output", str(output)]
    )
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(output).active
    assert emails(xlsx_rows(sheet)) == {"worker.a1@test.se", "worker.b1@test.se"}
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    result = runner.invoke(
        args=[
            "export",
            "participants",
            "--unit",
            "Enhet A2",
            "--from",
            COMPLETED_ON.isoformat(),
            "--output",
            str(tmp_path / "tom.csv"),
        ]  # fmt: skip
    )
    assert result.exit_code == 0 and "(0 rader)" in result.output


def test_cli_refuses_unknown_administration_and_bad_format(runner, city, tmp_path):
    result = runner.invoke(
        args=[
            "export",
            "participants",
            "--administration",
            "Finns ej",
            "--output",
            str(tmp_path / "x.csv"),
        ]  # fmt: skip
    )
    assert result.exit_code != 0 and "Förvaltningen finns inte" in result.output
    result = runner.invoke(args=["export", "participants", "--output", str(tmp_path / "x.txt")])
    assert result.exit_code != 0


def test_cli_report_summary_equals_rates(app, runner, city, tmp_path):
    day = TODAY - timedelta(days=10)
    expected = expected_summary(app, day)
    csv_path, xlsx_path = tmp_path / "s.csv", tmp_path / "s.xlsx"
    for path in (csv_path, xlsx_path):
        result = runner.invoke(
            args=["report", "summary", "--as-of", day.isoformat(), "--output", str(path)]
        )
        assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(csv_path.read_text("utf-8-sig"), newline=""), delimiter=";"))
    *csv_rows, csv_total = rows[1:]
    from_csv = {r[0]: (int(r[1]), int(r[2]), float(r[3].replace(",", "."))) for r in csv_rows}
    *xlsx_found, xlsx_total = xlsx_rows(openpyxl.load_workbook(xlsx_path).active)
    from_xlsx = {r[0]: r[1:4] for r in xlsx_found}
    assert csv_total[0] == xlsx_total[0] == "Hela staden"
    assert from_csv.keys() == from_xlsx.keys() == expected.keys()
    for name, (headcount, completed, share) in expected.items():
        assert from_csv[name][:2] == from_xlsx[name][:2] == (headcount, completed)
        assert from_csv[name][2] == pytest.approx(share, abs=5e-5)
        assert from_xlsx[name][2] == pytest.approx(share)
    entry = last_log(app)
    assert (entry.kind, entry.actor_id, entry.format) == ("summary", None, "xlsx")
