"""Column types shared by the models."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime; use vbe_learn.models.types.utcnow()")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


CITY_TIMEZONE = ZoneInfo("Europe/Stockholm")


def city_date(moment: datetime) -> date:
    """The calendar date in Stockholm of a moment (completion dates are local dates)."""
    return moment.astimezone(CITY_TIMEZONE).date()


def city_today() -> date:
    """Today's date in Stockholm (not the server's local date)."""
    return city_date(utcnow())
