"""`flask roster import`: refuse a bad file whole, apply a good one in one go, keep history."""

import traceback
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.factories import course, make_user, pass_module
from tests.roster_files import (
    ADMINISTRATION,
    DEPARTMENT,
    completion,
    completions_csv,
    person,
    roster_csv,
    roster_xlsx,
)
from vbe_learn.auth.passwords import hash_password
from vbe_learn.core.extensions import db
from vbe_learn.models import (
    Administration,
    Completion,
    Department,
    HeadcountSnapshot,
    Placement,
    RosterImport,
    Unit,
    User,
)
from vbe_learn.models.types import city_today
from vbe_learn.roster.services import plan_roster_file

AS_OF, LATER, EVEN_LATER = "2026-01-01", "2026-02-01", "2026-03-01"
MODELS = (Administration, Department, Unit, User, Placement, HeadcountSnapshot, RosterImport)
OTHER_ADMINISTRATION = "Hägersten-Älvsjö stadsdelsförvaltning"


def staff() -> list[dict[str, str]]:
    """Four people in three units of two förvaltningar; 1001 is everyone's chef's chef."""
    return [
        person("1001", unit="Ledning", first="Åsa", last="Öberg", email="Asa.Oberg@Example.se"),
        person("1002", unit="Hemtjänst Syd", manager="1001", close="Ja"),
        person("1003", unit="Hemtjänst Syd", manager="1002", close="Ja", employed_from=""),
        person("1004", unit="Förskola Ängen", manager="1001", administration=OTHER_ADMINISTRATION),
    ]


def without(rows: list[dict], number: str) -> list[dict]:
    return [row for row in rows if row["Anställningsnummer"] != number]


def changed(rows: list[dict], number: str, **values: str) -> list[dict]:
    """The rows with one person's cells replaced (Swedish headers as keys)."""
    return [row | values if row["Anställningsnummer"] == number else row for row in rows]


def run_import(runner, tmp_path, rows, *options, as_of=AS_OF, name="personallista.csv"):
    """Run `flask roster import` on rows (or file bytes); the session then sees its writes."""
    path = tmp_path / name
    path.write_bytes(rows if isinstance(rows, bytes) else roster_csv(rows))
    args = ["roster", "import", str(path), *(["--as-of", as_of] if as_of else []), *options]
    result = runner.invoke(args=args)
    db.session.expire_all()
    return result


def imported(runner, tmp_path, rows, *options, **kwargs):
    """Run an import that must succeed; return its result."""
    result = run_import(runner, tmp_path, rows, *options, **kwargs)
    assert result.exit_code == 0, describe(result)
    return result


def refused(runner, tmp_path, rows, **kwargs):
    """Run an import that must be refused; return its stderr lines."""
    result = run_import(runner, tmp_path, rows, **kwargs)
    assert isinstance(result.exception, SystemExit), describe(result)
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == "Filen avvisades; inget har ändrats:"
    return [line.strip() for line in lines[1:]]


def describe(result) -> str:
    """The crash (its last frames) or the exit code and output of a command."""
    if result.exc_info and not isinstance(result.exception, SystemExit):
        return "".join(traceback.format_exception(*result.exc_info)[-3:])
    return f"exit {result.exit_code}\nstdout: {result.stdout}\nstderr: {result.stderr}"


def counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in MODELS
    }


def employee(number: str) -> User:
    return db.session.scalar(select(User).where(User.employee_number == number))


def unit_path(user: User) -> tuple[str, str, str]:
    unit = user.unit
    return unit.department.administration.name, unit.department.name, unit.name


def placements(user: User) -> list[tuple[str, date, date | None, bool]]:
    """(unit name, valid_from, valid_to, invånarnära) of a person, oldest first."""
    rows = db.session.execute(
        select(Unit.name, Placement.valid_from, Placement.valid_to, Placement.close_to_residents)
        .join(Unit, Unit.id == Placement.unit_id)
        .where(Placement.user_id == user.id)
        .order_by(Placement.id)
    )
    return [tuple(row) for row in rows]


def snapshot(as_of: str) -> dict[str, tuple[str, int, int]]:
    """Unit name → (förvaltning, headcount, invånarnära) in the snapshot of that date."""
    rows = db.session.execute(
        select(
            Unit.name,
            Administration.name,
            HeadcountSnapshot.headcount,
            HeadcountSnapshot.close_to_residents,
        )
        .join(Unit, Unit.id == HeadcountSnapshot.unit_id)
        .join(Administration, Administration.id == HeadcountSnapshot.administration_id)
        .where(HeadcountSnapshot.as_of == date.fromisoformat(as_of))
    )
    return {unit: (admin, headcount, close) for unit, admin, headcount, close in rows}


