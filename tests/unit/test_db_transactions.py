"""SQLite transactions: reads defer, writes take the lock at once, streams after the commit read."""

from flask import g

from vbe_learn.db import _is_read_only_request


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
