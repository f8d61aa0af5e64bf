"""WCAG 2.1 AA: axe-core (pinned in package-lock.json) on every page type and state.

One test builds the demo city (through the real roster and completions imports), lets a
few learners take checks through the test client (so the frågeanalys has figures and one
person has an intyg), then a medarbetare, a chef, a samordnare, a central samordnare and an
admin walk through their pages in Chromium; every page is scanned, the learner's and the
main follow-up pages also at a phone's size (where nothing may scroll sideways), and the
test fails listing every violation, page by page.
"""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.e2e.axe import (
    AxeReport,
    contrast,
    describe,
    require_axe,
    svg_text_contrast_problems,
    violations,
)
from tests.e2e.playwright_api import expect
from tests.e2e.test_browser import label_ids, read_module
from tests.factories import PASSWORD, correct_answers, make_user, wrong_answers
from tests.factories import course as default_course
from vbe_learn.accessibility.statement import PHONE_VIEWPORT
from vbe_learn.auth.messages import set_password_url
from vbe_learn.core.extensions import db
from vbe_learn.demo.city import write_rows
from vbe_learn.demo.seed import (
    COORDINATOR_ADMINISTRATION,
    DEMO_EMAILS,
    DEMO_PASSWORD,
    MIN_EMPLOYEES,
    seed_demo_city,
)
from vbe_learn.exports.files import STUCK
from vbe_learn.models import (
    Administration,
    Attempt,
    Completion,
    ExportFile,
    Module,
    Page,
    RosterImport,
    RosterUpload,
    User,
)
from vbe_learn.models.org import ADMIN, CENTRAL_COORDINATOR, COORDINATOR
from vbe_learn.models.types import utcnow
from vbe_learn.roster.uploads import STUCK as IMPORT_STUCK

pytestmark = [pytest.mark.live, pytest.mark.browser]

ATTEMPT_URL = re.compile(r"/kunskapskontroll/(\d+)$")
QUESTION_ANALYSIS_LEARNERS = 6  # more than MIN_GROUP, so the frågeanalys shows its figures
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": PHONE_VIEWPORT[0], "height": PHONE_VIEWPORT[1]}


@pytest.fixture
def axe_installed():
    """The axe scans need node_modules/axe-core: say so before building anything."""
    require_axe()


@dataclass
class City:
    """What the scans need from the seeded city."""

    learner_id: int
    skarholmen_id: int
    certificate_email: str
    certificate_code: str
    image_page: tuple[int, int]
    tree_page: tuple[int, int]


def _page_position(slug: str) -> tuple[int, int]:
    return (
        db.session.execute(
            select(Module.position, Page.position)
            .join(Page, Page.module_id == Module.id)
            .where(Module.version_id == default_course().current_version_id, Page.slug == slug)
        )
        .one()
        ._tuple()
    )


def _take_first_checks(app, emails: list[str]) -> None:
    """Each learner answers module 1's check (every other one wrongly); the first finishes.

    The requests run outside the test's app context (each has its own session), the look-ups
    between them in short app contexts.
    """
    with app.app_context():
        outline = [[p.position for p in m.pages] for m in default_course().current_version.modules]
    for number, email in enumerate(emails):
        client = app.test_client()
        response = client.post("/logga-in", data={"email": email, "password": PASSWORD})
        assert response.status_code == 302, response.status_code
        for position, pages in enumerate(outline[: len(outline) if number == 0 else 1], 1):
            for page_no in pages:
                client.post(f"/kurs/grundutbildning/{position}/{page_no}/last")
            response = client.post(f"/kurs/grundutbildning/{position}/kunskapskontroll")
            attempt_id = int(ATTEMPT_URL.search(response.headers["Location"]).group(1))
            with app.app_context():
                attempt = db.session.get(Attempt, attempt_id)
                answers = wrong_answers(attempt) if number % 2 else correct_answers(attempt)
            response = client.post(f"/kunskapskontroll/{attempt_id}", data=answers)
            assert response.status_code == 302, response.status_code


