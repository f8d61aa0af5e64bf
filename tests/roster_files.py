"""Build roster and completions files (CSV or XLSX bytes) for the roster import tests."""

import csv
import io
from collections.abc import Iterable, Mapping
from datetime import date, datetime

from openpyxl import Workbook

ROSTER_HEADERS = [
    "Anställningsnummer",
    "Förnamn",
    "Efternamn",
    "E-post",
    "Förvaltning",
    "Avdelning",
    "Enhet",
    "Chefens anställningsnummer",
    "Invånarnära",
]
COMPLETION_HEADERS = ["Anställningsnummer", "Genomförd", "Kursversion"]

ADMINISTRATION = "Skärholmens stadsdelsförvaltning"
DEPARTMENT = "Äldreomsorg"
EMPLOYED_FROM = "2019-08-15"


def person(number: str, unit: str = "Hemtjänst Syd", **fields) -> dict[str, str]:
    """One roster row with sensible values; keyword arguments use the short names below.

    first, last, email, administration, department, manager, close ("Ja"/"Nej") and
    employed_from (None leaves the optional "Anställd från" column out of the row).
    """
    employed_from = fields.pop("employed_from", EMPLOYED_FROM)
    return {
        "Anställningsnummer": number,
        "Förnamn": fields.pop("first", "Förnamn"),
        "Efternamn": fields.pop("last", f"Efternamn{number}"),
        "E-post": fields.pop("email", f"person{number}@example.stockholm.se"),
        "Förvaltning": fields.pop("administration", ADMINISTRATION),
        "Avdelning": fields.pop("department", DEPARTMENT),
        "Enhet": unit,
        "Chefens anställningsnummer": fields.pop("manager", ""),
        "Invånarnära": fields.pop("close", "Nej"),
        **({} if employed_from is None else {"Anställd från": employed_from}),
        **_no_more(fields),
    }


def _no_more(fields: dict) -> dict:
    assert not fields, f"unknown person fields: {sorted(fields)}"
    return {}


def headers_of(rows: Iterable[Mapping], default: list[str]) -> list[str]:
    """Every header used by the rows, in first-seen order (the defaults when there are none)."""
    headers: list[str] = []
    for row in rows:
        headers += [key for key in row if key not in headers]
    return headers or list(default)


def table_csv(
    rows: list[Mapping],
    headers: list[str],
    sep: str = ";",
    encoding: str = "utf-8-sig",
    newline: str = "\r\n",
) -> bytes:
    """A CSV file as Excel saves it (quotes only where a value needs them)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator=newline)
    writer.writerow(headers)
    writer.writerows([str(row.get(h, "")) for h in headers] for row in rows)
    return buffer.getvalue().encode(encoding)


def roster_csv(rows: list[Mapping], sep: str = ";", encoding: str = "utf-8-sig", **kw) -> bytes:
    """A roster CSV with the headers the rows use (all the required ones for no rows)."""
    return table_csv(rows, headers_of(rows, ROSTER_HEADERS), sep=sep, encoding=encoding, **kw)


def completions_csv(rows: list[Mapping], sep: str = ";", encoding: str = "utf-8-sig") -> bytes:
    """A completions CSV (Anställningsnummer, Genomförd, Kursversion)."""
    return table_csv(rows, headers_of(rows, COMPLETION_HEADERS), sep=sep, encoding=encoding)


def completion(number: str, on: str, version: str | None = None) -> dict[str, str]:
    """One completions row."""
    row = {"Anställningsnummer": number, "Genomförd": on}
    if version is not None:
        row["Kursversion"] = version
    return row


def roster_xlsx(rows: list[Mapping]) -> bytes:
    """A roster as an XLSX workbook (see table_xlsx)."""
    return table_xlsx(rows, headers_of(rows, ROSTER_HEADERS))


def completions_xlsx(rows: list[Mapping]) -> bytes:
    """A completions file as an XLSX workbook (see table_xlsx)."""
    return table_xlsx(rows, headers_of(rows, COMPLETION_HEADERS))


def table_xlsx(rows: list[Mapping], headers: list[str]) -> bytes:
    """An XLSX workbook; int, float, date and datetime values become real Excel cells."""
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append([_cell(row.get(h)) for h in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value):
    if value is None or value == "":
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return value
