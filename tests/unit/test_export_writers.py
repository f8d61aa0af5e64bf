"""Formula neutralisation and the XLSX/CSV writers, without a database."""

import csv
import io
from datetime import date

import openpyxl
import pytest

from vbe_learn.exports import writers
from vbe_learn.exports.cells import neutralise
from vbe_learn.exports.writers import (
    DATE,
    INTEGER,
    SHARE,
    TEXT,
    Column,
    Heading,
    csv_chunks,
    swedish_decimal,
    write_xlsx,
)

DANGEROUS = [
    '=HYPERLINK("http://x","klicka")',
    "=1+1",
    "+1",
    " +1",
    "   =1",
    "-2",
    "- 2",
    "@SUM(A1:A2)",
    "{=1}",
    " {=SUM(A1)}",
    "\t=1",
    "\tHej",  # a leading tab alone
    "\r=1",
    "\rHej",
    "\n=1",
    "\nHej",
    "\x00=1",  # other control characters are skipped too
    "\x0b+1",
    "\u00a0=1",  # no-break space
    "\u200b=1",  # zero-width space
    "\ufeff@x",  # byte-order mark
    "＝1",  # full-width equals sign
    "＋1",
    "－1",
    "＠SUM(A1)",
    "+46 8 508 000 00",  # a telephone number in text is quoted too (harmless)
]

HARMLESS = [
    "",
    "   ",
    "Anna",
    "Anna-Karin",
    "Lind-Öberg",
    "Ann-Sofie Ek-Strand",
    "O'Brien",
    "a=b",
    "1+1",
    "Hej @ alla",
    "namn@stockholm.se",
    "{x}",
    "{ =1}",  # "{" not directly followed by "=" is not an array formula
    "x-1",
    "123",
    "'=1",  # already quoted
    "Enhet – Södermalm",  # an en dash is not a minus sign
]


@pytest.mark.parametrize("text", DANGEROUS)
def test_formula_like_text_is_quoted(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS)
def test_ordinary_text_is_unchanged(text):
    assert neutralise(text) == text


COLUMNS = (
    Column("Namn", TEXT, 20),
    Column("Datum", DATE, 12),
    Column("Resultat", INTEGER, 10),
    Column("Andel", SHARE, 10),
)
ROWS = [
    ('=HYPERLINK("http://x")', date(2024, 3, 1), 85, 0.41666),
    ("Anna-Karin", None, None, None),
    ("+1", date(2025, 12, 31), 0, 1.0),
]


def read_xlsx(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_xlsx_header_types_and_no_formulas():
    target = io.BytesIO()
    assert write_xlsx(target, "Blad", COLUMNS, iter(ROWS)) == 3
    sheet = read_xlsx(target.getvalue())
    assert sheet.title == "Blad"
    header = next(sheet.iter_rows(max_row=1))
    assert [cell.value for cell in header] == ["Namn", "Datum", "Resultat", "Andel"]
    assert all(cell.font.b for cell in header)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:D4"
    assert sheet.column_dimensions["A"].width > sheet.column_dimensions["C"].width
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    # A text cell is typed as text (never evaluated): written as it is, no apostrophe shown
    # (changed deliberately: the apostrophe used to be written into XLSX cells as well).
    assert sheet["A2"].value == '=HYPERLINK("http://x")' and sheet["A2"].data_type == "s"
    assert sheet["A3"].value == "Anna-Karin"
    assert sheet["A4"].value == "+1" and sheet["A4"].data_type == "s"
    assert sheet["B2"].is_date and sheet["B2"].value.date() == date(2024, 3, 1)
    assert sheet["B2"].number_format == "yyyy-mm-dd"
    assert sheet["C2"].value == 85 and sheet["C2"].data_type == "n"
    assert sheet["C4"].value == 0 and sheet["C4"].data_type == "n"
    assert sheet["D2"].value == pytest.approx(0.41666) and sheet["D2"].number_format == "0.0%"
    assert sheet["B3"].value is None and sheet["C3"].value is None


def test_xlsx_without_rows_still_has_header_and_filter():
    target = io.BytesIO()
    assert write_xlsx(target, "Blad", COLUMNS, iter([])) == 0
    sheet = read_xlsx(target.getvalue())
    assert [cell.value for cell in sheet[1]] == ["Namn", "Datum", "Resultat", "Andel"]
    assert sheet.auto_filter.ref == "A1:D1"


def test_csv_bom_separator_and_cells():
    data = b"".join(csv_chunks(COLUMNS, iter(ROWS)))
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == "Namn;Datum;Resultat;Andel"
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows[1] == ['\'=HYPERLINK("http://x")', "2024-03-01", "85", "0,4167"]
    assert rows[2] == ["Anna-Karin", "", "", ""]
    assert rows[3] == ["'+1", "2025-12-31", "0", "1,0000"]


def test_csv_streams_header_before_reading_rows_and_then_in_chunks(monkeypatch):
    monkeypatch.setattr(writers, "CSV_CHUNK_ROWS", 10)
    read = []

    def rows():
        for number in range(25):
            read.append(number)
            yield (f"Person {number}", None, number, None)

    chunks = csv_chunks(COLUMNS, rows())
    first = next(chunks)
    assert first == "\ufeffNamn;Datum;Resultat;Andel\r\n".encode() and read == []
    rest = list(chunks)
    assert len(rest) == 3  # 10 + 10 + 5 rows
    assert sum(chunk.count(b"\r\n") for chunk in rest) == 25


def test_xlsx_heading_total_and_print_setup():
    target = io.BytesIO()
    heading = Heading("Titel", ("Urval: alla", "Uppgifter per 2026-12-01"))
    total = ("Totalt", None, 85, 0.5)
    assert write_xlsx(target, "Blad", COLUMNS, iter(ROWS), heading, total) == 3
    sheet = read_xlsx(target.getvalue())
    assert [sheet["A1"].value, sheet["A2"].value, sheet["A3"].value] == [
        "Titel", "Urval: alla", "Uppgifter per 2026-12-01",
    ]  # fmt: skip
    assert sheet["A1"].font.b
    assert [cell.value for cell in sheet[4]] == ["Namn", "Datum", "Resultat", "Andel"]
    assert sheet.freeze_panes == "A5" and sheet.auto_filter.ref == "A4:D7"
    assert sheet["A5"].value == '=HYPERLINK("http://x")'
    assert [cell.value for cell in sheet[8]][:3] == ["Totalt", None, 85]
    assert sheet["D8"].value == pytest.approx(0.5) and sheet["D8"].number_format == "0.0%"
    assert all(cell.font.b for cell in sheet[8])
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    # fitToWidth is left out of the file when it is 1, its default in the OOXML schema
    assert (sheet.page_setup.fitToWidth or 1) == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows == "$4:$4"  # the header row on every printed page
    assert "&P" in sheet.oddFooter.right.text and "&N" in sheet.oddFooter.right.text


def test_swedish_decimal():
    assert swedish_decimal(-2.04, 1) == "-2,0"  # a number to Excel: hyphen-minus
    assert swedish_decimal(0.42) == "0,4200"
    assert swedish_decimal(2 / 3) == "0,6667"
    assert swedish_decimal(1) == "1,0000"