def summary(result) -> str:
    return result.stdout.strip()


def import_completions(runner, tmp_path, rows) -> None:
    path = tmp_path / "genomforanden.csv"
    path.write_bytes(completions_csv(rows))
    result = runner.invoke(args=["completions", "import", str(path)])
    assert result.exit_code == 0, describe(result)
    db.session.expire_all()


def completions_by_user() -> dict[int, list[date]]:
    rows = db.session.execute(
        select(Completion.user_id, Completion.completed_on).order_by(Completion.completed_on)
    )
    found: dict[int, list[date]] = {}
    for user_id, completed_on in rows:
        found.setdefault(user_id, []).append(completed_on)
    return found


# --- a refused file -------------------------------------------------------------------


def _drop_email_column(rows):
    return [{k: v for k, v in row.items() if k != "E-post"} for row in rows]


PROBLEMS = [
    pytest.param(_drop_email_column, ["Kolumnen ”E-post” saknas."], id="kolumn-saknas"),
    pytest.param(
        lambda rows: changed(rows, "1003", **{"Förnamn": ""}),
        ["Rad 4: Förnamn saknas."],
        id="värde-saknas",
    ),
    pytest.param(
        lambda rows: changed(rows, "1004", **{"Enhet": "  "}),
        ["Rad 5: Enhet saknas."],
        id="bara-mellanslag",
    ),
    pytest.param(
        lambda rows: changed(rows, "1004", **{"Anställningsnummer": "1002"}),
        [
            "Rad 3: Anställningsnumret 1002 finns också på rad 5.",
            "Rad 5: Anställningsnumret 1002 finns också på rad 3.",
        ],
        id="dubblerat-nummer",
    ),
    pytest.param(
        lambda rows: changed(rows, "1002", **{"E-post": "anna.example.se"}),
        ["Rad 3: E-postadressen ”anna.example.se” är inte giltig."],
        id="felaktig-epost",
    ),
    pytest.param(
        lambda rows: changed(rows, "1003", **{"E-post": "anna @example.se"}),
        ["Rad 4: E-postadressen ”anna @example.se” är inte giltig."],
        id="epost-med-mellanslag",
    ),
    pytest.param(
        lambda rows: changed(rows, "1004", **{"E-post": "ASA.OBERG@example.SE"}),
        [
            "Rad 2: E-postadressen asa.oberg@example.se finns också på rad 5.",
            "Rad 5: E-postadressen asa.oberg@example.se finns också på rad 2.",
        ],
        id="samma-epost-två-gånger",
    ),
    pytest.param(
        lambda rows: changed(rows, "1003", **{"Chefens anställningsnummer": "9999"}),
        ["Rad 4: Chefens anställningsnummer 9999 finns inte i filen."],
        id="okänd-chef",
    ),
    pytest.param(
        lambda rows: changed(rows, "1002", **{"Chefens anställningsnummer": "1002"}),
        ["Rad 3: Personen är sin egen chef."],
        id="egen-chef",
    ),
    pytest.param(
        lambda rows: changed(rows, "1001", **{"Invånarnära": "Kanske"}),
        ["Rad 2: Invånarnära ska vara Ja eller Nej, inte ”Kanske”."],
        id="invånarnära",
    ),
    pytest.param(
        lambda rows: changed(rows, "1002", **{"Anställd från": "1/3 2020"}),
        ["Rad 3: Anställd från ska vara ett datum som ÅÅÅÅ-MM-DD, inte ”1/3 2020”."],
        id="datum",
    ),
]


@pytest.mark.parametrize(("spoil", "expected"), PROBLEMS)
def test_each_problem_is_reported_in_swedish_with_its_row(runner, tmp_path, spoil, expected):
    assert refused(runner, tmp_path, spoil(staff())) == expected


def test_every_problem_in_the_file_is_reported(runner, tmp_path):
    rows = changed(staff(), "1002", **{"E-post": "fel", "Invånarnära": "?"})
    rows = changed(rows, "1004", **{"Chefens anställningsnummer": "77", "Efternamn": ""})
    assert refused(runner, tmp_path, rows) == [
        "Rad 3: E-postadressen ”fel” är inte giltig.",
        "Rad 3: Invånarnära ska vara Ja eller Nej, inte ”?”.",
        "Rad 5: Chefens anställningsnummer 77 finns inte i filen.",
        "Rad 5: Efternamn saknas.",
    ]


def test_more_than_fifty_problems_show_fifty_and_a_count(runner, tmp_path):
    rows = [person(str(2000 + i), email=f"nummer{i}") for i in range(60)]
    lines = refused(runner, tmp_path, rows)
    assert len(lines) == 51
    assert lines[0] == "Rad 2: E-postadressen ”nummer0” är inte giltig."
    assert lines[49] == "Rad 51: E-postadressen ”nummer49” är inte giltig."
    assert lines[50] == "… och 10 problem till (60 totalt)."


