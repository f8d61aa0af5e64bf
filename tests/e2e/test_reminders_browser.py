"""In Chromium with CSRF on: a chef presses "Påminn", a samordnare sets their deadline."""

import pytest
from sqlalchemy import select

from tests.e2e.playwright_api import expect
from tests.e2e.sign_in import log_in
from tests.factories import make_unit, make_user
from vbe_learn.core.extensions import db
from vbe_learn.models import Deadline, ReminderMessage, RoleAssignment
from vbe_learn.models.org import COORDINATOR

pytestmark = [pytest.mark.live, pytest.mark.browser]


def test_chef_reminds_a_team_member_and_samordnare_sets_a_deadline(app, new_context):
    with app.app_context():
        unit = make_unit("Påminnelseförvaltningen", "Enhet P")
        chef = make_user("chef.p@test.se", unit, first_name="Petra", last_name="Chef")
        worker = make_user("olle.p@test.se", unit, first_name="Olle", last_name="Ovald",
                           manager=chef)  # fmt: skip
        coordinator = make_user("samordnare.p@test.se", unit)
        db.session.add(
            RoleAssignment(user_id=coordinator.id, role=COORDINATOR,
                           administration_id=unit.department.administration_id)
        )  # fmt: skip
        db.session.commit()
        worker_id, administration_id = worker.id, unit.department.administration_id

    page = new_context().new_page()
    log_in(page, "chef.p@test.se")
    page.goto("/uppfoljning/team")
    page.get_by_role("link", name="Påminn Olle Ovald").click()
    page.get_by_role("button", name="Skicka påminnelsen").click()
    expect(page.get_by_role("status")).to_contain_text("En påminnelse skickas till 1 person")
    expect(page.get_by_role("link", name="Påminn Olle Ovald")).to_have_count(0)  # once a day
    with app.app_context():
        kinds = db.session.scalars(
            select(ReminderMessage.kind).where(ReminderMessage.user_id == worker_id)
        ).all()
        assert kinds == ["manual"]

    page = new_context().new_page()
    log_in(page, "samordnare.p@test.se")
    page.get_by_role("link", name="Påminnelser").click()
    page.get_by_label("Gäller").select_option(label="Påminnelseförvaltningen")
    page.get_by_label("Sista dag").fill("2027-01-31")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("Sista dag är ändrad.")
    expect(page.locator("table").first).to_contain_text("2027-01-31")
    with app.app_context():
        due_on = db.session.scalar(
            select(Deadline.due_on).where(Deadline.administration_id == administration_id)
        )
        assert due_on.isoformat() == "2027-01-31"
