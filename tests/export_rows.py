"""A deltagarlista's CSV as the app writes it, read on the test's own connection.

For tests that are not `live`: a download reads on a snapshot connection of its own, which
cannot see the rolled-back test transaction (test_exports.py and test_export_snapshot.py
test downloads for real, with commits). This is the same query and writer
(exports.services.write_participants), on the session's connection.
"""

import io

from sqlalchemy import ColumnElement

from vbe_learn.core.extensions import db
from vbe_learn.exports.participants import ParticipantFilters, participant_query
from vbe_learn.exports.services import CSV, write_participants
from vbe_learn.learning.status import validity_years
from vbe_learn.models.types import city_today


def deltagarlista_csv(scope: ColumnElement[bool], filters: ParticipantFilters) -> str:
    """The CSV text (without its BOM) of the people within `scope` and `filters`."""
    query = participant_query(scope, filters, city_today(), validity_years("grundutbildning"))
    buffer = io.BytesIO()
    write_participants(db.session.connection(), buffer, CSV, query)
    return buffer.getvalue().decode("utf-8-sig")
