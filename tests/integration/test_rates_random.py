"""rates() against a plain per-day, per-person count on random cities.

Random moves, gaps, leavers, imported completions (no version), several completions per
person, a version requiring renewal, leap days and days that no placement covers: every
grouping, whole city and filtered, one day or many, must give the reference's figures.
"""

import random
from datetime import date, timedelta

import pytest

from tests.factories import course, make_unit, make_user
from vbe_learn.core.extensions import db
from vbe_learn.followup.rates import rates, rates_by
from vbe_learn.followup.services import administration_rates
from vbe_learn.learning.services.completion import new_certificate_code
from vbe_learn.learning.status import validity_start
from vbe_learn.models import Completion, CourseVersion, Placement

YEARS = 3
RENEWAL_FROM = date(2024, 9, 1)
DAYS = [
    date(2021, 12, 31), date(2023, 4, 30), date(2024, 2, 28), date(2024, 2, 29),
    date(2024, 3, 1), date(2024, 8, 31), date(2024, 9, 1), date(2024, 12, 31),
    date(2025, 6, 15), date(2027, 2, 28), date(2027, 3, 1), date(2028, 1, 1),
]  # fmt: skip


def _random_day(rng, start=date(2019, 1, 1), end=date(2028, 6, 1)) -> date:
    return start + timedelta(days=rng.randrange((end - start).days))


def build_city(seed: int):
    """A random city; returns the reference data (placements, completions, marked)."""
    rng = random.Random(seed)
    units = [
        make_unit(f"Förvaltning {seed}-{a}", f"Enhet {seed}-{a}-{u}") for a in "AB" for u in "12"
    ]
    the_course = course()
    old_version = the_course.current_version_id
    new_version = CourseVersion(
        course_id=the_course.id, content_hash=f"{seed:064d}", title="Ny", pass_mark=80,
        questions_per_check=5, validity_years=YEARS, renewal_required_on=RENEWAL_FROM,
    )  # fmt: skip
    db.session.add(new_version)
    db.session.flush()
    placements, completions = [], []
    for number in range(40):
        user = make_user(first_name=f"P{number}", placed=False)
        moment = _random_day(rng, end=date(2026, 1, 1))
        for _ in range(rng.randint(1, 4)):  # consecutive placements, sometimes a gap
            end = moment + timedelta(days=rng.randint(1, 900))
            last = rng.random() < 0.3
            unit = rng.choice(units)
            close = rng.random() < 0.5
            valid_to = None if last and rng.random() < 0.7 else end
            placements.append((user.id, unit.id, close, moment, valid_to))
            if valid_to is None:
                break
            moment = end + timedelta(days=rng.choice([0, 0, 0, 30]))
        for on in {_random_day(rng) for _ in range(rng.choice([0, 1, 1, 2, 3]))}:
            version, source = rng.choice(
                [(None, "imported"), (old_version, "earned"), (new_version.id, "earned")]
            )
            completions.append((user.id, on, version))
            db.session.add(
                Completion(user_id=user.id, course_id=the_course.id, course_version_id=version,
                           completed_on=on, source=source, certificate_code=new_certificate_code())
            )  # fmt: skip
    for user_id, unit_id, close, valid_from, valid_to in placements:
        db.session.add(Placement(user_id=user_id, unit_id=unit_id, close_to_residents=close,
                                 valid_from=valid_from, valid_to=valid_to))  # fmt: skip
    db.session.commit()
    return units, placements, completions, new_version.id


def reference(days, group_by, units, placements, completions, new_version, only=None):
    """{(day, key): (headcount, completed)} counted person by person, day by day."""
    key_of = {
        "unit": lambda unit, close: unit.id,
        "department": lambda unit, close: unit.department_id,
        "administration": lambda unit, close: unit.department.administration_id,
        "close_to_residents": lambda unit, close: close,
    }[group_by]
    by_id = {unit.id: unit for unit in units}
    found: dict = {}
    for day in days:
        for user_id, unit_id, close, valid_from, valid_to in placements:
            unit = by_id[unit_id]
            if only is not None and unit.department.administration_id not in only:
                continue
            if not (valid_from <= day and (valid_to is None or day < valid_to)):
                continue
            done = any(
                who == user_id
                and validity_start(day, YEARS) < on <= day
                and not (day >= RENEWAL_FROM and (version or 0) < new_version)
                for who, on, version in completions
            )
            people, completed = found.get((day, key_of(unit, close)), (0, 0))
            found[(day, key_of(unit, close))] = (people + 1, completed + done)
    return found


def figures(found):
    return {(r.day, r.key): (r.headcount, r.completed) for r in found}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rates_agree_with_a_person_by_person_count(seed):
    units, placements, completions, new_version = build_city(seed)
    admins = sorted({unit.department.administration_id for unit in units})
    for group_by in ("unit", "department", "administration", "close_to_residents"):
        for days in (DAYS, [DAYS[3]], DAYS[4:7]):
            for only in (None, [admins[0]], admins):
                expected = reference(days, group_by, units, placements, completions,
                                     new_version, only)  # fmt: skip
                found = figures(rates(days, group_by, YEARS, only))
                if only is None:  # other tests' people are not in the reference
                    found = {k: v for k, v in found.items() if k[1] in _keys(group_by, units)}
                assert found == expected, (group_by, days, only)


def _keys(group_by, units):
    if group_by == "close_to_residents":
        return {True, False}
    return {
        "unit": {u.id for u in units},
        "department": {u.department_id for u in units},
        "administration": {u.department.administration_id for u in units},
    }[group_by]


def test_several_groupings_in_one_query_agree_with_one_at_a_time():
    units, *_ = build_city(4)
    admin = units[0].department.administration_id
    together = administration_rates(admin, DAYS[7], YEARS, DAYS)
    assert together["administration"] == rates(DAYS, "administration", YEARS, [admin])
    for group_by in ("department", "unit", "close_to_residents"):
        assert together[group_by] == rates([DAYS[7]], group_by, YEARS, [admin])
    assert rates_by({"unit": []}, YEARS) == {"unit": []}