def test_unreadable_file_is_refused(runner, tmp_path):
    lines = refused(runner, tmp_path, bytes(range(256)) * 4)
    assert lines == ["Filen är varken UTF-8 eller Windows-1252."]


def test_empty_file_is_refused(runner, tmp_path):
    assert refused(runner, tmp_path, b"") == ["Filen är tom."]


def test_file_with_only_headers_is_refused(runner, tmp_path):
    assert refused(runner, tmp_path, roster_csv([])) == ["Filen har inga rader med personer."]


def test_broken_xlsx_is_refused(runner, tmp_path):
    lines = refused(runner, tmp_path, b"PK\x03\x04trasig", name="lista.xlsx")
    assert lines[0].startswith("Filen kunde inte läsas som CSV eller XLSX")


def test_refused_file_leaves_the_database_exactly_as_before(runner, tmp_path):
    imported(runner, tmp_path, staff())
    before = counts()
    rows = changed(without(staff(), "1004"), "1002", **{"Enhet": "Ny enhet", "Förnamn": "Ny"})
    rows += [person("1005"), person("1006", email="inte-en-adress")]
    assert refused(runner, tmp_path, rows, as_of=LATER) == [
        "Rad 6: E-postadressen ”inte-en-adress” är inte giltig."
    ]
    assert counts() == before
    assert employee("1004").active
    assert (employee("1002").first_name, employee("1002").unit.name) == (
        "Förnamn",
        "Hemtjänst Syd",
    )
    assert employee("1005") is None
    assert snapshot(LATER) == {}


def test_refused_first_file_writes_nothing(runner, tmp_path):
    before = counts()
    refused(runner, tmp_path, changed(staff(), "1003", **{"Chefens anställningsnummer": "1"}))
    assert counts() == before


def test_as_of_earlier_than_the_latest_import_is_refused(runner, tmp_path):
    imported(runner, tmp_path, staff(), as_of=LATER)
    before = counts()
    lines = refused(runner, tmp_path, without(staff(), "1004"), as_of=AS_OF)
    assert lines == [
        "Datumet 2026-01-01 är tidigare än den senaste importen (2026-02-01). "
        "Importera filer i datumordning."
    ]
    assert counts() == before
    assert employee("1004").active


def test_as_of_equal_to_the_latest_import_is_accepted(runner, tmp_path):
    imported(runner, tmp_path, staff(), as_of=LATER)
    result = imported(runner, tmp_path, without(staff(), "1004"), "--deactivate", "1", as_of=LATER)
    assert "1 avaktiverade" in summary(result)


def test_email_of_someone_left_out_of_the_file_is_refused(runner, tmp_path):
    imported(runner, tmp_path, staff())
    rows = changed(
        without(staff(), "1004"), "1003", **{"E-post": "person1004@example.stockholm.se"}
    )
    lines = refused(runner, tmp_path, rows, as_of=LATER)
    assert lines == [
        "Rad 4: E-postadressen person1004@example.stockholm.se tillhör Förnamn Efternamn1004, "
        "som inte finns i filen."
    ]


def test_as_of_must_be_a_date(runner, tmp_path):
    result = run_import(runner, tmp_path, staff(), as_of="1 januari")
    assert result.exit_code == 2
    assert counts()["RosterImport"] == 0


# --- dry run --------------------------------------------------------------------------


def test_dry_run_reports_the_plan_and_changes_nothing(runner, tmp_path):
    before = counts()
    result = run_import(runner, tmp_path, staff(), "--dry-run")
    assert result.exit_code == 0, describe(result)
    assert summary(result) == (
        "Provkörning, inget har ändrats: 4 rader, 4 nya, 0 ändrade, 0 avaktiverade."
    )
    assert counts() == before


def test_dry_run_of_changes_counts_them_and_changes_nothing(runner, tmp_path):
    imported(runner, tmp_path, staff())
    before = counts()
    rows = changed(without(staff(), "1004"), "1002", **{"Enhet": "Hemtjänst Norr"})
    result = run_import(runner, tmp_path, rows, "--dry-run", as_of=LATER)
    assert summary(result) == (
        "Provkörning, inget har ändrats: 3 rader, 0 nya, 1 ändrade, 1 avaktiverade."
    )
    assert counts() == before
    assert employee("1002").unit.name == "Hemtjänst Syd"
    assert employee("1004").active


