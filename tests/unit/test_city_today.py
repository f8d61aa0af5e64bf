"""city_today: "today" is the date in Stockholm, not the server's (UTC) date."""

from datetime import UTC, date, datetime

import pytest

from tests.roster_files import completion, completions_csv
from vbe_learn.models import types
from vbe_learn.models.types import city_today
from vbe_learn.roster.files import read_table
from vbe_learn.roster.validation import validate_completions


def freeze(monkeypatch, moment: datetime) -> None:
    monkeypatch.setattr(types, "utcnow", lambda: moment)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 7, 14, 23, 30, tzinfo=UTC), date(2026, 7, 15)),  # summer: UTC+2
        (datetime(2026, 7, 14, 22, 0, tzinfo=UTC), date(2026, 7, 15)),  # midnight in Stockholm
        (datetime(2026, 7, 14, 21, 59, tzinfo=UTC), date(2026, 7, 14)),
        (datetime(2026, 1, 14, 23, 30, tzinfo=UTC), date(2026, 1, 15)),  # winter: UTC+1
        (datetime(2026, 1, 14, 22, 59, tzinfo=UTC), date(2026, 1, 14)),
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), date(2027, 1, 1)),  # a new year
    ],
)
def test_city_today_is_the_stockholm_date(monkeypatch, moment, expected):
    freeze(monkeypatch, moment)
    assert city_today() == expected


def test_city_today_follows_the_real_clock():
    assert city_today() == datetime.now(types.CITY_TIMEZONE).date()


def test_a_completion_today_in_stockholm_is_not_in_the_future(monkeypatch):
    """At 23:30 UTC in summer it is already the 15th in Stockholm: the 15th is allowed."""
    freeze(monkeypatch, datetime(2026, 7, 14, 23, 30, tzinfo=UTC))
    rows = [completion("1001", "2026-07-15"), completion("1002", "2026-07-16")]
    _table, problems = validate_completions(read_table(completions_csv(rows)))
    assert problems.lines() == ["Rad 3: Genomförd ligger i framtiden."]
