"""Starting a knowledge check: the attempt's number and questions, and a lost race."""

from sqlalchemy import event, select

from tests.factories import course, make_user, read_all_pages, start_check, wrong_answers
from vbe_learn.core.extensions import db
from vbe_learn.learning.services.outline import outline_for
from vbe_learn.models import Attempt


def test_attempts_are_numbered_and_show_shuffled_questions_from_the_bank(client, auth):
    user = make_user()
    auth.login(user.email)
    read_all_pages(client, 1)
    first = start_check(client, 1)
    assert start_check(client, 1).id == first.id  # still open: continued, not a new one
    client.post(f"/kunskapskontroll/{first.id}", data=wrong_answers(first))
    second = start_check(client, 1)
    assert (first.number, second.number) == (1, 2) and second.id != first.id
    outline = outline_for(course().current_version_id)
    bank = {q.id: {o.id for o in q.options} for q in outline.module(1).questions}
    for attempt in (first, second):
        shown = attempt.questions_shown
        assert attempt.user_id == user.id and attempt.started_at is not None
        assert len(shown) == outline.questions_per_check
        assert len({item["question_id"] for item in shown}) == len(shown)
        for item in shown:
            assert sorted(item["option_ids"]) == sorted(bank[item["question_id"]])


def test_a_start_that_loses_the_race_continues_the_attempt_that_won(client, auth):
    auth.login(make_user().email)
    read_all_pages(client, 1)
    engine, raced = db.session.get_bind(), []

    def parallel_start_wins(conn, _cursor, statement, parameters, _context, _many):
        if statement.startswith("INSERT INTO attempts") and not raced:
            raced.append(statement)  # the other request's INSERT commits first
            conn.exec_driver_sql(statement.split(" ON CONFLICT")[0], parameters)

    event.listen(engine, "before_cursor_execute", parallel_start_wins)
    try:
        response = client.post("/kurs/grundutbildning/1/kunskapskontroll")
    finally:
        event.remove(engine, "before_cursor_execute", parallel_start_wins)
    attempts = db.session.scalars(select(Attempt)).all()
    assert raced and len(attempts) == 1
    assert response.headers["Location"] == f"/kunskapskontroll/{attempts[0].id}"
