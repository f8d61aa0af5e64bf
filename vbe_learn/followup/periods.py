"""Report dates: month ends and tertial ends (T1 Jan–Apr, T2 May–Aug, T3 Sep–Dec)."""

from datetime import date, timedelta

TERTIAL_LAST_MONTH = {1: 4, 2: 8, 3: 12}


def month_end(year: int, month: int) -> date:
    """The last day of a month."""
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def month_ends(today: date, count: int) -> list[date]:
    """The ends of the last `count` months, the current month ending today."""
    days, year, month = [today], today.year, today.month
    for _ in range(count - 1):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        days.append(month_end(year, month))
    return sorted(days)


def tertial_of(day: date) -> tuple[int, int]:
    """(year, tertial 1–3) of a date."""
    return day.year, (day.month - 1) // 4 + 1


def tertial_label(day: date) -> str:
    """'2026 T3'."""
    year, tertial = tertial_of(day)
    return f"{year} T{tertial}"


def previous_tertial_end(today: date) -> date:
    """The last day of the tertial before the one `today` is in."""
    year, tertial = tertial_of(today)
    year, tertial = (year, tertial - 1) if tertial > 1 else (year - 1, 3)
    return month_end(year, TERTIAL_LAST_MONTH[tertial])


def tertial_ends(today: date, count: int) -> list[date]:
    """The ends of the last `count` tertials, the current one ending today."""
    days = [today]
    while len(days) < count:
        days.append(previous_tertial_end(days[-1]))
    return sorted(days)
