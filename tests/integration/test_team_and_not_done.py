"""The chef's team (Ej klara first, Försenad, Sista dag, progress, Senast påmind) and a
förvaltning's list of people not done, with Påminn behind a confirmation page."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import course, make_unit, make_user
from tests.sql_statements import recorded_statements
from vbe_learn.core.extensions import db
from vbe_learn.followup import missing
from vbe_learn.learning.services.completion import new_certificate_code
from vbe_learn.models import (
    Attempt,
    Completion,
    Deadline,
    Enrollment,
    ReminderMessage,
    RoleAssignment,
    Unit,
    User,
)
from vbe_learn.models.org import COORDINATOR
from vbe_learn.models.types import city_today, utcnow
from vbe_learn.permissions import may_remind_in_administration

TODAY = city_today()
LONG_AGO = TODAY - timedelta(days=2000)


def complete(user, on):
    db.session.add(
        Completion(
            user_id=user.id, course_id=course().id, completed_on=on, source="imported",
            certificate_code=new_certificate_code(),
        )
    )  # fmt: skip


def pass_first_module(user):
    """An enrollment in the current version with module 1's check passed."""
    version = course().current_version
    enrollment = Enrollment(
        user_id=user.id, course_id=course().id, course_version_id=version.id
    )  # fmt: skip
    db.session.add(enrollment)
    db.session.flush()
    db.session.add(
        Attempt(
            enrollment_id=enrollment.id, user_id=user.id, module_id=version.modules[0].id,
            number=1, questions_shown=[], submitted_at=utcnow(), score_percent=100, passed=True,
        )
    )  # fmt: skip


@pytest.fixture
def org():
    home = make_unit("Förvaltning A", "Hemtjänsten")
    school = make_unit("Förvaltning A", "Förskolan")
    library = make_unit("Förvaltning B", "Biblioteket")
    chef = make_user("chef@test.se", home, first_name="Chef", last_name="Ek")
    lead = make_user(unit=home, manager=chef, first_name="Lea", last_name="Lind",
                     employed_from=LONG_AGO)  # fmt: skip
    people = {
        "chef": chef,
        "lead": lead,
        "anna": make_user(unit=home, manager=chef, first_name="Anna", last_name="Berg",
                          employed_from=LONG_AGO),
        "bo": make_user(unit=home, manager=chef, first_name="Bo", last_name="Al",
                        employed_from=LONG_AGO),
        "cia": make_user(unit=school, manager=lead, first_name="Cia", last_name="Dahl",
                         employed_from=TODAY - timedelta(days=5)),
        "dan": make_user(unit=school, manager=lead, first_name="Dan", last_name="Ulv",
                         employed_from=LONG_AGO),
        "erik": make_user(unit=library, first_name="Erik", last_name="Ort",
                          employed_from=LONG_AGO),
    }  # fmt: skip
    complete(people["anna"], TODAY)
    complete(people["lead"], TODAY)
    complete(people["dan"], TODAY - timedelta(days=4 * 366))  # too old: Ska förnyas
    pass_first_module(people["bo"])
    db.session.add(Deadline(administration_id=None, due_on=TODAY - timedelta(days=10)))
    coordinator_a = make_user("samordnare.a@test.se")
    coordinator_b = make_user("samordnare.b@test.se")
    db.session.add_all([
        RoleAssignment(user_id=coordinator_a.id, role=COORDINATOR,
                       administration_id=home.department.administration_id),
        RoleAssignment(user_id=coordinator_b.id, role=COORDINATOR,
                       administration_id=library.department.administration_id),
    ])  # fmt: skip
    db.session.commit()
    people["admin_a"] = home.department.administration_id
    people["admin_b"] = library.department.administration_id
    people["school"] = school.id
    return people


def row_of(html: str, person) -> str:
    """The table row of one person."""
    found = re.search(rf'<tr id="person-{person.id}">(.*?)</tr>', html, re.S)
    assert found, f"no row for {person.first_name}"
    return found.group(1)


def names_in_order(html: str) -> list[str]:
    return re.findall(r'<th scope="row"[^>]*><a [^>]*>([^<]+)</a>', html)


