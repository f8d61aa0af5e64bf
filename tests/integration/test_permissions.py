"""Who may see whom: every role against its own and other units' and förvaltningar's pages.

Anything outside a person's reach answers 404, exactly like something that does not exist.
"""

from dataclasses import dataclass

import pytest

from tests.factories import make_unit, make_user
from vbe_learn.auth.services import find_signed_in_user
from vbe_learn.core.extensions import db
from vbe_learn.models import RoleAssignment, User
from vbe_learn.permissions import (
    administrations_in_reach,
    main_menu,
    may_export_summary,
    may_follow_up,
    may_import_roster,
    may_manage_deadlines,
    may_manage_roles,
    may_see_administration_overview,
    may_see_audit_log,
    may_see_export_log,
    may_see_question_analysis,
    may_see_team,
    may_see_whole_city,
)


@dataclass
class City:
    """Two förvaltningar: A (units a1, a2) and B (unit b1), with chefs and role holders."""

    admin_a: int
    admin_b: int
    unit_a1: int
    unit_b1: int
    people: dict[str, User]


@pytest.fixture
def city() -> City:
    a1 = make_unit("Förvaltning A", "Enhet A1")
    a2 = make_unit("Förvaltning A", "Enhet A2")
    b1 = make_unit("Förvaltning B", "Enhet B1")
    people = {}
    people["chef_a"] = make_user(email="chef.a@test.se", unit=a1)
    people["worker_a1"] = make_user(email="worker.a1@test.se", unit=a1, manager=people["chef_a"])
    people["subchef_a2"] = make_user(email="subchef.a2@test.se", unit=a2, manager=people["chef_a"])
    people["worker_a2"] = make_user(
        email="worker.a2@test.se", unit=a2, manager=people["subchef_a2"]
    )
    people["chef_b"] = make_user(email="chef.b@test.se", unit=b1)
    people["worker_b1"] = make_user(email="worker.b1@test.se", unit=b1, manager=people["chef_b"])
    people["samordnare_a"] = make_user(email="samordnare.a@test.se", unit=a1)
    people["central"] = make_user(email="central@test.se")
    people["admin"] = make_user(email="admin@test.se")
    admin_a = a1.department.administration_id
    db.session.add_all(
        [
            RoleAssignment(
                user_id=people["samordnare_a"].id, role="samordnare", administration_id=admin_a
            ),  # fmt: skip
            RoleAssignment(user_id=people["central"].id, role="central_samordnare"),
            RoleAssignment(user_id=people["admin"].id, role="admin"),
        ]
    )
    db.session.commit()
    return City(admin_a, b1.department.administration_id, a1.id, b1.id, people)


def status(client, auth, city: City, viewer: str, path: str) -> int:
    auth.login(city.people[viewer].email)
    ids = {name: person.id for name, person in city.people.items()}
    url = path.format(A=city.admin_a, B=city.admin_b, **ids)
    return client.get(url).status_code


PERSON = "/uppfoljning/person/{%s}"
MATRIX = [
    # (viewer, path, expected status)
    ("worker_a1", "/uppfoljning/", 404),
    ("worker_a1", "/uppfoljning/team", 404),
    ("worker_a1", "/uppfoljning/forvaltning/{A}", 404),
    ("worker_a1", PERSON % "worker_a1", 200),
    ("worker_a1", PERSON % "worker_a2", 404),
    ("worker_a1", PERSON % "chef_a", 404),
    ("worker_a1", "/admin/personallista", 404),
    ("worker_a1", "/admin/roller", 404),
    ("chef_a", "/uppfoljning/", 302),
    ("chef_a", "/uppfoljning/team", 200),
    ("chef_a", PERSON % "worker_a1", 200),
    ("chef_a", PERSON % "worker_a2", 200),  # below the sub-chef: still in reach
    ("chef_a", PERSON % "worker_b1", 404),
    ("chef_a", PERSON % "samordnare_a", 404),  # same enhet, but not in the chef chain
    ("chef_a", "/uppfoljning/forvaltning/{A}", 404),
    ("chef_a", "/admin/personallista", 404),
    ("subchef_a2", PERSON % "worker_a2", 200),
    ("subchef_a2", PERSON % "worker_a1", 404),
    ("subchef_a2", PERSON % "chef_a", 404),
    ("chef_b", PERSON % "worker_b1", 200),
    ("chef_b", PERSON % "worker_a1", 404),
    ("samordnare_a", "/uppfoljning/", 200),
    ("samordnare_a", "/uppfoljning/forvaltning/{A}", 200),
    ("samordnare_a", "/uppfoljning/forvaltning/{B}", 404),
    ("samordnare_a", "/uppfoljning/forvaltning/999999", 404),
    ("samordnare_a", PERSON % "worker_a2", 200),
    ("samordnare_a", PERSON % "worker_b1", 404),
    ("samordnare_a", "/uppfoljning/team", 404),
    ("samordnare_a", "/admin/personallista", 404),
    ("samordnare_a", "/admin/roller", 404),
    ("central", "/uppfoljning/", 200),
    ("central", "/uppfoljning/forvaltning/{A}", 200),
    ("central", "/uppfoljning/forvaltning/{B}", 200),
    ("central", PERSON % "worker_b1", 200),
    ("central", "/uppfoljning/person/999999", 404),
    ("central", "/admin/personallista", 200),
    ("central", "/admin/roller", 404),
    ("admin", "/admin/roller", 200),
    ("admin", "/admin/personallista", 200),
    ("admin", "/uppfoljning/", 404),
    ("admin", PERSON % "worker_a1", 404),
]


