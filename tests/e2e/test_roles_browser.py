"""In Chromium with CSRF on: a learner sees their Sista dag on Min utbildning; an admin meets
the roster's mass-deactivation guard and cancels a preview; every form control is at least
44 px high."""

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.e2e.playwright_api import expect
from tests.e2e.sign_in import log_in
from tests.factories import PASSWORD, make_unit, make_user
from tests.roster_files import person, roster_csv
from vbe_learn.core.extensions import db
from vbe_learn.models import Deadline, RoleAssignment, RosterImport, RosterUpload, User
from vbe_learn.models.org import ADMIN
from vbe_learn.models.types import city_today

pytestmark = [pytest.mark.live, pytest.mark.browser]

STAFF = 20  # people in the first roster; the extract keeps 3 of them
KEPT = 3
MIN_TARGET_PX = 44
# Every visible text field, date field, file field, select and button with its height.
CONTROLS = ", ".join(
    f"main {kind}"
    for kind in (
        "input:not([type=hidden], [type=checkbox], [type=radio])",
        "select",
        "button",
        ".ds-button",
    )
)
CONTROL_HEIGHTS = """(selector) => [...document.querySelectorAll(selector)]
  .filter((e) => e.offsetParent !== null)
  .map((e) => ({control: `${e.tagName.toLowerCase()}#${e.id || e.name || e.textContent.trim()}`,
                height: e.getBoundingClientRect().height}))"""


def assert_controls_are_tall_enough(page, label: str) -> None:
    page.wait_for_load_state("load")  # the stylesheets too
    controls = page.evaluate(CONTROL_HEIGHTS, CONTROLS)
    assert controls, f"{label}: no form controls found"
    low = [c for c in controls if c["height"] < MIN_TARGET_PX]
    assert not low, f"{label}: lower than {MIN_TARGET_PX} px: {low}"


def active_people() -> int:
    return db.session.scalar(select(func.count()).where(User.active.is_(True)))


def test_a_learner_sees_their_deadline_and_the_days_left(app, new_context):
    today = city_today()
    with app.app_context():
        unit = make_unit("Sista dag-förvaltningen", "Enhet S")
        db.session.add(
            Deadline(
                administration_id=unit.department.administration_id, due_on=today - timedelta(3)
            )
        )
        make_user("ny.s@test.se", unit, first_name="Nils", employed_from=today - timedelta(days=18))
        make_user(
            "sen.s@test.se", unit, first_name="Sara", employed_from=today - timedelta(days=400)
        )
        db.session.commit()

    page = new_context().new_page()
    log_in(page, "ny.s@test.se")
    summary = page.locator(".course-summary")
    expect(summary).to_contain_text("Sista dag")
    expect(summary).to_contain_text((today + timedelta(days=12)).isoformat())
    expect(summary).to_contain_text("12 dagar kvar")
    expect(summary.get_by_text("Försenad", exact=True)).to_have_count(0)
    expect(page.get_by_role("list", name="Moduler").get_by_role("listitem").first).to_contain_text(
        "Ej påbörjad"
    )

    page = new_context().new_page()
    log_in(page, "sen.s@test.se")
    summary = page.locator(".course-summary")
    expect(summary).to_contain_text((today - timedelta(days=3)).isoformat())
    expect(summary).to_contain_text("3 dagar försenad")
    expect(summary.get_by_text("Försenad", exact=True)).to_be_visible()


