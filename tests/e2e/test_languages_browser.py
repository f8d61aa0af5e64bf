"""The course in English and in lättläst svenska, in Debian's Chromium: a learner chooses the
language on Min utbildning, reads module 1 with "Next"/"Nästa", switches language in the
middle (the position and progress stay), passes the knowledge check and sees the result.
Every step checks `<html lang>` and the course text's lang attribute (WCAG 3.1.1/3.1.2) and
runs axe-core on Min utbildning, a page, the check and the result; the English learner's
intyg pages are scanned too.
"""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.e2e.axe import AxeReport, require_axe
from tests.e2e.playwright_api import expect
from tests.e2e.sign_in import log_in
from tests.e2e.test_browser import label_ids
from tests.factories import course, make_unit, make_user
from vbe_learn.core.extensions import db
from vbe_learn.courses.rendering import inline_plain_text
from vbe_learn.learning.services.completion import new_certificate_code
from vbe_learn.models import Completion, Enrollment, ModuleText, PageRead, PageText
from vbe_learn.models.types import city_today

pytestmark = [pytest.mark.live, pytest.mark.browser]

ATTEMPT_URL = re.compile(r"/kunskapskontroll/(\d+)$")
# The interface's words in each language (the UI follows the course language: lättläst
# svenska has the Swedish interface).
WORDS = {
    "en": {
        "html": "en", "choose": "English", "change": "Change language", "mine": "My training",
        "start": "Start the course", "continue": "Continue", "page": "Page {} of {}",
        "next": "Next →", "to_check": "To the knowledge check →",
        "check": "Knowledge check:", "start_check": "Start the knowledge check",
        "submit": "Submit your answers", "result": "Result:", "passed": "You have passed",
        "read": "Pages read: {} of {}", "chosen": "Course language: English.",
    },
    "sv-lattlast": {
        "html": "sv", "choose": "Lättläst svenska", "change": "Byt språk", "mine": "Min utbildning",
        "start": "Starta utbildningen", "continue": "Fortsätt", "page": "Sida {} av {}",
        "next": "Nästa →", "to_check": "Till kunskapskontrollen →",
        "check": "Kunskapskontroll:", "start_check": "Starta kunskapskontrollen",
        "submit": "Lämna in svaren", "result": "Resultat:", "passed": "Du är godkänd",
        "read": "Sidor lästa: {} av {}", "chosen": "Kursens språk: Lättläst svenska.",
    },
}  # fmt: skip


CHANGE = {"sv": "Byt språk", "en": "Change language"}  # the button, per interface language


@pytest.fixture
def axe_installed():
    """The axe scans need node_modules/axe-core: say so before building anything."""
    require_axe()


def module_one_texts(app, language: str) -> tuple[str, list[tuple[int, str]]]:
    """Module 1's title and its pages' (position, title) in a variant language (a page title as
    the learner reads it: a Swedish term's `{lang=sv}` markup is not text)."""
    with app.app_context():
        module = course().current_version.modules[0]
        title = db.session.get(ModuleText, (module.id, language)).title
        pages = [
            (p.position, inline_plain_text(db.session.get(PageText, (p.id, language)).title))
            for p in module.pages
        ]
        return title, pages


def pages_read(app, user_id: int) -> int:
    """How many pages the person has read (in any language)."""
    with app.app_context():
        reads = select(func.count()).select_from(PageRead).join(Enrollment)
        return db.session.scalar(reads.where(Enrollment.user_id == user_id))


def new_learner(app) -> tuple[int, str]:
    with app.app_context():
        user = make_user(unit=make_unit("Skärholmens stadsdelsförvaltning"))
        db.session.commit()
        return user.id, user.email


def choose_language(page, language: str, interface_before: str) -> None:
    """On Min utbildning (its interface in `interface_before`, "sv" or "en"), choose a course
    language."""
    words = WORDS[language]
    page.goto("/min-utbildning#sprak")
    page.get_by_label(words["choose"], exact=True).check()
    page.get_by_role("button", name=CHANGE[interface_before], exact=True).click()
    expect(page).to_have_url(re.compile(r"/min-utbildning$"))
    expect(page.get_by_role("status").first).to_contain_text(words["chosen"])
    assert_languages(page, language)
    expect(page.get_by_role("heading", level=1)).to_have_text(words["mine"])


def assert_languages(page, language: str) -> None:
    """The page's `<html lang>` and every course text's lang are the language's."""
    expect(page.locator("html")).to_have_attribute("lang", WORDS[language]["html"])
    for selector in ("#kursrubrik", "article.course-page", ".prompt", ".feedback"):
        for element in page.locator(selector).all():
            expect(element).to_have_attribute("lang", WORDS[language]["html"])


def read_pages(page, language: str, positions: list[tuple[int, str]], total: int) -> None:
    """From the page at positions[0], read each with "Next"/"Nästa" (the module's last with
    "To the knowledge check"), checking its title, counter and languages."""
    words = WORDS[language]
    for position, title in positions:
        expect(page).to_have_url(re.compile(rf"/kurs/grundutbildning/1/{position}$"))
        expect(page.locator("article.course-page h1")).to_have_text(title)
        expect(page.locator(".page-counter")).to_contain_text(words["page"].format(position, total))
        assert_languages(page, language)
        button = words["to_check"] if position == total else words["next"]
        page.get_by_role("button", name=button, exact=True).click()


