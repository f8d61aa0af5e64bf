"""The Händelselogg in plain Swedish (names, sentences, filters, CSV export) and Roller's
person search and confirmation before a role is taken away."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.factories import make_unit, make_user
from tests.roster_files import person, roster_csv
from tests.sql_statements import recorded_statements
from vbe_learn.core.audit import new_event, record
from vbe_learn.core.extensions import db
from vbe_learn.models import AuditEvent, RoleAssignment, User
from vbe_learn.roster.services import import_roster_file

LOG = "/admin/logg"
ROLES = "/admin/roller"


def role_holder(role: str, **fields) -> User:
    user = make_user(**fields)
    db.session.add(RoleAssignment(user_id=user.id, role=role))
    db.session.commit()
    return user


@pytest.fixture
def admin(auth) -> User:
    user = role_holder("admin", first_name="Ada", last_name="Admin", email="ada@test.se")
    assert auth.login(user.email).status_code == 302
    return user


def page(client, url: str = LOG) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# --- names and sentences ------------------------------------------------------------------


def test_the_log_names_people_imports_and_dates_never_ids(client, admin):
    target = make_user(first_name="Tove", last_name="Test", email="tove@test.se")
    client.post(
        ROLES, data={"email": target.email, "role": "central_samordnare", "administration": 0}
    )
    unit = make_unit()
    administration = unit.department.administration
    record(admin, "deadline.changed", f"administration:{administration.id}", old=None,
           new=date(2027, 3, 31))  # fmt: skip
    result = import_roster_file(
        roster_csv([person("7001")]), "hr-mars.csv", date(2026, 3, 1), admin
    )
    db.session.commit()
    html = page(client)
    assert "Gav Tove Test (tove@test.se) rollen Central samordnare." in html
    assert "<td>personallistan hr-mars.csv (2026-03-01)</td>" in html
    assert "Importerade personallistan hr-mars.csv med datum 2026-03-01: 1 nya, 0 ändrade" in html
    assert (
        f"Ändrade sista datum för {administration.name} från inget datum till 2027-03-31." in html
    )
    for internal in ("user:", "roster_import:", "administration:", f":{result.id}<", "None"):
        assert internal not in html, internal


def test_refused_requests_are_readable_and_summarised(client, admin):
    prober = make_user(first_name="Sam", last_name="Sondare")
    seen = make_user(first_name="Vera", last_name="Vald", email="vera@test.se")
    for _ in range(11):
        db.session.add(
            new_event(
                prober.id,
                "access.refused",
                f"user:{seen.id}",
                path=f"/uppfoljning/person/{seen.id}",
            )
        )
    db.session.commit()
    html = page(client)
    assert "Många nekade förfrågningar" in html
    assert (
        "Nekades att se uppgifterna om Vera Vald (vera@test.se) "
        f"(sidan /uppfoljning/person/{seen.id})." in html
    )
    assert "<td>Nekad förfrågan</td>" in html


def test_a_page_of_the_log_is_loaded_without_a_query_per_row(app, client, admin):
    def statements_for_a_page() -> int:
        with recorded_statements() as statements:
            page(client)
        return len(statements)

    def add_events(number: int) -> None:
        for _ in range(number):
            other = make_user()
            record(admin, "role.granted", f"user:{other.id}", role="admin")
            record(
                admin,
                "deadline.changed",
                f"administration:{make_unit().department.administration_id}",
            )
            record(admin, "access.refused", f"unit:{make_unit().id}", path="/x")
        db.session.commit()

    add_events(2)
    few = statements_for_a_page()
    add_events(12)
    assert statements_for_a_page() == few


# --- filters --------------------------------------------------------------------------------


def test_filter_by_person_name_or_email_action_and_dates(client, admin):
    anna = make_user(first_name="Anna", last_name="Ek", email="anna.ek@test.se")
    bo = make_user(first_name="Bo", last_name="Al", email="bo.al@test.se")
    for who, day in ((anna, 1), (bo, 2)):
        found = record(admin, "role.granted", f"user:{who.id}", role="admin")
        found.at = datetime(2026, 3, day, 12, tzinfo=UTC)
    own = record(bo, "export.summary", None, format="xlsx", rows=3)
    own.at = datetime(2026, 3, 5, 12, tzinfo=UTC)
    db.session.commit()

    html = page(client, f"{LOG}?person=anna+ek")
    assert "rollen Admin" in html and "Bo Al" not in html
    html = page(client, f"{LOG}?person=BO.AL%40")  # e-post, any case: as actor and as target
    assert "Gav Bo Al (bo.al@test.se) rollen Admin." in html and "Exporterade samlad bild" in html
    assert "Anna Ek" not in html
    html = page(client, f"{LOG}?action=export.summary")
    assert "Exporterade samlad bild som XLSX med 3 rader." in html and "rollen Admin" not in html
    html = page(client, f"{LOG}?date_from=2026-03-02&date_to=2026-03-02")
    assert "Bo Al (bo.al@test.se) rollen" in html and "Anna Ek" not in html
    assert "Exporterade samlad bild" not in html
    assert "1 händelse med de valda filtren." in html


def test_filters_are_kept_on_the_next_page_and_checked(client, admin):
    for number in range(55):
        record(admin, "export.summary", None, format="csv", rows=number)
    record(admin, "role.granted", None, role="admin")
    db.session.commit()
    html = page(client, f"{LOG}?action=export.summary")
    assert 'href="/admin/logg?sida=2&amp;action=export.summary"' in html
    html = page(client, f"{LOG}?date_from=2026-03-05&date_to=2026-03-01")
    assert "Till och med-datumet ligger före från och med-datumet." in html
    assert 'aria-describedby="date_to-fel"' in html


# --- export -----------------------------------------------------------------------------------


def test_export_as_csv_is_filtered_and_itself_logged(client, admin):
    target = make_user(first_name="Tove", last_name="Test", email="tove@test.se")
    record(admin, "role.granted", f"user:{target.id}", role="admin")
    record(admin, "export.summary", None, format="csv", rows=2)
    record(admin, "deadline.changed", "city", old=None, new=date(2027, 1, 31))
    db.session.commit()
    response = client.post(f"{LOG}/export?action=role.granted&person=tove")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "handelselogg.csv" in response.headers["Content-Disposition"]
    rows = list(
        csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    assert rows[0] == ["Tid", "Vem", "Händelse", "Gäller", "Beskrivning"]
    assert [row[2:] for row in rows[1:]] == [
        ["Roll given", "Tove Test (tove@test.se)", "Gav Tove Test (tove@test.se) rollen Admin."]
    ]
    assert rows[1][1] == "Ada Admin (ada@test.se)"
    (logged,) = events("auditlog.exported")
    assert logged.actor_id == admin.id
    assert logged.details == {
        "format": "csv",
        "rows": 1,
        "person": "tove",
        "event": "role.granted",
    }
    html = page(client)
    assert (
        "Exporterade händelseloggen som CSV med 1 händelser (person tove, händelse Roll given)."
        in html
    )


def test_export_cells_are_neutralised(client, admin):
    record(admin, "roster.imported", None, file="=HYPERLINK(1).csv", as_of="2026-01-01")
    db.session.commit()
    body = client.post(f"{LOG}/export").get_data(as_text=True)
    assert "Importerade personallistan =HYPERLINK" in body  # inside a sentence: harmless
    record(admin, "completions.imported", "course:x", file="a.csv")
    db.session.commit()
    assert client.get(f"{LOG}/export").status_code == 405  # a GET writes nothing


@pytest.mark.parametrize("role", [None, "central_samordnare"])
def test_only_admins_may_export_the_log(client, auth, role):
    user = role_holder(role) if role else make_user()
    auth.login(user.email)
    assert client.post(f"{LOG}/export").status_code == 404
    assert events("auditlog.exported") == []


# --- Roller: find a person, confirm before removing --------------------------------------------


def test_find_a_person_by_name_or_email_and_choose_them(client, admin):
    make_user(first_name="Åsa", last_name="Öberg", email="asa.oberg@test.se")
    make_user(first_name="Åke", last_name="Berg", email="ake.berg@test.se", active=False)
    html = page(client, f"{ROLES}?sok=Åsa")
    assert "<td>Åsa Öberg</td><td>asa.oberg@test.se</td>" in html
    assert 'href="/admin/roller?epost=asa.oberg@test.se#ge-roll"' in html
    html = page(client, f"{ROLES}?sok=OBERG%40TEST")
    assert "<td>Åsa Öberg</td>" in html
    html = page(client, f"{ROLES}?sok=berg")
    assert "Åsa Öberg" in html and "Åke Berg" not in html  # only active people
    html = page(client, f"{ROLES}?sok=ingen-alls")
    assert "Ingen aktiv person matchar ”ingen-alls”." in html
    html = page(client, f"{ROLES}?epost=asa.oberg%40test.se")
    assert 'value="asa.oberg@test.se"' in html
    assert '<label class="ds-label" for="sok">Sök person (namn eller e-post)</label>' in html


def test_an_empty_search_says_what_to_type(client, admin):
    html = page(client, f"{ROLES}?sok=")
    assert "Skriv en del av namnet eller e-postadressen." in html
    assert 'aria-describedby="sok-fel"' in html


def test_removing_a_role_asks_first(client, admin):
    holder = role_holder("central_samordnare", first_name="Cecilia", last_name="Central")
    assignment = db.session.scalar(
        select(RoleAssignment).where(RoleAssignment.user_id == holder.id)
    )
    roles_page = page(client, ROLES)
    confirm_url = f"{ROLES}/{assignment.id}/ta-bort"
    assert f'<a class="ds-link" href="{confirm_url}">Ta bort' in roles_page
    assert f'<form method="post" action="{confirm_url}"' not in roles_page  # no one-click removal
    question = page(client, confirm_url)
    assert "Ta bort rollen?" in question
    assert (
        "rollen <strong>Central samordnare</strong>" in question and "Cecilia Central" in question
    )
    assert f'<form method="post" action="{confirm_url}">' in question
    assert "Ja, ta bort rollen" in question and "Nej, avbryt" in question
    db.session.expire_all()
    assert db.session.get(RoleAssignment, assignment.id) is not None  # asking changed nothing
    response = client.post(confirm_url, follow_redirects=True)
    assert "Rollen är borttagen." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(RoleAssignment, assignment.id) is None


def test_the_confirmation_page_is_for_admins_and_existing_roles(client, auth, admin):
    assignment = db.session.scalar(select(RoleAssignment).where(RoleAssignment.user_id == admin.id))
    assert client.get(f"{ROLES}/999999/ta-bort").status_code == 404
    auth.logout()
    auth.login(role_holder("central_samordnare").email)
    assert client.get(f"{ROLES}/{assignment.id}/ta-bort").status_code == 404
