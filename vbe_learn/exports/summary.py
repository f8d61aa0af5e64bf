"""The samlad bild: one row per förvaltning with headcount, completed and share on a date.

The figures are `followup.rates.rates(..., "administration", ...)`: the same numbers as
the follow-up pages, with the denominator (Antal anställda) and the date explicit.
"""

from datetime import date

from ..followup.rates import rates
from .writers import INTEGER, SHARE, TEXT, Column

SUMMARY_LAYOUT = (
    Column("Förvaltning", TEXT, 40),
    Column("Antal anställda", INTEGER, 16),
    Column("Genomförda", INTEGER, 14),
    Column("Andel genomförda", SHARE, 18),
)


def summary_rows(as_of: date, validity_years: int, administration_ids=None) -> list[tuple]:
    """(Förvaltning, Antal anställda, Genomförda, Andel genomförda) per förvaltning."""
    return [
        (rate.name, rate.headcount, rate.completed, rate.share)
        for rate in rates([as_of], "administration", validity_years, administration_ids)
    ]
