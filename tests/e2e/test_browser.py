"""End to end in Debian's Chromium: a new employee takes the whole course and gets an intyg.

The browser talks to a live server with CSRF on; the test looks things up in the database
between steps, each time in a short app context (so SQLite's write lock is never held).
"""

import re

import pytest
from sqlalchemy import func, select

from tests.e2e.playwright_api import PlaywrightTimeoutError, expect
from tests.factories import PASSWORD as FACTORY_PASSWORD
from tests.factories import course, make_unit, make_user
from vbe_learn.auth.messages import set_password_url
from vbe_learn.core.extensions import db
from vbe_learn.models import Attempt, Completion, Module, Page, Question, User

pytestmark = [pytest.mark.live, pytest.mark.browser]

ADMINISTRATION = "Skärholmens stadsdelsförvaltning"
NEW_PASSWORD = "fyra ord blir ett bra lösenord"
ATTEMPT_URL = re.compile(r"/kunskapskontroll/(\d+)$")


def course_outline(app) -> list[tuple[int, str, list[int]]]:
    """[(module position, title, [page positions])] of the current course version."""
    with app.app_context():
        return [
            (m.position, m.title, [p.position for p in m.pages])
            for m in course().current_version.modules
        ]


def label_ids(app, attempt_id: int, correct: bool) -> list[str]:
    """The `for` ids of the labels to click: every correct option, or one wrong per question."""
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.is_open
        ids = []
        for item in attempt.questions_shown:
            question = db.session.get(Question, item["question_id"])
            shown = [o for o in question.options if o.id in item["option_ids"]]
            chosen = [o for o in shown if o.is_correct == correct]
            ids += [f"q{question.id}-{o.id}" for o in (chosen if correct else chosen[:1])]
        return ids


