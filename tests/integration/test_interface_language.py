"""The interface in Swedish or English (core/i18n.py): the intyg, the verification page and
the e-mails in both languages, whatever the language of the request that makes them."""

import io
import json
from datetime import timedelta
from types import SimpleNamespace

from flask_babel import force_locale
from pypdf import PdfReader

from tests.factories import course, make_unit, make_user
from vbe_learn.core.extensions import db
from vbe_learn.core.i18n import course_version_label, long_date
from vbe_learn.learning.services.completion import new_certificate_code
from vbe_learn.models import Completion
from vbe_learn.models.types import city_today
from vbe_learn.reminders.messages import Links, render_message
from vbe_learn.reminders.planning import AFTER, DIGEST, MANUAL


def pdf_text(body: bytes) -> str:
    """The PDF's text as a reader gets it (pypdf), its whitespace collapsed."""
    reader = PdfReader(io.BytesIO(body))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def completion_of(user) -> Completion:
    version = course().current_version
    completion = Completion(
        user_id=user.id,
        course_id=version.course_id,
        course_version_id=version.id,
        completed_on=city_today() - timedelta(days=3),
        score_percent=90,
        source="earned",
        certificate_code=new_certificate_code(),
    )
    db.session.add(completion)
    db.session.commit()  # (to the test's savepoint)
    return completion


def test_the_intyg_pdf_in_swedish_and_in_english(app, client, auth):
    user = make_user(unit=make_unit("Skärholmens stadsdelsförvaltning"), first_name="Ada")
    completion = completion_of(user)
    code = completion.certificate_code
    auth.login(user.email)

    html = client.get("/intyg").get_data(as_text=True)
    assert f'href="/intyg/{code}/intyg.pdf?lang=sv" lang="sv" hreflang="sv"' in html
    assert f'href="/intyg/{code}/intyg.pdf?lang=en" lang="en" hreflang="en"' in html

    swedish = client.get(f"/intyg/{code}/intyg.pdf?lang=sv")
    assert swedish.headers["Content-Disposition"] == f'attachment; filename="intyg-{code}.pdf"'
    text = pdf_text(swedish.data)
    assert "Härmed intygas att" in text and "har genomfört" in text
    assert f"Verifieringskod: {code}" in text and "Resultat på kunskapskontrollerna: 90 %" in text
    assert "This is to certify" not in text

    english = client.get(f"/intyg/{code}/intyg.pdf?lang=en")
    assert english.headers["Content-Disposition"] == (
        f'attachment; filename="certificate-{code}.pdf"'
    )
    text = pdf_text(english.data)
    with app.test_request_context(), force_locale("en"):
        completed_on, version = (
            long_date(completion.completed_on),
            course_version_label(course().current_version.created_at),
        )
    assert "CITY OF STOCKHOLM" in text and "This is to certify that" in text
    assert "has completed" in text and f"Date: {completed_on}" in text
    assert f"Course version: {version}" in text and version[0].isupper()
    assert f"Verification code: {code}" in text and "Result in the knowledge checks: 90 %" in text
    assert "Härmed" not in text and "Giltigt" not in text
    assert PdfReader(io.BytesIO(english.data)).trailer["/Root"]["/Lang"] == "en"

    # Without ?lang (or with a language it does not know): the interface's, Swedish here.
    for path in (f"/intyg/{code}/intyg.pdf", f"/intyg/{code}/intyg.pdf?lang=fi"):
        assert "Härmed intygas att" in pdf_text(client.get(path).data), path


def test_the_verification_page_in_swedish_and_in_english(client):
    user = make_user(unit=make_unit("Skärholmens stadsdelsförvaltning"), first_name="Ada")
    code = completion_of(user).certificate_code
    title = course().current_version.title

    swedish = client.get(f"/intyg/{code}").get_data(as_text=True)
    assert '<html lang="sv"' in swedish and "Intyget är äkta." in swedish
    assert (
        f'<a class="ds-link" href="/intyg/{code}?lang=en" lang="en" hreflang="en">'
        "View this page in English</a>" in swedish
    )
    assert f"<dd>{title}</dd>" in swedish

    english = client.get(f"/intyg/{code}?lang=en").get_data(as_text=True)
    assert '<html lang="en"' in english
    assert "<h1>Certificate verification</h1>" in english
    assert "The certificate is genuine." in english and "Intyget är äkta" not in english
    assert "<dt>Valid until and including</dt>" in english
    assert f'<dd><span lang="sv">{title}</span></dd>' in english  # Swedish inside English
    assert f'href="/intyg/{code}?lang=sv" lang="sv" hreflang="sv">Visa sidan på svenska' in english
    assert "Skip to content" in english and "Accessibility statement" in english

    # ?lang is only read on the verification page: elsewhere a visitor gets Swedish.
    assert '<html lang="sv"' in client.get("/logga-in?lang=en").get_data(as_text=True)