@pytest.mark.parametrize(("viewer", "path", "expected"), MATRIX)
def test_reach(client, auth, city, viewer, path, expected):
    assert status(client, auth, city, viewer, path) == expected


def test_samordnare_overview_lists_only_their_forvaltning(client, auth, city):
    auth.login(city.people["samordnare_a"].email)
    html = client.get("/uppfoljning/").get_data(as_text=True)
    assert "Förvaltning A" in html and "Förvaltning B" not in html


def test_central_overview_lists_every_forvaltning_with_counts(client, auth, city):
    auth.login(city.people["central"].email)
    html = client.get("/uppfoljning/").get_data(as_text=True)
    assert "Förvaltning A" in html and "Förvaltning B" in html


def test_chef_team_lists_every_level_below_and_nobody_else(client, auth, city):
    auth.login(city.people["chef_a"].email)
    html = client.get("/uppfoljning/team").get_data(as_text=True)
    for name in ("worker_a1", "subchef_a2", "worker_a2"):
        assert city.people[name].last_name in html
    for name in ("worker_b1", "samordnare_a", "chef_a"):
        assert city.people[name].last_name not in html


def test_a_move_changes_reach_at_once(client, auth, city):
    worker = db.session.get(User, city.people["worker_a1"].id)
    worker.manager_id = city.people["chef_b"].id
    worker.unit_id = city.unit_b1
    db.session.commit()
    auth.login(city.people["chef_a"].email)
    assert client.get(f"/uppfoljning/person/{worker.id}").status_code == 404
    auth.logout()
    auth.login(city.people["samordnare_a"].email)
    assert client.get(f"/uppfoljning/person/{worker.id}").status_code == 404
    auth.logout()
    auth.login(city.people["chef_b"].email)
    assert client.get(f"/uppfoljning/person/{worker.id}").status_code == 200


def test_menu_shows_only_what_the_person_may_use(client, auth, city):
    auth.login(city.people["worker_a1"].email)
    html = client.get("/min-utbildning").get_data(as_text=True)
    assert "Uppföljning" not in html and "Personallista" not in html and "Roller" not in html
    auth.logout()
    auth.login(city.people["admin"].email)
    html = client.get("/min-utbildning").get_data(as_text=True)
    assert "Personallista" in html and "Roller" in html and "Uppföljning" not in html


def test_admin_gives_and_takes_a_samordnare_role(client, auth, city):
    auth.login(city.people["admin"].email)
    worker = city.people["worker_b1"]
    response = client.post(
        "/admin/roller",
        data={"email": worker.email, "role": "samordnare", "administration": city.admin_b},
    )
    assert response.status_code == 302
    assignment = db.session.scalar(
        db.select(RoleAssignment).where(RoleAssignment.user_id == worker.id)
    )
    assert assignment.administration_id == city.admin_b
    auth.logout()
    auth.login(worker.email)
    assert client.get(f"/uppfoljning/forvaltning/{city.admin_b}").status_code == 200
    auth.logout()
    auth.login(city.people["admin"].email)
    client.post(f"/admin/roller/{assignment.id}/ta-bort")
    auth.logout()
    auth.login(worker.email)
    assert client.get(f"/uppfoljning/forvaltning/{city.admin_b}").status_code == 404


def test_role_form_refuses_unknown_person_and_samordnare_without_forvaltning(client, auth, city):
    auth.login(city.people["admin"].email)
    html = client.post(
        "/admin/roller", data={"email": "ingen@test.se", "role": "admin", "administration": 0}
    ).get_data(as_text=True)
    assert "Det finns ingen aktiv person med den e-postadressen." in html
    html = client.post(
        "/admin/roller",
        data={"email": city.people["worker_a1"].email, "role": "samordnare", "administration": 0},
    ).get_data(as_text=True)
    assert "Välj förvaltning för samordnaren." in html
    assert db.session.scalar(db.select(db.func.count(RoleAssignment.id))) == 3


def test_non_admin_cannot_remove_roles(client, auth, city):
    assignment = db.session.scalar(db.select(RoleAssignment).limit(1))
    auth.login(city.people["central"].email)
    assert client.post(f"/admin/roller/{assignment.id}/ta-bort").status_code == 404
    assert db.session.get(RoleAssignment, assignment.id) is not None


def test_an_unknown_session_token_signs_in_nobody(app):
    with app.test_request_context("/"):
        assert find_signed_in_user("no-such-token") is None