def manual_reminders() -> list[int]:
    return db.session.scalars(
        select(ReminderMessage.user_id).where(ReminderMessage.kind == "manual")
    ).all()


def test_the_team_opens_on_ej_klara_late_first_with_deadline_and_progress(client, auth, org):
    auth.login("chef@test.se")
    html = client.get("/uppfoljning/team").get_data(as_text=True)
    # Not done: Bo (late: the city's deadline passed), Dan (Ska förnyas, late), Cia (new: her
    # own 30 days), not Anna or Lea (Genomförd) nor Erik (not in the team).
    assert names_in_order(html) == ["Bo Al", "Dan Ulv", "Cia Dahl"]
    assert '<option value="ej-klara" selected>Ej klara (3)</option>' in html
    bo, cia, dan = row_of(html, org["bo"]), row_of(html, org["cia"]), row_of(html, org["dan"])
    assert (
        'data-color="info">Påbörjad</span> <span class="ds-tag" data-color="danger">Försenad' in bo
    )
    assert (
        'data-color="warning">Ska förnyas</span> <span class="ds-tag" data-color="danger">' in dan
    )
    assert "Försenad" not in cia
    assert (TODAY - timedelta(days=10)).isoformat() in bo
    assert (TODAY + timedelta(days=25)).isoformat() in cia
    modules = len(course().current_version.modules)
    assert f"1 av {modules} moduler" in bo and f"0 av {modules} moduler" in cia
    assert "<dt>Antal i teamet</dt><dd>5</dd>" in html and "<dt>Genomförda</dt><dd>2</dd>" in html
    assert "Andel genomförda i Förvaltning A</dt>" in html
    assert "Andel genomförda i hela staden</dt>" in html

    everyone = client.get("/uppfoljning/team?status=alla&sortera=namn").get_data(as_text=True)
    assert names_in_order(everyone) == [
        "Bo Al", "Anna Berg", "Cia Dahl", "Lea Lind", "Dan Ulv"
    ]  # fmt: skip
    assert f"{modules} av {modules} moduler" in row_of(everyone, org["anna"])
    late = client.get("/uppfoljning/team?status=Försenad").get_data(as_text=True)
    assert names_in_order(late) == ["Bo Al", "Dan Ulv"]
    by_progress = client.get("/uppfoljning/team?sortera=-framsteg").get_data(as_text=True)
    assert names_in_order(by_progress)[0] == "Bo Al"
    by_deadline = client.get("/uppfoljning/team?sortera=-sista-dag").get_data(as_text=True)
    assert names_in_order(by_deadline)[0] == "Cia Dahl"
    search = client.get("/uppfoljning/team?sok=förskolan").get_data(as_text=True)
    assert names_in_order(search) == ["Dan Ulv", "Cia Dahl"]
    for bad in ("status=<script>", "sortera=drop", "sida=-1", "sida=999999999", "enhet=x"):
        response = client.get(f"/uppfoljning/team?{bad}")
        assert response.status_code == 200, bad
        assert names_in_order(response.get_data(as_text=True)) == ["Bo Al", "Dan Ulv", "Cia Dahl"]


def test_paminn_shows_the_message_first_and_returns_to_the_same_list(client, auth, org):
    bo = org["bo"]
    auth.login("chef@test.se")
    list_args = "status=F%C3%B6rsenad&sortera=namn&sok=al"
    preview = client.get(f"/paminnelser/paminn/{bo.id}?{list_args}")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Hej Bo!" in page and "Din chef påminner dig" in page
    assert "Påminnelse från din chef" in page  # the subject
    assert f"Sista dag: {(TODAY - timedelta(days=10)).isoformat()}" in page
    assert '<input type="hidden" name="status" value="Försenad">' in page
    assert '<input type="hidden" name="sortera" value="namn">' in page
    assert '<input type="hidden" name="sok" value="al">' in page
    assert manual_reminders() == []  # a GET sends nothing

    response = client.post(
        f"/paminnelser/paminn/{bo.id}", data={"status": "Försenad", "sortera": "namn", "sok": "al"}
    )
    assert response.status_code == 302
    assert response.location == (
        f"/uppfoljning/team?status=F%C3%B6rsenad&sortera=namn&sok=al#person-{bo.id}"
    )
    assert manual_reminders() == [bo.id]
    html = client.get(response.location).get_data(as_text=True)
    assert "En påminnelse skickas till 1 person vid nästa utskick." in html
    assert '<option value="Försenad" selected>' in html and 'value="namn" selected' in html
    bo_row = row_of(html, bo)
    assert '<td data-label="Senast påmind">i dag</td>' in bo_row and "Påmind i dag" in bo_row
    assert 'href="/paminnelser/paminn/' not in bo_row

    again = client.get(f"/paminnelser/paminn/{bo.id}").get_data(as_text=True)
    assert "redan fått en påminnelse i dag" in again and "Skicka påminnelsen" not in again
    # A filter sent back that is not one of the choices falls back to the default list.
    odd = client.post(f"/paminnelser/paminn/{bo.id}", data={"status": "<x>", "sortera": "1;"})
    assert odd.location == f"/uppfoljning/team#person-{bo.id}"


