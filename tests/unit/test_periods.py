"""Month and tertial ends."""

from datetime import date

from vbe_learn.followup.periods import (
    month_end,
    month_ends,
    previous_tertial_end,
    tertial_ends,
    tertial_label,
)


def test_month_ends():
    assert month_end(2024, 2) == date(2024, 2, 29)
    assert month_end(2025, 12) == date(2025, 12, 31)
    assert month_ends(date(2026, 2, 10), 3) == [
        date(2025, 12, 31),
        date(2026, 1, 31),
        date(2026, 2, 10),
    ]


def test_tertials():
    assert tertial_label(date(2026, 4, 30)) == "2026 T1"
    assert tertial_label(date(2026, 5, 1)) == "2026 T2"
    assert tertial_label(date(2026, 12, 31)) == "2026 T3"
    assert previous_tertial_end(date(2026, 11, 24)) == date(2026, 8, 31)
    assert previous_tertial_end(date(2026, 2, 1)) == date(2025, 12, 31)
    assert tertial_ends(date(2026, 11, 24), 3) == [
        date(2026, 4, 30),
        date(2026, 8, 31),
        date(2026, 11, 24),
    ]