def build_city(app) -> City:
    """The demo city, first attempts by a few learners, and one learner with an intyg."""
    with app.app_context():
        seed_demo_city(MIN_EMPLOYEES)
        db.session.commit()
        skarholmen = db.session.scalar(
            select(Administration).where(Administration.name == COORDINATOR_ADMINISTRATION)
        )
        learner = db.session.scalar(select(User).where(User.email == DEMO_EMAILS["medarbetare"]))
        unit = learner.unit
        emails = [
            make_user(f"forsok{number}@test.stockholm.se", unit=unit).email
            for number in range(QUESTION_ANALYSIS_LEARNERS)
        ]
        db.session.commit()
        learner_id, skarholmen_id = learner.id, skarholmen.id
    _take_first_checks(app, emails)
    with app.app_context():
        code = db.session.scalar(
            select(Completion.certificate_code).join(User).where(User.email == emails[0])
        )
        assert code, "the first learner should have finished the course"
        return City(
            learner_id=learner_id,
            skarholmen_id=skarholmen_id,
            certificate_email=emails[0],
            certificate_code=code,
            image_page=_page_position("runor-och-hogerextrema-symboler"),
            tree_page=_page_position("flodesschema"),
        )


def log_in(new_context, email: str, password: str):
    """A new context and page, logged in through the form."""
    page = new_context().new_page()
    page.set_viewport_size(DESKTOP)
    page.goto("/logga-in")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Lösenord", exact=True).fill(password)
    page.get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(re.compile(r"/min-utbildning$"))
    return page


def visit(page, report: AxeReport, path: str, label: str, heading: str | None = None) -> None:
    """Go to a page, check its h1 (when given) and scan it."""
    page.goto(path)
    if heading:
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    report.scan(page, label)


# The outermost elements that reach past the right edge of the screen (for the message).
TOO_WIDE = """() => [...document.querySelectorAll("body *")]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(e => !e.parentElement
    || e.parentElement.getBoundingClientRect().right <= window.innerWidth + 1)
  .map(e => `${e.tagName.toLowerCase()}.${e.className}`)"""


def scan_also_on_phone(page, report: AxeReport, label: str, desktop: bool = True) -> None:
    """Scan at desktop size (unless done) and at a phone's, where nothing scrolls sideways."""
    if desktop:
        report.scan(page, label)
    page.set_viewport_size(PHONE)
    report.scan(page, f"{label} (mobil {PHONE['width']}×{PHONE['height']})")
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], (
        f"{label}: {widths[0]} px wide on a {widths[1]} px screen; too wide: "
        + ", ".join(page.evaluate(TOO_WIDE)[:5])
    )
    page.set_viewport_size(DESKTOP)


