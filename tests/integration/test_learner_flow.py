"""The learner's flow: a page counts as read however it is reached, the check's gate lists
the unread pages, a result leads on, the course version is a month, and the intyg shows
Giltigt till, its expiry and a QR code of its verification address."""

import re
import zlib
from datetime import UTC, date, datetime, timedelta

import segno
from PIL import Image
from sqlalchemy import func, select

from tests.export_rows import deltagarlista_csv
from tests.factories import course, make_unit, make_user, pass_module, start_check, wrong_answers
from vbe_learn.certificates.pdf import QR_BORDER, QR_SCALE, qr_png, verification_qr
from vbe_learn.core.extensions import db
from vbe_learn.exports.participants import ParticipantFilters
from vbe_learn.learning.services.completion import new_certificate_code
from vbe_learn.learning.services.outline import outline_for
from vbe_learn.learning.status import valid_until, validity_years
from vbe_learn.models import Completion, PageRead, User
from vbe_learn.models.types import city_today, version_label

PAGE = "/kurs/grundutbildning/1/2"
SEEN = "/kurs/grundutbildning/1/2/visad"


def pages_read() -> int:
    return db.session.scalar(select(func.count(PageRead.id)))


def pdf_text(pdf: bytes) -> str:
    """The PDF's page content, its streams inflated (fpdf2 compresses them)."""
    parts = []
    for stream in re.findall(rb"stream\n(.*?)\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            pass  # an image
    return "".join(parts)


# --- reading ------------------------------------------------------------------------------


def test_a_page_reached_by_a_link_is_recorded_by_its_script_with_a_204(client, auth):
    auth.login(make_user().email)
    html = client.get(PAGE).get_data(as_text=True)
    assert pages_read() == 0, "the page view is a GET: it writes nothing"
    assert '<script src="/static/js/page-read.js" defer></script>' in html
    assert f'data-read-url="{SEEN}"' in html
    response = client.post(SEEN)
    assert response.status_code == 204 and response.data == b""
    assert pages_read() == 1
    assert client.post(SEEN).status_code == 204 and pages_read() == 1  # again: nothing new
    html = client.get(PAGE).get_data(as_text=True)
    assert "page-read.js" not in html and "data-read-url" not in html  # read: nothing to post
    assert "Läst" in html


def test_the_script_is_served_by_the_app(client):
    with client.get("/static/js/page-read.js") as response:
        assert response.status_code == 200
        script = response.get_data(as_text=True)
    assert "keepalive" in script and "csrf_token" in script and "data-read-url" in script


def test_the_seen_endpoint_wants_a_login_a_real_page_and_a_csrf_token(app, client, auth):
    assert client.post(SEEN).status_code == 302  # to the login page
    auth.login(make_user().email)
    assert client.post("/kurs/grundutbildning/1/99/visad").status_code == 404
    assert client.post("/kurs/finns-inte/1/1/visad").status_code == 404
    assert client.get(SEEN).status_code == 405
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post(SEEN).status_code == 400
        assert client.post(SEEN, data={"csrf_token": "forged"}).status_code == 400
        assert pages_read() == 0
        html = client.get(PAGE).get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        assert client.post(SEEN, data={"csrf_token": token}).status_code == 204
        assert pages_read() == 1
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_the_gate_lists_the_unread_pages_as_links(client, auth):
    auth.login(make_user().email)
    client.post("/kurs/grundutbildning/1/1/last")
    client.post(SEEN)
    module = outline_for(course().current_version_id).module(1)
    html = client.get("/kurs/grundutbildning/1/kunskapskontroll").get_data(as_text=True)
    unread = [page for page in module.pages if page.position > 2]
    assert unread, "the module has more than two pages"
    for page in unread:
        href = f"/kurs/grundutbildning/1/{page.position}"
        link = f'<a class="ds-link" href="{href}">Sida {page.position}: <span lang="sv">'
        assert link + page.title in html
    assert 'href="/kurs/grundutbildning/1/1"' not in html.split("Sidor kvar att läsa")[1]
    assert 'href="/kurs/grundutbildning/1/2"' not in html.split("Sidor kvar att läsa")[1]
    refused = client.post("/kurs/grundutbildning/1/kunskapskontroll", follow_redirects=True)
    assert "Läs modulens alla sidor" in refused.get_data(as_text=True)
    assert link + unread[-1].title in refused.get_data(as_text=True)


# --- after a result -----------------------------------------------------------------------


def test_a_pass_leads_to_the_next_module_and_the_last_one_to_the_intyg(client, auth):
    auth.login(make_user().email)
    modules = course().current_version.modules
    first = pass_module(client, 1)
    html = client.get(f"/kunskapskontroll/{first.id}").get_data(as_text=True)
    first_page = modules[1].pages[0].position
    assert f'href="/kurs/grundutbildning/2/{first_page}">Fortsätt till modul 2</a>' in html
    assert "Hämta ditt intyg" not in html and "Försök igen" not in html
    for module in modules[1:]:
        last = pass_module(client, module.position)
    html = client.get(f"/kunskapskontroll/{last.id}").get_data(as_text=True)
    assert '<a class="ds-button" data-variant="primary" href="/intyg">Hämta ditt intyg</a>' in html
    assert "Fortsätt till modul" not in html


def test_a_fail_offers_try_again_at_the_top_and_the_bottom(client, auth):
    auth.login(make_user().email)
    for page in course().current_version.modules[0].pages:
        client.post(f"/kurs/grundutbildning/1/{page.position}/last")
    attempt = start_check(client, 1)
    client.post(f"/kunskapskontroll/{attempt.id}", data=wrong_answers(attempt))
    html = client.get(f"/kunskapskontroll/{attempt.id}").get_data(as_text=True)
    again = (
        '<a class="ds-button" data-variant="primary" '
        'href="/kurs/grundutbildning/1/kunskapskontroll">Försök igen</a>'
    )
    assert html.count(again) == 2
    assert html.index(again) < html.index("Dina svar") < html.rindex(again)
    assert "Fortsätt till modul" not in html


# --- the course version as a month --------------------------------------------------------


def test_the_version_label_is_a_month_or_the_imported_label_never_a_hash():
    assert version_label(datetime(2026, 11, 30, 23, 30, tzinfo=UTC)) == "december 2026"
    assert version_label(datetime(2027, 1, 15, 9, 0, tzinfo=UTC), "a1b2c3d4") == "januari 2027"
    assert version_label(None, "2024") == "2024"
    assert version_label(None, " HT 2021 ") == "HT 2021"
    assert version_label(None, "20240101") == "20240101"  # digits only: a date, not a hash
    assert version_label(None, "a1b2c3d4") == "tidigare plattform"
    assert version_label(None, "9F86D081884C7D659A2FEAA0C55AD015") == "tidigare plattform"
    assert version_label(None, None) == version_label(None, "") == "tidigare plattform"


def test_the_version_shows_as_a_month_on_the_pages_and_the_intyg(client, auth):
    user = make_user(unit=make_unit())
    auth.login(user.email)
    version = course().current_version
    label, hash_ = version_label(version.created_at), version.content_hash[:8]
    for module in version.modules:
        pass_module(client, module.position)
    code = db.session.scalar(
        select(Completion.certificate_code).where(Completion.user_id == user.id)
    )
    for path in ("/min-utbildning", "/kurs/grundutbildning/1/1", "/intyg"):
        html = client.get(path).get_data(as_text=True)
        assert label in html, path
        assert hash_ not in html, path
    text = pdf_text(client.get(f"/intyg/{code}/intyg.pdf").data)
    assert f"Kursversion: {label}" in text and hash_ not in text


def test_the_deltagarlista_shows_the_month_or_the_imported_label(app):
    unit = make_unit()
    earned, imported, hashed = (make_user(unit=unit) for _ in range(3))
    version = course().current_version
    for user, version_id, source_version in (
        (earned, version.id, None),
        (imported, None, "2021"),
        (hashed, None, "d41d8cd98f00b204"),
    ):
        db.session.add(
            Completion(
                user_id=user.id,
                course_id=version.course_id,
                course_version_id=version_id,
                completed_on=city_today() - timedelta(days=10),
                source="earned" if version_id else "imported",
                source_version=source_version,
                certificate_code=new_certificate_code(),
            )
        )
    db.session.flush()
    text = deltagarlista_csv(User.unit_id == unit.id, ParticipantFilters())
    rows = {row.split(";")[3]: row.split(";") for row in text.splitlines()[1:]}
    assert rows[earned.email][11] == version_label(version.created_at)
    assert rows[imported.email][11] == "2021"
    assert rows[hashed.email][11] == "tidigare plattform"


# --- the intyg: Giltigt till, expiry, QR ---------------------------------------------------


def completed_user(client, auth, unit_name="Skärholmens stadsdelsförvaltning"):
    user = make_user(unit=make_unit(unit_name))
    auth.login(user.email)
    for module in course().current_version.modules:
        pass_module(client, module.position)
    return db.session.scalar(select(Completion).where(Completion.user_id == user.id))


def test_the_intyg_page_pdf_and_verification_show_giltigt_till(client, auth):
    completion = completed_user(client, auth)
    last_day = valid_until(completion.completed_on, validity_years("grundutbildning"))
    html = client.get("/intyg").get_data(as_text=True)
    assert f"<dt>Giltigt till och med</dt><dd>{last_day.isoformat()}</dd>" in html
    pdf = client.get(f"/intyg/{completion.certificate_code}/intyg.pdf").data
    assert "Giltigt till och med:" in pdf_text(pdf)
    auth.logout()
    verify = client.get(f"/intyg/{completion.certificate_code}").get_data(as_text=True)
    assert "Intyget är äkta." in verify and "har gått ut" not in verify
    assert f"<dt>Giltigt till och med</dt><dd>{last_day.isoformat()}</dd>" in verify


def test_past_giltigt_till_the_verification_page_says_it_has_expired(client, auth):
    user = make_user(unit=make_unit())
    years = validity_years("grundutbildning")
    completed_on = date(city_today().year - years - 1, 3, 1)
    completion = Completion(
        user_id=user.id,
        course_id=course().id,
        course_version_id=None,
        completed_on=completed_on,
        source="imported",
        source_version="2019",
        certificate_code=new_certificate_code(),
    )
    db.session.add(completion)
    db.session.commit()  # (to the test's savepoint)
    verify = client.get(f"/intyg/{completion.certificate_code}").get_data(as_text=True)
    last_day = valid_until(completed_on, years)
    assert "Intyget är äkta men har gått ut." in verify
    assert f"Det gällde till och med {last_day.isoformat()}." in verify
    assert f"<dd>{last_day.isoformat()} (har gått ut)</dd>" in verify
    auth.login(user.email)
    html = client.get("/intyg").get_data(as_text=True)
    assert "(har gått ut: ska förnyas)" in html and "<dd>2019</dd>" in html


def test_the_pdf_carries_a_qr_code_of_the_verification_address(app, client, auth):
    completion = completed_user(client, auth)
    pdf = client.get(f"/intyg/{completion.certificate_code}/intyg.pdf").data
    with app.test_request_context():
        from vbe_learn.certificates.views import verify_url

        url = verify_url(completion.certificate_code)
    assert url.endswith(f"/intyg/{completion.certificate_code}")
    qr = verification_qr(url)
    side = (qr.symbol_size(border=0)[0] + 2 * QR_BORDER) * QR_SCALE
    images = re.findall(rb"/Subtype /Image.*?/Width (\d+)", pdf, re.S)
    assert images == [str(side).encode()], "one image: the QR code, at its full size"
    # the picture is segno's matrix of that address, module for module, on a white border
    picture = Image.open(qr_png(qr)).convert("L")
    assert picture.size == (side, side)
    half = QR_SCALE // 2
    for row, line in enumerate(segno.make(url, error="m", micro=False).matrix):
        for col, dark in enumerate(line):
            x, y = (col + QR_BORDER) * QR_SCALE + half, (row + QR_BORDER) * QR_SCALE + half
            assert (picture.getpixel((x, y)) < 128) == bool(dark), (row, col)
    assert picture.getpixel((1, 1)) == 255  # the quiet zone is white
    assert qr.designator.endswith("-M")
