"""The follow-up pages show the same numbers as rates(), with sorting and filtering."""

from datetime import timedelta

import pytest
from sqlalchemy import true

from tests.factories import course, make_unit, make_user
from vbe_learn.core.extensions import db
from vbe_learn.followup import services
from vbe_learn.followup.people import people_with_status
from vbe_learn.learning.services.completion import new_certificate_code
from vbe_learn.learning.status import NOT_STARTED, RENEWAL_DUE, STARTED
from vbe_learn.models import Completion, Enrollment, RoleAssignment, User
from vbe_learn.models.types import city_today


def complete(user, on=None):
    db.session.add(
        Completion(
            user_id=user.id,
            course_id=course().id,
            completed_on=on or city_today(),
            source="imported",
            certificate_code=new_certificate_code(),
        )  # fmt: skip
    )
    db.session.commit()


@pytest.fixture
def org():
    hemtjanst = make_unit("Förvaltning A", "Hemtjänsten")
    forskola = make_unit("Förvaltning A", "Förskolan")
    other = make_unit("Förvaltning B", "Biblioteket")
    chef = make_user(email="chef@test.se", unit=hemtjanst, first_name="Chef", last_name="Ek")
    long_ago = city_today() - timedelta(days=400)
    people = {
        "anna": make_user(unit=hemtjanst, manager=chef, first_name="Anna", last_name="Berg",
                          employed_from=long_ago),
        "bo": make_user(unit=hemtjanst, manager=chef, first_name="Bo", last_name="Al",
                        employed_from=long_ago),
        "cia": make_user(unit=forskola, manager=chef, first_name="Cia", last_name="Dahl",
                         employed_from=city_today() - timedelta(days=5)),
        "dan": make_user(unit=other, first_name="Dan", last_name="Oslo"),
    }  # fmt: skip
    complete(people["anna"])
    complete(people["dan"])
    db.session.add(Enrollment(user_id=people["bo"].id, course_id=course().id,
                              course_version_id=course().current_version_id))  # fmt: skip
    samordnare = make_user(email="samordnare@test.se")
    central = make_user(email="central@test.se")
    db.session.add_all([
        RoleAssignment(user_id=samordnare.id, role="samordnare",
                       administration_id=hemtjanst.department.administration_id),
        RoleAssignment(user_id=central.id, role="central_samordnare"),
    ])  # fmt: skip
    db.session.commit()
    return {"admin_a": hemtjanst.department.administration_id, **people}


def test_samordnare_page_shows_totals_breakdowns_and_overdue_people(client, auth, org):
    auth.login("samordnare@test.se")
    html = client.get(f"/uppfoljning/forvaltning/{org['admin_a']}").get_data(as_text=True)
    # A: chef, anna, bo (Hemtjänsten) + cia (Förskolan) = 4 people, 1 completed (anna)
    assert "<dt>Antal anställda</dt><dd>4</dd>" in html
    assert "<dt>Genomförda</dt><dd>1</dd>" in html
    assert "<dt>Andel genomförda</dt><dd>25\u00a0%</dd>" in html
    assert "Hemtjänsten" in html and "Förskolan" in html and "Biblioteket" not in html
    overdue = html.split("utan genomförd utbildning")[1]
    assert "Bo Al" in overdue and "Anna Berg" not in overdue and "Cia Dahl" not in overdue
    # No Anställd från in the roster: placed since 2020 counts as employed since then.
    assert "Chef Ek" in overdue
    assert "<svg" in html  # the trend chart


def test_the_samordnare_page_lists_the_first_overdue_people_and_counts_them_all(
    client, auth, org, monkeypatch
):
    monkeypatch.setattr(services, "OVERDUE_SHOWN", 1)
    auth.login("samordnare@test.se")
    html = client.get(f"/uppfoljning/forvaltning/{org['admin_a']}").get_data(as_text=True)
    overdue = html.split("utan genomförd utbildning (2)")[1]
    assert "Bo Al" in overdue and "Chef Ek" not in overdue  # by name: Al before Ek
    assert "Visar de första 1." in overdue