def test_dry_run_of_a_bad_file_is_refused(runner, tmp_path):
    result = run_import(runner, tmp_path, [person("1001", close="?")], "--dry-run")
    assert result.exit_code == 1
    assert "Rad 2: Invånarnära ska vara Ja eller Nej, inte ”?”." in result.stderr


# --- the first import -----------------------------------------------------------------


def test_first_import_reports_what_it_did(runner, tmp_path):
    result = imported(runner, tmp_path, staff())
    assert summary(result) == "Importerad (2026-01-01): 4 rader, 4 nya, 0 ändrade, 0 avaktiverade."


def test_first_import_creates_the_organisation(runner, tmp_path):
    before = counts()
    imported(runner, tmp_path, staff())
    after = counts()
    assert after["Administration"] - before["Administration"] == 2
    assert after["Department"] - before["Department"] == 2
    assert after["Unit"] - before["Unit"] == 3
    assert unit_path(employee("1002")) == (ADMINISTRATION, DEPARTMENT, "Hemtjänst Syd")
    assert unit_path(employee("1004")) == (OTHER_ADMINISTRATION, DEPARTMENT, "Förskola Ängen")


def test_first_import_creates_the_people(runner, tmp_path):
    imported(runner, tmp_path, staff())
    asa = employee("1001")
    assert (asa.first_name, asa.last_name, asa.email) == ("Åsa", "Öberg", "asa.oberg@example.se")
    assert asa.active and asa.password_hash is None
    assert asa.employed_from == date(2019, 8, 15)
    assert employee("1003").employed_from is None
    assert [employee(n).close_to_residents for n in ("1001", "1002", "1003", "1004")] == [
        False,
        True,
        True,
        False,
    ]
    assert len({employee(n).session_token for n in ("1001", "1002", "1003", "1004")}) == 4


def test_first_import_sets_the_chef_links(runner, tmp_path):
    imported(runner, tmp_path, staff())
    asa, boss = employee("1001"), employee("1002")
    assert asa.manager_id is None
    assert boss.manager_id == asa.id
    assert employee("1003").manager_id == boss.id
    assert employee("1004").manager_id == asa.id


def test_first_import_logs_one_roster_import(runner, tmp_path):
    imported(runner, tmp_path, staff(), name="hr-export.csv")
    record = db.session.scalars(select(RosterImport)).one()
    assert record.as_of == date(2026, 1, 1)
    assert record.actor_id is None
    assert record.source_name == "hr-export.csv"
    assert (record.rows, record.added, record.changed, record.deactivated) == (4, 4, 0, 0)


def test_first_import_opens_one_placement_per_person(runner, tmp_path):
    imported(runner, tmp_path, staff())
    assert placements(employee("1001")) == [("Ledning", date(2026, 1, 1), None, False)]
    assert placements(employee("1003")) == [("Hemtjänst Syd", date(2026, 1, 1), None, True)]
    assert counts()["Placement"] == 4


def test_first_import_stores_a_headcount_snapshot_per_unit(runner, tmp_path):
    imported(runner, tmp_path, staff())
    assert snapshot(AS_OF) == {
        "Ledning": (ADMINISTRATION, 1, 0),
        "Hemtjänst Syd": (ADMINISTRATION, 2, 2),
        "Förskola Ängen": (OTHER_ADMINISTRATION, 1, 0),
    }
    record = db.session.scalars(select(RosterImport)).one()
    ids = db.session.scalars(select(HeadcountSnapshot.roster_import_id)).all()
    assert set(ids) == {record.id}


def test_import_without_as_of_uses_today(runner, tmp_path):
    imported(runner, tmp_path, staff(), as_of=None)
    assert db.session.scalars(select(RosterImport.as_of)).one() == city_today()


def test_xlsx_roster_with_number_and_date_cells(runner, tmp_path):
    rows = staff()
    for row in rows:
        row["Anställningsnummer"] = int(row["Anställningsnummer"])
        if row["Chefens anställningsnummer"]:
            row["Chefens anställningsnummer"] = int(row["Chefens anställningsnummer"])
    rows[0]["Anställd från"] = date(2018, 4, 1)
    imported(runner, tmp_path, roster_xlsx(rows), name="personallista.xlsx")
    assert employee("1001").employed_from == date(2018, 4, 1)
    assert employee("1002").manager_id == employee("1001").id
    again = changed(staff(), "1001", **{"Anställd från": "2018-04-01"})
    result = imported(runner, tmp_path, again, as_of=LATER)  # the same people, as CSV
    assert "0 nya, 0 ändrade, 0 avaktiverade" in summary(result)