def learner_pages(page, app, city: City, report: AxeReport) -> None:
    """Min utbildning, module pages, a check open/invalid/failed/passed, flowchart, image."""
    visit(page, report, "/min-utbildning", "Min utbildning, ej påbörjad", "Min utbildning")
    page.get_by_role("link", name="Starta utbildningen").click()
    scan_also_on_phone(page, report, "Kurssida 1.1")
    with app.app_context():
        pages = [p.position for p in default_course().current_version.modules[0].pages]
    read_module(page, 1, pages)
    report.scan(page, "Kunskapskontroll, före start")
    page.get_by_role("button", name="Starta kunskapskontrollen").click()
    expect(page).to_have_url(ATTEMPT_URL)
    attempt_id = int(ATTEMPT_URL.search(page.url).group(1))
    scan_also_on_phone(page, report, "Öppen kunskapskontroll")
    page.get_by_role("button", name="Lämna in svaren").click()
    expect(page.locator(".ds-error-summary")).to_be_focused()
    scan_also_on_phone(page, report, "Kunskapskontroll inlämnad utan svar (felmeddelanden)")
    for label_for in label_ids(app, attempt_id, correct=False):
        page.locator(f'label[for="{label_for}"]').click()
    page.get_by_role("button", name="Lämna in svaren").click()
    expect(page.locator(".result-summary")).to_contain_text("inte godkänd")
    scan_also_on_phone(page, report, "Resultat, ej godkänd")
    page.get_by_role("link", name="Försök igen").first.click()
    report.scan(page, "Kunskapskontroll, efter ett försök")
    page.get_by_role("button", name="Försök igen").click()
    expect(page).to_have_url(ATTEMPT_URL)
    retry_id = int(ATTEMPT_URL.search(page.url).group(1))
    for label_for in label_ids(app, retry_id, correct=True):
        page.locator(f'label[for="{label_for}"]').click()
    page.get_by_role("button", name="Lämna in svaren").click()
    expect(page.locator(".result-summary")).to_contain_text("Du är godkänd")
    scan_also_on_phone(page, report, "Resultat, godkänd")
    visit(page, report, "/min-utbildning", "Min utbildning, påbörjad", "Min utbildning")
    scan_also_on_phone(page, report, "Min utbildning, påbörjad", desktop=False)
    page.goto("/kurs/grundutbildning/{}/{}".format(*city.image_page))
    expect(page.locator(".course-page img[src$='.svg']").first).to_be_visible()
    scan_also_on_phone(page, report, "Kurssida med SVG-bild")
    page.goto("/kurs/grundutbildning/{}/{}".format(*city.tree_page))
    expect(page.get_by_role("group", name="Flödesschema")).to_be_visible()
    scan_also_on_phone(page, report, "Kurssida med flödesschema")
    page.get_by_role("group", name="Flödesschema").get_by_role("link", name="Nej").click()
    report.scan(page, "Flödesschema, ett steg valt")
    visit(page, report, "/intyg", "Mina intyg, inga intyg", "intyg")


