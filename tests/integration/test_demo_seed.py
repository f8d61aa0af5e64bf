"""The demo city: city.py's generated files, and `flask demo seed|logins` through the imports."""

import hashlib
import re
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from vbe_learn.core.extensions import db
from vbe_learn.demo import city
from vbe_learn.demo.seed import (
    COORDINATOR_ADMINISTRATION,
    DEMO_EMAILS,
    DEMO_PASSWORD,
    seed_demo_city,
)
from vbe_learn.models import (
    Administration,
    Completion,
    Department,
    RoleAssignment,
    RosterImport,
    Unit,
    User,
)
from vbe_learn.reminders.deadlines import deadlines_by_administration
from vbe_learn.roster.files import read_table
from vbe_learn.roster.validation import validate_completions, validate_roster

AS_OF = date(2026, 6, 1)
EMAIL = re.compile(r"[a-z0-9-]+\.[a-z0-9-]+(\.[0-9]+)?@stockholm\.se")
# What city.py made before its literal data moved to data/*.yaml (the same bytes since).
ROSTER_SHA256 = "9d5862c0043d880d0a2e1c8e90d4c165f78aa470b4dcac53a0c2df7595165e07"
COMPLETIONS_SHA256 = "1be5bc3175949dd6e6a0a7c0e091d5899f2ad4480d5f4f33010cdbe802460148"
# people, administrations, completions and enheter of `seed_demo_city(300, today=AS_OF)`
SEEDED = (300, 28, 147, 98)


@pytest.fixture(scope="module")
def roster() -> bytes:
    return city.generate_roster(2000, seed=7, as_of=AS_OF)


@pytest.fixture(scope="module")
def rows(roster) -> list[dict[str, str]]:
    return city.read_rows(roster)


# city.py ------------------------------------------------------------------------------------


def test_same_seed_gives_the_same_bytes():
    first = city.generate_roster(500, seed=3, as_of=AS_OF)
    assert city.generate_roster(500, seed=3, as_of=AS_OF) == first
    assert city.generate_roster(500, seed=4, as_of=AS_OF) != first
    changed = city.change_roster(first, 0.05, seed=1, as_of=AS_OF)
    assert city.change_roster(first, 0.05, seed=1, as_of=AS_OF) == changed
    completions = city.generate_completions(first, seed=1, as_of=AS_OF)
    assert city.generate_completions(first, seed=1, as_of=AS_OF) == completions


def test_roster_is_utf8_with_bom_semicolons_and_the_hr_headers(roster):
    assert roster.startswith("\ufeff".encode())
    header = roster.decode("utf-8-sig").splitlines()[0]
    assert header == (
        "Anställningsnummer;Förnamn;Efternamn;E-post;Förvaltning;Avdelning;Enhet;"
        "Chefens anställningsnummer;Invånarnära;Anställd från"
    )


def test_roster_passes_validation_without_problems(roster):
    table, problems = validate_roster(read_table(roster, "personallista.csv"))
    assert not problems, problems.lines()
    assert len(table) == 2000


def test_numbers_and_emails_are_unique_and_well_formed(rows):
    numbers = [row["number"] for row in rows]
    emails = [row["email"] for row in rows]
    assert len(set(numbers)) == len(numbers)
    assert len(set(emails)) == len(emails)
    assert all(n.isdigit() and 6 <= len(n) <= 7 for n in numbers)
    assert all(EMAIL.fullmatch(e) for e in emails), [e for e in emails if not EMAIL.fullmatch(e)]


def test_email_is_the_ascii_folded_name():
    assert city.ascii_fold("Åsa-Märta") == "asa-marta"
    assert city.ascii_fold("Yılmaz") == "yilmaz"
    assert city.ascii_fold("Đorđević") == "dordevic"
    assert city.ascii_fold("de la Cruz") == "delacruz"


def test_every_chef_number_exists_and_only_directors_have_no_chef(rows):
    numbers = {row["number"] for row in rows}
    assert all(row["chef"] in numbers for row in rows if row["chef"])
    without_chef = Counter(row["adm"] for row in rows if not row["chef"])
    assert set(without_chef.values()) == {1}  # one förvaltningsdirektör per förvaltning
    assert len(without_chef) == len({row["adm"] for row in rows})