def test_windows_1252_roster_keeps_swedish_letters(runner, tmp_path):
    data = roster_csv(staff(), sep="\t", encoding="cp1252")
    imported(runner, tmp_path, data)
    assert employee("1001").last_name == "Öberg"
    assert unit_path(employee("1004"))[0] == OTHER_ADMINISTRATION
    result = imported(runner, tmp_path, roster_csv(staff(), sep=","), as_of=LATER)
    assert "0 nya, 0 ändrade, 0 avaktiverade" in summary(result)


def test_first_import_without_the_optional_anstalld_fran_column(runner, tmp_path):
    rows = [person("1001", employed_from=None), person("1002", employed_from=None)]
    imported(runner, tmp_path, rows)
    assert employee("1001").employed_from is None


# --- the same file again --------------------------------------------------------------


def test_same_file_twice_changes_nothing_the_second_time(runner, tmp_path):
    imported(runner, tmp_path, staff())
    before = counts()
    people = {n: (employee(n).id, employee(n).session_token) for n in ("1001", "1004")}
    result = imported(runner, tmp_path, staff(), as_of=LATER)
    assert summary(result) == "Importerad (2026-02-01): 4 rader, 0 nya, 0 ändrade, 0 avaktiverade."
    after = counts()
    assert after["RosterImport"] == before["RosterImport"] + 1
    for model in ("User", "Placement", "Unit", "Department", "Administration"):
        assert after[model] == before[model], model
    assert {n: (employee(n).id, employee(n).session_token) for n in people} == people


def test_same_file_twice_on_the_same_date_replaces_that_dates_snapshot(runner, tmp_path):
    imported(runner, tmp_path, staff())
    imported(runner, tmp_path, staff())
    assert counts()["HeadcountSnapshot"] == 3
    latest = db.session.scalar(select(func.max(RosterImport.id)))
    ids = db.session.scalars(select(HeadcountSnapshot.roster_import_id)).all()
    assert set(ids) == {latest}


def test_each_import_date_keeps_its_own_snapshot(runner, tmp_path):
    imported(runner, tmp_path, staff())
    imported(runner, tmp_path, staff(), as_of=LATER)
    assert snapshot(AS_OF) == snapshot(LATER)
    assert counts()["HeadcountSnapshot"] == 6


def test_emails_are_compared_case_insensitively(runner, tmp_path):
    imported(runner, tmp_path, staff())
    rows = changed(staff(), "1002", **{"E-post": "PERSON1002@EXAMPLE.Stockholm.SE"})
    result = imported(runner, tmp_path, rows, as_of=LATER)
    assert "0 nya, 0 ändrade, 0 avaktiverade" in summary(result)
    assert employee("1002").email == "person1002@example.stockholm.se"


def test_spaces_around_values_do_not_count_as_changes(runner, tmp_path):
    imported(runner, tmp_path, staff())
    rows = changed(staff(), "1003", **{"Förnamn": "  Förnamn ", "Enhet": " Hemtjänst Syd"})
    result = imported(runner, tmp_path, rows, as_of=LATER)
    assert "0 nya, 0 ändrade, 0 avaktiverade" in summary(result)


# --- changes --------------------------------------------------------------------------


def test_move_takes_effect_at_once_and_keeps_history(runner, tmp_path):
    imported(runner, tmp_path, staff())
    person_id = employee("1003").id
    rows = changed(staff(), "1003", **{"Enhet": "Ledning", "Invånarnära": "Nej"})
    result = imported(runner, tmp_path, rows, as_of=LATER)
    assert "0 nya, 1 ändrade, 0 avaktiverade" in summary(result)
    moved = employee("1003")
    assert moved.id == person_id
    assert moved.unit.name == "Ledning" and not moved.close_to_residents
    assert placements(moved) == [
        ("Hemtjänst Syd", date(2026, 1, 1), date(2026, 2, 1), True),
        ("Ledning", date(2026, 2, 1), None, False),
    ]
    assert snapshot(LATER)["Ledning"] == (ADMINISTRATION, 2, 0)
    assert snapshot(LATER)["Hemtjänst Syd"] == (ADMINISTRATION, 1, 1)
    assert snapshot(AS_OF)["Hemtjänst Syd"] == (ADMINISTRATION, 2, 2)


def test_move_to_a_new_unit_creates_it(runner, tmp_path):
    imported(runner, tmp_path, staff())
    rows = changed(staff(), "1004", **{"Avdelning": "Förskola", "Enhet": "Förskola Ekorren"})
    imported(runner, tmp_path, rows, as_of=LATER)
    assert unit_path(employee("1004")) == (OTHER_ADMINISTRATION, "Förskola", "Förskola Ekorren")
    assert [p[0] for p in placements(employee("1004"))] == ["Förskola Ängen", "Förskola Ekorren"]