def test_overdue_statuses_are_those_of_people_with_status(org):
    long_ago = city_today() - timedelta(days=2000)
    lapsed = make_user(first_name="Eva", last_name="Ferm", employed_from=long_ago,
                       unit=org["anna"].unit)  # fmt: skip
    complete(lapsed, city_today() - timedelta(days=4 * 366))  # older than 3 years: renewal due
    today = city_today()
    count, rows = services.overdue_people(org["admin_a"], today, 3)
    everyone = db.session.execute(people_with_status(true(), today, 3))
    statuses = {row.id: row.status for row in everyone}
    assert count == len(rows) == 3
    assert {row.last_name for row in rows} == {"Al", "Ek", "Ferm"}
    assert all(row.status == statuses[row.id] for row in rows)
    assert {row.status for row in rows} == {RENEWAL_DUE, STARTED, NOT_STARTED}


def test_central_sees_every_forvaltning_with_change(client, auth, org):
    auth.login("central@test.se")
    html = client.get("/uppfoljning/").get_data(as_text=True)
    assert "Samlad bild" in html and "Förvaltning A" in html and "Förvaltning B" in html
    assert "100\u00a0%" in html  # B: Dan completed
    assert "procentenheter" in html  # change since the previous tertial
    assert "<svg" in html


def test_chef_team_counts_sort_and_filter(client, auth, org):
    auth.login("chef@test.se")
    html = client.get("/uppfoljning/team").get_data(as_text=True)
    assert "<dt>Antal i teamet</dt><dd>3</dd>" in html and "<dd>33\u00a0%</dd>" in html
    assert "Dan Oslo" not in html
    by_name = client.get("/uppfoljning/team?status=alla&sortera=namn").get_data(as_text=True)
    assert by_name.index("Bo Al") < by_name.index("Anna Berg") < by_name.index("Cia Dahl")
    reverse = client.get("/uppfoljning/team?status=alla&sortera=-namn").get_data(as_text=True)
    assert reverse.index("Cia Dahl") < reverse.index("Anna Berg")
    started = client.get("/uppfoljning/team?status=Påbörjad").get_data(as_text=True)
    assert "Bo Al" in started and "Anna Berg" not in started
    search = client.get("/uppfoljning/team?status=alla&sok=förskolan").get_data(as_text=True)
    assert "Cia Dahl" in search and "Bo Al" not in search
    assert client.get("/uppfoljning/team?status=<script>").status_code == 200


def test_the_overview_shows_what_each_role_may_use(client, auth, org):
    auth.login("central@test.se")
    html = client.get("/uppfoljning/").get_data(as_text=True)
    assert "<h1>Samlad bild för hela staden</h1>" in html and "eller samlad bild" in html
    assert "Frågeanalys" in html and ">Mitt team</a>" not in html
    auth.logout()
    auth.login("samordnare@test.se")
    html = client.get("/uppfoljning/").get_data(as_text=True)
    assert "<h1>Uppföljning</h1>" in html and "<caption>Dina förvaltningar (sortering" in html
    assert "Frågeanalys" in html and "samlad bild" not in html.lower()
    assert ">Mitt team</a>" not in html


def test_a_chef_who_is_also_samordnare_gets_the_overview_and_a_team_link(client, auth, org):
    chef = db.session.scalar(db.select(User).where(User.email == "chef@test.se"))
    db.session.add(
        RoleAssignment(user_id=chef.id, role="samordnare", administration_id=org["admin_a"])
    )
    db.session.commit()
    auth.login("chef@test.se")
    html = client.get("/uppfoljning/").get_data(as_text=True)
    assert "<caption>Dina förvaltningar (sortering" in html
    assert 'href="/uppfoljning/team">Mitt team</a>' in html


def test_a_chef_alone_is_sent_to_the_team(client, auth, org):
    auth.login("chef@test.se")
    response = client.get("/uppfoljning/")
    assert response.status_code == 302 and response.location.endswith("/uppfoljning/team")
