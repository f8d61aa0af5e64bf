"""In Chromium with CSRF on: a chef's team opens on Ej klara, is filtered and sorted, one
person is reminded through the confirmation page and the list comes back as it was; Påminn
alla shows the recipients and the message first; at a phone's width nothing scrolls
sideways and Påminn stays within reach."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.e2e.playwright_api import expect
from tests.e2e.sign_in import log_in
from tests.factories import course, make_unit, make_user
from vbe_learn.accessibility.statement import PHONE_VIEWPORT
from vbe_learn.core.extensions import db
from vbe_learn.learning.services.completion import new_certificate_code
from vbe_learn.models import Completion, Deadline, ReminderMessage
from vbe_learn.models.types import city_today

pytestmark = [pytest.mark.live, pytest.mark.browser]

PHONE = {"width": PHONE_VIEWPORT[0], "height": PHONE_VIEWPORT[1]}
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def names(page) -> list[str]:
    return page.locator("table.people-list tbody th[scope=row]").all_inner_texts()


@pytest.fixture
def team(app):
    today = city_today()
    long_ago = today - timedelta(days=2000)
    with app.app_context():
        unit = make_unit("Chefsförvaltningen", "Hemtjänst Väst")
        other = make_unit("Chefsförvaltningen", "Förskolan Öst med ett mycket långt enhetsnamn")
        chef = make_user("chef.t@test.se", unit, first_name="Tove", last_name="Chef")
        people = [
            make_user("olle.t@test.se", unit, first_name="Olle", last_name="Ovald",
                      manager=chef, employed_from=long_ago),
            make_user("pia.t@test.se", other, first_name="Pia", last_name="Persson",
                      manager=chef, employed_from=today - timedelta(days=3)),
            make_user("rut.t@test.se", unit, first_name="Rut", last_name="Rask",
                      manager=chef, employed_from=long_ago),
        ]  # fmt: skip
        done = make_user("klar.t@test.se", unit, first_name="Klara", last_name="Klar",
                         manager=chef, employed_from=long_ago)  # fmt: skip
        db.session.add(
            Completion(user_id=done.id, course_id=course().id, completed_on=today,
                       source="imported", certificate_code=new_certificate_code())
        )  # fmt: skip
        deadline = db.session.scalar(select(Deadline).where(Deadline.administration_id.is_(None)))
        if deadline is None:
            db.session.add(Deadline(administration_id=None, due_on=today - timedelta(days=5)))
        db.session.commit()
        return {p.first_name: p.id for p in people}


def test_chef_filters_sorts_and_reminds_through_the_confirmation(app, new_context, team):
    page = new_context().new_page()
    log_in(page, "chef.t@test.se")
    page.goto("/uppfoljning/team")
    expect(page.get_by_label("Visa", exact=True)).to_have_value("ej-klara")
    expect(page.locator("table.people-list")).not_to_contain_text("Klara Klar")
    assert names(page)[:2] == ["Olle Ovald", "Rut Rask"]  # late first
    expect(page.locator(f"#person-{team['Olle']}")).to_contain_text("Försenad")

    page.get_by_label("Visa", exact=True).select_option("Försenad")
    page.get_by_label("Sortera").select_option("-namn")
    page.get_by_role("button", name="Visa", exact=True).click()
    expect(page).to_have_url(re.compile(r"status=F%C3%B6rsenad.*&sortera=-namn"))
    assert names(page) == ["Rut Rask", "Olle Ovald"]

    page.get_by_role("link", name="Påminn Olle Ovald").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Skicka påminnelse?")
    expect(page.locator(".reminder-text")).to_contain_text("Hej Olle!")
    expect(page.locator(".reminder-text")).to_contain_text("Din chef påminner dig")
    with app.app_context():  # nothing is planned before the confirming POST
        assert db.session.scalar(select(ReminderMessage.id)) is None
    page.get_by_role("button", name="Skicka påminnelsen").click()

    expect(page).to_have_url(
        re.compile(rf"/uppfoljning/team\?status=F%C3%B6rsenad&sortera=-namn#person-{team['Olle']}$")
    )
    expect(page.get_by_role("status")).to_contain_text("En påminnelse skickas till 1 person")
    expect(page.get_by_label("Visa", exact=True)).to_have_value("Försenad")
    expect(page.get_by_label("Sortera")).to_have_value("-namn")
    assert names(page) == ["Rut Rask", "Olle Ovald"]
    olle = page.locator(f"#person-{team['Olle']}")
    expect(olle.locator("td[data-label='Senast påmind']")).to_have_text("i dag")
    expect(olle).to_contain_text("Påmind i dag")

    page.goto("/uppfoljning/team")
    page.get_by_role("link", name=re.compile("Påminn alla i listan")).click()
    expect(page.locator("#mottagare")).to_contain_text("2 personer")
    expect(page.locator(".reminder-text")).to_contain_text("Din chef påminner dig")
    expect(page.get_by_text("1 person har redan fått en påminnelse i dag")).to_be_visible()
    page.get_by_text("Mottagare (2)").click()
    expect(page.locator(".reminder-recipients")).to_contain_text("Pia Persson")
    expect(page.locator(".reminder-recipients")).to_contain_text("Rut Rask")
    page.get_by_role("button", name="Skicka 2 påminnelser").click()
    expect(page).to_have_url(re.compile(r"/uppfoljning/team#lista$"))
    expect(page.get_by_role("status")).to_contain_text("till 2 personer")
    with app.app_context():
        reminded = db.session.scalars(select(ReminderMessage.user_id)).all()
        assert sorted(reminded) == sorted(team.values())


def test_the_team_fits_a_phone_and_paminn_is_reachable(new_context, team):
    page = new_context().new_page()
    page.set_viewport_size(PHONE)
    log_in(page, "chef.t@test.se")
    for path in ("/uppfoljning/team", "/uppfoljning/team?status=alla&sortera=enhet",
                 f"/paminnelser/paminn/{team['Pia']}", "/paminnelser/paminn-alla"):  # fmt: skip
        page.goto(path)
        assert page.evaluate(NO_SIDEWAYS_SCROLL), path
    page.goto("/uppfoljning/team")
    button = page.get_by_role("link", name="Påminn Pia Persson")
    button.scroll_into_view_if_needed()
    expect(button).to_be_in_viewport()
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    button.click()
    expect(page.get_by_role("button", name="Skicka påminnelsen")).to_be_visible()
