"""Two reminder runs at the same moment (two workers, two hosts): claims are disjoint and
each person gets exactly one message; two plannings at once plan each message once.
Real transactions in threads, each with its own session, against a real SMTP server."""

import threading
import time
from datetime import date

import pytest
from sqlalchemy import func, select, text

from tests.factories import make_unit, make_user
from tests.smtp_server import SmtpServer
from vbe_learn.core.extensions import db
from vbe_learn.core.mail import transport_for
from vbe_learn.models import ReminderMessage
from vbe_learn.reminders.deadlines import set_deadline
from vbe_learn.reminders.planning import Schedule, plan_messages
from vbe_learn.reminders.run import send_planned
from vbe_learn.reminders.sending import claim_next, new_run_id

PEOPLE = 30
DAY = date(2026, 3, 2)
SCHEDULE = Schedule(DAY, 3)


def make_people(count: int = PEOPLE) -> list[str]:
    """`count` people due for a reminder on DAY (deadline the day before); their addresses."""
    unit = make_unit("Samtidiga förvaltningen", "Enhet S")
    addresses = [
        make_user(f"samtidig{n}@test.se", unit, employed_from=date(2020, 1, 1)).email
        for n in range(count)
    ]
    set_deadline(None, date(2026, 3, 1), actor=None)
    db.session.commit()
    return addresses


def in_threads(app, *actions) -> list:
    """Run each action in its own thread and app context (its own session), released
    together; their results in order (an exception is re-raised here)."""
    barrier = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def run(index, action):
        with app.app_context():
            barrier.wait()
            try:
                results[index] = action()
            except Exception as exc:  # re-raised in the test's thread
                results[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for result in results:
        if isinstance(result, Exception):
            raise result
    return results


@pytest.mark.live
def test_two_runs_at_once_send_each_person_exactly_one_message(app):
    with app.app_context():
        addresses = make_people()
        plan_messages(SCHEDULE)
        db.session.commit()
    runs = [new_run_id(), new_run_id()]

    with SmtpServer() as server:
        config = {**app.config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port}

        def sender(run_id):
            def send():
                transport = transport_for(config)
                try:
                    return send_planned(transport, "test.se", run_id)
                finally:
                    transport.close()

            return send

        reports = in_threads(app, *(sender(run_id) for run_id in runs))
        received = sorted(r.recipients[0] for r in server.recorder.received)

    assert received == sorted(addresses)  # each person exactly one message
    assert sum(report.sent for report in reports) == PEOPLE
    with app.app_context():
        rows = db.session.execute(
            select(ReminderMessage.status, ReminderMessage.claimed_by, func.count()).group_by(
                ReminderMessage.status, ReminderMessage.claimed_by
            )
        ).all()
    claimed = {claimed_by: count for status, claimed_by, count in rows if status == "sent"}
    assert {status for status, _, _ in rows} == {"sent"}
    assert set(claimed) <= set(runs)  # every row claimed by one run, counted once
    assert {run: claimed.get(run, 0) for run in runs} == {
        run: report.sent for run, report in zip(runs, reports, strict=True)
    }


@pytest.mark.live
@pytest.mark.postgresql
def test_a_claim_skips_the_row_another_run_is_claiming_instead_of_waiting(app):
    with app.app_context():
        make_people(2)
        plan_messages(SCHEDULE)
        db.session.commit()
        first = claim_next(new_run_id())  # not committed: its row stays locked

        def other_run():
            db.session.execute(text("SET LOCAL lock_timeout = '5s'"))  # a wait would fail
            row = claim_next(new_run_id())
            db.session.commit()
            return row

        (second,) = in_threads(app, other_run)
        db.session.commit()
        assert second is not None and second.id != first.id
        assert claim_next(new_run_id()) is None  # both taken, no third
        db.session.rollback()


@pytest.mark.live
def test_two_plannings_at_once_plan_each_message_once(app):
    with app.app_context():
        make_people(5)
        first = plan_messages(SCHEDULE)  # not committed yet
        assert first == {"after": 5}

        def second_planning():
            planned = plan_messages(SCHEDULE)
            db.session.commit()
            return planned

        second = {}
        thread = threading.Thread(
            target=lambda: second.update(planned=in_threads(app, second_planning)[0])
        )
        thread.start()
        _until_waiting_for_a_lock(thread)
        db.session.commit()
        thread.join(timeout=60)
        assert second["planned"] == {}  # it waited for the first, then skipped its rows
        keys = select(ReminderMessage.user_id, ReminderMessage.kind, ReminderMessage.period_key)
        rows = db.session.execute(keys).all()
        assert len(rows) == len(set(rows)) == 5


def _until_waiting_for_a_lock(thread: threading.Thread) -> None:
    """PostgreSQL: until the other planning's insert waits for this transaction's rows (or
    it ended without waiting: the assertions after say what it did). SQLite: it waits for
    the writer lock at its first statement, whenever it comes."""
    if db.engine.dialect.name != "postgresql":
        return
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE wait_event_type = 'Lock' AND datname = current_database()"
    )
    deadline = time.monotonic() + 60
    while thread.is_alive():
        # A transaction per look: pg_stat_activity is a snapshot taken once per transaction.
        with db.engine.connect() as connection:
            if connection.execute(waiting).scalar():
                return
        assert time.monotonic() < deadline, "the second planning neither waited nor ended"
        time.sleep(0.05)
