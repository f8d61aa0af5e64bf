"""A learner's whole way through the course: pages, checks, completion, intyg."""

from sqlalchemy import func, select

from tests.factories import (
    course,
    make_unit,
    make_user,
    pass_module,
    read_all_pages,
    start_check,
    wrong_answers,
)
from vbe_learn.core.extensions import db
from vbe_learn.models import Attempt, AttemptAnswer, Completion, PageRead


def test_dashboard_requires_login(client):
    response = client.get("/min-utbildning")
    assert response.status_code == 302
    assert "/logga-in" in response.headers["Location"]


def test_new_learner_sees_modules_and_time_estimate(client, auth):
    user = make_user()
    auth.login(user.email)
    html = client.get("/min-utbildning").get_data(as_text=True)
    assert "Ej påbörjad" in html
    assert "Demokrati och definitioner" in html
    assert "Starta utbildningen" in html
    assert "minuter" in html


def test_reading_a_page_is_a_post_and_get_changes_nothing(client, auth):
    user = make_user()
    auth.login(user.email)
    assert client.get("/kurs/grundutbildning/1/1").status_code == 200
    assert db.session.scalar(select(func.count(PageRead.id))) == 0
    response = client.post("/kurs/grundutbildning/1/1/last")
    assert response.headers["Location"].endswith("/kurs/grundutbildning/1/2")
    assert db.session.scalar(select(func.count(PageRead.id))) == 1
    client.post("/kurs/grundutbildning/1/1/last")  # again: still one
    assert db.session.scalar(select(func.count(PageRead.id))) == 1


def test_resume_points_to_the_first_unread_page(client, auth):
    user = make_user()
    auth.login(user.email)
    client.post("/kurs/grundutbildning/1/1/last")
    client.post("/kurs/grundutbildning/1/2/last")
    html = client.get("/min-utbildning").get_data(as_text=True)
    assert 'href="/kurs/grundutbildning/1/3">Fortsätt' in html


def test_check_opens_only_when_pages_are_read(client, auth):
    user = make_user()
    auth.login(user.email)
    client.post("/kurs/grundutbildning/1/1/last")
    response = client.post("/kurs/grundutbildning/1/kunskapskontroll")
    assert response.headers["Location"].endswith("/kurs/grundutbildning/1/kunskapskontroll")
    assert db.session.scalar(select(func.count(Attempt.id))) == 0
    read_all_pages(client, 1)
    attempt = start_check(client, 1)
    assert attempt.is_open
    assert len(attempt.questions_shown) == 5


def test_failed_attempt_shows_feedback_and_allows_retry(client, auth):
    user = make_user()
    auth.login(user.email)
    read_all_pages(client, 1)
    attempt = start_check(client, 1)
    response = client.post(f"/kunskapskontroll/{attempt.id}", data=wrong_answers(attempt))
    assert response.status_code == 302
    html = client.get(f"/kunskapskontroll/{attempt.id}").get_data(as_text=True)
    assert "0 %" in html and "inte godkänd" in html
    assert "Rätt svar" in html and "Ditt svar" in html
    attempt = db.session.get(Attempt, attempt.id)
    assert attempt.passed is False and attempt.score_percent == 0
    assert len(attempt.answers) == 5
    second = start_check(client, 1)
    assert second.id != attempt.id and second.number == 2


def test_only_the_first_attempts_answers_are_first_tries(client, auth):
    user = make_user()
    auth.login(user.email)
    read_all_pages(client, 1)
    first = start_check(client, 1)
    client.post(f"/kunskapskontroll/{first.id}", data=wrong_answers(first))
    second = pass_module(client, 1)
    flags = db.session.execute(
        select(AttemptAnswer.attempt_id, AttemptAnswer.first_try).order_by(AttemptAnswer.id)
    ).all()
    assert flags == [(first.id, True)] * 5 + [(second.id, False)] * 5


def test_questions_and_options_are_shuffled_per_attempt(client, auth):
    user = make_user()
    auth.login(user.email)
    read_all_pages(client, 2)
    orders = set()
    for _ in range(6):
        attempt = start_check(client, 2)
        orders.add(str(attempt.questions_shown))
        client.post(f"/kunskapskontroll/{attempt.id}", data=wrong_answers(attempt))
    assert len(orders) > 1