def follow_up_pages(new_context, city: City, report: AxeReport) -> None:
    """The chef's team and a person, the samordnare's and the central samordnare's views."""
    chef = log_in(new_context, DEMO_EMAILS["chef"], DEMO_PASSWORD)
    visit(chef, report, "/uppfoljning/team", "Chefens team, Ej klara (standard)", "Mitt team")
    expect(chef.get_by_label("Visa", exact=True)).to_have_value("ej-klara")
    scan_also_on_phone(chef, report, "Chefens team, Ej klara (standard)", desktop=False)
    visit(chef, report, "/uppfoljning/team?status=Ej+p%C3%A5b%C3%B6rjad&sortera=status",
          "Chefens team, filtrerat")  # fmt: skip
    visit(chef, report, "/uppfoljning/team?status=alla&sortera=-framsteg", "Chefens team, alla")
    chef.get_by_role("link", name=re.compile(r"^Påminn (?!alla)")).first.click()
    expect(chef.get_by_role("button", name="Skicka påminnelsen")).to_be_visible()
    scan_also_on_phone(chef, report, "Påminn en person, bekräftelse")
    visit(chef, report, "/paminnelser/paminn-alla", "Påminn alla, bekräftelse", "Påminn alla")
    scan_also_on_phone(chef, report, "Påminn alla, bekräftelse", desktop=False)
    visit(chef, report, f"/uppfoljning/person/{city.learner_id}", "En person i teamet")
    visit(chef, report, "/mina-uppgifter", "Mina uppgifter", "Mina uppgifter")

    coordinator = log_in(new_context, DEMO_EMAILS[COORDINATOR], DEMO_PASSWORD)
    visit(coordinator, report, "/uppfoljning/", "Samordnarens förvaltningar")
    visit(coordinator, report, f"/uppfoljning/forvaltning/{city.skarholmen_id}",
          "Samordnarens förvaltning", COORDINATOR_ADMINISTRATION)  # fmt: skip
    expect(coordinator.locator("figure.chart svg[role='img'] text").first).to_be_visible()
    scan_also_on_phone(coordinator, report, "Samordnarens förvaltning", desktop=False)
    coordinator.get_by_role("link", name="lägst andel först").click()
    report.scan(coordinator, "Samordnarens förvaltning, sorterad efter andel")
    coordinator.locator("table.followup-groups tbody th[scope='row'] a").first.click()
    expect(coordinator.locator("table.followup-people .ds-tag").first).to_be_visible()
    scan_also_on_phone(coordinator, report, "En enhet i samordnarens förvaltning")
    not_done = f"/uppfoljning/forvaltning/{city.skarholmen_id}/ej-klara"
    visit(coordinator, report, not_done, "Ej klara i förvaltningen", "Ej klara i")
    scan_also_on_phone(coordinator, report, "Ej klara i förvaltningen", desktop=False)
    visit(coordinator, report, f"{not_done}?status=F%C3%B6rsenad&sortera=enhet",
          "Ej klara i förvaltningen, försenade")  # fmt: skip
    visit(coordinator, report,
          f"/paminnelser/forvaltning/{city.skarholmen_id}/paminn-alla?status=P%C3%A5b%C3%B6rjad",
          "Påminn alla i förvaltningen, bekräftelse", "Påminn alla")  # fmt: skip
    visit(coordinator, report, "/uppfoljning/fragor", "Frågeanalys, samordnare", "Frågeanalys")
    expect(coordinator.locator("figure.chart svg[role='img'] rect").first).to_be_visible()
    visit(coordinator, report, "/uppfoljning/export", "Exportformuläret, samordnare")
    visit(coordinator, report, "/mina-exporter", "Mina exporter, inga filer", "Mina exporter")
    visit(coordinator, report, "/paminnelser/", "Påminnelser och sista dag, samordnare")
    visit(coordinator, report, "/paminnelser/logg", "Skickade påminnelser, samordnare")

    central = log_in(new_context, DEMO_EMAILS[CENTRAL_COORDINATOR], DEMO_PASSWORD)
    visit(central, report, "/uppfoljning/", "Samlad bild")
    scan_also_on_phone(central, report, "Samlad bild", desktop=False)
    visit(central, report, "/uppfoljning/?sortera=-andel", "Samlad bild, högst andel först")
    scan_also_on_phone(central, report, "Samlad bild, högst andel först", desktop=False)
    visit(central, report, "/uppfoljning/?sortera=namn", "Samlad bild, sorterad efter namn")
    visit(central, report, "/uppfoljning/fragor", "Frågeanalys, hela staden", "Frågeanalys")
    visit(central, report, "/uppfoljning/export", "Exportformuläret, central samordnare")
    central.get_by_role("button", name="Beställ samlad bild (XLSX)").click()
    expect(central.get_by_role("heading", level=1)).to_have_text("Mina exporter")
    expect(central.get_by_role("status")).to_contain_text("Din fil förbereds")
    scan_also_on_phone(central, report, "Mina exporter, en fil klar (och meddelandet)")
    with central.expect_download() as download:
        central.get_by_role("button", name=re.compile("^Ladda ner")).first.click()
    assert download.value.failure() is None


def export_file_states(new_context, app, report: AxeReport) -> None:
    """Mina exporter with a file under way (and its Uppdatera link) and a failed one."""
    with app.app_context():
        chef = db.session.scalar(select(User).where(User.email == DEMO_EMAILS["chef"]))
        now = utcnow()
        for status, error in (("queued", None), ("failed", STUCK)):
            db.session.add(ExportFile(requested_by_id=chef.id, kind="participants",
                                      format="xlsx", filters='{"scope": "team"}', status=status,
                                      error=error, created_at=now,
                                      expires_at=now + timedelta(days=7)))  # fmt: skip
        db.session.commit()
    page = log_in(new_context, DEMO_EMAILS["chef"], DEMO_PASSWORD)
    visit(page, report, "/mina-exporter", "Mina exporter, förbereds och misslyckad")
    expect(page.get_by_role("link", name="Uppdatera")).to_be_visible()
    scan_also_on_phone(page, report, "Mina exporter, förbereds och misslyckad", desktop=False)


