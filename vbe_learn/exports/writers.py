"""Rows → XLSX or CSV, one row at a time (nothing holds the whole export in memory).

XLSX: xlsxwriter in constant-memory mode, styled and frozen header row, autofilter,
column widths, dates as Excel dates (yyyy-mm-dd), numbers as numbers, text through
`neutralise` and written with write_string: the file never contains a formula.

CSV: UTF-8 with BOM and `;` as separator (Swedish Excel opens it as columns), CRLF line
ends, dates ISO (ÅÅÅÅ-MM-DD), a share as a fraction with decimal comma and four decimals
(0,4167 = 41,67 %), text through `neutralise`. Chunks of bytes are yielded every
`CSV_CHUNK_ROWS` rows so a response can stream them.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, BinaryIO

from .cells import neutralise

TEXT, DATE, INTEGER, SHARE = "text", "date", "integer", "share"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv"
CSV_CHUNK_ROWS = 500
XLSX_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
HEADER_FORMAT = {
    "bold": True,
    "font_color": "#FFFFFF",
    "bg_color": "#005A9C",
    "border": 1,
    "text_wrap": True,
    "valign": "top",
}


@dataclass(frozen=True)
class Column:
    """One column of an export: header, kind of value and XLSX width (characters)."""

    header: str
    kind: str = TEXT
    width: int = 16


def write_xlsx(
    target: str | BinaryIO, sheet_name: str, columns: tuple[Column, ...], rows: Iterable
) -> int:
    """Write the rows as one XLSX sheet to a path or binary file; return the row count."""
    import xlsxwriter  # loaded when an XLSX is written, not at start

    workbook = xlsxwriter.Workbook(target, XLSX_OPTIONS)
    sheet = workbook.add_worksheet(sheet_name)
    formats = {
        DATE: workbook.add_format({"num_format": "yyyy-mm-dd"}),
        SHARE: workbook.add_format({"num_format": "0.0%"}),
        INTEGER: None,
        TEXT: None,
    }
    header = workbook.add_format(HEADER_FORMAT)
    for index, column in enumerate(columns):
        sheet.set_column(index, index, column.width)
        sheet.write_string(0, index, column.header, header)
    sheet.freeze_panes(1, 0)
    count = 0
    for count, row in enumerate(rows, start=1):
        for index, (column, value) in enumerate(zip(columns, row, strict=True)):
            _write_cell(sheet, count, index, column.kind, value, formats[column.kind])
    sheet.autofilter(0, 0, count, len(columns) - 1)
    workbook.close()
    return count


def _write_cell(sheet, row: int, col: int, kind: str, value: Any, cell_format) -> None:
    if value is None or value == "":
        return  # an empty cell
    if kind == TEXT:
        sheet.write_string(row, col, neutralise(str(value)))
    elif kind == DATE:
        sheet.write_datetime(row, col, value, cell_format)
    else:
        sheet.write_number(row, col, value, cell_format)


def csv_chunks(columns: tuple[Column, ...], rows: Iterable) -> Iterator[bytes]:
    """The CSV as UTF-8 byte chunks: BOM and header first (before any row is read)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([column.header for column in columns])
    yield _drain(buffer)
    for count, row in enumerate(rows, start=1):
        writer.writerow(
            [_csv_cell(column.kind, value) for column, value in zip(columns, row, strict=True)]
        )
        if count % CSV_CHUNK_ROWS == 0:
            yield _drain(buffer)
    rest = _drain(buffer)
    if rest:
        yield rest


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate(0)
    return data


def _csv_cell(kind: str, value: Any) -> str:
    if value is None:
        return ""
    if kind == TEXT:
        return neutralise(str(value))
    if kind == DATE:
        return value.isoformat() if isinstance(value, date) else str(value)
    if kind == SHARE:
        return swedish_decimal(value)
    return str(value)


def swedish_decimal(share: float) -> str:
    """A fraction as Swedish Excel reads a number: four decimals, decimal comma (0,4167)."""
    return f"{share:.4f}".replace(".", ",")