def test_paminn_alla_counts_and_names_the_recipients_before_sending(client, auth, org):
    auth.login("chef@test.se")
    client.post(f"/paminnelser/paminn/{org['bo'].id}")
    page = client.get("/paminnelser/paminn-alla").get_data(as_text=True)
    assert "<strong>2 personer</strong>" in page
    assert "Cia Dahl, Förskolan" in page and "Dan Ulv, Förskolan" in page
    assert "1 person har redan fått en påminnelse i dag" in page
    assert "Din chef påminner dig" in page and "Skicka 2 påminnelser" in page
    assert manual_reminders() == [org["bo"].id]
    late_only = client.get("/paminnelser/paminn-alla?status=F%C3%B6rsenad").get_data(as_text=True)
    assert "Påminnelsen skickas till <strong>1 person</strong>" in late_only  # Dan only

    response = client.post("/paminnelser/paminn-alla", data={"sortera": "-namn"})
    assert response.location == "/uppfoljning/team?sortera=-namn#lista"
    assert sorted(manual_reminders()) == sorted([org["bo"].id, org["cia"].id, org["dan"].id])
    html = client.get(response.location).get_data(as_text=True)
    assert "En påminnelse skickas till 2 personer vid nästa utskick." in html
    assert "Ingen i listan att påminna just nu." in html


def test_a_chef_reminds_only_their_own_team(client, auth, org):
    auth.login("chef@test.se")
    erik = org["erik"]
    assert client.get(f"/paminnelser/paminn/{erik.id}").status_code == 404
    assert client.post(f"/paminnelser/paminn/{erik.id}").status_code == 404
    path = f"/paminnelser/forvaltning/{org['admin_a']}/paminn/{org['bo'].id}"
    assert client.get(path).status_code == 404  # a chef is not a samordnare
    assert client.get(f"/uppfoljning/forvaltning/{org['admin_a']}/ej-klara").status_code == 404
    assert manual_reminders() == []


