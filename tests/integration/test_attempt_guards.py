"""Bad input on knowledge checks is refused and changes nothing."""

from sqlalchemy import func, select

from tests.factories import correct_answers, make_user, read_all_pages, start_check
from vbe_learn.core.extensions import db
from vbe_learn.models import AnswerChoice, Attempt, AttemptAnswer, Question


def counts():
    return (
        db.session.scalar(select(func.count(Attempt.id)).where(Attempt.submitted_at.is_not(None))),
        db.session.scalar(select(func.count(AttemptAnswer.id))),
        db.session.scalar(select(func.count(AnswerChoice.id))),
    )


def open_attempt(client, auth):
    user = make_user()
    auth.login(user.email)
    read_all_pages(client, 1)
    return user, start_check(client, 1)


def test_replayed_submit_creates_no_second_result(client, auth):
    _user, attempt = open_attempt(client, auth)
    data = correct_answers(attempt)
    assert client.post(f"/kunskapskontroll/{attempt.id}", data=data).status_code == 302
    after_first = counts()
    response = client.post(f"/kunskapskontroll/{attempt.id}", data=data, follow_redirects=True)
    assert "redan inlämnad" in response.get_data(as_text=True)
    assert counts() == after_first == (1, 5, after_first[2])


def test_double_clicked_start_opens_one_attempt(client, auth):
    _user, attempt = open_attempt(client, auth)
    again = start_check(client, 1)
    assert again.id == attempt.id
    assert db.session.scalar(select(func.count(Attempt.id))) == 1


def test_extra_fields_are_refused(client, auth):
    _user, attempt = open_attempt(client, auth)
    url, answers = f"/kunskapskontroll/{attempt.id}", correct_answers(attempt)
    for extra in ({"score": "100"}, {"user_id": "1"}, {"passed": "1"}):
        assert client.post(url, data={**answers, **extra}).status_code == 400
    assert counts() == (0, 0, 0)


def test_answer_to_a_question_not_in_the_attempt_is_refused(client, auth):
    _user, attempt = open_attempt(client, auth)
    shown = {item["question_id"] for item in attempt.questions_shown}
    other = db.session.scalar(select(Question).where(Question.id.not_in(shown)).limit(1))
    data = {**correct_answers(attempt), f"q{other.id}": str(other.options[0].id)}
    assert client.post(f"/kunskapskontroll/{attempt.id}", data=data).status_code == 400
    assert counts() == (0, 0, 0)


def test_option_of_another_question_is_refused(client, auth):
    _user, attempt = open_attempt(client, auth)
    data = correct_answers(attempt)
    first, second = list(data)[:2]
    data[first] = data[second]
    response = client.post(f"/kunskapskontroll/{attempt.id}", data=data)
    assert response.status_code == 200  # the form shows the error again, in Swedish
    assert "Välj bland frågans svarsalternativ." in response.get_data(as_text=True)
    assert counts() == (0, 0, 0)


def test_unanswered_questions_are_asked_for_in_swedish(client, auth):
    _user, attempt = open_attempt(client, auth)
    data = correct_answers(attempt)
    data.pop(next(iter(data)))
    response = client.post(f"/kunskapskontroll/{attempt.id}", data=data)
    assert response.status_code == 200
    assert "Svara på frågan." in response.get_data(as_text=True)
    assert counts() == (0, 0, 0)


def test_someone_elses_attempt_is_not_found(client, auth):
    _owner, attempt = open_attempt(client, auth)
    auth.logout()
    intruder = make_user()
    auth.login(intruder.email)
    assert client.get(f"/kunskapskontroll/{attempt.id}").status_code == 404
    response = client.post(f"/kunskapskontroll/{attempt.id}", data=correct_answers(attempt))
    assert response.status_code == 404
    assert client.get("/kunskapskontroll/999999").status_code == 404
    assert counts() == (0, 0, 0)


def test_someone_elses_certificate_pdf_is_not_found(client, auth):
    user = make_user()
    auth.login(user.email)
    assert client.get("/intyg/AAAA-BBBB-CCCC/intyg.pdf").status_code == 404


def test_state_changing_routes_refuse_get(client, auth):
    user = make_user()
    auth.login(user.email)
    assert client.get("/kurs/grundutbildning/1/1/last").status_code == 405
    assert client.get("/logga-ut").status_code == 405


def test_unknown_module_page_and_course_are_404(client, auth):
    user = make_user()
    auth.login(user.email)
    assert client.get("/kurs/grundutbildning/99/1").status_code == 404
    assert client.get("/kurs/grundutbildning/1/99").status_code == 404
    assert client.get("/kurs/finns-inte/1/1").status_code == 404
