"""Transactions: reads defer, writes take the lock at once, streams after the commit read,
and a GET never commits."""

import threading

import pytest
from flask import g
from sqlalchemy import delete, select

from vbe_learn.db import _is_read_only_request, read_apart, stream_then_commit
from vbe_learn.extensions import db
from vbe_learn.models import Administration


def test_get_is_read_only_and_post_is_not(app):
    with app.test_request_context("/", method="GET"):
        assert _is_read_only_request() is True
    with app.test_request_context("/", method="POST"):
        assert _is_read_only_request() is False


def test_after_the_requests_commit_a_post_only_reads(app):
    with app.test_request_context("/", method="POST"):
        g._request_committed = True
        assert _is_read_only_request() is True


def test_outside_a_request_transactions_write(app):
    with app.app_context():
        assert _is_read_only_request() is False


@pytest.mark.live
def test_a_get_request_never_commits(app, monkeypatch):
    """Whatever a GET view adds is discarded: only POST requests change state."""
    name = "Förvaltning skapad av en GET"

    def view_that_writes():
        db.session.add(Administration(name=name))
        db.session.flush()
        return "ok"

    monkeypatch.setitem(app.view_functions, "learning.index", view_that_writes)
    assert app.test_client().get("/").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(Administration).where(Administration.name == name)) is None


def test_a_read_apart_reads_without_the_write_lock_and_the_request_writes_after(app):
    with app.test_request_context("/", method="POST"):
        with read_apart():
            assert _is_read_only_request() is True
        assert _is_read_only_request() is False


def test_a_read_apart_refuses_to_drop_unsaved_changes(app):
    with app.test_request_context("/", method="POST"):
        db.session.add(Administration(name="Osparad förvaltning"))
        with pytest.raises(RuntimeError), read_apart():
            pass
        db.session.rollback()


def test_a_stream_that_writes_at_its_end_does_so_in_a_write_transaction(app):
    seen = []
    with app.test_request_context("/", method="POST"):
        g._request_committed = True
        body = stream_then_commit([b"a", b"b"], lambda: seen.append(_is_read_only_request()))
        assert list(body) == [b"a", b"b"]
        assert seen == [False] and _is_read_only_request() is True


@pytest.mark.live
def test_a_writing_request_reads_without_the_lock_and_writes_on_fresh_data(app):
    """A POST holds SQLite's write lock from its first write only: while it has only read,
    another writer commits at once, and the request's writes then see that commit."""
    names = ("Skriven medan en POST läste", "Skriven av POST-förfrågan")

    def other_writer():
        with app.app_context():
            db.session.add(Administration(name=names[0]))
            db.session.commit()

    with app.test_request_context("/", method="POST"):
        assert (
            db.session.scalar(select(Administration).where(Administration.name == names[0])) is None
        )
        writer = threading.Thread(target=other_writer)
        writer.start()
        writer.join(timeout=5)
        assert not writer.is_alive()  # it did not wait for the request's transaction
        db.session.add(Administration(name=names[1]))
        db.session.flush()
        seen = db.session.scalars(select(Administration.name).where(Administration.name.in_(names)))
        assert sorted(seen) == sorted(names)
        db.session.rollback()
    with app.app_context():
        db.session.execute(delete(Administration).where(Administration.name.in_(names)))
        db.session.commit()
