"""WCAG 3.1.1/3.1.2 on the samordnare's and the admin's pages: for a person who chose English,
the förvaltning page, the frågeanalys, Roller, Händelselogg and Personallista are
`<html lang="en">`, in English, with the Swedish names (förvaltningar, enheter, course text,
the log's record) marked lang="sv" and no Swedish letters left in the interface's own text.
The files they make (the log's CSV) stay Swedish."""

import csv
import io

from tests.factories import make_unit, make_user, read_all_pages, start_check, wrong_answers
from tests.integration.test_learner_pages_languages import swedish_in_the_interface
from tests.roster_files import person, roster_csv
from vbe_learn.core.audit import record
from vbe_learn.core.extensions import db
from vbe_learn.models import RoleAssignment, User
from vbe_learn.reminders.log import KIND_TEXTS
from vbe_learn.reminders.planning import KIND_LABELS

ADMINISTRATION = "Skärholmens stadsdelsförvaltning"


def role_holder(role: str, administration_id: int | None = None, **fields) -> User:
    user = make_user(**fields)
    db.session.add(RoleAssignment(user_id=user.id, role=role, administration_id=administration_id))
    db.session.commit()
    return user


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def in_english(html: str) -> None:
    assert '<html lang="en"' in html
    assert swedish_in_the_interface(html) == []


def test_an_english_samordnare_reads_the_forvaltning_page_and_the_frageanalys(client, auth):
    unit = make_unit(ADMINISTRATION, "Hemtjänst Söder")
    administration_id = unit.department.administration_id
    learner = make_user(unit=unit, first_name="Ada", last_name="Lind")
    auth.login(learner.email)
    read_all_pages(client, 1)
    attempt = start_check(client, 1)
    assert client.post(f"/kunskapskontroll/{attempt.id}", data=wrong_answers(attempt)).status_code
    auth.logout()
    samordnare = role_holder(
        "samordnare", administration_id, unit=unit, first_name="Bo", course_language="en"
    )
    auth.login(samordnare.email)

    html = page(client, f"/uppfoljning/forvaltning/{administration_id}")
    in_english(html)
    assert f'<h1><span lang="sv">{ADMINISTRATION}</span></h1>' in html
    assert "<dt>Number of employees</dt>" in html and "<h2>Trend</h2>" in html
    assert "Employed more than 30 days without completing the training" in html
    assert '<span lang="sv">Hemtjänst Söder</span></a>' in html
    # The charts: their texts in English, the förvaltning's name marked as Swedish.
    assert "Share completed per month</title>" in html and "Line chart, scale 0" in html
    assert f'lang="sv">{ADMINISTRATION}</text>' in html
    assert f'<span lang="sv">{ADMINISTRATION}</span>: ' in html  # in the text alternative
    assert "Linjediagram" not in html and "Andel genomförda" not in html

    html = page(client, "/uppfoljning/fragor")
    in_english(html)
    assert "<h1>Question analysis</h1>" in html
    assert "Share right the first time" in html and "Most common wrong answer" in html
    assert '<h2 id="modul-1">1. <span lang="sv">' in html
    assert f'<option value="{administration_id}" lang="sv">{ADMINISTRATION}</option>' in html
    assert "Horizontal bar chart, scale 0" in html and "(loaded " in html

    # The same pages for a Swedish samordnare: Swedish, nothing marked.
    auth.logout()
    swedish = role_holder("samordnare", administration_id, unit=unit, first_name="Cy")
    auth.login(swedish.email)
    html = page(client, f"/uppfoljning/forvaltning/{administration_id}")
    assert '<html lang="sv"' in html and f"<h1>{ADMINISTRATION}</h1>" in html
    assert "Linjediagram, skala 0" in html and '<span lang="sv">' not in html
    assert f'lang="sv">{ADMINISTRATION}</text>' not in html
    assert "Andel rätt första gången" in page(client, "/uppfoljning/fragor")


