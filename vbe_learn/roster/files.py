"""Read an uploaded CSV or XLSX into a table of strings, whatever Swedish Excel saved.

CSV: separated by `;`, `,` or tab; UTF-8 with or without BOM, or Windows-1252.
Headers are matched ignoring case, spaces and the BOM.

Before anything is parsed, a file's size is checked against ImportLimits: an XLSX's
uncompressed size (the sizes its zip directory declares, which zipfile never reads past)
and its rows (<row> elements, counted while streaming the sheets), a CSV's lines. A zip
bomb is refused in milliseconds, and nothing has been written.
"""

import csv
import io
import re
import zipfile

import pandas as pd
from flask_babel import gettext

from .limits import ImportLimits

XLSX_MAGIC = b"PK\x03\x04"
SEPARATORS = ";,\t"
MAX_ZIP_MEMBERS = 1000  # an XLSX roster has about ten
ROW_TAG = re.compile(rb"<(?:\w{1,16}:)?row[\s/>]")  # <row …>, also as <x:row …>
CHUNK = 1024 * 1024
OVERLAP = 32  # longer than any ROW_TAG match


DEFAULT_LIMITS = ImportLimits()


def _not_readable(error: Exception) -> "UnreadableFile":
    return UnreadableFile(
        gettext("Filen kunde inte läsas som CSV eller XLSX (%(error)s).", error=error)
    )


def check_size(data: bytes, limits: ImportLimits, xlsx: bool) -> None:
    """Refuse (UnreadableFile) a file beyond the limits, before it is parsed."""
    if xlsx:
        rows = _xlsx_rows(data, limits)
    else:
        rows = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if rows > limits.max_rows + 1:  # + the header row
        most = f"{limits.max_rows:,}".replace(",", " ")
        raise UnreadableFile(
            gettext(
                "Filen har fler än %(most)s rader. Dela upp den, eller kontrollera att den "
                "inte har tomma rader längst ned.",
                most=most,
            )
        )


def _xlsx_rows(data: bytes, limits: ImportLimits) -> int:
    """The rows of every worksheet, once the unpacked size is known to be within limits."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise _not_readable(error) from error
    with archive:
        members = archive.infolist()
        unpacked = sum(member.file_size for member in members)
        if len(members) > MAX_ZIP_MEMBERS or unpacked > limits.max_uncompressed_bytes:
            raise UnreadableFile(
                gettext(
                    "Filen är för stor uppackad (%(size)s MB; högst %(most)s MB). Spara den på "
                    "nytt som XLSX med bara personallistans blad, eller som CSV.",
                    size=unpacked // 2**20,
                    most=limits.max_uncompressed_bytes // 2**20,
                )
            )
        sheets = [m for m in members if re.fullmatch(r"xl/worksheets/[^/]+\.xml", m.filename)]
        try:
            return sum(_count_rows(archive, sheet, limits.max_rows + 1) for sheet in sheets)
        except (zipfile.BadZipFile, OSError, EOFError) as error:  # e.g. a bad CRC
            raise _not_readable(error) from error


def _count_rows(archive: zipfile.ZipFile, sheet: zipfile.ZipInfo, enough: int) -> int:
    """<row> elements in one sheet's XML, streamed; stops counting past `enough`."""
    count, tail = 0, b""
    with archive.open(sheet) as stream:
        while chunk := stream.read(CHUNK):
            buffer = tail + chunk
            cut = max(len(buffer) - OVERLAP, 0)
            count += sum(1 for match in ROW_TAG.finditer(buffer) if match.start() < cut)
            tail = buffer[cut:]
            if count > enough:
                return count
    return count + len(ROW_TAG.findall(tail))


class UnreadableFile(Exception):
    """The file is not a CSV or XLSX we can read; the message is Swedish."""


def normalise_header(header: object) -> str:
    """'  Chefens Anställnings-nummer ' → 'chefensanställnings-nummer' (no BOM, case or spaces)."""
    return "".join(str(header).replace("\ufeff", "").lower().split())


def read_table(
    data: bytes, filename: str = "", limits: ImportLimits = DEFAULT_LIMITS
) -> pd.DataFrame:
    """Every cell as a trimmed string ('' when empty), headers normalised."""
    if not data.replace(b"\xef\xbb\xbf", b"").strip():
        raise UnreadableFile(gettext("Filen är tom."))
    xlsx = data.startswith(XLSX_MAGIC) or filename.lower().endswith(".xlsx")
    check_size(data, limits, xlsx)
    try:
        if xlsx:
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
        raise _not_readable(error) from error
    frame = frame.fillna("")
    frame.columns = [normalise_header(c) for c in frame.columns]
    repeated = sorted({c for c in frame.columns if list(frame.columns).count(c) > 1})
    if repeated:
        raise UnreadableFile(
            gettext("Kolumnen ”%(header)s” finns flera gånger.", header=repeated[0])
        )
    for column in frame.columns:
        frame[column] = frame[column].astype(str).str.strip()
    return frame


def read_as_windows_1252(data: bytes, filename: str = "") -> bool:
    """True when a CSV is not UTF-8 and is read as Windows-1252 (letters may have been lost)."""
    if data.startswith(XLSX_MAGIC) or filename.lower().endswith(".xlsx"):
        return False
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return True
    return False


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM or not); otherwise Windows-1252, what Swedish Excel saves as "CSV"."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise UnreadableFile(gettext("Filen är varken UTF-8 eller Windows-1252.")) from error


def detect_separator(text: str) -> str:
    """The separator of the header line: `;`, `,` or tab."""
    header = text.splitlines()[0] if text else ""
    try:
        return csv.Sniffer().sniff(header, delimiters=SEPARATORS).delimiter
    except csv.Error:
        counts = {sep: header.count(sep) for sep in SEPARATORS}
        return max(counts, key=counts.get)