def pass_check(page, app, language: str, module_title: str, report: AxeReport) -> None:
    """On module 1's check page: scan it, start, scan the questions, answer correctly,
    submit and scan the result."""
    words = WORDS[language]
    expect(page).to_have_url(re.compile(r"/kurs/grundutbildning/1/kunskapskontroll$"))
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(f"{words['check']} {module_title}")
    expect(heading.locator("span")).to_have_attribute("lang", words["html"])
    report.scan(page, f"{language}: kunskapskontroll, före start")
    page.get_by_role("button", name=words["start_check"], exact=True).click()
    expect(page).to_have_url(ATTEMPT_URL)
    assert_languages(page, language)
    report.scan(page, f"{language}: öppen kunskapskontroll")
    attempt_id = int(ATTEMPT_URL.search(page.url).group(1))
    for label_for in label_ids(app, attempt_id, correct=True):
        label = page.locator(f'label[for="{label_for}"]')
        expect(label).to_have_attribute("lang", words["html"])
        label.click()
    page.get_by_role("button", name=words["submit"], exact=True).click()
    expect(page).to_have_url(ATTEMPT_URL)
    expect(page.get_by_role("heading", level=1)).to_contain_text(words["result"])
    expect(page.locator(".result-summary")).to_contain_text(words["passed"])
    expect(page.locator(".result-summary")).to_contain_text("100 %")
    assert_languages(page, language)
    report.scan(page, f"{language}: resultat, godkänd")


def test_a_learner_takes_module_one_in_english(app, new_context, axe_installed):
    user_id, email = new_learner(app)
    title, pages = module_one_texts(app, "en")
    total = len(pages)
    report = AxeReport()
    page = new_context().new_page()
    log_in(page, email)
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    choose_language(page, "en", "sv")
    expect(page.locator("#sprakrubrik")).to_have_text("Language (Språk)")
    report.scan(page, "en: Min utbildning")

    page.get_by_role("link", name=WORDS["en"]["start"], exact=True).click()
    report.scan(page, "en: kurssida 1.1")
    read_pages(page, "en", pages, total)
    pass_check(page, app, "en", title, report)

    page.get_by_role("link", name="To My training").click()
    first = page.locator(".task-list-item").first
    expect(first).to_contain_text(WORDS["en"]["read"].format(total, total))
    expect(first.locator(".task-list-status")).to_have_text("Done")
    assert pages_read(app, user_id) == total

    # The intyg pages in English (a completion recorded directly: one module is not a course).
    with app.app_context():
        version = course().current_version
        code = new_certificate_code()
        db.session.add(
            Completion(
                user_id=user_id, course_id=version.course_id, course_version_id=version.id,
                completed_on=city_today() - timedelta(days=1), score_percent=100,
                source="earned", certificate_code=code, language="en",
            )
        )  # fmt: skip
        db.session.commit()
    page.goto("/intyg")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("My certificates")
    report.scan(page, "en: Mina intyg")
    stranger = new_context().new_page()
    stranger.goto(f"/intyg/{code}?lang=en")
    expect(stranger.locator("html")).to_have_attribute("lang", "en")
    expect(stranger.get_by_role("status")).to_contain_text("The certificate is genuine.")
    report.scan(stranger, "en: verifieringssidan")
    report.assert_clean()


def test_a_learner_takes_module_one_in_lattlast_and_switches_language_midway(
    app, new_context, axe_installed
):
    user_id, email = new_learner(app)
    title, pages = module_one_texts(app, "sv-lattlast")
    _english_title, english_pages = module_one_texts(app, "en")
    total = len(pages)
    half = total // 2
    report = AxeReport()
    page = new_context().new_page()
    log_in(page, email)
    choose_language(page, "sv-lattlast", "sv")
    expect(page.locator("#kursrubrik")).to_have_attribute("lang", "sv")
    report.scan(page, "sv-lattlast: Min utbildning")

    page.get_by_role("link", name=WORDS["sv-lattlast"]["start"], exact=True).click()
    report.scan(page, "sv-lattlast: kurssida 1.1")
    read_pages(page, "sv-lattlast", pages[:half], total)
    # Landed on the next page, which its own script records as read once it has loaded.
    expect(page.locator('article[data-read="true"]')).to_have_count(1)
    read = pages_read(app, user_id)
    assert read == half + 1

    # To English in the middle of the module: the same pages read, the same place to go on.
    page.get_by_role("link", name=re.compile("Byt språk")).click()
    choose_language(page, "en", "sv")
    first = page.locator(".task-list-item").first
    expect(first).to_contain_text(WORDS["en"]["read"].format(read, total))
    page.get_by_role("link", name=WORDS["en"]["continue"], exact=True).click()
    position, english_title = english_pages[read]
    expect(page).to_have_url(re.compile(rf"/kurs/grundutbildning/1/{position}$"))
    expect(page.locator("article.course-page h1")).to_have_text(english_title)
    assert_languages(page, "en")
    expect(page.locator('article[data-read="true"]')).to_have_count(1)  # read in English
    read += 1
    page.goto(f"/kurs/grundutbildning/1/{english_pages[half][0]}")  # one read in lättläst
    expect(page.locator(".page-counter .ds-tag")).to_have_text("Read")

    # And back to lättläst svenska (the choice now in the English interface).
    page.get_by_role("link", name=re.compile("Change language")).click()
    choose_language(page, "sv-lattlast", "en")
    expect(page.locator(".task-list-item").first).to_contain_text(
        WORDS["sv-lattlast"]["read"].format(read, total)
    )
    assert pages_read(app, user_id) == read
    page.get_by_role("link", name=WORDS["sv-lattlast"]["continue"], exact=True).click()
    read_pages(page, "sv-lattlast", pages[read:], total)
    pass_check(page, app, "sv-lattlast", title, report)
    assert pages_read(app, user_id) == total
    report.assert_clean()
