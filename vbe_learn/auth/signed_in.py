"""Loading the signed-in person: one query per request.

The query reads the person (by the session token in their cookie, active people only) and,
beside their row, what every request of theirs needs next: their reach (permissions.py)
and where they stand in the default course (learning/services/position.py). Each part is
handed to its module for the rest of the request: a module page thus needs no query of
its own, and "Nästa" none before its write. It runs as a direct read (direct_reads.py):
this is the one query every signed-in request makes.
"""

from flask import current_app
from sqlalchemy import bindparam, select

from ..direct_reads import DirectRead, attached_entity
from ..learning.services.position import READING_COLUMNS, remember_reading
from ..models import User
from ..permissions import REACH_COLUMNS, remember_reach

_USER_COLUMNS = tuple(User.__table__.columns)
_USER_KEYS = tuple(User.__mapper__.get_property_by_column(c).key for c in _USER_COLUMNS)
_REACH = slice(len(_USER_COLUMNS), len(_USER_COLUMNS) + len(REACH_COLUMNS))
_READING = slice(_REACH.stop, None)
SIGNED_IN_PERSON = DirectRead(
    select(*_USER_COLUMNS, *REACH_COLUMNS, *READING_COLUMNS).where(
        User.session_token == bindparam("token"), User.active.is_(True)
    )
)


def signed_in_user(session_token: str) -> User | None:
    """The active person holding this session token (None if nobody does), with their
    reach and their reading state in the default course kept for the request."""
    slug = current_app.config["DEFAULT_COURSE"]
    rows = SIGNED_IN_PERSON.rows(token=session_token, slug=slug)
    if not rows:
        return None
    row = rows[0]
    values = dict(zip(_USER_KEYS, row[: len(_USER_KEYS)], strict=True))
    user = attached_entity(User.__mapper__, values)
    remember_reach(user.id, *row[_REACH])
    remember_reading(user.id, slug, row[_READING])
    return user
