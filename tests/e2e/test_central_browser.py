"""In Chromium: the central samordnare opens the samlad bild, sees the city total, sorts
by share and prints it (print media, a PDF read back with pypdf)."""

import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader

from tests.e2e.playwright_api import expect
from tests.e2e.sign_in import log_in
from tests.factories import course, make_unit, make_user
from vbe_learn.core.extensions import db
from vbe_learn.learning.services.completion import new_certificate_code
from vbe_learn.models import Completion, Deadline, RoleAssignment
from vbe_learn.models.org import CENTRAL_COORDINATOR
from vbe_learn.models.types import city_today

pytestmark = [pytest.mark.live, pytest.mark.browser]

TODAY = city_today()


def build_city(app) -> None:
    """Two förvaltningar, 25 % and 75 % done; a central samordnare; a city-wide deadline."""
    with app.app_context():
        for name, done in (("Förvaltning Norr", 1), ("Förvaltning Söder", 3)):
            unit = make_unit(name, f"Enhet i {name}")
            for number in range(4):
                person = make_user(f"{name[-4:].lower()}{number}@test.se", unit)
                if number < done:
                    db.session.add(
                        Completion(
                            user_id=person.id,
                            course_id=course().id,
                            completed_on=TODAY - timedelta(days=number),
                            source="imported",
                            certificate_code=new_certificate_code(),
                        )  # fmt: skip
                    )
        central = make_user("central.browser@test.se", first_name="Cecilia", last_name="Central")
        db.session.add(RoleAssignment(user_id=central.id, role=CENTRAL_COORDINATOR))
        db.session.add(Deadline(due_on=TODAY + timedelta(days=60)))
        db.session.commit()


def row_names(page) -> list[str]:
    return page.locator("table.report-city tbody th[scope='row']").all_inner_texts()


def test_central_samordnare_sorts_and_prints_the_samlad_bild(app, new_context):
    build_city(app)
    page = new_context().new_page()
    log_in(page, "central.browser@test.se")
    page.get_by_role("link", name="Uppföljning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Samlad bild för hela staden")
    total = page.locator("table.report-city tfoot tr")  # not the breakdown by how earned
    expect(total).to_contain_text("Hela staden")
    expect(total).to_contain_text("50\u00a0%")  # 4 of 8, counted over everyone
    assert row_names(page) == ["Förvaltning Norr", "Förvaltning Söder"]  # lowest share first

    page.get_by_label("Sortera förvaltningarna").select_option(label="Högst andel först")
    page.get_by_role("button", name="Sortera").click()
    expect(page).to_have_url(re.compile(r"sortera=-andel"))
    assert row_names(page) == ["Förvaltning Söder", "Förvaltning Norr"]
    overview = page.url
    page.get_by_role("button", name="Exportera som Excel (XLSX)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina exporter")
    expect(page.get_by_role("status")).to_contain_text("Din fil förbereds")
    expect(page.locator("table .ds-tag")).to_have_text("Klar")  # made at once in the tests
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("^Ladda ner samlad bild")).click()
    assert download.value.failure() is None
    assert download.value.suggested_filename == f"samlad-bild-{TODAY.isoformat()}.xlsx"
    page.goto(overview)

    page.emulate_media(media="print")
    expect(page.locator("nav.main-nav")).to_be_hidden()
    expect(page.locator(".report-actions")).to_be_hidden()
    expect(page.locator(".definitions-print")).to_be_visible()  # Så räknar vi, open
    link = page.locator("table tbody th a").first
    assert link.evaluate("a => getComputedStyle(a).color") == link.evaluate(
        "a => getComputedStyle(a.closest('th')).color"
    )  # no link colour in print
    reader = PdfReader(io.BytesIO(page.pdf(format="A4")))
    pages = [" ".join(pdf_page.extract_text().split()) for pdf_page in reader.pages]
    text = "\n".join(pages)
    assert "Samlad bild för hela staden" in text
    assert f"Uppgifter per {TODAY.isoformat()}" in text
    assert "Utskriven av Cecilia Central" in text
    assert "Hela staden" in text and "50" in text
    assert "Så räknar vi" in text
    assert "Förvaltning Söder" in pages[0]  # the table first, Så räknar vi at the end
    assert "Sida 1 av" in pages[0]  # the page number in the margin (@page @bottom-right)
    assert all(len(content.strip()) > len("Sida 1 av 1") for content in pages)  # no blank page
    assert "Logga ut" not in text and "Ladda ner" not in text
