"""20 parallel submits of the same attempt leave one result (real transactions, both databases)."""

import threading

import pytest
from sqlalchemy import func, select

from tests.factories import PASSWORD, correct_answers, make_user, read_all_pages, start_check
from vbe_learn.core.extensions import db
from vbe_learn.models import AnswerChoice, Attempt, AttemptAnswer, Enrollment

PARALLEL = 20


def clients_of_one_learner(app, count: int) -> list:
    """`count` test clients, each signed in as the same new learner."""
    with app.app_context():
        email = make_user().email
    clients = [app.test_client() for _ in range(count)]
    for client in clients:
        client.post("/logga-in", data={"email": email, "password": PASSWORD})
    return clients


def all_at_once(clients, act) -> list:
    """Run act(client) for every client in its own thread, released together; the results."""
    barrier = threading.Barrier(len(clients))
    results = []

    def run(client):
        barrier.wait()
        results.append(act(client))

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.live
def test_twenty_parallel_submits_make_one_result(app):
    clients = clients_of_one_learner(app, PARALLEL)
    with app.app_context():
        read_all_pages(clients[0], 1)
        attempt = start_check(clients[0], 1)
        url, data = f"/kunskapskontroll/{attempt.id}", correct_answers(attempt)
        attempt_id = attempt.id

    statuses = all_at_once(clients, lambda client: client.post(url, data=data).status_code)

    assert sorted(statuses) == [302] * PARALLEL  # the losers are told it was already submitted
    with app.app_context():
        assert db.session.scalar(select(func.count(Attempt.id))) == 1
        stored = db.session.get(Attempt, attempt_id)
        assert stored.submitted_at is not None and stored.score_percent == 100
        assert db.session.scalar(select(func.count(AttemptAnswer.id))) == 5
        answers = db.session.scalar(select(func.count(AnswerChoice.id)))
        assert answers == sum(len(v) for v in data.values())


@pytest.mark.live
def test_parallel_first_page_reads_make_one_enrollment(app):
    clients = clients_of_one_learner(app, 10)
    statuses = all_at_once(
        clients, lambda client: client.post("/kurs/grundutbildning/1/1/last").status_code
    )
    assert statuses == [302] * len(clients)
    with app.app_context():
        assert db.session.scalar(select(func.count(Enrollment.id))) == 1


@pytest.mark.live
def test_parallel_starts_of_a_check_open_one_attempt_for_all(app):
    clients = clients_of_one_learner(app, 10)
    with app.app_context():
        read_all_pages(clients[0], 1)

    def start(client):
        response = client.post("/kurs/grundutbildning/1/kunskapskontroll")
        return response.status_code, response.headers.get("Location")

    locations = all_at_once(clients, start)
    with app.app_context():
        only = db.session.scalars(select(Attempt)).all()
    assert len(only) == 1 and only[0].number == 1
    assert locations == [(302, f"/kunskapskontroll/{only[0].id}")] * len(clients)
