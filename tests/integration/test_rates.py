"""Andel genomförda on a date, against hand-computed figures.

Förvaltning X has enhet U1, förvaltning Y has enhet U2 (validity 3 years):

    A  U1 from 2024-01-01, completed 2024-03-01                       (invånarnära)
    B  U1 from 2024-01-01, moved to U2 on 2024-06-01, completed 2024-02-01 (before the move)
    C  U1 from 2024-01-01, left 2024-05-01, never completed
    D  U2 from 2024-07-01, imported completion 2023-01-01 (before joining)
    E  U2 from 2024-01-01, two completions 2024-02-01 and 2024-04-01   (invånarnära)
    F  U1 from 2024-01-01, completion 2020-01-01 (expired 2023-01-01), renewed 2024-05-15

    2024-03-31: U1 = A, B, C, F → 4 people, 2 completed (A, B); U2 = E → 1 of 1
    2024-07-31: U1 = A, F → 2 of 2; U2 = B, D, E → 3 of 3
"""

from datetime import date

import pytest

from tests.factories import course, make_unit, make_user
from vbe_learn.core.extensions import db
from vbe_learn.followup.rates import rates
from vbe_learn.learning.services.completion import new_certificate_code
from vbe_learn.learning.status import validity_start
from vbe_learn.models import Completion, Placement

MARCH, JULY = date(2024, 3, 31), date(2024, 7, 31)


def place(user, unit, start, end=None, close=False):
    db.session.add(
        Placement(
            user_id=user.id,
            unit_id=unit.id,
            close_to_residents=close,
            valid_from=start,
            valid_to=end,
        )  # fmt: skip
    )


def complete(user, on, source="earned"):
    db.session.add(
        Completion(
            user_id=user.id,
            course_id=course().id,
            completed_on=on,
            source=source,
            certificate_code=new_certificate_code(),
        )  # fmt: skip
    )


@pytest.fixture
def city():
    u1, u2 = make_unit("Förvaltning X", "U1"), make_unit("Förvaltning Y", "U2")
    make_unit("Förvaltning X", "Tom enhet")
    current = {"A": u1, "B": u2, "C": u1, "D": u2, "E": u2, "F": u1}
    a, b, c, d, e, f = (
        make_user(first_name=name, unit=unit, active=name != "C", placed=False)
        for name, unit in current.items()
    )
    place(a, u1, date(2024, 1, 1), close=True)
    place(b, u1, date(2024, 1, 1), date(2024, 6, 1))
    place(b, u2, date(2024, 6, 1))
    place(c, u1, date(2024, 1, 1), date(2024, 5, 1))
    place(d, u2, date(2024, 7, 1))
    place(e, u2, date(2024, 1, 1), close=True)
    place(f, u1, date(2024, 1, 1))
    complete(a, date(2024, 3, 1))
    complete(b, date(2024, 2, 1))
    complete(d, date(2023, 1, 1), source="imported")
    complete(e, date(2024, 2, 1))
    complete(e, date(2024, 4, 1))
    complete(f, date(2020, 1, 1))
    complete(f, date(2024, 5, 15))
    db.session.commit()
    return {"U1": u1.id, "U2": u2.id}


def figures(found):
    return {(r.day, r.name): (r.headcount, r.completed) for r in found}


def test_rates_per_unit_on_two_dates(city):
    found = figures(rates([MARCH, JULY], "unit", validity_years=3))
    assert found == {
        (MARCH, "U1"): (4, 2),
        (MARCH, "U2"): (1, 1),
        (JULY, "U1"): (2, 2),
        (JULY, "U2"): (3, 3),
    }


def test_rates_per_administration_and_filtered(city):
    found = figures(rates([MARCH, JULY], "administration", validity_years=3))
    assert found[(MARCH, "Förvaltning X")] == (4, 2)
    assert found[(JULY, "Förvaltning Y")] == (3, 3)
    only_x = rates([MARCH], "administration", 3, administration_ids=[
        r.key for r in rates([MARCH], "administration", 3) if r.name == "Förvaltning X"
    ])  # fmt: skip
    assert [(r.name, r.headcount) for r in only_x] == [("Förvaltning X", 4)]


def test_filtered_rates_follow_people_who_move_between_administrations(city):
    ids = {r.name: r.key for r in rates([MARCH], "administration", 3)}
    only_y = figures(rates([MARCH, JULY], "administration", 3, [ids["Förvaltning Y"]]))
    assert only_y == {(MARCH, "Förvaltning Y"): (1, 1), (JULY, "Förvaltning Y"): (3, 3)}
    only_x = figures(rates([MARCH, JULY], "unit", 3, [ids["Förvaltning X"]]))
    assert only_x == {(MARCH, "U1"): (4, 2), (JULY, "U1"): (2, 2)}
    close_x = figures(rates([MARCH, JULY], "close_to_residents", 3, [ids["Förvaltning X"]]))
    assert close_x == {
        (MARCH, True): (1, 1), (MARCH, False): (3, 1), (JULY, True): (1, 1), (JULY, False): (1, 1)
    }  # fmt: skip


def test_a_trend_counts_each_day_with_its_own_validity_window(city):
    before, later = date(2023, 6, 30), date(2027, 2, 15)  # later: valid from 2024-02-16
    found = figures(rates([before, MARCH, later], "unit", 3))
    assert found == {
        (MARCH, "U1"): (4, 2),
        (MARCH, "U2"): (1, 1),
        (later, "U1"): (2, 2),  # A (2024-03-01) and F's renewal (2024-05-15)
        (later, "U2"): (3, 1),  # only E's 2024-04-01; B's 2024-02-01 and D's 2023 expired
    }  # nobody placed in 2023: no rows


def test_rates_by_close_to_residents(city):
    found = figures(rates([MARCH], "close_to_residents", validity_years=3))
    assert found == {(MARCH, True): (2, 2), (MARCH, False): (3, 1)}


def test_share_and_empty_groups(city):
    march = {r.name: r for r in rates([MARCH], "unit", 3)}
    assert march["U1"].share == 0.5
    assert "Tom enhet" not in march  # no one placed there: no row, no division by zero
    assert rates([], "unit", 3) == []


def test_a_completion_expires_after_the_validity(city):
    long_after = date(2027, 4, 2)  # A's 2024-03-01 completion is older than 3 years
    found = {r.name: (r.headcount, r.completed) for r in rates([long_after], "unit", 3)}
    assert found["U1"] == (2, 1)  # A expired, F's renewal (2024-05-15) still valid


def test_validity_start_handles_leap_days():
    assert validity_start(date(2024, 2, 29), 3) == date(2021, 2, 28)
    assert validity_start(date(2024, 3, 31), 3) == date(2021, 3, 31)


def test_people_with_status_on_a_date(city):
    from sqlalchemy import true

    from vbe_learn.followup.people import people_with_status
    from vbe_learn.learning.status import valid_until

    rows = {r.first_name: r for r in db.session.execute(people_with_status(true(), MARCH, 3))}
    assert "C" not in rows  # left: not active
    assert rows["F"].status == "Ska förnyas"  # 2020 completion expired; renewal is later
    assert rows["A"].status == "Genomförd" and rows["A"].completed_on == date(2024, 3, 1)
    assert rows["E"].completed_on == date(2024, 2, 1)  # the newest on or before the date
    july = {r.first_name: r for r in db.session.execute(people_with_status(true(), JULY, 3))}
    assert july["E"].completed_on == date(2024, 4, 1) and july["F"].status == "Genomförd"
    assert valid_until(date(2024, 3, 1), 3) == date(2027, 2, 28)
    assert valid_until(None, 3) is None