def test_an_admin_meets_the_mass_deactivation_guard(app, new_context):
    staff = [person(str(7000 + n), unit="Hemtjänst Väst") for n in range(STAFF)]
    with app.app_context():
        admin = make_user("admin.r@test.se")
        db.session.add(RoleAssignment(user_id=admin.id, role=ADMIN))
        db.session.commit()
    client = app.test_client()  # the first, whole roster through the app (CSRF off there)
    assert (
        client.post(
            "/logga-in", data={"email": "admin.r@test.se", "password": PASSWORD}
        ).status_code
        == 302
    )
    first = client.post(
        "/admin/personallista",
        data={"file": (io.BytesIO(roster_csv(staff)), "hela.csv"), "as_of": "2026-01-01"},
        content_type="multipart/form-data",
    )
    token = re.search(r'action="/admin/personallista/([^"/]+)"', first.get_data(as_text=True))
    assert client.post(f"/admin/personallista/{token.group(1)}").status_code == 302
    with app.app_context():
        before = active_people()
        assert app.config["ROSTER_MAX_DEACTIVATE_SHARE"] < (STAFF - KEPT) / before

    page = new_context().new_page()
    log_in(page, "admin.r@test.se")
    page.get_by_role("link", name="Personallista").click()
    assert_controls_are_tall_enough(page, "Personallista")
    page.locator("#file").set_input_files(
        files=[{"name": "utdrag.csv", "mimeType": "text/csv", "buffer": roster_csv(staff[:KEPT])}]
    )
    page.get_by_label("Personallistans datum").fill("2026-02-01")
    page.get_by_role("button", name="Förhandsgranska").click()
    warning = page.locator("#massavaktivering")
    expect(warning).to_contain_text(
        f"Varning: {STAFF - KEPT} av {before} aktiva personer avaktiveras"
    )
    assert_controls_are_tall_enough(page, "Förhandsgranskning")

    # Confirming without the number is refused, in Swedish, and changes nothing.
    page.get_by_role("button", name="Bekräfta importen").click()
    summary = page.locator(".ds-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(
        f"Du skrev inget antal, och importen avaktiverar {STAFF - KEPT} personer. "
        "Inget har ändrats."
    )
    field = page.get_by_label("Skriv antalet personer som avaktiveras för att bekräfta")
    expect(field).to_have_attribute("aria-invalid", "true")
    summary.get_by_role("link").click()
    expect(field).to_be_focused()
    with app.app_context():
        assert active_people() == before

    # A wrong number is refused too; the right one applies the roster.
    field.fill(str(STAFF - KEPT - 1))
    page.get_by_role("button", name="Bekräfta importen").click()
    expect(page.locator(".ds-error-summary")).to_contain_text(f"Du skrev {STAFF - KEPT - 1}, men")
    with app.app_context():
        assert active_people() == before
    page.get_by_label("Skriv antalet personer som avaktiveras för att bekräfta").fill(
        str(STAFF - KEPT)
    )
    page.get_by_role("button", name="Bekräfta importen").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"0 nya, 0 ändrade, {STAFF - KEPT} avaktiverade"
    )
    with app.app_context():
        assert active_people() == before - (STAFF - KEPT)


def test_an_admin_cancels_a_previewed_roster(app, new_context):
    with app.app_context():
        admin = make_user("admin.c@test.se")
        db.session.add(RoleAssignment(user_id=admin.id, role=ADMIN))
        db.session.commit()
    page = new_context().new_page()
    log_in(page, "admin.c@test.se")
    page.goto("/admin/personallista")
    roster = roster_csv([person("7100", unit="Hemtjänst Väst")])
    page.locator("#file").set_input_files(
        files=[{"name": "lista.csv", "mimeType": "text/csv", "buffer": roster}]
    )
    page.get_by_role("button", name="Förhandsgranska").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Förhandsgranskning")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RosterUpload)) == 1

    page.get_by_role("button", name="Avbryt").click()
    expect(page.get_by_role("status")).to_contain_text("Importen är avbruten. Inget har ändrats.")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RosterUpload)) == 0
        assert db.session.scalar(select(func.count()).select_from(RosterImport)) == 0


def test_date_fields_and_selects_are_44_px_high(app, new_context):
    with app.app_context():
        admin = make_user("admin.h@test.se")
        db.session.add(RoleAssignment(user_id=admin.id, role=ADMIN))
        db.session.commit()
    page = new_context().new_page()
    log_in(page, "admin.h@test.se")
    for path, label in (("/admin/roller", "Roller"), ("/admin/logg", "Händelselogg")):
        page.goto(path)
        expect(page.locator("main select").first).to_be_visible()
        assert_controls_are_tall_enough(page, label)
    assert page.locator("main input[type=date]").count() == 2