def read_module(page, position: int, page_positions: list[int], of: int | None = None) -> None:
    """Read pages of a module (every one, or the last `page_positions` of `of`) with
    "Nästa →", the last with "Till kunskapskontrollen →"."""
    for number, page_no in enumerate(page_positions, 1):
        expect(page).to_have_url(re.compile(rf"/kurs/grundutbildning/{position}/{page_no}$"))
        counter = page.locator(".page-counter")
        expect(counter).to_contain_text(f"Sida {page_no} av {of or len(page_positions)}")
        last = number == len(page_positions)
        button = "Till kunskapskontrollen →" if last else "Nästa →"
        page.get_by_role("button", name=button, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/kurs/grundutbildning/{position}/kunskapskontroll$"))


def recorded_by_its_script(page) -> None:
    """Wait until the page's own script has recorded it as read (page-read.js: 204)."""
    expect(page.locator('article[data-read="true"]')).to_have_count(1)


def read_module_one_by_links(page, page_positions: list[int]) -> None:
    """Module 1 without "Nästa" at first: page 1, then the Ordlista by the link in its text;
    the check's gate then lists the other pages as links; from the first of those, "Nästa"."""
    recorded_by_its_script(page)  # page 1, reached from Min utbildning
    page.locator("article.course-page").get_by_role("link", name="Ordlistan").click()
    expect(page).to_have_url(re.compile(r"/kurs/grundutbildning/1/\d+$"))
    glossary = int(page.url.rsplit("/", 1)[1])
    recorded_by_its_script(page)
    page.goto("/kurs/grundutbildning/1/kunskapskontroll")
    expect(page.get_by_text("Du har läst 2 av")).to_be_visible()
    unread = [p for p in page_positions if p not in (page_positions[0], glossary)]
    links = page.locator("ul.unread-pages a")
    expect(links).to_have_count(len(unread))
    for link, page_no in zip(links.all(), unread, strict=True):
        expect(link).to_have_attribute("href", f"/kurs/grundutbildning/1/{page_no}")
    links.first.click()
    start = page_positions.index(unread[0])
    read_module(page, 1, page_positions[start:], of=len(page_positions))


def take_check(page, app, button: str, correct: bool) -> int:
    """Start (or retry) the check on its page, answer it and submit; return the attempt id."""
    page.get_by_role("button", name=button, exact=True).click()
    expect(page).to_have_url(ATTEMPT_URL)
    attempt_id = int(ATTEMPT_URL.search(page.url).group(1))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kunskapskontroll:")
    for label_for in label_ids(app, attempt_id, correct):
        page.locator(f'label[for="{label_for}"]').click()
        expect(page.locator(f"#{label_for}")).to_be_checked()
    page.get_by_role("button", name="Lämna in svaren").click()
    expect(page).to_have_url(ATTEMPT_URL)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Resultat:")
    return attempt_id


def test_new_employee_takes_the_whole_course_and_gets_an_intyg(
    app, live_app, live_server, new_context
):
    with app.app_context():
        user = User(
            email="asa.nystrom@test.stockholm.se",
            first_name="Åsa",
            last_name="Nyström",
            unit=make_unit(ADMINISTRATION),
        )
        db.session.add(user)
        db.session.commit()
        user_id = user.id
        assert user.password_hash is None
    with live_app.test_request_context():
        link = set_password_url(db.session.get(User, user_id))
    assert link.startswith(live_server)
    outline = course_outline(app)
    assert len(outline) >= 2

    page = new_context().new_page()
    # Choose a password from the link: that logs the person in.
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Välj lösenord")
    page.get_by_label("Nytt lösenord").fill(NEW_PASSWORD)
    page.get_by_label("Upprepa lösenordet").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Spara lösenordet").click()
    expect(page).to_have_url(f"{live_server}/min-utbildning")
    expect(page.get_by_role("status").first).to_contain_text("Ditt lösenord är sparat.")
    expect(page.get_by_role("button", name="Logga ut")).to_be_visible()

    nav = page.get_by_role("navigation", name="Huvudmeny")
    nav.get_by_role("link", name="Min utbildning").click()
    expect(page.locator(".course-summary")).to_contain_text("Ej påbörjad")
    page.get_by_role("link", name="Starta utbildningen").click()

    for position, title, page_positions in outline:
        if position == 1:
            read_module_one_by_links(page, page_positions)
        else:
            read_module(page, position, page_positions)
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Kunskapskontroll: {title}")
        if position == 1:  # fail once on purpose, then try again (from the bottom of the page)
            failed_id = take_check(page, app, "Starta kunskapskontrollen", correct=False)
            expect(page.locator(".result-summary")).to_contain_text("inte godkänd")
            expect(page.locator(".result-summary")).to_contain_text("0 %")
            again = page.get_by_role("link", name="Försök igen", exact=True)
            expect(again).to_have_count(2)
            onward = page.get_by_role("link", name=re.compile("Fortsätt till modul"))
            expect(onward).to_have_count(0)
            again.last.click()
            expect(page).to_have_url(re.compile(r"/kurs/grundutbildning/1/kunskapskontroll$"))
            expect(page.get_by_text("Tidigare försök: 1.")).to_be_visible()
            passed_id = take_check(page, app, "Försök igen", correct=True)
            assert passed_id != failed_id
        else:
            take_check(page, app, "Starta kunskapskontrollen", correct=True)
        expect(page.locator(".result-summary")).to_contain_text("Du är godkänd")
        expect(page.locator(".result-summary")).to_contain_text("100 %")
        expect(page.get_by_role("link", name="Försök igen")).to_have_count(0)
        if position == 1:  # by Min utbildning, where module 1 shows every page read
            page.get_by_role("link", name="Till Min utbildning").click()
            expect(page).to_have_url(f"{live_server}/min-utbildning")
            first_card = page.locator(".task-list-item").first
            expect(first_card).to_contain_text(f"{len(page_positions)} av {len(page_positions)}")
            page.get_by_role("link", name="Fortsätt", exact=True).click()
        elif position < len(outline):
            page.get_by_role("link", name=f"Fortsätt till modul {position + 1}").click()
    page.get_by_role("link", name="Hämta ditt intyg").click()
    expect(page).to_have_url(f"{live_server}/intyg")
    certificate = page.locator("section.certificate")
    expect(certificate).to_have_count(1)
    expect(certificate).to_contain_text("Åsa Nyström")
    expect(certificate).to_contain_text(ADMINISTRATION)
    expect(certificate).to_contain_text("Giltigt till och med")
    expect(certificate).to_contain_text(re.compile(r"Kursversion\s*[a-zé]+ 20\d\d"))
    nav.get_by_role("link", name="Min utbildning").click()
    expect(page.locator(".course-summary")).to_contain_text("Du genomförde utbildningen")
    nav.get_by_role("link", name="Mina intyg").click()

    with app.app_context():
        completions = db.session.scalars(
            select(Completion).where(Completion.user_id == user_id)
        ).all()
        assert len(completions) == 1
        code = completions[0].certificate_code
        assert completions[0].source == "earned" and completions[0].score_percent == 100
        attempts = db.session.execute(
            select(Module.position, func.count(Attempt.id))
            .join(Attempt, Attempt.module_id == Module.id)
            .where(Attempt.user_id == user_id)
            .group_by(Module.position)
        ).all()
        assert dict(attempts) == {position: 2 if position == 1 else 1 for position, *_ in outline}
        first = db.session.scalar(
            select(Attempt).where(Attempt.user_id == user_id, Attempt.number == 1)
            .join(Module).where(Module.position == 1)
        )  # fmt: skip
        assert first.passed is False and first.score_percent == 0
    expect(certificate.locator("code")).to_have_text(code)

    with page.expect_download() as download_info:
        certificate.get_by_role("link", name="Ladda ner intyget på svenska (PDF)").click()
    download = download_info.value
    assert download.failure() is None
    assert download.suggested_filename == f"intyg-{code}.pdf"
    with open(download.path(), "rb") as pdf:
        body = pdf.read()
    assert body.startswith(b"%PDF-") and body.count(b"/Subtype /Image") == 1  # the QR code
    verify_link = certificate.get_by_role("link", name="Verifieringssidan")
    expect(verify_link).to_have_attribute("href", f"/intyg/{code}")

    # Anyone with the link (not logged in) can check that the intyg is genuine.
    stranger = new_context().new_page()
    stranger.goto(f"/intyg/{code}")
    expect(stranger.get_by_role("heading", level=1)).to_have_text("Kontroll av intyg")
    result = stranger.get_by_role("status")
    expect(result).to_contain_text("Intyget är äkta")
    expect(result).to_contain_text("Åsa Nyström")
    expect(result).to_contain_text("Giltigt till och med")
    expect(result).not_to_contain_text("har gått ut")
    expect(stranger.get_by_role("button", name="Logga ut")).to_have_count(0)
    body = stranger.locator("body").inner_text()
    assert "Skärholmen" not in body and "Förvaltning" not in body and "100 %" not in body
    response = stranger.request.get(f"/intyg/{code}/intyg.pdf", max_redirects=0)
    assert response.status == 302 and "/logga-in" in response.headers["location"]


# Designsystemet draws a radio's or checkbox's focus ring around its whole field (the box and
# its label): for those the ring is measured on the field.
FOCUSED = """() => {
  const element = document.activeElement;
  const ring = element.matches("[type=radio], [type=checkbox]")
    ? element.closest(".ds-field") || element : element;
  const style = getComputedStyle(ring);
  return {id: element.id, name: element.name || "", type: element.type || "",
          visible: element.matches(":focus-visible"), outline: style.outlineStyle,
          width: parseFloat(style.outlineWidth), tag: element.tagName,
          html: element.outerHTML.slice(0, 160), url: location.href};
}"""


def press_tab(page, key: str = "Tab") -> dict:
    """Press Tab (or Shift+Tab); the focused element must show a focus outline."""
    page.keyboard.press(key)
    focused = page.evaluate(FOCUSED)
    assert focused["visible"], f"no :focus-visible after {key}: {focused}"
    assert focused["outline"] != "none" and focused["width"] >= 2, focused
    return focused


def tab_to(page, target, limit: int = 80) -> None:
    """Tab, stop by stop (each with a visible focus), until the target has focus."""
    # The URL changes before the page has loaded, and a URL with #innehall (kept from the
    # skip link across a redirect) has its target focused by the browser at or after the
    # load: a Tab pressed before that would be undone. Wait for both.
    page.wait_for_load_state("load")
    if "#" in page.url:
        try:
            page.wait_for_function(
                "id => document.activeElement && document.activeElement.id === id",
                arg=page.url.split("#", 1)[1],
                timeout=2000,
            )
        except PlaywrightTimeoutError:
            pass  # this browser does not focus fragment targets: nothing to wait for
    for _ in range(limit):
        press_tab(page)
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} not reached with {limit} presses of Tab")


