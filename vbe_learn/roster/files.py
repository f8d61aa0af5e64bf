"""Read an uploaded CSV or XLSX into a table of strings, whatever Swedish Excel saved.

CSV: separated by `;`, `,` or tab; UTF-8 with or without BOM, or Windows-1252.
Headers are matched ignoring case, spaces and the BOM.
"""

import csv
import io
import zipfile

import pandas as pd

XLSX_MAGIC = b"PK\x03\x04"
SEPARATORS = ";,\t"


class UnreadableFile(Exception):
    """The file is not a CSV or XLSX we can read; the message is Swedish."""


def normalise_header(header: object) -> str:
    """'  Chefens Anställnings-nummer ' → 'chefensanställnings-nummer' (no BOM, case or spaces)."""
    return "".join(str(header).replace("\ufeff", "").lower().split())


def read_table(data: bytes, filename: str = "") -> pd.DataFrame:
    """Every cell as a trimmed string ('' when empty), headers normalised."""
    if not data.replace(b"\xef\xbb\xbf", b"").strip():
        raise UnreadableFile("Filen är tom.")
    try:
        if data.startswith(XLSX_MAGIC) or filename.lower().endswith(".xlsx"):
            frame = pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl")
        else:
            text = decode_text(data)
            frame = pd.read_csv(
                io.StringIO(text),
                sep=detect_separator(text),
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=True,
                engine="c",
            )
    except UnreadableFile:
        raise
    except (ValueError, zipfile.BadZipFile, pd.errors.ParserError, KeyError) as error:
        raise UnreadableFile(f"Filen kunde inte läsas som CSV eller XLSX ({error}).") from error
    frame = frame.fillna("")
    frame.columns = [normalise_header(c) for c in frame.columns]
    repeated = sorted({c for c in frame.columns if list(frame.columns).count(c) > 1})
    if repeated:
        raise UnreadableFile(f"Kolumnen ”{repeated[0]}” finns flera gånger.")
    for column in frame.columns:
        frame[column] = frame[column].astype(str).str.strip()
    return frame


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM or not); otherwise Windows-1252, what Swedish Excel saves as "CSV"."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise UnreadableFile("Filen är varken UTF-8 eller Windows-1252.") from error


def detect_separator(text: str) -> str:
    """The separator of the header line: `;`, `,` or tab."""
    header = text.splitlines()[0] if text else ""
    try:
        return csv.Sniffer().sniff(header, delimiters=SEPARATORS).delimiter
    except csv.Error:
        counts = {sep: header.count(sep) for sep in SEPARATORS}
        return max(counts, key=counts.get)