def roster_rows(app) -> list[dict]:
    """Today's roster from the database as HR would send it."""
    with app.app_context():
        people = db.session.scalars(
            select(User)
            .where(User.active.is_(True), User.employee_number.is_not(None))
            .order_by(User.employee_number)
        ).all()
        rows = [
            {"number": person.employee_number, "first": person.first_name,
             "last": person.last_name, "email": person.email,
             "adm": person.unit.department.administration.name,
             "avd": person.unit.department.name, "unit": person.unit.name,
             "chef": person.manager.employee_number if person.manager else "",
             "close": "Ja" if person.close_to_residents else "Nej",
             "since": person.employed_from.isoformat() if person.employed_from else ""}
            for person in people
        ]  # fmt: skip
    return rows


def next_roster(app) -> bytes:
    """Today's roster less 3 people, plus 1 new."""
    rows = roster_rows(app)
    newcomer = dict(rows[-1], number="9999999", first="Nyanställd", email="ny@stockholm.se")
    return write_rows([*rows[3:], newcomer])


def roster_import_states(admin, app, report: AxeReport) -> None:
    """Personallista with the admin's import under way (and its Uppdatera link), done, and
    failed (set in the database: the job runs at once in the tests)."""
    with app.app_context():
        uploader = db.session.scalar(select(User).where(User.email == DEMO_EMAILS[ADMIN]))
        done = db.session.scalar(select(RosterImport).order_by(RosterImport.id.desc()))
        now = utcnow()
        upload = RosterUpload(token="a11y-import", uploader_id=uploader.id, filename="lista.csv",
                              as_of=done.as_of, data=b"", size=0, created_at=now,
                              status="running", confirmed_at=now, started_at=now)  # fmt: skip
        db.session.add(upload)
        db.session.commit()
        states = [("done", None, done.id), ("failed", IMPORT_STUCK, None)]
    visit(admin, report, "/admin/personallista", "Personallista, importen körs")
    expect(admin.get_by_role("link", name="Uppdatera")).to_be_visible()
    scan_also_on_phone(admin, report, "Personallista, importen körs", desktop=False)
    for status, error, import_id in states:
        with app.app_context():
            upload = db.session.scalar(
                select(RosterUpload).where(RosterUpload.token == "a11y-import")
            )
            upload.status, upload.error, upload.roster_import_id = status, error, import_id
            upload.finished_at = utcnow()
            db.session.commit()
        label = f"Personallista, importen {'klar' if status == 'done' else 'misslyckades'}"
        visit(admin, report, "/admin/personallista", label)
        expect(admin.locator(".roster-import-state")).to_be_visible()
        scan_also_on_phone(admin, report, label, desktop=False)


def admin_pages(new_context, app, report: AxeReport) -> None:
    """Roster upload, roles and the export log."""
    admin = log_in(new_context, DEMO_EMAILS[ADMIN], DEMO_PASSWORD)
    visit(admin, report, "/admin/personallista", "Personallista, uppladdning")
    admin.get_by_role("button", name=re.compile("Förhandsgranska|Ladda upp|Granska")).click()
    report.scan(admin, "Personallista, utan fil (felmeddelande)")
    new_roster = next_roster(app)
    admin.locator("#file").set_input_files(
        files=[{"name": "personallista.csv", "mimeType": "text/csv", "buffer": new_roster}]
    )
    admin.get_by_role("button", name="Förhandsgranska").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Förhandsgranskning")
    expect(admin.locator(".facts")).to_contain_text("Nya personer")
    report.scan(admin, "Personallista, förhandsgranskning")
    admin.get_by_role("button", name="Avbryt").click()
    expect(admin.get_by_role("status")).to_contain_text("Importen är avbruten")
    report.scan(admin, "Personallista, förhandsgranskning avbruten")
    # Three people (without their chefs) would deactivate nearly everyone.
    extract = write_rows([dict(row, chef="") for row in roster_rows(app)[:3]])
    admin.locator("#file").set_input_files(
        files=[{"name": "utdrag.csv", "mimeType": "text/csv", "buffer": extract}]
    )
    admin.get_by_role("button", name="Förhandsgranska").click()
    expect(admin.locator("#massavaktivering")).to_contain_text("Varning")
    scan_also_on_phone(admin, report, "Personallista, varning för massavaktivering")
    admin.get_by_role("button", name="Bekräfta importen").click()
    expect(admin.locator(".ds-error-summary")).to_be_focused()
    scan_also_on_phone(admin, report, "Personallista, massavaktivering utan antal (fel)")
    roster_import_states(admin, app, report)
    visit(admin, report, "/admin/roller", "Roller")
    visit(admin, report, "/admin/exporter", "Exportlogg")
    expect(admin.locator("main table tbody tr")).to_have_count(1)
    visit(admin, report, "/admin/logg", "Händelselogg")
    visit(admin, report, "/finns-inte", "404 inloggad", "Sidan finns inte")