def test_a_session_token_signs_in_its_active_person_only(app, city):
    user = city.people["worker_a1"]
    with app.test_request_context("/"):
        assert find_signed_in_user(user.session_token) is user
        user.active = False
        db.session.flush()
        assert find_signed_in_user(user.session_token) is None


def test_the_last_admin_role_cannot_be_removed(client, auth, city):
    admin = city.people["admin"]
    assignment = db.session.scalar(
        db.select(RoleAssignment).where(RoleAssignment.user_id == admin.id)
    )
    auth.login(admin.email)
    response = client.post(f"/admin/roller/{assignment.id}/ta-bort", follow_redirects=True)
    assert "Den sista administratören kan inte tas bort" in response.get_data(as_text=True)
    assert db.session.get(RoleAssignment, assignment.id) is not None


def test_the_first_admin_is_given_from_the_command_line(runner, city):
    worker = city.people["worker_a1"]
    result = runner.invoke(args=["users", "grant-role", worker.email, "admin"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=["users", "grant-role", worker.email, "samordnare", "--administration", "Okänd"]
    )
    assert result.exit_code != 0 and "befintlig förvaltning" in result.output
    result = runner.invoke(
        args=[
            "users",
            "grant-role",
            worker.email,
            "samordnare",
            "--administration",
            "Förvaltning B",
        ]
    )
    assert result.exit_code == 0, result.output
    roles = db.session.execute(
        db.select(RoleAssignment.role, RoleAssignment.administration_id).where(
            RoleAssignment.user_id == worker.id
        )
    ).all()
    assert sorted(roles, key=str) == sorted(
        [("admin", None), ("samordnare", city.admin_b)], key=str
    )
    assert runner.invoke(args=["users", "grant-role", "nobody@x.se", "admin"]).exit_code != 0


ROLES = ("worker_a1", "chef_a", "samordnare_a", "central", "admin")  # medarbetare … admin
HELPERS = {
    # helper: who (of ROLES) gets True
    may_see_team: {"chef_a"},
    may_see_whole_city: {"central"},
    may_export_summary: {"central"},
    may_see_export_log: {"admin"},
    may_see_audit_log: {"admin"},
    may_manage_roles: {"admin"},
    may_import_roster: {"central", "admin"},
    may_follow_up: {"chef_a", "samordnare_a", "central"},
    may_manage_deadlines: {"samordnare_a", "central"},
    may_see_question_analysis: {"samordnare_a", "central"},
    may_see_administration_overview: {"samordnare_a", "central"},
}
MENU_ENTRIES = {
    "follow_up": may_follow_up,
    "roster": may_import_roster,
    "roles": may_manage_roles,
    "export_log": may_see_export_log,
    "my_exports": may_follow_up,
    "audit_log": may_see_audit_log,
    "reminders": may_manage_deadlines,
}


@pytest.mark.parametrize("helper", list(HELPERS), ids=lambda helper: helper.__name__)
@pytest.mark.parametrize("person", ROLES)
def test_each_role_against_each_yes_no_helper(app, city, helper, person):
    with app.test_request_context("/"):
        assert helper(city.people[person]) is (person in HELPERS[helper])


@pytest.mark.parametrize("person", ROLES)
def test_the_main_menu_answers_as_the_helpers(app, city, person):
    with app.test_request_context("/"):
        user = city.people[person]
        expected = {entry: helper(user) for entry, helper in MENU_ENTRIES.items()}
        assert main_menu(user) == expected


@pytest.mark.parametrize("person", ROLES)
def test_administrations_in_reach_for_each_role(app, city, person):
    """None is the whole city; a samordnare gets their förvaltningar; others none."""
    expected = {
        "worker_a1": frozenset(),
        "chef_a": frozenset(),
        "samordnare_a": frozenset({city.admin_a}),
        "central": None,
        "admin": frozenset(),
    }[person]
    with app.test_request_context("/"):
        assert administrations_in_reach(city.people[person]) == expected


def test_a_samordnare_for_two_forvaltningar_reaches_both(app, city):
    person = city.people["samordnare_a"]
    db.session.add(
        RoleAssignment(user_id=person.id, role="samordnare", administration_id=city.admin_b)
    )
    db.session.flush()
    with app.test_request_context("/"):
        assert administrations_in_reach(person) == {city.admin_a, city.admin_b}
        assert may_see_administration_overview(person) and not may_see_whole_city(person)


def test_a_chef_who_is_also_samordnare_sees_both(app, city):
    person = city.people["chef_a"]
    db.session.add(
        RoleAssignment(user_id=person.id, role="samordnare", administration_id=city.admin_b)
    )
    db.session.flush()
    with app.test_request_context("/"):
        assert may_see_team(person) and may_see_administration_overview(person)
        assert administrations_in_reach(person) == {city.admin_b}


@pytest.mark.parametrize("person", ROLES)
def test_the_export_log_has_its_own_menu_entry(client, auth, city, person):
    auth.login(city.people[person].email)
    html = client.get("/min-utbildning").get_data(as_text=True)
    assert ("Exportlogg" in html) is (person == "admin")
    assert ('href="/admin/exporter"' in html) is (person == "admin")