def test_invanarnara_change_opens_a_new_placement(runner, tmp_path):
    imported(runner, tmp_path, staff())
    imported(runner, tmp_path, changed(staff(), "1001", **{"Invånarnära": "Ja"}), as_of=LATER)
    assert employee("1001").close_to_residents
    assert placements(employee("1001")) == [
        ("Ledning", date(2026, 1, 1), date(2026, 2, 1), False),
        ("Ledning", date(2026, 2, 1), None, True),
    ]
    assert snapshot(LATER)["Ledning"] == (ADMINISTRATION, 1, 1)


def test_name_and_email_change_update_the_same_person(runner, tmp_path):
    imported(runner, tmp_path, staff())
    person_id = employee("1002").id
    rows = changed(staff(), "1002", **{"Efternamn": "Lind", "E-post": "ny.adress@example.se"})
    result = imported(runner, tmp_path, rows, as_of=LATER)
    assert "0 nya, 1 ändrade, 0 avaktiverade" in summary(result)
    renamed = employee("1002")
    assert (renamed.id, renamed.last_name, renamed.email) == (
        person_id,
        "Lind",
        "ny.adress@example.se",
    )
    assert len(placements(renamed)) == 1  # the same place: no new placement


def test_chef_change_updates_the_link(runner, tmp_path):
    imported(runner, tmp_path, staff())
    rows = changed(staff(), "1003", **{"Chefens anställningsnummer": "1004"})
    result = imported(runner, tmp_path, rows, as_of=LATER)
    assert "1 ändrade" in summary(result)
    assert employee("1003").manager_id == employee("1004").id


def test_chef_removed_clears_the_link(runner, tmp_path):
    imported(runner, tmp_path, staff())
    rows = changed(staff(), "1003", **{"Chefens anställningsnummer": ""})
    imported(runner, tmp_path, rows, as_of=LATER)
    assert employee("1003").manager_id is None


def test_two_people_can_swap_email_addresses(runner, tmp_path):
    imported(runner, tmp_path, staff())
    first, second = employee("1002").email, employee("1003").email
    rows = changed(staff(), "1002", **{"E-post": second})
    rows = changed(rows, "1003", **{"E-post": first})
    result = imported(runner, tmp_path, rows, as_of=LATER)
    assert "0 nya, 2 ändrade, 0 avaktiverade" in summary(result)
    assert (employee("1002").email, employee("1003").email) == (second, first)


def test_an_email_freed_by_one_person_can_be_taken_by_another(runner, tmp_path):
    imported(runner, tmp_path, staff())
    old = employee("1002").email
    rows = changed(staff(), "1002", **{"E-post": "ny@example.se"})
    rows = changed(rows, "1003", **{"E-post": old})
    imported(runner, tmp_path, rows, as_of=LATER)
    assert (employee("1002").email, employee("1003").email) == ("ny@example.se", old)


def test_new_person_joins_an_existing_roster(runner, tmp_path):
    imported(runner, tmp_path, staff())
    rows = [*staff(), person("1005", unit="Ledning", manager="1001")]
    result = imported(runner, tmp_path, rows, as_of=LATER)
    assert "1 nya, 0 ändrade, 0 avaktiverade" in summary(result)
    assert employee("1005").manager_id == employee("1001").id
    assert placements(employee("1005")) == [("Ledning", date(2026, 2, 1), None, False)]


def test_dry_run_with_a_new_person_in_an_existing_roster(runner, tmp_path):
    imported(runner, tmp_path, staff())
    result = run_import(runner, tmp_path, [*staff(), person("1005")], "--dry-run", as_of=LATER)
    assert summary(result) == (
        "Provkörning, inget har ändrats: 5 rader, 1 nya, 0 ändrade, 0 avaktiverade."
    )


# --- people who leave and come back ---------------------------------------------------


def test_absent_person_is_deactivated_but_kept(runner, tmp_path):
    imported(runner, tmp_path, staff())
    before = counts()
    result = imported(runner, tmp_path, without(staff(), "1003"), "--deactivate", "1", as_of=LATER)
    assert "0 nya, 0 ändrade, 1 avaktiverade" in summary(result)
    gone = employee("1003")
    assert gone is not None and not gone.active
    assert gone.unit.name == "Hemtjänst Syd" and gone.manager_id == employee("1002").id
    assert counts()["User"] == before["User"]
    assert placements(gone) == [("Hemtjänst Syd", date(2026, 1, 1), date(2026, 2, 1), True)]


