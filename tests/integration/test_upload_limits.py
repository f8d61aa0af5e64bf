"""Zip bombs and oversized files: an upload's unpacked size and rows are checked before it
is parsed; a refusal is quick, Swedish, and changes nothing."""

import io
import time
import zipfile

import pytest
from sqlalchemy import func, select

from tests.factories import make_user
from tests.roster_files import person, roster_csv, roster_xlsx
from vbe_learn.core.extensions import db
from vbe_learn.models import Placement, RoleAssignment, RosterImport, RosterUpload, Unit, User
from vbe_learn.roster.files import ImportLimits, UnreadableFile, read_table

SHEET = "xl/worksheets/sheet1.xml"
BOMB_SIZE = 200 * 1024 * 1024
TOO_LARGE = "Filen är för stor uppackad (200 MB; högst 100 MB)."


def staff(count: int) -> list[dict[str, str]]:
    return [person("1000")] + [person(str(1001 + n), manager="1000") for n in range(count - 1)]


def with_sheet(xlsx: bytes, write_sheet) -> bytes:
    """The workbook with its first sheet's XML replaced by what write_sheet(stream) writes."""
    source, target = zipfile.ZipFile(io.BytesIO(xlsx)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for member in source.infolist():
            if member.filename == SHEET:
                with out.open(SHEET, "w", force_zip64=True) as stream:
                    write_sheet(stream)
            else:
                out.writestr(member, source.read(member))
    return target.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """A real roster XLSX whose sheet1.xml is 200 MB of repeated bytes, deflated (< 1 MB)."""
    block = b"<!-- ha -->" * (1024 * 1024 // 11)

    def write(stream):
        written = 0
        while written < BOMB_SIZE:
            part = block[: BOMB_SIZE - written]
            stream.write(part)
            written += len(part)

    data = with_sheet(roster_xlsx(staff(2)), write)
    assert len(data) < 1024 * 1024
    return data


def counts() -> dict[str, int]:
    models = (User, Unit, Placement, RosterImport, RosterUpload)
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in models}


def test_a_zip_bomb_upload_is_refused_within_a_second_and_changes_nothing(client, auth, bomb):
    admin = make_user()
    db.session.add(RoleAssignment(user_id=admin.id, role="admin"))
    db.session.commit()
    assert auth.login(admin.email).status_code == 302
    before = counts()

    started = time.perf_counter()
    response = client.post(
        "/admin/personallista",
        data={"file": (io.BytesIO(bomb), "lista.xlsx"), "as_of": "2026-01-01"},
        content_type="multipart/form-data",
    )

    assert time.perf_counter() - started < 1
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert TOO_LARGE in html and "Bekräfta importen" not in html
    assert counts() == before  # no upload kept for a confirmation either


def test_a_zip_bomb_is_refused_by_the_command_line_imports_too(runner, bomb, tmp_path):
    path = tmp_path / "lista.xlsx"
    path.write_bytes(bomb)
    for args in (["roster", "import", str(path), "--as-of", "2026-01-01"],
                 ["completions", "import", str(path)]):  # fmt: skip
        result = runner.invoke(args=args)
        assert result.exit_code == 1 and TOO_LARGE in result.output, (args, result.output)


def test_rows_are_counted_before_parsing_in_xlsx_and_csv():
    limits = ImportLimits(max_uncompressed_bytes=10 * 1024 * 1024, max_rows=3)
    assert len(read_table(roster_xlsx(staff(3)), "lista.xlsx", limits)) == 3
    assert len(read_table(roster_csv(staff(3)), "lista.csv", limits)) == 3
    for data, name in ((roster_xlsx(staff(4)), "lista.xlsx"), (roster_csv(staff(4)), "lista.csv")):
        with pytest.raises(UnreadableFile, match="^Filen har fler än 3 rader"):
            read_table(data, name, limits)


def test_rows_with_a_namespace_prefix_and_empty_rows_are_counted():
    limits = ImportLimits(max_rows=2)
    rows = b"".join(b'<x:row r="%d"/>' % n for n in range(1, 5))

    def write(stream):
        stream.write(b'<x:worksheet xmlns:x="x"><x:sheetData>' + rows + b"</x:sheetData>")
        stream.write(b"<x:rowBreaks/></x:worksheet>")

    with pytest.raises(UnreadableFile, match="^Filen har fler än 2 rader"):
        read_table(with_sheet(roster_xlsx(staff(1)), write), "lista.xlsx", limits)


def test_the_limits_are_settings(app, runner, tmp_path):
    path = tmp_path / "lista.csv"
    path.write_bytes(roster_csv(staff(4)))
    app.config["IMPORT_MAX_ROWS"] = 3
    try:
        result = runner.invoke(args=["roster", "import", str(path), "--as-of", "2026-01-01"])
    finally:
        app.config["IMPORT_MAX_ROWS"] = 200_000
    assert result.exit_code == 1 and "Filen har fler än 3 rader" in result.output
