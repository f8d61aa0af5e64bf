"""The samlad bild: one row per förvaltning with headcount, completed, share, the change
since the previous tertial and the deadline that applies, on a date, and the total.

The figures are `followup.services.city_overview`: the same numbers, sort and total as the
page (the total counted in SQL, not summed from rounded shares), with the denominator
(Antal anställda) and the date explicit.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import force_locale

from ..core.i18n import SOURCE_LOCALE
from ..followup.services import CITY_SORTS, DEFAULT_CITY_SORT, CityRow, city_overview
from .writers import DATE, INTEGER, POINTS, SHARE, TEXT, Column, Heading

SUMMARY_TITLE = "Samlad bild – andel genomförda grundutbildningen"
TOTAL_LABEL = "Hela staden"
SUMMARY_LAYOUT = (
    Column("Förvaltning", TEXT, 40),
    Column("Antal anställda", INTEGER, 16),
    Column("Genomförda", INTEGER, 14),
    Column("Andel genomförda", SHARE, 18),
    Column("Förändring sedan förra tertialen (procentenheter)", POINTS, 22),
    Column("Sista dag", DATE, 14),
)


@dataclass(frozen=True)
class Summary:
    """The samlad bild's rows (sorted), its total row and the heading of its XLSX."""

    rows: list[tuple]
    total: tuple
    heading: Heading


def _row(name: str, row: CityRow) -> tuple:
    return (name, row.now.headcount, row.now.completed, row.now.share, row.change, row.deadline)


def summary(
    as_of: date, validity_years: int, administration_ids=None, sort: str = DEFAULT_CITY_SORT
) -> Summary:
    """The samlad bild on a date, sorted as the page (?sortera=), with the total."""
    sort = sort if sort in CITY_SORTS else DEFAULT_CITY_SORT
    overview = city_overview(as_of, validity_years, administration_ids, sort)
    with force_locale(SOURCE_LOCALE):  # the files are in Swedish, whoever asks
        sort_label = str(CITY_SORTS[sort])
    heading = Heading(
        SUMMARY_TITLE,
        (
            f"Uppgifter per {as_of.isoformat()}, förändring sedan "
            f"{overview.before_day.isoformat()} (slutet av förra tertialen)",
            f"Sortering: {sort_label}",
        ),
    )
    return Summary(
        [_row(row.now.name, row) for row in overview.rows],
        _row(TOTAL_LABEL, overview.total),
        heading,
    )


def summary_rows(as_of: date, validity_years: int, administration_ids=None) -> list[tuple]:
    """The rows in SUMMARY_LAYOUT order per förvaltning, by name (without the total)."""
    return summary(as_of, validity_years, administration_ids, "namn").rows
