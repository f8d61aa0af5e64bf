"""PostgreSQL: a GET reads in autocommit mode (no BEGIN, no ROLLBACK); a POST still runs in
a transaction that the request commits once."""

import pytest
from sqlalchemy import event

from tests.factories import PASSWORD, make_user
from vbe_learn.extensions import db


@pytest.mark.postgresql
@pytest.mark.live
def test_a_get_opens_no_transaction_and_a_post_one(app, monkeypatch):
    monkeypatch.setitem(app.config, "AUTOCOMMIT_READS", True)
    with app.app_context():
        email = make_user().email
        engine = db.engine
    client = app.test_client()
    client.post("/logga-in", data={"email": email, "password": PASSWORD})
    statements = []

    def record(connection, _cursor, statement, *_args):
        # psycopg sends BEGIN itself before the first statement unless it is in autocommit
        autocommit = connection.connection.dbapi_connection.autocommit
        statements.append((statement.split()[0].upper(), autocommit))

    event.listen(engine, "before_cursor_execute", record)
    try:
        page = client.get("/kurs/grundutbildning/1/1")
        reads = list(statements)
        statements.clear()
        marked = client.post("/kurs/grundutbildning/1/1/last")
        writes = list(statements)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert page.status_code == 200 and "Sida 1 av" in page.get_data(as_text=True)
    assert reads and set(reads) == {("SELECT", True)}  # no BEGIN, no ROLLBACK
    assert marked.status_code == 302
    assert ("INSERT", False) in writes and all(not autocommit for _, autocommit in writes)
    with app.app_context():
        from vbe_learn.models import PageRead

        assert db.session.query(PageRead).count() == 1
