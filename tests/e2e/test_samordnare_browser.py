"""In Chromium: a samordnare follows up their förvaltning, its avdelningar and enheter and one
enhet's people; the trend chart shows the target; the page reads on a phone and prints."""

import io
import re
from datetime import timedelta

import pytest

from tests.e2e.playwright_api import expect
from tests.e2e.sign_in import log_in
from tests.factories import course, make_user
from vbe_learn.core.extensions import db
from vbe_learn.learning.services.completion import new_certificate_code
from vbe_learn.models import (
    Administration,
    Completion,
    Deadline,
    Department,
    Enrollment,
    RoleAssignment,
    Unit,
)
from vbe_learn.models.org import COORDINATOR
from vbe_learn.models.types import city_today

pytestmark = [pytest.mark.live, pytest.mark.browser]

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 800}

# The rendered size of the visible chart's text: its font size times the chart's scale, and
# the height of its box on the screen.
CHART_TEXT_SIZES = """() => {
  const svg = [...document.querySelectorAll("figure.chart svg")]
    .find(s => s.getBoundingClientRect().width > 0);
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll("text")].map(t => ({
    text: t.textContent,
    size: parseFloat(getComputedStyle(t).fontSize) * scale,
    height: t.getBoundingClientRect().height,
  }));
}"""


def complete(person, on) -> None:
    db.session.add(
        Completion(user_id=person.id, course_id=course().id, completed_on=on, source="imported",
                   certificate_code=new_certificate_code())
    )  # fmt: skip


def build_forvaltning(app) -> dict:
    """Förvaltning Test: avdelning Omsorg (Hemtjänsten, Boendet) and Barn (Förskolan), a late
    person, a new one and a completed one; sista dag 20 days ago; one samordnare."""
    today = city_today()
    with app.app_context():
        administration = Administration(name="Testförvaltningen")
        omsorg = Department(name="Omsorg", administration=administration)
        barn = Department(name="Barn", administration=administration)
        hemtjanst = Unit(name="Hemtjänsten", department=omsorg)
        boendet = Unit(name="Boendet", department=omsorg)
        forskolan = Unit(name="Förskolan", department=barn)
        db.session.add_all([hemtjanst, boendet, forskolan])
        db.session.commit()
        long_ago = today - timedelta(days=400)
        late = make_user(unit=hemtjanst, first_name="Lars", last_name="Sen", employed_from=long_ago)
        make_user(unit=hemtjanst, first_name="Nora", last_name="Ny",
                  employed_from=today - timedelta(days=3))  # fmt: skip
        done = make_user(unit=hemtjanst, first_name="Klara", last_name="Klar",
                         employed_from=long_ago)  # fmt: skip
        make_user(unit=boendet, first_name="Bo", last_name="Boende", employed_from=long_ago)
        for number in range(3):
            teacher = make_user(unit=forskolan, first_name="Förskole", last_name=f"Lärare{number}",
                                employed_from=long_ago)  # fmt: skip
            complete(teacher, today - timedelta(days=90 * number))
        complete(done, today)
        db.session.add(Enrollment(user_id=late.id, course_id=course().id,
                                  course_version_id=course().current_version_id))  # fmt: skip
        db.session.add(Deadline(administration_id=administration.id,
                                due_on=today - timedelta(days=20)))  # fmt: skip
        coordinator = make_user("samordnare.t@test.se", unit=boendet)
        db.session.add(RoleAssignment(user_id=coordinator.id, role=COORDINATOR,
                                      administration_id=administration.id))  # fmt: skip
        db.session.commit()
        return {"administration_id": administration.id, "hemtjanst_id": hemtjanst.id}


def assert_fits_a_phone(page) -> None:
    page.set_viewport_size(PHONE)
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths


def test_samordnare_follows_up_forvaltning_and_enhet(app, new_context):
    ids = build_forvaltning(app)
    page = new_context().new_page()
    page.set_viewport_size(DESKTOP)
    log_in(page, "samordnare.t@test.se")
    page.get_by_role("link", name="Uppföljning").click()
    page.get_by_role("link", name="Testförvaltningen").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Testförvaltningen")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Sista dag")
    expect(facts).to_contain_text("passerad för 20 dagar sedan")

    # Avdelningar with their enheter under them
    groups = page.locator("table.followup-groups")
    expect(groups.locator("th[scope='rowgroup']")).to_have_text(["Barn", "Omsorg"])
    omsorg = groups.locator("tbody").nth(1)
    expect(omsorg.locator("th[scope='row']")).to_have_text(["Boendet", "Hemtjänsten"])
    expect(groups.locator("tfoot")).to_contain_text("Hela förvaltningen")

    # The trend chart: the target line with its label, and the sista dag
    chart = page.locator("figure.chart svg.chart-wide").first
    expect(chart).to_be_visible()
    expect(chart.locator("line.chart-target")).to_have_count(1)
    expect(chart.locator("text.chart-target-label")).to_have_text(re.compile(r"Mål 90\s%"))
    expect(chart.locator("line.chart-deadline")).to_have_count(1)
    expect(chart.locator("desc")).to_contain_text("Mål 90")

    # On a phone: nothing scrolls sideways and the chart's text is at least 12 px
    assert_fits_a_phone(page)
    expect(page.locator("figure.chart svg.chart-narrow").first).to_be_visible()
    expect(page.locator("figure.chart svg.chart-wide").first).to_be_hidden()
    sizes = page.evaluate(CHART_TEXT_SIZES)
    assert sizes and min(s["size"] for s in sizes) >= 12, sizes
    labels = [s for s in sizes if re.match(r"\d{4}-\d{2}$", s["text"])]
    assert labels and min(s["height"] for s in labels) >= 12, labels
    # the avdelning/enhet table fits too: its Andel column is on the screen, not scrolled to
    fits = "e => [e.scrollWidth, e.clientWidth]"
    width, room = groups.locator("xpath=..").evaluate(fits)
    assert width <= room, (width, room)
    page.set_viewport_size(DESKTOP)

    # Printed: a few pages, none blank
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    page.emulate_media(media="screen")
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(pdf)).pages
    assert 1 <= len(pages) <= 4, len(pages)  # figures and definitions, charts, tables
    for number, printed in enumerate(pages, 1):
        assert printed.extract_text().strip(), f"page {number} of {len(pages)} is blank"
    first = pages[0].extract_text()
    assert "Testförvaltningen" in first and "Logga ut" not in first

    # One enhet: its people, those needing action first, with status tags and Försenad
    omsorg.get_by_role("link", name="Hemtjänsten").click()
    expect(page).to_have_url(re.compile(rf"/uppfoljning/enhet/{ids['hemtjanst_id']}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Hemtjänsten")
    rows = page.locator("table.followup-people tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.locator("th")).to_have_text(["Lars Sen", "Nora Ny", "Klara Klar"])
    expect(rows.nth(0).locator(".ds-tag")).to_have_text(["Påbörjad", "Försenad"])
    expect(rows.nth(1).locator(".ds-tag")).to_have_text(["Ej påbörjad"])
    expect(rows.nth(2).locator(".ds-tag")).to_have_text(["Genomförd"])
    expect(page.locator("dl.facts")).to_contain_text("Förvaltningens andel")
    assert_fits_a_phone(page)
    page.set_viewport_size(DESKTOP)
    rows.nth(0).get_by_role("link", name="Lars Sen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lars Sen")