def test_deactivating_more_than_the_share_needs_the_count(runner, tmp_path):
    imported(runner, tmp_path, staff())
    result = run_import(runner, tmp_path, staff()[:1], as_of=LATER)
    assert result.exit_code == 1
    assert "Importen avaktiverar 3 av 4 aktiva personer; inget har ändrats." in result.stderr
    assert "--deactivate 3" in result.stderr
    wrong = run_import(runner, tmp_path, staff()[:1], "--deactivate", "2", as_of=LATER)
    assert wrong.exit_code == 1 and employee("1004").active
    imported(runner, tmp_path, staff()[:1], "--deactivate", "3", as_of=LATER)
    assert not employee("1004").active and employee("1001").active


def test_absent_person_drops_out_of_the_next_headcount(runner, tmp_path):
    imported(runner, tmp_path, staff())
    imported(runner, tmp_path, without(staff(), "1004"), "--deactivate", "1", as_of=LATER)
    assert "Förskola Ängen" not in snapshot(LATER)
    assert snapshot(LATER)["Hemtjänst Syd"] == (ADMINISTRATION, 2, 2)
    assert snapshot(AS_OF)["Förskola Ängen"] == (OTHER_ADMINISTRATION, 1, 0)


def test_absent_person_is_deactivated_only_once(runner, tmp_path):
    imported(runner, tmp_path, staff())
    imported(runner, tmp_path, without(staff(), "1003"), "--deactivate", "1", as_of=LATER)
    result = imported(runner, tmp_path, without(staff(), "1003"), as_of=EVEN_LATER)
    assert "0 nya, 0 ändrade, 0 avaktiverade" in summary(result)
    assert len(placements(employee("1003"))) == 1


def test_person_coming_back_is_reactivated(runner, tmp_path):
    imported(runner, tmp_path, staff())
    person_id = employee("1003").id
    imported(runner, tmp_path, without(staff(), "1003"), "--deactivate", "1", as_of=LATER)
    result = imported(runner, tmp_path, staff(), as_of=EVEN_LATER)
    assert "0 nya, 1 ändrade, 0 avaktiverade" in summary(result)
    back = employee("1003")
    assert back.id == person_id and back.active
    assert placements(back) == [
        ("Hemtjänst Syd", date(2026, 1, 1), date(2026, 2, 1), True),
        ("Hemtjänst Syd", date(2026, 3, 1), None, True),
    ]
    assert snapshot(EVEN_LATER)["Hemtjänst Syd"] == (ADMINISTRATION, 2, 2)


def test_deactivated_person_cannot_log_in(runner, tmp_path, client, auth):
    imported(runner, tmp_path, staff())
    gone = employee("1004")
    gone.password_hash = hash_password("ratt-losenord-123")
    db.session.commit()
    imported(runner, tmp_path, without(staff(), "1004"), "--deactivate", "1", as_of=LATER)
    auth.login(gone.email)
    assert client.get("/min-utbildning").status_code == 302


# --- local accounts -------------------------------------------------------------------


def test_local_account_outside_the_roster_is_left_alone(runner, tmp_path):
    make_user(email="admin@example.se")
    result = imported(runner, tmp_path, staff())
    assert "0 avaktiverade" in summary(result)
    admin = db.session.scalar(select(User).where(User.email == "admin@example.se"))
    assert admin.active and admin.employee_number is None


def test_dry_run_plans_to_adopt_a_local_account_with_the_same_email(runner, tmp_path):
    make_user(email="person1002@example.stockholm.se")
    result = run_import(runner, tmp_path, [person("1002")], "--dry-run")
    assert summary(result) == (
        "Provkörning, inget har ändrats: 1 rader, 0 nya, 1 ändrade, 0 avaktiverade."
    )


def test_local_account_with_the_same_email_is_adopted(runner, tmp_path):
    local = make_user(email="person1002@example.stockholm.se")
    before = counts()["User"]
    result = imported(runner, tmp_path, [person("1002")])
    assert "0 nya, 1 ändrade" in summary(result)
    adopted = employee("1002")
    assert adopted.id == local.id
    assert adopted.password_hash == local.password_hash
    assert counts()["User"] == before


def test_adopted_local_account_can_be_chef_of_a_new_person(runner, tmp_path):
    local = make_user(email="person1001@example.stockholm.se")
    imported(runner, tmp_path, [person("1001"), person("1002", manager="1001")])
    assert employee("1001").id == local.id
    assert employee("1002").manager_id == local.id
    assert placements(employee("1001")) == [("Hemtjänst Syd", date(2026, 1, 1), None, False)]


def test_stored_email_in_another_case_is_not_a_change(runner, tmp_path):
    make_user(employee_number="1002", email="Person1002@Example.Stockholm.se")
    plan = plan_roster_file(roster_csv([person("1002")]), "lista.csv", date(2026, 1, 1))
    (changes,) = plan.changed["changes"].tolist()
    assert [change.label for change in changes] == [
        "förnamn",
        "efternamn",
        "enhet",
        "anställd från",
    ]


