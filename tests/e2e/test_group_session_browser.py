"""A gruppomgång in Chromium with CSRF on: a chef leads module 1 on a big screen and three
phones (375 × 667) follow it; a fourth person is marked present without a phone.

The phones join with the code read from the leader's screen (and the leader sees their
names appear without reloading: the poll); the leader steps through every page with the
phones following, two phones pass the check and one fails and passes later alone; the
answers are revealed (too few to show) with the Diskutera prompts; the session ends. Every
state of both screens is scanned with axe, the phone pages must not scroll sideways and the
leader's "Nästa →" is reached and pressed with the keyboard alone.
"""

import re

import pytest
from sqlalchemy import func, select

from tests.e2e.axe import AxeReport
from tests.e2e.playwright_api import expect
from tests.e2e.sign_in import log_in
from tests.e2e.test_browser import label_ids
from tests.factories import PASSWORD, course, make_unit, make_user, pass_module
from vbe_learn.accessibility.statement import PHONE_VIEWPORT
from vbe_learn.core.extensions import db
from vbe_learn.groups import services
from vbe_learn.learning.services.outline import outline_for
from vbe_learn.models import Attempt, Completion, Enrollment, GroupParticipant, PageRead

pytestmark = [pytest.mark.live, pytest.mark.browser]

PHONE = {"width": PHONE_VIEWPORT[0], "height": PHONE_VIEWPORT[1]}
DESKTOP = {"width": 1366, "height": 768}
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
ATTEMPT_URL = re.compile(r"/kunskapskontroll/(\d+)$")
FOLLOW_URL = re.compile(r"/gruppomgang/(\d+)$")
LEAD_URL = re.compile(r"/gruppomgang/(\d+)/leda")
# The focused element shows the focus ring (as tests/e2e/test_browser.py measures it).
FOCUS_RING = """() => {
  const element = document.activeElement, style = getComputedStyle(element);
  return {visible: element.matches(":focus-visible"), outline: style.outlineStyle,
          width: parseFloat(style.outlineWidth), text: element.textContent.trim()};
}"""


@pytest.fixture
def team(app):
    """A chef, three people with phones (the first has done modules 2–5 alone) and a fourth
    without one; their ids and e-mails."""
    with app.app_context():
        unit = make_unit("Gruppförvaltningen", "Enhet APT")
        chef = make_user("chef.g@test.se", unit, first_name="Greta", last_name="Chef")
        names = [("Ada", "Alm"), ("Bo", "Berg"), ("Cia", "Cederlund"), ("Dan", "Dahl")]
        people = [
            make_user(f"{first.lower()}.g@test.se", unit, first_name=first, last_name=last,
                      manager=chef)
            for first, last in names
        ]  # fmt: skip
        client = app.test_client()
        response = client.post("/logga-in", data={"email": people[0].email, "password": PASSWORD})
        assert response.status_code == 302
        for position in (2, 3, 4, 5):
            pass_module(client, position)
        outline = outline_for(course().current_version_id)
        module = outline.module(1)
        return {
            "chef": chef.id,
            "ids": [p.id for p in people],
            "emails": [p.email for p in people],
            "names": [p.full_name for p in people],
            "titles": [page.title for page in module.pages],
            "page_ids": [page.id for page in module.pages],
            "module_id": module.id,
            "prompts": module.discuss_prompts,
        }


def answer_check(app, phone, correct: bool) -> int:
    """Answer the open attempt on the phone and submit; the attempt's id."""
    expect(phone).to_have_url(ATTEMPT_URL)
    attempt_id = int(ATTEMPT_URL.search(phone.url).group(1))
    for label_for in label_ids(app, attempt_id, correct):
        phone.locator(f'label[for="{label_for}"]').click()
    phone.get_by_role("button", name="Lämna in svaren").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Resultat:")
    return attempt_id


def fits_the_phone(phone, label: str) -> None:
    """Nothing scrolls sideways at 375 px (measured once the page and its styles have loaded)."""
    phone.wait_for_load_state("load")
    assert phone.evaluate(NO_SIDEWAYS_SCROLL), f"{label}: sideways scroll at 375 px ({phone.url})"


def wrong_code(code: str) -> str:
    """Six digits that are not the code on the screen."""
    return str((int(code[0]) + 5) % 10) + code[1:]