def test_each_enhet_reports_to_its_own_chef(rows):
    members = defaultdict(set)
    for row in rows:
        members[(row["adm"], row["avd"], row["unit"])].add(row["number"])
    for key, numbers in members.items():
        outside = [r for r in rows if r["number"] in numbers and r["chef"] not in numbers]
        assert len(outside) == 1, key  # the enhet's chef; everyone else reports inside


def test_all_administrations_by_default_and_fewer_on_request(rows):
    administrations = {row["adm"] for row in rows}
    assert len(administrations) == len(city.ADMINISTRATIONS)
    assert sum(name.endswith("stadsdelsförvaltning") for name in administrations) == 13
    assert "Skärholmens stadsdelsförvaltning" in administrations
    few = city.read_rows(city.generate_roster(400, administrations=25, as_of=AS_OF))
    assert len({row["adm"] for row in few}) == 25


def test_stadsdelsforvaltningar_are_larger_than_most_facknamnder(rows):
    sizes = Counter(row["adm"] for row in rows)
    district = [n for a, n in sizes.items() if a.endswith("stadsdelsförvaltning")]
    agencies = sorted(n for a, n in sizes.items() if not a.endswith("stadsdelsförvaltning"))
    assert min(district) > agencies[len(agencies) // 2]


def test_avdelningar_and_enheter_have_realistic_sizes():
    rows = city.read_rows(city.generate_roster(20_000, as_of=AS_OF))
    departments = defaultdict(set)
    units = Counter()
    for row in rows:
        if row["avd"] != city.LEDNING:
            departments[row["adm"]].add(row["avd"])
        if row["unit"] not in (city.STAB, city.AVD_LEDNING):
            units[(row["adm"], row["avd"], row["unit"])] += 1
    assert all(3 <= len(d) <= 6 for d in departments.values()), departments
    sizes = sorted(units.values())
    assert sizes[len(sizes) // 20] >= 8 and sizes[-len(sizes) // 20] <= 40


def test_front_line_enheter_are_invanarnara_and_administration_is_not(rows):
    close = defaultdict(Counter)
    for row in rows:
        close[row["unit"].split()[0]][row["close"]] += 1
    assert close["Förskolan"]["Ja"] > 0.9 * sum(close["Förskolan"].values())
    assert close["Hemtjänsten"]["Ja"] > 0.9 * sum(close["Hemtjänsten"].values())
    assert close["Ekonomienheten"]["Nej"] == sum(close["Ekonomienheten"].values())


def test_employed_from_spreads_from_1995_to_the_as_of_date(rows):
    days = [date.fromisoformat(row["since"]) for row in rows]
    assert date(1995, 1, 1) <= min(days) < date(2000, 1, 1)
    assert max(days) <= AS_OF
    recent = sum(day > AS_OF - timedelta(days=60) for day in days)
    assert 0.01 * len(days) < recent < 0.06 * len(days)


def test_too_few_employees_for_the_administrations_is_refused():
    with pytest.raises(ValueError):
        city.generate_roster(20)
    with pytest.raises(ValueError):
        city.generate_roster(100, administrations=40)


def test_changed_roster_changes_about_the_share_and_stays_valid(roster, rows):
    changed_data = city.change_roster(roster, 0.05, seed=11, as_of=AS_OF)
    _, problems = validate_roster(read_table(changed_data))
    assert not problems, problems.lines()
    before = {row["number"]: row for row in rows}
    after = {row["number"]: row for row in city.read_rows(changed_data)}
    removed = set(before) - set(after)
    added = set(after) - set(before)
    changed = {n for n in set(before) & set(after) if before[n] != after[n]}
    touched = len(removed) + len(added) + len(changed)
    assert 0.03 * len(rows) <= touched <= 0.08 * len(rows)
    assert removed and added and changed
    assert min(int(n) for n in added) > max(int(n) for n in before)
    assert not {after[n]["email"] for n in added} & {row["email"] for row in rows}
    assert all(after[n]["since"] > (AS_OF - timedelta(days=60)).isoformat() for n in added)


def test_changed_roster_never_reuses_an_earlier_rosters_email(roster, rows):
    second = city.change_roster(roster, 0.1, seed=1, as_of=AS_OF)
    third = city.change_roster(second, 0.1, seed=2, as_of=AS_OF, earlier=[roster])
    old = {(row["number"], row["email"]) for row in rows + city.read_rows(second)}
    old_emails = {email for _, email in old}
    for row in city.read_rows(third):
        assert (row["number"], row["email"]) in old or row["email"] not in old_emails


def test_changed_roster_without_new_hires_adds_nobody(roster, rows):
    changed = city.read_rows(city.change_roster(roster, 0.05, seed=3, new_hires=0.0))
    assert {row["number"] for row in changed} <= {row["number"] for row in rows}


def test_completions_cover_about_the_share_from_2019(roster, rows):
    data = city.generate_completions(roster, seed=5, share_completed=0.4, as_of=AS_OF)
    table, problems = validate_completions(read_table(data, "genomforanden.csv"))
    assert not problems, problems.lines()
    since = {row["number"]: date.fromisoformat(row["since"]) for row in rows}
    assert 0.3 * len(rows) < table["employee_number"].nunique() < 0.5 * len(rows)
    for number, day in zip(table["employee_number"], table["completed_on"], strict=True):
        assert max(date(2019, 1, 1), since[number]) <= day <= AS_OF
    years = Counter(day.year for day in table["completed_on"])
    assert years[2019] > years[2022] and years[2025] > years[2022]
    assert set(table["source_version"]) == {"2019", "2021", "2024"}


# flask demo seed | logins ---------------------------------------------------------------------


def _seed(runner, *args):
    result = runner.invoke(args=["demo", "seed", "--employees", "300", *args])
    assert result.exit_code == 0, result.output
    return result


def test_seed_builds_the_city_through_the_roster_imports(runner):
    result = _seed(runner)
    assert "Demostaden skapad" in result.output
    administrations = db.session.scalar(
        select(func.count(func.distinct(Department.administration_id)))
        .join(Unit, Unit.department_id == Department.id)
        .join(User, User.unit_id == Unit.id)
        .where(User.active.is_(True))
    )
    assert administrations >= 13
    assert db.session.scalar(select(func.count(RosterImport.id))) == 3
    assert db.session.scalar(select(func.count(User.id)).where(User.active.is_(True))) >= 280
    assert db.session.scalar(select(func.count(User.id)).where(User.employee_number.is_(None))) == 0


def test_seed_imports_completions_from_the_earlier_platform(runner):
    _seed(runner)
    sources = Counter(db.session.scalars(select(Completion.source)))
    assert set(sources) == {"imported"}
    assert sources["imported"] > 50


def test_seed_gives_the_roles(runner):
    _seed(runner)
    roles = {
        role: (email, administration)
        for role, email, administration in db.session.execute(
            select(RoleAssignment.role, User.email, Administration.name)
            .join(User, User.id == RoleAssignment.user_id)
            .outerjoin(Administration, Administration.id == RoleAssignment.administration_id)
        )
    }
    assert roles == {
        "samordnare": (DEMO_EMAILS["samordnare"], "Skärholmens stadsdelsförvaltning"),
        "central_samordnare": (DEMO_EMAILS["central_samordnare"], None),
        "admin": (DEMO_EMAILS["admin"], None),
    }


def test_demo_medarbetare_has_not_completed_and_demo_chef_is_their_chef(runner):
    _seed(runner)
    medarbetare = db.session.scalar(select(User).where(User.email == DEMO_EMAILS["medarbetare"]))
    chef = db.session.scalar(select(User).where(User.email == DEMO_EMAILS["chef"]))
    assert medarbetare.manager_id == chef.id
    assert medarbetare.employee_number and chef.employee_number
    assert not db.session.scalar(
        select(func.count(Completion.id)).where(Completion.user_id == medarbetare.id)
    )


def test_only_the_demo_logins_get_a_password(runner):
    _seed(runner)
    with_password = set(
        db.session.scalars(select(User.email).where(User.password_hash.is_not(None)))
    )
    assert with_password == set(DEMO_EMAILS.values())


def test_logins_prints_five_roles_that_can_log_in(runner, client):
    _seed(runner)
    result = runner.invoke(args=["demo", "logins"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"Demokonton (lösenord för alla: {DEMO_PASSWORD}):"
    logins = dict(line.strip().rsplit(None, 1) for line in lines[1:])
    assert [label.strip() for label in logins] == [
        "Medarbetare", "Chef", "Samordnare", "Central samordnare", "Admin",
    ]  # fmt: skip
    for email in logins.values():
        response = client.post("/logga-in", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        assert "/logga-in" not in response.headers["Location"]
        client.post("/logga-ut")
    wrong = client.post("/logga-in", data={"email": logins["Admin"], "password": "fel-losenord"})
    assert wrong.status_code == 200


def test_seed_if_empty_leaves_a_seeded_database_alone(runner):
    _seed(runner)
    people = db.session.scalar(select(func.count(User.id)))
    result = _seed(runner, "--if-empty")
    assert "inga demodata skapades" in result.output
    assert db.session.scalar(select(func.count(User.id))) == people


def test_seed_refuses_a_database_with_people(runner):
    _seed(runner)
    result = runner.invoke(args=["demo", "seed", "--employees", "300"])
    assert result.exit_code == 1
    assert "redan personer" in result.output


def test_logins_without_demo_data(runner):
    result = runner.invoke(args=["demo", "logins"])
    assert result.output.strip() == "Inga demokonton finns."


def test_seed_refuses_to_run_in_production(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "ENVIRONMENT", "production")
    result = runner.invoke(args=["demo", "seed", "--employees", "300", "--if-empty"])
    assert result.exit_code != 0
    assert "aldrig i produktion" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


# The demo city's literal data lives in vbe_learn/demo/data/*.yaml: these pin what it makes.


def test_the_data_files_make_the_same_files_as_before():
    roster = city.generate_roster(2000, seed=7, as_of=AS_OF)
    completions = city.generate_completions(roster, 7, as_of=AS_OF)
    assert hashlib.sha256(roster).hexdigest() == ROSTER_SHA256
    assert hashlib.sha256(completions).hexdigest() == COMPLETIONS_SHA256
    rows = city.read_rows(roster)
    assert len(rows) == 2000
    assert len({row["adm"] for row in rows}) == 28
    assert len({(row["adm"], row["avd"]) for row in rows}) == 143
    assert len({(row["adm"], row["avd"], row["unit"]) for row in rows}) == 169
    assert sum(row["close"] == "Ja" for row in rows) == 1578
    assert len(completions.splitlines()) - 1 == 827


def test_the_data_files_hold_the_whole_city():
    assert len(city.ADMINISTRATIONS) == 28
    assert [name for name, _ in city.ADMINISTRATIONS[:13]] == list(city.PLACES)
    assert len(city.NAME_GROUPS) == 15
    assert sum(len(first) + len(last) for _, first, last in city.NAME_GROUPS.values()) == 582
    assert len(city.CITY_PLACES) == 121 and "Hässelby villastad" in city.CITY_PLACES
    assert {pool: len(names) for pool, names in city.POOLS.items()} == {
        "natur": 68, "boende": 20, "ungdom": 18, "park": 17, "gata": 20, "gymnasium": 18,
        "skola": 121,
    }  # fmt: skip
    administrative = [
        kind for kind in city.DISTRICT_DEPARTMENTS if kind.name == "Administrativa avdelningen"
    ]
    assert administrative == [city.ADMINISTRATIVE]


def test_seed_on_a_fixed_day_makes_the_same_city_as_before(app):
    with app.app_context():
        result = seed_demo_city(300, today=AS_OF)
        units = db.session.scalar(select(func.count(Unit.id)))
    assert (result.people, result.administrations, result.completions_added, units) == SEEDED


def test_seed_sets_the_city_deadline_ahead_and_the_coordinated_forvaltnings_behind(app):
    with app.app_context():
        seed_demo_city(300, today=AS_OF)
        deadlines = deadlines_by_administration()
        coordinated = db.session.scalar(
            select(Administration.id).where(Administration.name == COORDINATOR_ADMINISTRATION)
        )
    assert deadlines[None] == AS_OF + timedelta(days=90)  # three months ahead
    assert deadlines[coordinated] == AS_OF - timedelta(days=14)
    assert len(deadlines) == 2
