"""`flask completions import`: completions from the earlier platform, marked as imported."""

import traceback
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import course, make_user
from tests.roster_files import completion, completions_csv, completions_xlsx, table_csv
from vbe_learn.core.extensions import db
from vbe_learn.models import Completion, User
from vbe_learn.models.types import city_today


@pytest.fixture
def staff():
    """Three employees (1001, 1002, 1003) and a local account without a number."""
    people = {n: make_user(employee_number=n) for n in ("1001", "1002", "1003")}
    make_user(email="lokal@example.se")
    return {number: user.id for number, user in people.items()}


def run_import(runner, tmp_path, data, name="genomforanden.csv"):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else completions_csv(data))
    result = runner.invoke(args=["completions", "import", str(path)])
    db.session.expire_all()
    return result


def imported(runner, tmp_path, data, **kwargs):
    result = run_import(runner, tmp_path, data, **kwargs)
    assert result.exit_code == 0, describe(result)
    return result


def refused(runner, tmp_path, data, **kwargs) -> list[str]:
    result = run_import(runner, tmp_path, data, **kwargs)
    assert isinstance(result.exception, SystemExit), describe(result)
    assert result.exit_code == 1 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == "Filen avvisades; inget har ändrats:"
    return [line.strip() for line in lines[1:]]


def describe(result) -> str:
    """The crash (its last frames) or the exit code and output of a command."""
    if result.exc_info and not isinstance(result.exception, SystemExit):
        return "".join(traceback.format_exception(*result.exc_info)[-3:])
    return f"exit {result.exit_code}\nstdout: {result.stdout}\nstderr: {result.stderr}"


def completions() -> list[Completion]:
    return list(db.session.scalars(select(Completion).order_by(Completion.id)))


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Completion))


def test_imports_completions_marked_as_imported(runner, tmp_path, staff):
    rows = [completion("1001", "2024-03-15", "2.1"), completion("1002", "2023-11-30", "1.0")]
    result = imported(runner, tmp_path, rows)
    assert result.stdout.strip() == "2 rader: 2 nya genomföranden, 0 fanns redan."
    assert result.stderr == ""
    found = [(c.user_id, c.completed_on, c.source, c.source_version) for c in completions()]
    assert found == [
        (staff["1001"], date(2024, 3, 15), "imported", "2.1"),
        (staff["1002"], date(2023, 11, 30), "imported", "1.0"),
    ]


def test_imported_completions_belong_to_the_course_without_a_version(runner, tmp_path, staff):
    imported(runner, tmp_path, [completion("1001", "2024-03-15", "2.1")])
    (found,) = completions()
    assert found.course_id == course().id
    assert found.course_version_id is None and found.enrollment_id is None
    assert found.score_percent is None


def test_each_imported_completion_gets_its_own_certificate_code(runner, tmp_path, staff):
    imported(runner, tmp_path, [completion(n, "2024-03-15") for n in staff])
    codes = [c.certificate_code for c in completions()]
    assert len(set(codes)) == 3 and all(codes)


def test_kursversion_column_is_optional(runner, tmp_path, staff):
    imported(runner, tmp_path, [completion("1003", "2022-09-01")])
    assert [c.source_version for c in completions()] == [None]


def test_empty_kursversion_is_stored_as_none(runner, tmp_path, staff):
    imported(
        runner,
        tmp_path,
        [completion("1001", "2022-09-01", ""), completion("1002", "2022-09-01", "3")],
    )
    assert [c.source_version for c in completions()] == [None, "3"]


def test_unknown_employee_numbers_are_reported_and_the_rest_imported(runner, tmp_path, staff):
    rows = [
        completion("1001", "2024-01-10"),
        completion("9999", "2024-01-10"),
        completion("8888", "2024-01-11"),
        completion("1002", "2024-01-12"),
    ]
    result = imported(runner, tmp_path, rows)
    assert result.stdout.strip() == "4 rader: 2 nya genomföranden, 0 fanns redan."
    assert result.stderr.strip() == "Okända anställningsnummer (2): 8888, 9999"
    assert [c.user_id for c in completions()] == [staff["1001"], staff["1002"]]


def test_many_unknown_numbers_are_listed_fifty_at_a_time(runner, tmp_path, staff):
    rows = [completion(str(5000 + i), "2024-01-10") for i in range(55)]
    result = imported(runner, tmp_path, rows)
    first, more = result.stderr.splitlines()
    assert first.startswith("Okända anställningsnummer (55): 5000, 5001,")
    assert first.endswith(", 5049")
    assert more == "… och 5 till."
    assert count() == 0


def test_local_accounts_are_not_matched(runner, tmp_path, staff):
    result = imported(runner, tmp_path, [completion("lokal@example.se", "2024-01-10")])
    assert "Okända anställningsnummer (1): lokal@example.se" in result.stderr
    assert count() == 0


def test_same_file_twice_adds_nothing_the_second_time(runner, tmp_path, staff):
    rows = [completion("1001", "2024-03-15", "2.1"), completion("1002", "2023-11-30")]
    imported(runner, tmp_path, rows)
    before = [(c.id, c.certificate_code) for c in completions()]
    result = imported(runner, tmp_path, rows)
    assert result.stdout.strip() == "2 rader: 0 nya genomföranden, 2 fanns redan."
    assert [(c.id, c.certificate_code) for c in completions()] == before


