"""The Händelselogg as CSV: the same words as the page, cells neutralised (exports/writers)."""

from collections.abc import Iterator

from ..exports.writers import Column, csv_chunks
from .log import COMMAND_LINE, AuditRow

LOG_COLUMNS = (
    Column("Tid"),
    Column("Vem"),
    Column("Händelse"),
    Column("Gäller"),
    Column("Beskrivning"),
)


def log_csv_chunks(rows: list[AuditRow]) -> Iterator[bytes]:
    """The described events as UTF-8 CSV chunks (BOM, semicolons, as Swedish Excel reads)."""
    return csv_chunks(
        LOG_COLUMNS,
        (
            (
                row.at.strftime("%Y-%m-%d %H:%M:%S"),
                row.who or COMMAND_LINE,
                row.action,
                row.target,
                row.description,
            )
            for row in rows
        ),
    )