def test_an_english_admin_reads_roller_and_the_handelselogg(client, auth):
    unit = make_unit(ADMINISTRATION, "Hemtjänst Söder")
    administration_id = unit.department.administration_id
    admin = role_holder("admin", first_name="Ada", last_name="Admin", course_language="en")
    holder = role_holder(
        "samordnare", administration_id, first_name="Tove", last_name="Test", email="tove@test.se"
    )
    record(admin, "role.granted", f"user:{holder.id}", role="samordnare",
           administration_id=administration_id)  # fmt: skip
    db.session.commit()
    auth.login(admin.email)

    html = page(client, "/admin/roller")
    in_english(html)
    assert "<h1>Roles</h1>" in html and "Managers need no role" in html
    assert f'<td>Coordinator</td><td><span lang="sv">{ADMINISTRATION}</span></td>' in html
    assert f'<option lang="sv" value="{administration_id}">{ADMINISTRATION}</option>' in html
    assert '<label class="ds-label" for="email">The person' in html and "s email</label>" in html

    html = page(client, "/admin/logg")
    in_english(html)
    assert "<h1>Event log</h1>" in html and "1 event." in html
    assert "<td>Role given</td>" in html and '<option value="role.granted">Role given</option>' in (
        html
    )
    # The log's record stays Swedish, marked as such.
    assert '<td><span lang="sv">Gav Tove Test (tove@test.se) rollen Samordnare' in html

    response = client.post("/admin/logg/export")
    rows = list(
        csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    assert rows[0] == ["Tid", "Vem", "Händelse", "Gäller", "Beskrivning"]
    assert rows[1][2] == "Roll given" and rows[1][4].startswith("Gav Tove Test")

    response = client.post(
        "/admin/roller", data={"email": "", "role": "samordnare", "administration": "0"}
    )
    html = response.get_data(as_text=True)
    in_english(html)
    assert "Enter the email address." in html


def test_an_english_admin_uploads_a_roster(client, auth):
    admin = role_holder("admin", first_name="Ada", last_name="Admin", course_language="en")
    auth.login(admin.email)
    html = page(client, "/admin/personallista")
    in_english(html)
    assert "<h1>Import a staff roster</h1>" in html
    assert '<code lang="sv">Anställningsnummer</code>' in html

    rows = [
        person("1001", unit="Ledning", first="Anna", last="Berg"),
        person("1002", unit="Förskola Ängen", first="Bo", last="Lind", manager="1001"),
    ]
    response = client.post(
        "/admin/personallista",
        data={"file": (io.BytesIO(roster_csv(rows)), "lista.csv"), "as_of": "2026-01-01"},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    in_english(html)
    assert "<h1>Preview</h1>" in html and "has 2 rows and no errors" in html
    assert '<span lang="sv">Skärholmens stadsdelsförvaltning / Äldreomsorg / Ledning</span>' in html
    assert "Confirm the import" in html

    rows[1]["E-post"] = "inte-en-adress"
    response = client.post(
        "/admin/personallista",
        data={"file": (io.BytesIO(roster_csv(rows)), "lista.csv"), "as_of": "2026-01-01"},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert "The file was refused – nothing has changed" in html
    assert "<li>Row 3: The email address “inte-en-adress” is not valid.</li>" in html


def test_the_export_and_reminder_pages_in_english(client, auth):
    unit = make_unit(ADMINISTRATION, "Hemtjänst Söder")
    central = role_holder("central_samordnare", unit=unit, first_name="Bo", course_language="en")
    auth.login(central.email)
    client.post("/paminnelser/", data={"scope": "stad", "due_on": "2027-01-31"})
    html = page(client, "/paminnelser/")
    in_english(html)
    assert "<h1>Deadlines and reminders</h1>" in html and "<td>The whole city</td>" in html
    assert f'<td><span lang="sv">{ADMINISTRATION}</span></td>' in html
    in_english(page(client, "/paminnelser/logg"))
    html = page(client, "/uppfoljning/export")
    in_english(html)
    assert "<h1>Export a participant list</h1>" in html and "Order XLSX" in html
    auth.logout()
    admin = role_holder("admin", first_name="Ada", course_language="en")
    auth.login(admin.email)
    html = page(client, "/admin/exporter")
    in_english(html)
    assert "<h1>Exports</h1>" in html


def test_every_reminder_kind_has_its_interface_text():
    assert set(KIND_TEXTS) == set(KIND_LABELS)