def public_pages(new_context, live_app, city: City, report: AxeReport) -> None:
    """Login (and a failed login), set password, the statement, intyg verification, errors."""
    page = new_context().new_page()
    with live_app.test_request_context():
        user = db.session.scalar(select(User).where(User.email == city.certificate_email))
        page.goto(set_password_url(user))
    expect(page.get_by_role("heading", level=1)).to_have_text("Välj lösenord")
    report.scan(page, "Välj lösenord")
    visit(page, report, "/logga-in", "Inloggning", "Logga in")
    page.get_by_label("E-post").fill(city.certificate_email)
    page.get_by_label("Lösenord", exact=True).fill("fel lösenord")
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    report.scan(page, "Inloggning, fel lösenord")
    visit(page, report, "/glomt-losenord", "Glömt lösenord")
    visit(page, report, "/tillganglighet", "Tillgänglighetsredogörelse", "Tillgänglighet")
    visit(page, report, f"/intyg/{city.certificate_code}", "Verifiering av intyg", "intyg")
    visit(page, report, "/finns-inte", "404", "Sidan finns inte")

    owner = log_in(new_context, city.certificate_email, PASSWORD)
    visit(owner, report, "/intyg", "Mina intyg", "intyg")
    expect(owner.locator("section.certificate")).to_have_count(1)
    visit(owner, report, "/min-utbildning", "Min utbildning, genomförd", "Min utbildning")


@pytest.mark.usefixtures("axe_installed")
def test_every_page_type_and_state_has_no_axe_violations(
    app, live_app, new_context, tmp_path, monkeypatch
):
    monkeypatch.setattr(live_app, "instance_path", str(tmp_path))  # the roster upload's stash
    city = build_city(app)
    report = AxeReport()
    public_pages(new_context, live_app, city, report)
    learner = log_in(new_context, DEMO_EMAILS["medarbetare"], DEMO_PASSWORD)
    learner_pages(learner, app, city, report)
    follow_up_pages(new_context, city, report)
    export_file_states(new_context, app, report)
    admin_pages(new_context, app, report)
    assert len(report.scanned) >= 40, report.scanned
    report.assert_clean()


@pytest.mark.usefixtures("axe_installed")
def test_the_scan_finds_and_describes_violations(page):
    page.set_content('<html><body><img src="/favicon.svg"><a href="/"></a></body></html>')
    found = violations(page)
    assert {"image-alt", "html-has-lang", "link-name"} <= {v["id"] for v in found}
    text = describe("Provsida", found)
    assert "[critical] image-alt" in text and "img" in text
    assert text.startswith(f"Provsida: {len(found)} axe-core violation(s)")


def test_svg_text_contrast_is_measured_against_the_box_behind_the_chart(page):
    page.set_content(
        '<html lang="sv"><body style="background: rgb(0, 0, 0)">'
        '<div style="background: rgb(255, 255, 255)"><svg role="img" aria-label="Prov">'
        '<text x="0" y="10" fill="#595959">läsbar</text>'
        '<text x="0" y="30" fill="#c8c8c8">blek</text></svg></div></body></html>'
    )
    problems = svg_text_contrast_problems(page)
    assert [p["target"] for p in problems] == ["svg text 'blek'"]
    assert "1.67:1" in problems[0]["summary"]
    assert round(contrast("rgb(89, 89, 89)", "rgb(255, 255, 255)"), 1) == 7.0
