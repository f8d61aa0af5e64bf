"""The app under real gunicorn (gunicorn.conf.py, 3 workers) on SQLite, or on PostgreSQL in
the PostgreSQL run: parallel submits, concurrent learners, a worker killed mid-burst."""

import json
import os
import signal
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
from sqlalchemy import func, select

from vbe_learn.models import Attempt, AttemptAnswer, Completion, Enrollment, User

from .gunicorn_server import Learner, Server, fresh_database, request

pytestmark = pytest.mark.live
LEARNERS = {"parallel": 1, "concurrent": 30, "killed": 8}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn on a fresh database with learners; (server, e-mails per scenario)."""
    workdir = tmp_path_factory.mktemp("gunicorn")
    with fresh_database(workdir, "gunicorn") as url:
        running = Server(url, workdir)
        try:
            emails = iter(running.prepare(sum(LEARNERS.values())))
            running.start()
            yield running, {name: [next(emails) for _ in range(n)] for name, n in LEARNERS.items()}
        finally:
            running.stop()


def in_threads(work, items) -> list:
    """Run work(item) in one thread per item; every result or exception, in order."""
    results: list = [None] * len(items)

    def run(index, item):
        try:
            results[index] = work(item)
        except Exception as error:  # noqa: BLE001 - reported by the test
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, x)) for i, x in enumerate(items)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return results


def user_id(srv: Server, email: str) -> int:
    with srv.engine.connect() as connection:
        return connection.scalar(select(User.id).where(User.email == email))


def test_fifty_parallel_submits_of_one_check_record_one_attempt(server):
    srv, emails = server
    learner = Learner(srv.port, emails["parallel"][0])
    learner.log_in()
    learner.read_module(1, srv.pages_per_module()[1])
    attempt_id = learner.start_check(1)
    answers = srv.correct_answers(attempt_id)
    cookies = "; ".join(f"{k}={v}" for k, v in learner.cookies.items())
    body = urllib.parse.urlencode({**answers, "csrf_token": learner.token}, doseq=True)
    barrier = threading.Barrier(50)

    def submit(_):
        barrier.wait()
        return request(srv.port, "POST", f"/kunskapskontroll/{attempt_id}", body, cookies)[0]

    statuses = in_threads(submit, range(50))
    assert statuses == [302] * 50, statuses
    person = user_id(srv, learner.email)
    with srv.engine.connect() as connection:
        attempts = connection.execute(
            select(Attempt.id, Attempt.submitted_at, Attempt.score_percent).where(
                Attempt.user_id == person
            )
        ).all()
        answers_stored = connection.scalar(
            select(func.count(AttemptAnswer.id)).where(AttemptAnswer.attempt_id == attempt_id)
        )
    assert len(attempts) == 1
    assert attempts[0].submitted_at is not None and attempts[0].score_percent == 100
    assert answers_stored == len(answers)


def test_thirty_concurrent_learners_get_no_errors_and_no_locked_database(server):
    srv, emails = server
    pages = srv.pages_per_module()

    def learn(email):
        learner = Learner(srv.port, email)
        learner.log_in()
        assert learner.send("GET", "/kurs/grundutbildning/1/1")[0] == 200
        learner.read_module(1, pages[1])
        attempt_id = learner.start_check(1)
        assert learner.send("GET", f"/kunskapskontroll/{attempt_id}")[0] == 200
        answers = srv.correct_answers(attempt_id)
        status = learner.send("POST", f"/kunskapskontroll/{attempt_id}", answers)[0]
        assert status == 302, status
        return learner.send("GET", "/min-utbildning")[0]

    results = in_threads(learn, emails["concurrent"])
    assert results == [200] * len(results), [r for r in results if r != 200][:3]
    log = srv.log()
    assert "database is locked" not in log and "Traceback" not in log
    statuses = [entry["status"] for entry in json_lines(log) if entry.get("type") == "access"]
    assert len(statuses) > 30 * 10 and max(statuses) < 500


def json_lines(log: str) -> list[dict]:
    """Every JSON line of the log (gunicorn's access log and the app's logs)."""
    return [json.loads(line) for line in log.splitlines() if line.startswith("{")]


def test_logs_are_one_json_object_per_line(server):
    srv, _ = server
    # A line feed and a quote in a path (%0A, %22) stay inside their one JSON line.
    assert request(srv.port, "GET", "/finns-inte%0A%7B%22type%22:%22fejk%22%7D")[0] == 404
    time.sleep(0.2)  # the access line is written after the response
    lines = [line for line in srv.log().splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # every line: gunicorn's and the app's
    assert any(e.get("logger") == "gunicorn.error" and "Booting worker" in e["message"]
               for e in entries)  # fmt: skip
    access = [e for e in entries if e.get("type") == "access"]
    app_logs = [e for e in entries if "logger" in e]
    assert access and {"time", "remote_addr", "method", "path", "status"} <= set(access[0])
    assert any("event=login_succeeded" in e["message"] for e in app_logs)
    assert all(isinstance(e["duration_us"], int) for e in access)
    assert '/finns-inte\n{"type":"fejk"}' in [e["path"] for e in access]
    assert not any(e.get("type") == "fejk" for e in entries)


def whole(row) -> bool:
    """Every column of an earned completion is set (source_version is for imported ones,
    group_session_id for those earned at a gruppomgång)."""
    values = dict(row)
    assert values.pop("source_version") is None and values["source"] == "earned"
    assert values.pop("group_session_id") is None
    return all(value is not None for value in values.values())


def test_a_worker_killed_mid_burst_loses_no_completion_and_leaves_none_half_written(server):
    srv, emails = server
    pages = srv.pages_per_module()
    last = max(pages)

    def almost_done(email):
        learner = Learner(srv.port, email)
        learner.log_in()
        for position in range(1, last):
            learner.read_module(position, pages[position])
            attempt_id = learner.start_check(position)
            answers = srv.correct_answers(attempt_id)
            assert learner.send("POST", f"/kunskapskontroll/{attempt_id}", answers)[0] == 302
        learner.read_module(last, pages[last])
        attempt_id = learner.start_check(last)
        return learner, attempt_id, srv.correct_answers(attempt_id)

    prepared = in_threads(almost_done, emails["killed"])
    assert not [p for p in prepared if isinstance(p, Exception)], prepared
    # The burst: every learner's final submit, replayed 5 times at once (40 requests).
    burst = [
        (index, f"/kunskapskontroll/{attempt_id}",
         urllib.parse.urlencode({**answers, "csrf_token": learner.token}, doseq=True),
         "; ".join(f"{k}={v}" for k, v in learner.cookies.items()))
        for index, (learner, attempt_id, answers) in enumerate(prepared)
        for _ in range(5)
    ]  # fmt: skip
    barrier = threading.Barrier(len(burst) + 1)
    victim = srv.workers()[0]

    def submit(item):
        index, path, body, cookies = item
        barrier.wait()
        return index, request(srv.port, "POST", path, body, cookies)[0]

    results: list = []
    sender = threading.Thread(target=lambda: results.extend(in_threads(submit, burst)))
    ids = [user_id(srv, learner.email) for learner, _, _ in prepared]
    # Hold the learners' write lock for a moment, so that every worker is surely inside a
    # submit (SQLite: waiting on BEGIN IMMEDIATE; PostgreSQL: on the enrollment row lock)
    # when one of them is killed; then let the rest of the burst race on.
    with srv.engine.connect() as locker:
        with locker.begin():
            locker.execute(
                select(Enrollment.id).where(Enrollment.user_id.in_(ids)).with_for_update()
            )
            sender.start()
            barrier.wait()
            wait_for_waiting_submits(srv, len(srv.workers()))
            os.kill(victim, signal.SIGKILL)
    sender.join(timeout=180)
    cut = [r for r in results if isinstance(r, Exception)]
    answered = [r for r in results if not isinstance(r, Exception)]
    assert all(status < 500 for _, status in answered), answered
    assert cut, "the killed worker was in the middle of a request"

    with srv.engine.connect() as connection:
        completed = set(
            connection.scalars(select(Completion.user_id).where(Completion.user_id.in_(ids)))
        )
    # A 302 means the submit (this one or a replay before it) was committed: nothing lost.
    confirmed = {ids[index] for index, status in answered if status == 302}
    assert confirmed <= completed, (confirmed - completed, len(cut))

    wait_for_workers(srv, 3)
    for index, (learner, attempt_id, answers) in enumerate(prepared):  # the learner tries again
        if ids[index] not in completed:
            status = learner.send("POST", f"/kunskapskontroll/{attempt_id}", answers)[0]
            assert status == 302, status

    with srv.engine.connect() as connection:
        rows = (
            connection.execute(select(Completion.__table__).where(Completion.user_id.in_(ids)))
            .mappings()
            .all()
        )
        attempts = connection.execute(
            select(Attempt.id, Attempt.submitted_at, Attempt.passed, Attempt.questions_shown)
            .where(Attempt.user_id.in_(ids))
        ).all()  # fmt: skip
        answer_counts = dict(
            connection.execute(
                select(AttemptAnswer.attempt_id, func.count(AttemptAnswer.id))
                .where(AttemptAnswer.attempt_id.in_([a.id for a in attempts]))
                .group_by(AttemptAnswer.attempt_id)
            ).all()
        )
    assert sorted(row["user_id"] for row in rows) == sorted(ids)  # exactly one each
    assert all(whole(row) for row in rows), rows
    assert len(attempts) == len(ids) * last  # no duplicated attempt
    for attempt in attempts:  # every submitted attempt is whole; every open one untouched
        expected = len(attempt.questions_shown) if attempt.submitted_at is not None else 0
        assert answer_counts.get(attempt.id, 0) == expected, attempt
        assert (attempt.passed is None) == (attempt.submitted_at is None), attempt
    assert f"(pid:{victim})" in srv.log()  # the master saw the kill


def wait_for_waiting_submits(srv: Server, workers: int) -> None:
    """Until every worker has taken a submit (its connection is accepted), or 3 s."""
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        if accepted_connections(srv.port) >= workers:
            time.sleep(0.2)  # and has gone on into the app, up to the lock
            return
        time.sleep(0.01)


def accepted_connections(port: int) -> int:
    """Established server-side TCP connections on the port (from /proc/net/tcp)."""
    local = f":{port:04X}"
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1].endswith(local) and fields[3] == "01":  # 01 = ESTABLISHED
            count += 1
    return count


def wait_for_workers(srv: Server, count: int) -> None:
    """Until the master has replaced the killed worker and the app answers."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if len(srv.workers()) == count and request(srv.port, "GET", "/healthz")[0] == 200:
            return
        time.sleep(0.2)
    raise AssertionError(f"gunicorn did not get {count} workers back:\n{srv.log()[-3000:]}")
