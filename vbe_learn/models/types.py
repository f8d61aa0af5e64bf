"""Column types shared by the models."""

import re
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


SWEDISH_MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)  # fmt: skip
EARLIER_PLATFORM = "tidigare plattform"
_HASH = re.compile(r"[0-9a-fA-F]{7,64}")


def swedish_date(day: date) -> str:
    """A date the Swedish way, for running text: 24 november 2026."""
    return f"{day.day} {SWEDISH_MONTHS[day.month - 1]} {day.year}"


def version_label(loaded_at: datetime | None, imported: str | None = None) -> str:
    """A course version as people read it, never a hash: the month and year it was loaded
    ("december 2026"); for a completion imported from the earlier platform its own label
    as given ("2024"), or "tidigare plattform" when that is empty or looks like a hash."""
    if loaded_at is not None:
        moment = loaded_at.astimezone(CITY_TIMEZONE)
        return f"{SWEDISH_MONTHS[moment.month - 1]} {moment.year}"
    imported = (imported or "").strip()
    if not imported or (_HASH.fullmatch(imported) and not imported.isdigit()):
        return EARLIER_PLATFORM
    return imported