def test_the_samordnare_lists_people_not_done_and_reminds_within_their_forvaltning(
    client, auth, org, monkeypatch
):
    auth.login("samordnare.a@test.se")
    base = f"/uppfoljning/forvaltning/{org['admin_a']}/ej-klara"
    html = client.get(base).get_data(as_text=True)
    # Förvaltning A not done: Bo, Dan (late), Cia; the chef Ek (no Anställd från, the city's
    # deadline passed); not Anna or Lea (done), not Erik (B).
    assert names_in_order(html) == ["Bo Al", "Chef Ek", "Dan Ulv", "Cia Dahl"]
    assert "Erik Ort" not in html and "Anna Berg" not in html
    school = client.get(f"{base}?enhet={org['school']}").get_data(as_text=True)
    assert names_in_order(school) == ["Dan Ulv", "Cia Dahl"]
    late = client.get(f"{base}?status=F%C3%B6rsenad&sortera=namn").get_data(as_text=True)
    assert names_in_order(late) == ["Bo Al", "Chef Ek", "Dan Ulv"]
    assert names_in_order(client.get(f"{base}?sok=dahl").get_data(as_text=True)) == ["Cia Dahl"]
    monkeypatch.setattr(missing, "PAGE_SIZE", 3)
    second = client.get(f"{base}?sida=2").get_data(as_text=True)
    assert names_in_order(second) == ["Cia Dahl"] and "sida 2 av 2" in second

    one = f"/paminnelser/forvaltning/{org['admin_a']}/paminn/{org['cia'].id}"
    preview = client.get(f"{one}?enhet={org['school']}").get_data(as_text=True)
    assert "Samordnaren för din förvaltning påminner dig" in preview
    assert "Påminnelse från samordnaren" in preview and manual_reminders() == []
    response = client.post(one, data={"enhet": str(org["school"])})
    assert response.location == f"{base}?enhet={org['school']}#person-{org['cia'].id}"
    payload = db.session.scalar(select(ReminderMessage.payload))
    assert '"sender": "samordnare"' in payload

    everyone = f"/paminnelser/forvaltning/{org['admin_a']}/paminn-alla"
    page = client.get(f"{everyone}?status=F%C3%B6rsenad").get_data(as_text=True)
    assert "<strong>3 personer</strong>" in page
    client.post(everyone, data={"status": "Försenad"})
    assert len(manual_reminders()) == 4

    erik = org["erik"]  # in Förvaltning B
    assert (
        client.get(f"/paminnelser/forvaltning/{org['admin_a']}/paminn/{erik.id}").status_code == 404
    )
    assert (
        client.get(f"/paminnelser/forvaltning/{org['admin_b']}/paminn/{erik.id}").status_code == 404
    )
    assert client.post(f"/paminnelser/forvaltning/{org['admin_b']}/paminn-alla").status_code == 404
    assert client.get(f"/uppfoljning/forvaltning/{org['admin_b']}/ej-klara").status_code == 404
    assert erik.id not in manual_reminders()


def test_may_remind_in_administration(app, org):
    with app.test_request_context():
        coordinator = db.session.scalar(select(User).where(User.email == "samordnare.a@test.se"))
        assert may_remind_in_administration(coordinator, org["admin_a"])
        assert may_remind_in_administration(coordinator, org["admin_a"], org["bo"].id)
        assert not may_remind_in_administration(coordinator, org["admin_a"], org["erik"].id)
        assert not may_remind_in_administration(coordinator, org["admin_b"])
        assert not may_remind_in_administration(org["chef"], org["admin_a"], org["bo"].id)
        org["bo"].active = False
        db.session.flush()
        assert not may_remind_in_administration(coordinator, org["admin_a"], org["bo"].id)


def count_statements(client, path: str) -> list[str]:
    """The SQL statements one GET runs (the test's session emptied first, as in production)."""
    db.session.expunge_all()
    with recorded_statements() as statements:
        assert client.get(path).status_code == 200
    return statements


def grow(org, number: int) -> None:
    """More people in the chef's team (in Förskolan), each with an attempt and a reminder."""
    for n in range(number):
        person = make_user(unit=db.session.get(Unit, org["school"]),
                           manager=org["lead"], last_name=f"Extra{n}",
                           employed_from=LONG_AGO)  # fmt: skip
        pass_first_module(person)
        db.session.add(
            ReminderMessage(user_id=person.id, kind="before", period_key=f"x{n}",
                            recipient=person.email, status="sent", sent_at=utcnow())
        )  # fmt: skip
    db.session.commit()


@pytest.mark.parametrize(
    "who, path",
    [
        ("chef@test.se", "/uppfoljning/team?status=alla"),
        ("chef@test.se", "/paminnelser/paminn-alla"),
        ("samordnare.a@test.se", "/uppfoljning/forvaltning/{admin_a}/ej-klara"),
        ("samordnare.a@test.se", "/paminnelser/forvaltning/{admin_a}/paminn-alla"),
    ],
)
def test_query_count_does_not_grow_with_the_list(client, auth, org, who, path):
    auth.login(who)
    path = path.format(admin_a=org["admin_a"])
    count_statements(client, path)  # warm caches (the course outline, the reach)
    small = count_statements(client, path)
    grow(org, 12)
    large = count_statements(client, path)
    assert len(small) == len(large), "\n".join(large)
    total = db.session.scalar(select(func.count()).select_from(ReminderMessage))
    assert total == 12  # GETs planned nothing