def test_a_chef_leads_module_one_for_three_phones_and_one_without(app, new_context, team):
    axe = AxeReport()
    leader = new_context().new_page()
    leader.set_viewport_size(DESKTOP)
    log_in(leader, "chef.g@test.se")
    leader.goto("/uppfoljning/team")
    leader.get_by_role("link", name="Starta gruppomgång").click()
    for number in (2, 3, 4, 5):
        leader.get_by_label(re.compile(rf"^Modul {number}:")).uncheck()
    leader.get_by_role("button", name="Starta gruppomgången").click()
    expect(leader).to_have_url(LEAD_URL)
    session_id = int(LEAD_URL.search(leader.url).group(1))
    expect(leader.locator("h2#visas")).to_have_text(team["titles"][0])
    expect(leader.locator(".group-qr svg")).to_be_visible()
    axe.scan(leader, "leader: joining open, code and QR")
    leader.evaluate("window.notReloaded = true")  # gone if the page is loaded again

    phones = []
    for number, email in enumerate(team["emails"][:3]):
        phone = new_context().new_page()
        phone.set_viewport_size(PHONE)
        log_in(phone, email)
        phone.goto("/gruppomgang/delta")
        if number == 0:
            axe.scan(phone, "phone: join form")
            fits_the_phone(phone, "join form")
            code = leader.locator(".group-code").get_attribute("data-code")
            phone.get_by_label("Kod").fill(wrong_code(code))
            phone.get_by_role("button", name="Gå med").click()
            expect(phone.locator("#kod-fel")).to_contain_text(str(services.WRONG_CODE))
            expect(phone.get_by_label("Kod")).to_have_attribute("aria-invalid", "true")
            axe.scan(phone, "phone: wrong code")
            fits_the_phone(phone, "wrong code")
        shown = leader.locator(".group-code").inner_text().replace("Kod:", "").strip()
        assert re.fullmatch(r"\d{3} \d{3}", shown), shown
        phone.get_by_label("Kod").fill(shown)  # as read from the screen, with its space
        phone.get_by_role("button", name="Gå med").click()
        expect(phone).to_have_url(FOLLOW_URL)
        expect(phone.get_by_role("heading", level=1)).to_have_text(team["titles"][0])
        # the leader's list shows them without a reload (the poll)
        expect(leader.locator("[data-participants]")).to_contain_text(team["names"][number])
        expect(leader.locator("[data-present-text]")).to_have_text(
            f"{number + 1} med i gruppomgången"
        )
        phones.append(phone)
    assert leader.evaluate("window.notReloaded === true")
    axe.scan(phones[0], "phone: following a page")
    fits_the_phone(phones[0], "following a page")

    # the fourth, without a phone, marked present from the team list
    leader.get_by_label("Välj i ditt team").select_option(label=team["names"][3])
    leader.get_by_role("button", name="Markera närvarande", exact=True).click()
    expect(leader.get_by_text(f"{team['names'][3]} är markerad som närvarande.")).to_be_visible()
    expect(leader.locator("[data-participants]")).to_contain_text(
        f"{team['names'][3]} Utan telefon"
    )
    expect(leader.locator("[data-present-text]")).to_have_text("4 med i gruppomgången")
    axe.scan(leader, "leader: a page, four present")
    leader.get_by_role("button", name="Stäng anslutningen").click()
    expect(leader.get_by_role("heading", name="Anslutningen är stängd")).to_be_visible()

    # every page; the phones follow. The first "Nästa →" by keyboard alone.
    leader.goto(f"/gruppomgang/{session_id}/leda")
    next_button = leader.get_by_role("button", name="Nästa →")
    for _ in range(40):
        leader.keyboard.press("Tab")
        focused = leader.evaluate(FOCUS_RING)
        assert focused["visible"] and focused["outline"] != "none" and focused["width"] >= 2, (
            focused
        )
        if next_button.evaluate("element => element === document.activeElement"):
            break
    else:
        raise AssertionError("Nästa → not reached with Tab")
    leader.keyboard.press("Enter")
    for number, title in enumerate(team["titles"][1:], 2):
        expect(leader.locator("h2#visas")).to_have_text(title)
        expect(leader.locator(".group-where")).to_contain_text(f"Sida {number} av")
        for phone in phones:
            expect(phone.get_by_role("heading", level=1)).to_have_text(title)
        if number < len(team["titles"]):
            leader.get_by_role("button", name="Nästa →").click()
    leader.get_by_role("button", name="Nästa →").click()

    # the check: each on their own phone; two pass, one fails
    expect(leader.locator("h2#visas")).to_have_text(re.compile("^Kunskapskontroll:"))
    expect(leader.locator("[data-answered]")).to_have_text("0 av 3 har svarat")
    axe.scan(leader, "leader: check step")
    leader.evaluate("window.notReloaded = true")
    for phone in phones:
        expect(phone.get_by_role("heading", level=1)).to_have_text(re.compile("^Kunskapskontroll:"))
    axe.scan(phones[2], "phone: check step")
    fits_the_phone(phones[2], "check step")
    attempts = {}
    for number, (phone, correct) in enumerate(zip(phones, (True, True, False), strict=True)):
        phone.get_by_role("button", name="Gör kunskapskontrollen").click()
        expect(phone.get_by_role("heading", level=1)).to_contain_text("Kunskapskontroll:")
        expect(phone).to_have_url(ATTEMPT_URL)
        fits_the_phone(phone, "the attempt")
        attempts[number] = answer_check(app, phone, correct)
        expect(phone.get_by_role("link", name="Tillbaka till gruppomgången").first).to_be_visible()
        # the leader's count rises without a reload
        expect(leader.locator("[data-answered]")).to_have_text(f"{number + 1} av 3 har svarat")
    assert leader.evaluate("window.notReloaded === true")
    axe.scan(phones[2], "phone: failed result")
    fits_the_phone(phones[2], "failed result")

    # reveal: three answers are too few; the Diskutera prompts
    leader.get_by_role("button", name="Visa svarsfördelning").click()
    expect(leader.locator("h2#visas")).to_have_text(re.compile("^Diskutera:"))
    expect(leader.locator(".group-too-few")).to_contain_text(
        "Svarsfördelningen visas när minst 5 har svarat"
    )
    expect(leader.locator(".group-answers")).to_have_count(0)
    expect(leader.locator(".group-discuss li")).to_have_text(team["prompts"])
    axe.scan(leader, "leader: revealed, discuss")
    phones[0].get_by_role("link", name="Tillbaka till gruppomgången").first.click()
    expect(phones[0].get_by_role("heading", level=1)).to_have_text(re.compile("^Diskutera:"))
    axe.scan(phones[0], "phone: discuss")
    fits_the_phone(phones[0], "discuss")

    # the second phone leaves: it continues alone on the module's check page
    phones[1].get_by_role("link", name="Tillbaka till gruppomgången").first.click()
    phones[1].get_by_role("button", name="Lämna gruppomgången").click()
    expect(phones[1]).to_have_url(re.compile(r"/kurs/grundutbildning/1/kunskapskontroll$"))
    expect(phones[1].get_by_text("Du har lämnat gruppomgången")).to_be_visible()
    axe.scan(phones[1], "phone: after leaving")
    fits_the_phone(phones[1], "after leaving")

    leader.get_by_role("button", name="Avsluta gruppomgången").click()
    expect(leader.get_by_role("heading", level=1)).to_have_text("Gruppomgången är avslutad")
    axe.scan(leader, "leader: ended")
    # the phone following along learns it from its poll
    expect(phones[0].get_by_role("heading", level=1)).to_have_text("Gruppomgången är avslutad")
    axe.scan(phones[0], "phone: ended")
    fits_the_phone(phones[0], "ended")

    # the third tries again alone, and passes
    phones[2].get_by_role("link", name="Försök igen").first.click()
    expect(phones[2]).to_have_url(re.compile(r"/kurs/grundutbildning/1/kunskapskontroll$"))
    phones[2].get_by_role("button", name="Försök igen").click()
    retry = answer_check(app, phones[2], correct=True)

    with app.app_context():
        ids = team["ids"]
        for person in ids[:3]:
            passed = db.session.scalar(
                select(func.count(Attempt.id)).where(
                    Attempt.user_id == person,
                    Attempt.module_id == team["module_id"],
                    Attempt.passed.is_(True),
                )
            )
            assert passed == 1, person
        assert db.session.get(Attempt, attempts[0]).group_session_id == session_id
        assert db.session.get(Attempt, attempts[2]).passed is False
        assert db.session.get(Attempt, retry).group_session_id is None  # alone, afterwards
        read = set(
            db.session.scalars(
                select(PageRead.page_id)
                .join(Enrollment, Enrollment.id == PageRead.enrollment_id)
                .where(Enrollment.user_id == ids[3])
            )
        )
        assert set(team["page_ids"]) <= read
        no_phone_attempts = select(func.count(Attempt.id)).where(Attempt.user_id == ids[3])
        assert db.session.scalar(no_phone_attempts) == 0
        no_phone = db.session.scalar(
            select(GroupParticipant).where(GroupParticipant.user_id == ids[3])
        )
        assert no_phone.has_no_phone and no_phone.marked_present_by_id == team["chef"]
        completion = db.session.scalar(select(Completion).where(Completion.user_id == ids[0]))
        assert completion is not None and completion.group_session_id == session_id
        assert db.session.scalar(select(Completion).where(Completion.user_id.in_(ids[1:]))) is None

    leader.goto("/uppfoljning/team?status=alla")
    expect(leader.locator(f"#person-{team['ids'][0]}")).to_contain_text("Genomförd")
    expect(leader.locator(f"#person-{team['ids'][1]}")).not_to_contain_text("Genomförd")
    axe.assert_clean()
