"""Rows → XLSX or CSV, one row at a time (nothing holds the whole export in memory).

XLSX: xlsxwriter in constant-memory mode. Above the header a title row and lines saying
what the sheet holds (a `Heading`); a styled, frozen header row repeated on every printed
page, autofilter, column widths, an optional bold total row; printed landscape, one page
wide, with page numbers. Dates are Excel dates (yyyy-mm-dd), numbers numbers, shares
numbers formatted as percent (0.0%, which Swedish Excel shows as "41,7 %"), and text is
written as it is with write_string: a string cell is text, never evaluated, so the file
never contains a formula and needs no leading apostrophe (which Excel would show).

CSV: UTF-8 with BOM and `;` as separator (Swedish Excel opens it as columns), CRLF line
ends, dates ISO (ÅÅÅÅ-MM-DD), a share as a fraction with decimal comma and four decimals
(0,4167 = 41,67 %), a change in procentenheter with one decimal (-2,0), text through
`neutralise` (a CSV cell has no type: a leading apostrophe keeps formula-like text from
being run). Chunks of bytes are yielded every `CSV_CHUNK_ROWS` rows so a response can
stream them.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, BinaryIO

from .cells import neutralise

TEXT, DATE, INTEGER, SHARE, POINTS = "text", "date", "integer", "share", "points"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv"
CSV_CHUNK_ROWS = 500
XLSX_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
NUMBER_FORMATS = {
    DATE: "yyyy-mm-dd",
    SHARE: "0.0%",
    POINTS: "+0.0;-0.0;0.0",  # a change in procentenheter, with its sign
}
TITLE_FORMAT = {"bold": True, "font_size": 14}
TOTAL_FORMAT = {"bold": True, "top": 2}
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


@dataclass(frozen=True)
class Heading:
    """The rows above an XLSX's header: a title and lines saying what the sheet holds
    (the choices made, the date of the data)."""

    title: str
    lines: tuple[str, ...] = ()

    @property
    def header_row(self) -> int:
        """The header's row (0-based): below the title and the lines."""
        return 1 + len(self.lines)


def write_xlsx(
    target: str | BinaryIO,
    sheet_name: str,
    columns: tuple[Column, ...],
    rows: Iterable,
    heading: Heading | None = None,
    total: tuple | None = None,
) -> int:
    """Write the rows as one XLSX sheet to a path or binary file, with the heading above
    the header and the total (bold) below the rows; return the row count (no total)."""
    import xlsxwriter  # loaded when an XLSX is written, not at start

    workbook = xlsxwriter.Workbook(target, XLSX_OPTIONS)
    sheet = workbook.add_worksheet(sheet_name)
    formats = {kind: workbook.add_format({"num_format": code}) for kind, code in
               NUMBER_FORMATS.items()}  # fmt: skip
    top = 0
    if heading is not None:
        sheet.write_string(0, 0, heading.title, workbook.add_format(TITLE_FORMAT))
        for index, line in enumerate(heading.lines, start=1):
            sheet.write_string(index, 0, line)
        top = heading.header_row
    _print_setup(sheet, top)
    header = workbook.add_format(HEADER_FORMAT)
    for index, column in enumerate(columns):
        sheet.set_column(index, index, column.width)
        sheet.write_string(top, index, column.header, header)
    sheet.freeze_panes(top + 1, 0)
    count = 0
    for count, row in enumerate(rows, start=1):
        for index, (column, value) in enumerate(zip(columns, row, strict=True)):
            _write_cell(sheet, top + count, index, column.kind, value, formats.get(column.kind))
    sheet.autofilter(top, 0, top + count, len(columns) - 1)
    if total is not None:
        bold = {kind: workbook.add_format({**TOTAL_FORMAT, "num_format": code}) for kind, code
                in NUMBER_FORMATS.items()}  # fmt: skip
        plain = workbook.add_format(TOTAL_FORMAT)
        for index, (column, value) in enumerate(zip(columns, total, strict=True)):
            cell_format = bold.get(column.kind, plain)
            if value is None or value == "":
                sheet.write_blank(top + count + 1, index, None, cell_format)
            else:
                _write_cell(sheet, top + count + 1, index, column.kind, value, cell_format)
    workbook.close()
    return count


def _print_setup(sheet, header_row: int) -> None:
    """Landscape, one page wide, the header row on every page, page numbers in the footer."""
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)  # 1 page wide, as many pages tall as needed
    sheet.repeat_rows(header_row)
    sheet.set_footer("&RSida &P av &N")


def _write_cell(sheet, row: int, col: int, kind: str, value: Any, cell_format) -> None:
    if value is None or value == "":
        return  # an empty cell
    if kind == TEXT:
        sheet.write_string(row, col, str(value), cell_format)
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
    if kind == POINTS:
        return swedish_decimal(value, 1)
    return str(value)


def swedish_decimal(number: float, decimals: int = 4) -> str:
    """A number as Swedish Excel reads one: decimal comma, a hyphen-minus (a true minus
    would make it text), four decimals by default (a share: 0,4167 = 41,67 %)."""
    return f"{number:.{decimals}f}".replace(".", ",")
