"""Direct reads give what SQLAlchemy's own execution gives, on either database
(direct_reads.py), and the signed-in person they load is the session's instance."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import bindparam, func, select, text
from sqlalchemy.exc import DBAPIError

from vbe_learn.auth.signed_in import signed_in_user
from vbe_learn.direct_reads import DirectRead, attached_entity
from vbe_learn.extensions import db
from vbe_learn.models import User

from ..factories import make_user

USER_COLUMNS = tuple(User.__table__.columns)
EVERY_COLUMN_BY_EMAIL = select(
    *USER_COLUMNS, func.count().over().label("people"), User.active.is_(True)
).where(User.email == bindparam("email"))


@pytest.fixture
def person(app):
    """A person with every kind of column set: dates, a UTC timestamp, booleans."""
    with app.test_request_context():
        user = make_user(
            employee_number="A-1",
            employed_from=date(2019, 3, 1),
            pseudonymised_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
            close_to_residents=True,
        )
        yield user


def test_rows_equal_sqlalchemys_own(person):
    read = DirectRead(EVERY_COLUMN_BY_EMAIL)
    direct = read.rows(email=person.email)
    expected = [
        tuple(row) for row in db.session.execute(EVERY_COLUMN_BY_EMAIL, {"email": person.email})
    ]
    assert direct == expected
    row = dict(zip([c.key for c in USER_COLUMNS], direct[0], strict=False))
    assert row["employed_from"] == date(2019, 3, 1)
    assert row["pseudonymised_at"] == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert row["close_to_residents"] is True
    assert direct[0][-1] is True


def test_no_row_and_several_rows(person):
    by_email = DirectRead(select(User.id).where(User.email == bindparam("email")))
    assert by_email.rows(email="ingen@test.stockholm.se") == []
    other = make_user(first_name=person.first_name)
    by_name = DirectRead(
        select(User.id).where(User.first_name == bindparam("name")).order_by(User.id)
    )
    assert by_name.rows(name=person.first_name) == [(person.id,), (other.id,)]


def test_sees_what_the_session_has_flushed(person):
    person.last_name = "Ändrad"
    db.session.flush()
    read = DirectRead(select(User.last_name).where(User.id == bindparam("id")))
    assert read.rows(id=person.id) == [("Ändrad",)]


def test_in_lists_are_refused(person):
    read = DirectRead(select(User.id).where(User.id.in_(bindparam("ids", expanding=True))))
    with pytest.raises(ValueError, match="IN lists"):
        read.rows(ids=[person.id])


def test_a_driver_error_is_sqlalchemys(person):
    read = DirectRead(select(text("no_such_column")).select_from(User.__table__))
    with pytest.raises(DBAPIError):
        read.rows()


def test_reads_share_one_cursor_per_connection_until_a_read_fails(person):
    by_id = DirectRead(select(User.id).where(User.id == bindparam("id")))
    info = db.session.connection().info
    by_id.rows(id=person.id)
    cursor = info["direct_read_cursor"]
    assert by_id.rows(id=person.id) == [(person.id,)]
    assert info["direct_read_cursor"] is cursor
    broken = DirectRead(select(text("no_such_column")).select_from(User.__table__))
    with pytest.raises(DBAPIError):
        broken.rows()
    assert "direct_read_cursor" not in info  # the next read starts on a fresh cursor


def test_attached_entity_is_the_sessions_instance(person):
    values = {c.key: getattr(person, c.key) for c in User.__mapper__.column_attrs}
    assert attached_entity(User.__mapper__, values) is person
    db.session.expunge(person)
    fresh = attached_entity(User.__mapper__, values)
    assert fresh is not person
    assert fresh in db.session
    assert fresh.email == person.email
    assert not db.session.dirty
    assert fresh.unit is None  # relationships load as usual


def test_signed_in_user_loads_the_person_with_their_reach(person):
    db.session.expunge(person)
    user = signed_in_user(person.session_token)
    assert user.id == person.id
    assert user in db.session
    assert user.employed_from == date(2019, 3, 1)
    assert user.pseudonymised_at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    person_row = db.session.get(User, person.id)
    person_row.active = False
    db.session.flush()
    assert signed_in_user(person.session_token) is None
    assert signed_in_user("no-such-token") is None
