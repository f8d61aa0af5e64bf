"""SQLite transactions: reads defer, writes take the lock at once, streams after the commit read."""

import pytest
from flask import g

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
