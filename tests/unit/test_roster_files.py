"""Reading roster files (CSV in every Swedish Excel flavour, XLSX) and validating their rows."""

from datetime import date

import pytest

from tests.roster_files import (
    ADMINISTRATION,
    completion,
    completions_csv,
    completions_xlsx,
    person,
    roster_csv,
    roster_xlsx,
    table_csv,
)
from vbe_learn.roster.files import UnreadableFile, normalise_header, read_table
from vbe_learn.roster.validation import Problems, validate_completions, validate_roster

ROWS = [
    person("1001", first="Åsa", last="Öberg", close="Ja"),
    person("1002", first="Märta", last="Ek", manager="1001", employed_from="2021-02-03"),
]


def first_row(frame) -> dict[str, str]:
    return frame.iloc[0].to_dict()


# --- read_table: CSV ------------------------------------------------------------------


@pytest.mark.parametrize("sep", [";", ",", "\t"], ids=["semikolon", "komma", "tab"])
def test_csv_separator_is_detected(sep):
    frame = read_table(roster_csv(ROWS, sep=sep), "lista.csv")
    assert frame.shape == (2, 10)
    assert first_row(frame)["förnamn"] == "Åsa"
    assert first_row(frame)["förvaltning"] == ADMINISTRATION
    assert frame["chefensanställningsnummer"].tolist() == ["", "1001"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1252"])
def test_csv_encodings_keep_swedish_letters(encoding):
    frame = read_table(roster_csv(ROWS, encoding=encoding), "lista.csv")
    assert list(frame.columns)[:2] == ["anställningsnummer", "förnamn"]
    assert first_row(frame)["efternamn"] == "Öberg"
    assert first_row(frame)["avdelning"] == "Äldreomsorg"
    assert first_row(frame)["invånarnära"] == "Ja"


def test_windows_1252_bytes_really_are_single_byte_letters():
    data = roster_csv(ROWS, encoding="cp1252")
    assert "Å".encode("cp1252") in data and "Å".encode() not in data
    assert read_table(data)["förnamn"].tolist() == ["Åsa", "Märta"]


def test_bom_does_not_stick_to_the_first_header():
    data = roster_csv(ROWS, encoding="utf-8-sig")
    assert data.startswith(b"\xef\xbb\xbf")
    assert read_table(data).columns[0] == "anställningsnummer"


def test_headers_are_matched_ignoring_case_and_spaces():
    row = {
        " ANSTÄLLNINGSNUMMER": "1001",
        "förnamn ": "Åsa",
        "EFTERNAMN": "Öberg",
        "  e-POST ": "asa@example.se",
        "Förvaltning": "F",
        "Avdelning": "A",
        "Enhet": "E",
        "Chefens Anställningsnummer": "",
        "Invånarnära": "Nej",
        "Anställd  från": "",
    }
    frame = read_table(table_csv([row], list(row)))
    roster, problems = validate_roster(frame)
    assert not problems, problems.lines()
    assert roster.loc[2, "email"] == "asa@example.se"
    assert roster.loc[2, "employee_number"] == "1001"


@pytest.mark.parametrize(
    ("header", "normalised"),
    [
        ("\ufeffAnställningsnummer", "anställningsnummer"),
        ("  e-POST ", "e-post"),
        ("Chefens Anställningsnummer", "chefensanställningsnummer"),
        ("Anställd\u00a0från", "anställdfrån"),
    ],
)
def test_normalise_header(header, normalised):
    assert normalise_header(header) == normalised


def test_values_are_trimmed():
    rows = [person(" 1001 ", first="  Åsa", email=" ASA@Example.se  ", close=" Ja ")]
    frame = read_table(roster_csv(rows))
    assert first_row(frame)["anställningsnummer"] == "1001"
    assert first_row(frame)["förnamn"] == "Åsa"
    assert first_row(frame)["e-post"] == "ASA@Example.se"
    assert first_row(frame)["invånarnära"] == "Ja"


def test_blank_lines_are_not_rows():
    data = roster_csv(ROWS) + b"\r\n\r\n"
    assert len(read_table(data)) == 2


def test_short_rows_get_empty_cells():
    data = table_csv([{"a": "1", "b": "2"}], ["a", "b", "c"]).replace(b"1;2;\r\n", b"1;2\r\n")
    assert first_row(read_table(data)) == {"a": "1", "b": "2", "c": ""}


# --- read_table: XLSX -----------------------------------------------------------------


def xlsx_rows() -> list[dict]:
    """Numbers and a date as real Excel cells, as HR systems export them."""
    rows = [dict(r) for r in ROWS]
    rows[0]["Anställningsnummer"] = 1001
    rows[1]["Anställningsnummer"] = 1002
    rows[1]["Chefens anställningsnummer"] = 1001
    rows[1]["Anställd från"] = date(2021, 2, 3)
    return rows


def test_xlsx_numeric_employee_numbers_become_plain_text():
    frame = read_table(roster_xlsx(xlsx_rows()), "lista.xlsx")
    assert frame["anställningsnummer"].tolist() == ["1001", "1002"]
    assert frame["chefensanställningsnummer"].tolist() == ["", "1001"]
    assert first_row(frame)["förnamn"] == "Åsa"


def test_xlsx_excel_date_cell_is_read_as_the_date():
    roster, problems = validate_roster(read_table(roster_xlsx(xlsx_rows()), "lista.xlsx"))
    assert not problems, problems.lines()
    assert roster["employed_from"].tolist() == [date(2019, 8, 15), date(2021, 2, 3)]
    assert roster["manager_number"].tolist() == ["", "1001"]


def test_xlsx_is_recognised_by_its_content_whatever_the_name():
    frame = read_table(roster_xlsx(xlsx_rows()), "personallista.csv")
    assert len(frame) == 2


def test_xlsx_completion_date_cells():
    rows = [completion(1001, date(2024, 5, 2), "v3")]
    table, problems = validate_completions(read_table(completions_xlsx(rows), "g.xlsx"))
    assert not problems, problems.lines()
    assert table.loc[2].to_dict() == {
        "employee_number": "1001",
        "completed_on": date(2024, 5, 2),
        "source_version": "v3",
    }


# --- read_table: unreadable files -----------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"  \r\n\r\n"], ids=["tom", "bara-radbrytningar"])
def test_empty_file_is_unreadable(data):
    with pytest.raises(UnreadableFile, match="Filen är tom"):
        read_table(data, "lista.csv")


def test_file_with_only_a_bom_is_empty():
    with pytest.raises(UnreadableFile, match="Filen är tom"):
        read_table(b"\xef\xbb\xbf\r\n", "lista.csv")


def test_binary_garbage_is_unreadable():
    garbage = bytes(range(256)) * 4  # 0x81, 0x8d, … are neither UTF-8 nor Windows-1252
    with pytest.raises(UnreadableFile, match="varken UTF-8 eller Windows-1252"):
        read_table(garbage, "lista.csv")


def test_broken_xlsx_is_unreadable():
    with pytest.raises(UnreadableFile, match="kunde inte läsas som CSV eller XLSX"):
        read_table(b"PK\x03\x04 not really a zip archive", "lista.xlsx")


def test_csv_named_xlsx_is_unreadable():
    with pytest.raises(UnreadableFile, match="kunde inte läsas"):
        read_table(roster_csv(ROWS), "lista.xlsx")


def test_row_with_too_many_cells_is_unreadable():
    data = roster_csv(ROWS) + b"1003;a;b;c;d;e;f;g;h;i;j;k;l\r\n"
    with pytest.raises(UnreadableFile, match="kunde inte läsas"):
        read_table(data)


def test_two_headers_that_normalise_alike_are_refused():
    row = person("1001")
    headers = [*row, "e-post "]  # "E-post" and "e-post " are both "e-post"
    data = table_csv([row | {"e-post ": "privat@example.se"}], headers)
    with pytest.raises(UnreadableFile, match="finns flera gånger"):
        read_table(data)


# --- validation (no database) ---------------------------------------------------------


def validated(rows):
    return validate_roster(read_table(roster_csv(rows)))


def test_valid_roster_is_typed_and_numbered_like_the_spreadsheet():
    roster, problems = validated(ROWS)
    assert not problems
    assert list(roster.index) == [2, 3]  # the header is row 1
    assert roster.loc[2, "close_to_residents"]
    assert not roster.loc[3, "close_to_residents"]
    assert roster.loc[3, "employed_from"] == date(2021, 2, 3)
    assert roster.loc[3, "manager_number"] == "1001"


def test_emails_are_lowercased():
    roster, _ = validated([person("1001", email="Asa.Oberg@Example.SE")])
    assert roster.loc[2, "email"] == "asa.oberg@example.se"


@pytest.mark.parametrize("value", ["Ja", "ja", "JA", "j", "1", "yes"])
def test_close_to_residents_yes(value):
    roster, problems = validated([person("1001", close=value)])
    assert not problems and bool(roster.loc[2, "close_to_residents"]) is True


@pytest.mark.parametrize("value", ["Nej", "nej", "n", "0", "no"])
def test_close_to_residents_no(value):
    roster, problems = validated([person("1001", close=value)])
    assert not problems and bool(roster.loc[2, "close_to_residents"]) is False


def test_anstalld_fran_column_is_optional():
    _roster, problems = validated([person("1001", employed_from=None)])
    assert not problems


def test_empty_anstalld_fran_is_none_when_other_rows_have_dates():
    roster, _ = validated([person("1001", employed_from=""), person("1002")])
    assert roster["employed_from"].tolist() == [None, date(2019, 8, 15)]


@pytest.mark.parametrize("employed_from", [None, ""], ids=["utan-kolumn", "tomma-celler"])
def test_empty_anstalld_fran_is_none_when_no_row_has_a_date(employed_from):
    roster, _ = validated([person("1001", employed_from=employed_from)])
    assert roster["employed_from"].tolist() == [None]


def test_header_only_file_has_no_people():
    _roster, problems = validate_roster(read_table(roster_csv([])))
    assert problems.lines() == ["Filen har inga rader med personer."]


def test_date_with_trailing_digits_is_refused():
    _roster, problems = validated([person("1001", employed_from="2020-03-011")])
    assert problems.lines() == [
        "Rad 2: Anställd från ska vara ett datum som ÅÅÅÅ-MM-DD, inte ”2020-03-011”."
    ]


def test_date_and_time_text_is_accepted_as_its_date():
    roster, problems = validated([person("1001", employed_from="2020-03-01 00:00:00")])
    assert not problems and roster.loc[2, "employed_from"] == date(2020, 3, 1)


@pytest.mark.parametrize("value", ["01/03/2020", "2020-02-30", "igår", "20200301"])
def test_malformed_date_is_a_problem(value):
    _roster, problems = validated([person("1001", employed_from=value)])
    assert problems.lines() == [
        f"Rad 2: Anställd från ska vara ett datum som ÅÅÅÅ-MM-DD, inte ”{value}”."
    ]


def test_completions_need_a_date_and_an_employee_number():
    rows = [completion("1001", "2024-01-02"), completion("", "2024-01-02"), completion("3", "")]
    _table, problems = validate_completions(read_table(completions_csv(rows)))
    assert problems.lines() == ["Rad 3: Anställningsnummer saknas.", "Rad 4: Genomförd saknas."]


def test_completions_without_any_valid_date_are_refused():
    rows = [completion("1001", "2024-13-01")]
    _table, problems = validate_completions(read_table(completions_csv(rows)))
    assert problems.lines() == [
        "Rad 2: Genomförd ska vara ett datum som ÅÅÅÅ-MM-DD, inte ”2024-13-01”."
    ]


# --- Problems -------------------------------------------------------------------------


def test_problem_lines_are_ordered_whole_file_first_then_by_row():
    problems = Problems()
    problems.add(10, "B")
    problems.add(2, "A")
    problems.add(None, "Hela filen.")
    problems.add(10, "A")
    assert problems.lines() == ["Hela filen.", "Rad 2: A", "Rad 10: A", "Rad 10: B"]


def test_problem_lines_stop_at_fifty_with_a_count_of_the_rest():
    problems = Problems()
    for row in range(2, 62):
        problems.add(row, "Fel.")
    lines = problems.lines()
    assert len(lines) == 51
    assert lines[49] == "Rad 51: Fel."
    assert lines[50] == "… och 10 problem till (60 totalt)."


def test_chef_chains_that_go_round_in_a_circle_are_refused():
    rows = [
        person("1"),
        person("2", manager="3"),
        person("3", manager="4"),
        person("4", manager="2"),
        person("5", manager="1"),
    ]
    _roster, problems = validate_roster(read_table(roster_csv(rows), "lista.csv"))
    lines = problems.lines()
    assert lines == [f"Rad {row}: Chefskedjan går runt i en cirkel." for row in (3, 4, 5)]