def test_overlapping_file_adds_only_the_new_rows(runner, tmp_path, staff):
    imported(runner, tmp_path, [completion("1001", "2024-03-15")])
    rows = [completion("1001", "2024-03-15"), completion("1003", "2024-04-01")]
    result = imported(runner, tmp_path, rows)
    assert result.stdout.strip() == "2 rader: 1 nya genomföranden, 1 fanns redan."
    assert count() == 2


def test_the_same_row_twice_in_one_file_is_one_completion(runner, tmp_path, staff):
    rows = [completion("1001", "2024-03-15"), completion("1001", "2024-03-15")]
    result = imported(runner, tmp_path, rows)
    assert result.stdout.strip() == "2 rader: 1 nya genomföranden, 1 fanns redan."
    assert count() == 1


def test_one_person_can_have_completions_on_several_dates(runner, tmp_path, staff):
    rows = [completion("1001", "2021-03-15", "1.0"), completion("1001", "2024-03-15", "2.0")]
    imported(runner, tmp_path, rows)
    found = [(c.user_id, c.completed_on) for c in completions()]
    assert found == [(staff["1001"], date(2021, 3, 15)), (staff["1001"], date(2024, 3, 15))]


def test_deactivated_people_get_their_completions_too(runner, tmp_path, staff):
    db.session.get(User, staff["1002"]).active = False
    db.session.commit()
    imported(runner, tmp_path, [completion("1002", "2020-02-02")])
    assert [c.user_id for c in completions()] == [staff["1002"]]


def test_xlsx_with_number_and_date_cells(runner, tmp_path, staff):
    rows = [completion(1001, date(2024, 5, 2), "v3"), completion(1003, date(2023, 1, 9))]
    imported(runner, tmp_path, completions_xlsx(rows), name="genomforanden.xlsx")
    found = [(c.user_id, c.completed_on, c.source_version) for c in completions()]
    assert found == [
        (staff["1001"], date(2024, 5, 2), "v3"),
        (staff["1003"], date(2023, 1, 9), None),
    ]


def test_comma_separated_windows_1252_file(runner, tmp_path, staff):
    data = completions_csv([completion("1001", "2024-05-02", "Våren")], sep=",", encoding="cp1252")
    imported(runner, tmp_path, data)
    assert [c.source_version for c in completions()] == ["Våren"]


def test_headers_are_matched_ignoring_case_and_spaces(runner, tmp_path, staff):
    headers = [" ANSTÄLLNINGSNUMMER ", "genomförd", "Kurs Version"]
    data = table_csv([dict(zip(headers, ["1001", "2024-05-02", "x"], strict=True))], headers)
    imported(runner, tmp_path, data)
    assert [(c.user_id, c.source_version) for c in completions()] == [(staff["1001"], "x")]


# --- refused files --------------------------------------------------------------------


def test_malformed_date_refuses_the_whole_file(runner, tmp_path, staff):
    rows = [completion("1001", "2024-03-15"), completion("1002", "15/3 2024")]
    assert refused(runner, tmp_path, rows) == [
        "Rad 3: Genomförd ska vara ett datum som ÅÅÅÅ-MM-DD, inte ”15/3 2024”."
    ]
    assert count() == 0


def test_file_whose_only_date_is_malformed_is_refused(runner, tmp_path, staff):
    lines = refused(runner, tmp_path, [completion("1001", "2024-02-30")])
    assert lines == ["Rad 2: Genomförd ska vara ett datum som ÅÅÅÅ-MM-DD, inte ”2024-02-30”."]


def test_future_date_refuses_the_whole_file(runner, tmp_path, staff):
    tomorrow = (city_today() + timedelta(days=1)).isoformat()
    rows = [completion("1001", "2024-03-15"), completion("1002", tomorrow)]
    assert refused(runner, tmp_path, rows) == ["Rad 3: Genomförd ligger i framtiden."]
    assert count() == 0


def test_missing_values_refuse_the_whole_file(runner, tmp_path, staff):
    rows = [completion("1001", "2024-03-15"), completion("", "2024-03-15"), completion("1002", "")]
    assert refused(runner, tmp_path, rows) == [
        "Rad 3: Anställningsnummer saknas.",
        "Rad 4: Genomförd saknas.",
    ]
    assert count() == 0


def test_missing_column_refuses_the_file(runner, tmp_path, staff):
    data = table_csv(
        [{"Anställningsnummer": "1001", "Datum": "2024-03-15"}], ["Anställningsnummer", "Datum"]
    )
    assert refused(runner, tmp_path, data) == ["Kolumnen ”Genomförd” saknas."]


def test_unreadable_file_is_refused(runner, tmp_path, staff):
    lines = refused(runner, tmp_path, bytes(range(256)) * 4)
    assert lines == ["Filen är varken UTF-8 eller Windows-1252."]
    assert count() == 0


def test_course_must_exist(runner, tmp_path, staff, app, monkeypatch):
    monkeypatch.setitem(app.config, "DEFAULT_COURSE", "finns-inte")
    result = run_import(runner, tmp_path, [completion("1001", "2024-03-15")])
    assert result.exit_code == 1
    assert "Kursen finns-inte finns inte; kör först `flask courses sync`." in result.stderr
    assert count() == 0


def test_empty_file_is_refused(runner, tmp_path, staff):
    assert refused(runner, tmp_path, b"") == ["Filen är tom."]