def reminder(kind: str, payload: dict) -> SimpleNamespace:
    return SimpleNamespace(id=7, kind=kind, payload=json.dumps(payload), recipient="a@b.se")


def test_reminder_e_mails_in_the_recipients_language(app):
    late = reminder(AFTER, {"deadline": "2026-12-01"})
    with app.test_request_context():
        links = Links.build()
        with force_locale("en"):  # the request's language is not the recipient's
            swedish = render_message(late, "Ada", links, "stockholm.se", "Lind", locale="sv")
        english = render_message(late, "Ada", links, "stockholm.se", "Lind", locale="en")

    assert swedish.subject == "Utbildningen om våldsbejakande extremism är försenad"
    assert swedish.text.startswith("Hej Ada!")
    assert "Sista dag: 2026-12-01." in swedish.text and '<html lang="sv">' in swedish.html

    assert english.subject == "The training on violent extremism is overdue"
    assert english.text.startswith("Hello Ada,")
    assert "and the deadline has passed" in english.text
    assert "Deadline: 2026-12-01." in english.text and "Kind regards" in english.text
    assert '<html lang="en">' in english.html and "<strong>Deadline: 2026-12-01</strong>" in (
        english.html
    )
    assert "Sista dag" not in english.text + english.html


def test_a_coordinators_reminder_and_a_chefs_digest_in_english(app):
    manual = reminder(MANUAL, {"deadline": "2026-12-01", "sender": "samordnare"})
    digest = reminder(
        DIGEST,
        {
            "members": [
                {"name": "Bo Ek", "unit": "Enhet Söder", "status": "Påbörjad", "deadline": None},
                {
                    "name": "Cy Al",
                    "unit": "Enhet Söder",
                    "status": "Ej påbörjad",
                    "deadline": "2026-12-01",
                },
            ]
        },
    )
    with app.test_request_context():
        links = Links.build()
        message = render_message(manual, "Ada", links, "stockholm.se", locale="en")
        weekly = render_message(digest, "Ada", links, "stockholm.se", locale="en")
    assert message.subject == "Reminder from the coordinator: the training on violent extremism"
    assert "The coordinator for your administration reminds you" in message.text
    assert weekly.subject == "Weekly letter: your team and the training on violent extremism"
    assert "2 employees who have you as their manager have not completed" in weekly.text
    assert "- Bo Ek (Enhet Söder): Started" in weekly.text
    assert "- Cy Al (Enhet Söder): Not started, deadline 2026-12-01" in weekly.text
    assert '<td style="padding: 2px 8px;" lang="sv">Enhet Söder</td>' in weekly.html


# --- the locale follows the signed-in person's chosen course language ---------------------


def test_an_english_learner_gets_the_english_interface(client, auth):
    user = make_user(unit=make_unit(), course_language="en")
    auth.login(user.email)
    html = client.get("/intyg").get_data(as_text=True)
    assert '<html lang="en"' in html
    assert "<h1>My certificates</h1>" in html and "<title>My certificates – " in html
    assert '<nav aria-label="Main menu"' in html and ">My training</a>" in html
    assert ">Log out</button>" in html and "Skip to content" in html
    assert "Mina intyg" not in html and "Logga ut" not in html
    assert "<h1>My data</h1>" in client.get("/mina-uppgifter").get_data(as_text=True)
    missing = client.get("/finns-inte")
    assert missing.status_code == 404
    assert "<h1>Page not found</h1>" in missing.get_data(as_text=True)