def test_local_account_is_matched_whatever_the_case_of_its_stored_email(runner, tmp_path):
    make_user(email="Person1002@Example.Stockholm.se")
    result = run_import(runner, tmp_path, [person("1002")], "--dry-run")
    assert summary(result) == (
        "Provkörning, inget har ändrats: 1 rader, 0 nya, 1 ändrade, 0 avaktiverade."
    )


# --- reorganisations keep people and their completions ---------------------------------


def test_renamed_unit_keeps_people_and_completions(runner, tmp_path):
    imported(runner, tmp_path, staff())
    import_completions(runner, tmp_path, [completion("1002", "2025-05-01")])
    ids = {n: employee(n).id for n in ("1002", "1003")}
    rows = [
        row | {"Enhet": "Hemtjänst Söder"} if row["Enhet"] == "Hemtjänst Syd" else row
        for row in staff()
    ]
    result = imported(runner, tmp_path, rows, as_of=LATER)
    assert "0 nya, 2 ändrade, 0 avaktiverade" in summary(result)
    assert {n: employee(n).id for n in ids} == ids
    assert employee("1002").unit.name == "Hemtjänst Söder"
    assert completions_by_user() == {ids["1002"]: [date(2025, 5, 1)]}
    assert "Hemtjänst Syd" not in snapshot(LATER)
    assert snapshot(LATER)["Hemtjänst Söder"] == (ADMINISTRATION, 2, 2)


def test_units_moved_to_another_forvaltning_keep_people_and_completions(runner, tmp_path):
    imported(runner, tmp_path, staff())
    import_completions(runner, tmp_path, [completion("1003", "2025-06-01")])
    ids = {n: employee(n).id for n in ("1001", "1002", "1003")}
    rows = [
        row | {"Förvaltning": OTHER_ADMINISTRATION} if row["Förvaltning"] == ADMINISTRATION else row
        for row in staff()
    ]
    imported(runner, tmp_path, rows, as_of=LATER)
    assert {n: employee(n).id for n in ids} == ids
    assert unit_path(employee("1003")) == (OTHER_ADMINISTRATION, DEPARTMENT, "Hemtjänst Syd")
    assert completions_by_user() == {ids["1003"]: [date(2025, 6, 1)]}
    assert {admin for admin, _, _ in snapshot(LATER).values()} == {OTHER_ADMINISTRATION}
    assert snapshot(LATER)["Hemtjänst Syd"] == (OTHER_ADMINISTRATION, 2, 2)


def test_merged_forvaltningar_keep_people_and_completions(runner, tmp_path):
    imported(runner, tmp_path, staff())
    import_completions(
        runner, tmp_path, [completion("1001", "2025-01-10"), completion("1004", "2025-02-20")]
    )
    ids = {n: employee(n).id for n in ("1001", "1002", "1003", "1004")}
    merged = "Söderorts stadsdelsförvaltning"
    rows = [row | {"Förvaltning": merged} for row in staff()]
    result = imported(runner, tmp_path, rows, as_of=LATER)
    assert "0 nya, 4 ändrade, 0 avaktiverade" in summary(result)
    assert {n: employee(n).id for n in ids} == ids
    assert {unit_path(employee(n))[0] for n in ids} == {merged}
    assert completions_by_user() == {
        ids["1001"]: [date(2025, 1, 10)],
        ids["1004"]: [date(2025, 2, 20)],
    }
    assert snapshot(LATER) == {
        "Ledning": (merged, 1, 0),
        "Hemtjänst Syd": (merged, 2, 2),
        "Förskola Ängen": (merged, 1, 0),
    }
    assert snapshot(AS_OF)["Förskola Ängen"] == (OTHER_ADMINISTRATION, 1, 0)


def test_earned_completion_survives_a_reorganisation(runner, tmp_path, client, auth):
    imported(runner, tmp_path, staff())
    learner = employee("1004")
    learner.password_hash = hash_password("ratt-losenord-123")
    db.session.commit()
    auth.login(learner.email)
    for module in course().current_version.modules:
        pass_module(client, module.position)
    earned = db.session.scalars(select(Completion).where(Completion.user_id == learner.id)).one()
    rows = [row | {"Förvaltning": "Söderorts stadsdelsförvaltning"} for row in staff()]
    imported(runner, tmp_path, rows, as_of=LATER)
    kept = db.session.scalars(select(Completion).where(Completion.user_id == learner.id)).one()
    assert (kept.id, kept.source, kept.certificate_code) == (
        earned.id,
        "earned",
        earned.certificate_code,
    )
    assert employee("1004").id == learner.id