def test_completing_every_module_records_one_completion_and_an_intyg(client, auth):
    unit = make_unit("Skärholmens stadsdelsförvaltning")
    user = make_user(unit=unit, first_name="Lina", last_name="Ek")
    auth.login(user.email)
    modules = len(course().current_version.modules)
    for position in range(1, modules + 1):
        pass_module(client, position)
    completion = db.session.scalar(select(Completion).where(Completion.user_id == user.id))
    assert completion.source == "earned"
    assert completion.score_percent == 100
    assert completion.course_version_id == course().current_version_id
    html = client.get("/intyg").get_data(as_text=True)
    assert "Lina Ek" in html and "Skärholmens stadsdelsförvaltning" in html
    assert completion.certificate_code in html

    pdf = client.get(f"/intyg/{completion.certificate_code}/intyg.pdf")
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Cache-Control"] == "no-store"

    auth.logout()
    verify = client.get(f"/intyg/{completion.certificate_code}").get_data(as_text=True)
    assert "Lina Ek" in verify and "Intyget är äkta" in verify
    assert "Skärholmen" not in verify and "100 %" not in verify
    assert client.get(f"/intyg/{completion.certificate_code}/intyg.pdf").status_code == 302


def test_unknown_certificate_code_is_404(client):
    assert client.get("/intyg/AAAA-BBBB-CCCC").status_code == 404


def test_answers_are_stored_per_question(client, auth):
    user = make_user()
    auth.login(user.email)
    attempt = pass_module(client, 3)
    rows = db.session.scalars(
        select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt.id)
    ).all()
    assert len(rows) == 5 and all(row.is_correct for row in rows)
    assert all(row.choices for row in rows)


def test_course_images_are_served_as_svg_and_only_from_bilder(client, auth):
    user = make_user()
    auth.login(user.email)
    pages = (
        client.get(f"/kurs/grundutbildning/3/{n}").get_data(as_text=True) for n in range(1, 11)
    )
    html = next(page for page in pages if 'src="bilder/' in page)
    assert 'alt="' in html
    src = html.split('src="bilder/')[1].split('"')[0]
    image = client.get(f"/kurs/grundutbildning/3/bilder/{src}")
    assert image.status_code == 200 and image.mimetype == "image/svg+xml"
    assert b"<svg" in image.data
    # its own, stricter policy, once; the other security headers as on every response
    assert image.headers.getlist("Content-Security-Policy") == [
        "default-src 'none'; style-src 'unsafe-inline'"
    ]
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    image.close()
    assert client.get("/kurs/grundutbildning/3/bilder/..%2Fquestions.yaml").status_code == 404
    assert client.get("/kurs/grundutbildning/3/bilder/finns-inte.svg").status_code == 404
    assert client.get("/kurs/grundutbildning/9/bilder/x.svg").status_code == 404


def test_a_completion_that_no_longer_counts_lets_the_learner_start_a_new_cycle(client, auth):
    from vbe_learn.models import Enrollment

    user = make_user(unit=make_unit())
    auth.login(user.email)
    for position in range(1, len(course().current_version.modules) + 1):
        pass_module(client, position)
    client.post("/kurs/grundutbildning/1/1/last")  # re-reading while valid: the same cycle
    assert db.session.scalar(select(func.max(Enrollment.cycle))) == 1
    assert "Genomförd" in client.get("/min-utbildning").get_data(as_text=True)

    course().current_version.validity_years = 0  # today's completion no longer counts
    db.session.commit()
    html = client.get("/min-utbildning").get_data(as_text=True)
    assert "Ska förnyas" in html and "Förnya: starta utbildningen igen" in html
    assert client.post("/kurs/grundutbildning/1/1/last").status_code == 302
    cycles = db.session.scalars(
        select(Enrollment.cycle).where(Enrollment.user_id == user.id).order_by(Enrollment.cycle)
    ).all()
    assert cycles == [1, 2]
    html = client.get("/min-utbildning").get_data(as_text=True)
    # Renewing: still Ska förnyas (no valid completion), as the chef sees it; the page
    # now offers to continue the new cycle instead of starting one.
    assert "Ska förnyas" in html and "Förnya: starta" not in html and "Fortsätt" in html