def answer_with_keyboard(page, wanted: set[str]) -> None:
    """Tab through the check: Space ticks a wanted checkbox, arrow keys choose a radio."""
    submit = page.get_by_role("button", name="Lämna in svaren")
    for _ in range(200):
        focused = press_tab(page)
        if submit.evaluate("element => element === document.activeElement"):
            break
        if focused["type"] == "checkbox" and focused["id"] in wanted:
            page.keyboard.press("Space")
        elif focused["type"] == "radio":
            group = page.locator(f'input[name="{focused["name"]}"]')
            ids = [group.nth(i).get_attribute("id") for i in range(group.count())]
            target = next(i for i in ids if i in wanted)
            steps = ids.index(target) - ids.index(focused["id"])
            for _ in range(steps):
                page.keyboard.press("ArrowDown")
            if steps == 0:
                page.keyboard.press("Space")
    else:
        raise AssertionError("the submit button was never reached")
    for input_id in wanted:
        expect(page.locator(f"#{input_id}")).to_be_checked()
    page.keyboard.press("Enter")


def test_keyboard_only_login_module_check_and_decision_tree(app, page, live_server):
    with app.app_context():
        email = make_user().email
        db.session.commit()
        tree_page = db.session.execute(
            select(Module.position, Page.position)
            .join(Page, Page.module_id == Module.id)
            .where(
                Module.version_id == course().current_version_id,
                Module.position == 4,
                Page.slug == "flodesschema",  # 06-flodesschema.md
            )
        ).one()
    (_, first_title, first_pages), *_ = course_outline(app)

    # Tab: first the skip link, shown on focus; following it, the next Tab is the e-post field.
    page.goto("/logga-in")
    press_tab(page)
    skip_link = page.get_by_role("link", name="Hoppa till innehållet")
    expect(skip_link).to_be_focused()
    box = skip_link.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0 and box["width"] > 0, box  # on screen
    page.keyboard.press("Enter")
    expect(page.locator("main#innehall")).to_be_focused()
    press_tab(page)
    expect(page.get_by_label("E-post")).to_be_focused()
    page.keyboard.type(email)
    press_tab(page)
    expect(page.get_by_label("Lösenord", exact=True)).to_be_focused()
    page.keyboard.type(FACTORY_PASSWORD)
    page.keyboard.press("Enter")
    # (the browser keeps the #innehall of the skip link across the redirect)
    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server)}/min-utbildning(#innehall)?$"))

    # A whole module with Tab and Enter: every page's "Nästa →", then its check.
    tab_to(page, page.get_by_role("link", name="Starta utbildningen"))
    page.keyboard.press("Enter")
    for number, page_no in enumerate(first_pages, 1):
        expect(page).to_have_url(re.compile(rf"/kurs/grundutbildning/1/{page_no}$"))
        last = number == len(first_pages)
        tab_to(
            page,
            page.get_by_role("button", name="Till kunskapskontrollen →" if last else "Nästa →"),
        )
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/kurs/grundutbildning/1/kunskapskontroll$"))
    tab_to(page, page.get_by_role("button", name="Starta kunskapskontrollen"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(ATTEMPT_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Kunskapskontroll: {first_title}")
    attempt_id = int(ATTEMPT_URL.search(page.url).group(1))
    answer_with_keyboard(page, set(label_ids(app, attempt_id, correct=True)))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Resultat: {first_title}")
    expect(page.locator(".result-summary")).to_contain_text("Du är godkänd")
    expect(page.locator(".result-summary")).to_contain_text("100 %")
    tab_to(page, page.get_by_role("link", name="Till Min utbildning"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server}/min-utbildning")
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.passed is True and attempt.score_percent == 100

    # The flödesschema shows one step at a time; an answer shows its step (:target).
    page.goto("/kurs/grundutbildning/{}/{}".format(*tree_page))
    tree = page.get_by_role("group", name="Flödesschema")
    start, what, graffiti, done = (
        tree.locator(f"#steg-{name}") for name in ("fara", "vad", "klotter", "chef")
    )
    expect(start).to_be_visible()
    expect(what).to_be_hidden()
    tab_to(page, start.get_by_role("link", name="Nej"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#steg-vad$"))
    expect(what).to_be_visible()
    expect(start).to_be_hidden()
    tab_to(page, what.get_by_role("link", name="Klotter, symboler eller propaganda"))
    page.keyboard.press("Enter")
    expect(graffiti).to_be_visible()
    expect(what).to_be_hidden()
    tab_to(page, graffiti.get_by_role("link", name="Nästa steg"))
    page.keyboard.press("Enter")
    expect(done).to_be_visible()
    expect(done).to_contain_text("samordnare")
    tab_to(page, done.get_by_role("link", name="Börja om"))
    page.keyboard.press("Enter")
    expect(start).to_be_visible()
    expect(done).to_be_hidden()
