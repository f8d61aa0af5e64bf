"""A gruppomgång under real gunicorn (gunicorn.conf.py, 3 workers) on SQLite, or on
PostgreSQL in the PostgreSQL run: 50 phones join one session at the same moment with the
code on the leader's screen, and at the knowledge check all 50 start it and hand it in at
the same moment.

Each phone is a person logged in over HTTP (its own cookies and CSRF token); a barrier
releases the 50 requests of each burst together.
"""

import json
import re
import threading

import pytest
from sqlalchemy import func, select, update

from vbe_learn.models import Attempt, Completion, GroupParticipant, PageRead, User

from .gunicorn_server import Learner, Server, fresh_database
from .test_gunicorn import in_threads, json_lines

pytestmark = pytest.mark.live
PHONES = 50
LEAD_URL = re.compile(r"/gruppomgang/(\d+)/leda$")
ATTEMPT_URL = re.compile(r"/kunskapskontroll/(\d+)$")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn on a fresh database: a chef (the first account) and 50 people in their team."""
    workdir = tmp_path_factory.mktemp("group-load")
    with fresh_database(workdir, "group") as url:
        running = Server(url, workdir)
        try:
            chef, *people = running.prepare(PHONES + 1)
            with running.engine.begin() as connection:
                chef_id = connection.scalar(select(User.id).where(User.email == chef))
                connection.execute(
                    update(User).where(User.email.in_(people)).values(manager_id=chef_id)
                )
            running.start()
            yield running, chef, people
        finally:
            running.stop()


def at_once(work, items: list) -> list:
    """work(item) for every item, each in its own thread, released together."""
    barrier = threading.Barrier(len(items))

    def run(item):
        barrier.wait(timeout=60)
        return work(item)

    return in_threads(run, items)


def test_fifty_phones_join_at_once_and_hand_in_their_checks_at_once(server):
    srv, chef_email, emails = server
    leader = Learner(srv.port, chef_email)
    leader.log_in()
    status, headers, _ = leader.send("POST", "/gruppomgang/ny", {"moduler": ["1"]})
    assert status == 302, status
    session_id = int(LEAD_URL.search(headers["Location"])[1])
    poll = f"/gruppomgang/{session_id}/status.json"

    phones = [Learner(srv.port, email) for email in emails]
    assert in_threads(lambda phone: phone.log_in(), phones) == [None] * PHONES

    # everyone types the code the leader's screen shows now, at the same moment
    code = json.loads(leader.send("GET", poll)[2])["code"]
    joined = at_once(lambda phone: phone.send("POST", "/gruppomgang/delta", {"kod": code}), phones)
    statuses = [result[0] if isinstance(result, tuple) else result for result in joined]
    assert statuses == [302] * PHONES, statuses
    assert {result[1]["Location"] for result in joined} == {f"/gruppomgang/{session_id}"}
    state = json.loads(leader.send("GET", poll)[2])
    assert (state["present"], state["with_phone"]) == (PHONES, PHONES)

    # the leader shows every page of module 1, then its check
    for _ in range(srv.pages_per_module()[1]):
        assert leader.send("POST", f"/gruppomgang/{session_id}/nasta")[0] == 302
    assert json.loads(leader.send("GET", poll)[2])["position"] == "1/check"

    def start_check(phone):
        status, headers, _ = phone.send("POST", f"/gruppomgang/{session_id}/kunskapskontroll")
        assert status == 302, status
        return int(ATTEMPT_URL.search(headers["Location"])[1])

    attempt_ids = at_once(start_check, phones)
    assert all(isinstance(found, int) for found in attempt_ids), attempt_ids
    answers = {attempt: srv.correct_answers(attempt) for attempt in attempt_ids}

    def hand_in(phone_and_attempt):
        phone, attempt = phone_and_attempt
        return phone.send("POST", f"/kunskapskontroll/{attempt}", answers[attempt])[0]

    assert at_once(hand_in, list(zip(phones, attempt_ids, strict=True))) == [302] * PHONES

    lead_page = leader.send("GET", f"/gruppomgang/{session_id}/leda")
    assert lead_page[0] == 200
    assert f"{PHONES} av {PHONES} har svarat" in lead_page[2]
    assert json.loads(leader.send("GET", poll)[2])["answered"] == PHONES

    with srv.engine.connect() as connection:
        people = set(connection.scalars(select(User.id).where(User.email.in_(emails))))
        attempts = connection.execute(
            select(Attempt.user_id, Attempt.group_session_id, Attempt.passed).where(
                Attempt.user_id.in_(people)
            )
        ).all()
        participants = connection.execute(
            select(GroupParticipant.user_id, func.count()).group_by(GroupParticipant.user_id)
        ).all()
        pages_read = connection.scalar(select(func.count(PageRead.id)))
        completions = connection.scalar(select(func.count(Completion.id)))
    assert sorted(user for user, _, _ in attempts) == sorted(people)  # one attempt each
    assert {(session, passed) for _, session, passed in attempts} == {(session_id, True)}
    assert dict(participants) == dict.fromkeys(people, 1)
    assert pages_read == PHONES * srv.pages_per_module()[1]
    assert completions == 0  # module 1 of 5

    log = srv.log()
    assert "Traceback" not in log and "database is locked" not in log, log[-3000:]
    access = [entry for entry in json_lines(log) if entry.get("type") == "access"]
    assert len(access) > 4 * PHONES
    assert [entry for entry in access if entry["status"] >= 400] == []