def test_swedish_lattlast_and_not_chosen_get_the_swedish_interface(client, auth):
    for language in ("sv", "sv-lattlast", None):
        user = make_user(unit=make_unit(), course_language=language)
        auth.login(user.email)
        html = client.get("/intyg").get_data(as_text=True)
        assert '<html lang="sv"' in html and "<h1>Mina intyg</h1>" in html, language
        assert "My certificates" not in html, language
        auth.logout()
    anonymous = client.get("/logga-in").get_data(as_text=True)
    assert '<html lang="sv"' in anonymous and "<h1>Logga in</h1>" in anonymous


def test_an_english_holder_downloads_the_english_intyg_by_default(client, auth):
    user = make_user(unit=make_unit(), course_language="en")
    code = completion_of(user).certificate_code
    auth.login(user.email)
    html = client.get("/intyg").get_data(as_text=True)
    assert f'href="/intyg/{code}?lang=en">The verification page</a>' in html
    assert "This is to certify that" in pdf_text(client.get(f"/intyg/{code}/intyg.pdf").data)
    swedish = pdf_text(client.get(f"/intyg/{code}/intyg.pdf?lang=sv").data)
    assert "Härmed intygas att" in swedish


def test_the_set_password_e_mail_in_the_persons_language(app, smtp):
    from vbe_learn.auth.messages import send_set_password_message

    english = make_user("en@test.se", course_language="en", first_name="Ada")
    swedish = make_user("sv@test.se", course_language="sv-lattlast", first_name="Bo")
    with app.test_request_context(), force_locale("sv"):
        send_set_password_message(english)
    with app.test_request_context(), force_locale("en"):
        send_set_password_message(swedish)
    (to_english,) = smtp.to("en@test.se")
    assert (
        to_english.message["Subject"] == "Choose a password for the training on violent extremism"
    )
    assert to_english.message["Content-Language"] == "en"
    assert to_english.text.startswith("Hello Ada,") and "valid for seven days" in to_english.text
    (to_swedish,) = smtp.to("sv@test.se")
    assert to_swedish.message["Subject"] == (
        "Välj lösenord till utbildningen om våldsbejakande extremism"
    )
    assert to_swedish.message["Content-Language"] == "sv"
    assert to_swedish.text.startswith("Hej Bo!") and "gäller i sju dagar" in to_swedish.text


def test_the_reminder_run_writes_to_each_person_in_their_language(runner, smtp):
    unit = make_unit("Förvaltning A", "Enhet A2")
    started = city_today() - timedelta(days=1)
    for address, language in (("ny.en@test.se", "en"), ("ny.sv@test.se", None)):
        make_user(address, unit, course_language=language, employed_from=started)
    result = runner.invoke(args=["reminders", "send", "--date", started.isoformat()])
    assert result.exit_code == 0, result.output
    (english,) = smtp.to("ny.en@test.se")
    assert english.message["Subject"] == "Welcome to the training on violent extremism"
    assert english.message["Content-Language"] == "en"
    assert "Welcome to the City of Stockholm!" in english.text and "Hej" not in english.text
    (swedish,) = smtp.to("ny.sv@test.se")
    assert swedish.message["Subject"] == "Välkommen till utbildningen om våldsbejakande extremism"
    assert swedish.message["Content-Language"] == "sv"
    assert "Välkommen till Stockholms stad!" in swedish.text


def test_an_english_chef_previews_a_swedish_reminder_marked_as_swedish(client, auth):
    unit = make_unit("Förvaltning A", "Enhet Söder")
    chef = make_user("chef.en@test.se", unit, course_language="en")
    report = make_user(unit=unit, manager=chef, first_name="Bo", employed_from=city_today())
    auth.login(chef.email)
    team = client.get("/uppfoljning/team").get_data(as_text=True)
    assert '<html lang="en"' in team and "<h1>My team</h1>" in team
    assert '<td data-label="Unit"><span lang="sv">Enhet Söder</span></td>' in team
    assert "Remind everyone in the list who is not done (1)" in team
    assert "<summary>How we count</summary>" in team

    preview = client.get(f"/paminnelser/paminn/{report.id}").get_data(as_text=True)
    assert "<h1>Send a reminder?</h1>" in preview
    assert '<span lang="sv">Påminnelse från din chef: utbildningen' in preview
    assert '<pre class="reminder-text" lang="sv">Hej Bo!' in preview

    statement = client.get("/tillganglighet").get_data(as_text=True)
    assert "<h1>Accessibility statement</h1>" in statement
    assert '<span lang="sv">Myndigheten för digital förvaltning</span>' in statement
