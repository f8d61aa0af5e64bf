"""No personnummer anywhere: not in the schema, and never accepted from a file."""

import io
import re

import pytest
from sqlalchemy import func, select

from tests.factories import make_user
from tests.roster_files import completions_csv, person, roster_csv, roster_xlsx
from vbe_learn.core.extensions import db
from vbe_learn.models import RoleAssignment, RosterUpload, User
from vbe_learn.models.org import ADMIN

REFUSAL = (
    "Kolumnen ”Personnummer” får inte finnas: plattformen sparar inga personnummer. "
    "Ta bort kolumnen och läs in filen igen."
)
SUSPICIOUS = re.compile(r"person_?n(umme)?r|personnr|pnr|ssn|social_security|samordningsnummer")


def test_no_column_in_the_schema_is_a_personnummer():
    columns = [
        f"{table.name}.{column.name}"
        for table in db.metadata.sorted_tables
        for column in table.columns
    ]
    assert len(columns) > 50
    assert [name for name in columns if SUSPICIOUS.search(name.lower())] == []


def _with_personnummer(header: str = "Personnummer") -> list[dict]:
    return [
        {**person("1001", email="a@example.stockholm.se"), header: "19800101-1234"},
        {**person("1002", email="b@example.stockholm.se"), header: "19810202-2345"},
    ]


@pytest.mark.parametrize("header", ["Personnummer", " PERSONNUMMER ", "Personnr"])
def test_a_roster_with_personnummer_is_refused_and_nothing_changes(runner, tmp_path, header):
    path = tmp_path / "lista.csv"
    path.write_bytes(roster_csv(_with_personnummer(header)))
    people_before = db.session.scalar(select(func.count(User.id)))
    result = runner.invoke(args=["roster", "import", str(path), "--as-of", "2026-01-01"])
    assert result.exit_code == 1
    expected = REFUSAL.replace("Personnummer", header.strip().capitalize())
    assert [line.strip() for line in result.stderr.splitlines()[1:]] == [expected]
    assert db.session.scalar(select(func.count(User.id))) == people_before


def test_an_xlsx_roster_with_personnummer_is_refused(runner, tmp_path):
    path = tmp_path / "lista.xlsx"
    path.write_bytes(roster_xlsx(_with_personnummer()))
    result = runner.invoke(args=["roster", "import", str(path), "--as-of", "2026-01-01"])
    assert result.exit_code == 1
    assert REFUSAL in result.stderr


def test_a_completions_file_with_personnummer_is_refused(runner, tmp_path):
    path = tmp_path / "genomforanden.csv"
    rows = [{"Anställningsnummer": "1001", "Genomförd": "2020-01-01", "Personnummer": "x"}]
    path.write_bytes(completions_csv(rows))
    result = runner.invoke(args=["completions", "import", str(path)])
    assert result.exit_code == 1
    assert REFUSAL in result.stderr


def test_the_web_upload_refuses_personnummer_and_keeps_no_copy(client, auth):
    admin = make_user()
    db.session.add(RoleAssignment(user_id=admin.id, role=ADMIN))
    db.session.commit()
    auth.login(admin.email)
    response = client.post(
        "/admin/personallista",
        data={
            "file": (io.BytesIO(roster_csv(_with_personnummer())), "lista.csv"),
            "as_of": "2026-01-01",
        },
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert "Filen avvisades – inget har ändrats" in html
    assert REFUSAL in html
    assert "Bekräfta importen" not in html
    assert db.session.scalar(select(func.count()).select_from(RosterUpload)) == 0
