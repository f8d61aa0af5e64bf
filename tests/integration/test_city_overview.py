"""The samlad bild as a report: the total counted in SQL, the trend, sorting, each
förvaltning's sista dag and Swedish number formats on the page.

Förvaltning A: 5 people, 1 completed (20 %). B: 2 people, both completed (100 %).
C: 5 people; one completed exactly 3 years ago, so it counted at the end of the previous
tertial and no longer does today: 20 % then, 0 % now (−20,0 procentenheter).
"""

import re
from datetime import timedelta

import pytest

from tests.factories import course, make_unit, make_user
from tests.sql_statements import recorded_statements
from vbe_learn.core.extensions import db
from vbe_learn.followup import services
from vbe_learn.followup.periods import previous_tertial_end, tertial_ends
from vbe_learn.followup.rates import rates
from vbe_learn.learning.services.completion import new_certificate_code
from vbe_learn.learning.status import validity_start
from vbe_learn.models import Completion, Deadline, RoleAssignment
from vbe_learn.models.types import city_today

TODAY = city_today()
YEARS = 3


def complete(user, on) -> None:
    db.session.add(
        Completion(
            user_id=user.id,
            course_id=course().id,
            completed_on=on,
            source="imported",
            certificate_code=new_certificate_code(),
        )  # fmt: skip
    )


def people(administration: str, count: int, completed: int, on=TODAY) -> list:
    unit = make_unit(administration, f"Enhet i {administration}")
    found = [make_user(unit=unit, last_name=f"{administration[-1]}{n}") for n in range(count)]
    for person in found[:completed]:
        complete(person, on)
    return found


@pytest.fixture
def city():
    people("Förvaltning A", 5, 1)
    people("Förvaltning B", 2, 2)
    people("Förvaltning C", 5, 1, on=validity_start(TODAY, YEARS))  # stopped counting today
    central = make_user(email="central@test.se", first_name="Cecilia", last_name="Central")
    db.session.add(RoleAssignment(user_id=central.id, role="central_samordnare"))
    db.session.commit()
    return central


def names_in_order(html: str) -> list[str]:
    return re.findall(r">(Förvaltning [ABC])</a></th>", html)


def test_the_total_is_counted_in_sql_with_the_rows_and_a_trend(city):
    report = services.city_overview(TODAY, YEARS)
    by_name = {row.now.name: row for row in report.rows}
    assert {name: (r.now.headcount, r.now.completed) for name, r in by_name.items()} == {
        "Förvaltning A": (5, 1), "Förvaltning B": (2, 2), "Förvaltning C": (5, 0),
    }  # fmt: skip
    assert (report.total.now.headcount, report.total.now.completed) == (12, 3)
    assert report.total.now.share == pytest.approx(3 / 12)
    assert report.total.before.completed == 1  # C's completion counted then (A's, B's: today)
    assert by_name["Förvaltning C"].change == pytest.approx(-20)
    assert report.before_day == previous_tertial_end(TODAY)
    # The trend: the whole city on each of the last tertial ends, the same numbers as rates()
    expected = rates(tertial_ends(TODAY, 6), "administration", YEARS)
    for label, rate in report.trend:
        on_day = [r for r in expected if r.day == rate.day]
        assert rate.headcount == sum(r.headcount for r in on_day), label
        assert rate.completed == sum(r.completed for r in on_day), label
    assert len(report.trend) == 6 and report.trend[-1][1].day == TODAY


def test_the_overview_reads_a_fixed_number_of_queries(app, city):
    def queries() -> int:
        with recorded_statements() as statements:
            services.city_overview(TODAY, YEARS)
        return len(statements)

    before = queries()
    people("Förvaltning D", 3, 1)
    people("Förvaltning E", 3, 2)
    db.session.commit()
    # renewal versions, the rates, the deadlines, the genomförda by how earned, per language
    assert queries() == before <= 5


def test_the_page_shows_total_sort_deadlines_and_swedish_numbers(client, auth, city):
    administration_b = make_unit("Förvaltning B").department.administration_id
    db.session.add(Deadline(due_on=TODAY + timedelta(days=90)))
    db.session.add(Deadline(administration_id=administration_b, due_on=TODAY + timedelta(days=30)))
    db.session.commit()
    auth.login("central@test.se")
    html = client.get("/uppfoljning/").get_data(as_text=True)
    # Lowest share first by default: the förvaltningar furthest behind lead the report
    assert names_in_order(html) == ["Förvaltning C", "Förvaltning A", "Förvaltning B"]
    assert "\u221220,0 procentenheter" in html  # a true minus sign, decimal comma
    assert "20\u00a0%" in html and "100\u00a0%" in html and "25\u00a0%" in html
    total = html[html.index("<tfoot>") : html.index("</tfoot>")]
    assert ">Hela staden</th>" in total and ">12</td>" in total and ">3</td>" in total
    assert "25\u00a0%" in total and "procentenheter" in total
    assert f"Uppgifter per {TODAY.isoformat()}" in html
    assert "Hela staden: <strong>25\u00a0%</strong>" in html
    assert (TODAY + timedelta(days=30)).isoformat() in html  # B's own sista dag
    assert f"{(TODAY + timedelta(days=90)).isoformat()}</span> <span" in html  # the city's
    assert "(hela stadens)" in html
    assert "Utskriven av Cecilia Central" in html  # the print header
    assert html.count("Så räknar vi") >= 2  # the disclosure, and the section printed open
    assert "<svg" in html and "per tertial" in html

    highest = client.get("/uppfoljning/?sortera=-andel").get_data(as_text=True)
    assert names_in_order(highest) == ["Förvaltning B", "Förvaltning A", "Förvaltning C"]
    assert '<option value="-andel" selected>' in highest
    assert 'name="sortera" value="-andel"' in highest  # the export follows the sort
    by_name = client.get("/uppfoljning/?sortera=namn").get_data(as_text=True)
    assert names_in_order(by_name) == ["Förvaltning A", "Förvaltning B", "Förvaltning C"]
    unknown = client.get("/uppfoljning/?sortera=<script>").get_data(as_text=True)
    assert names_in_order(unknown) == names_in_order(html)


def test_sorting_puts_empty_forvaltningar_last_and_ties_by_name(city):
    rate = services.Rate
    rows = [
        services.CityRow(rate(TODAY, key, name, headcount, done), None)
        for key, name, headcount, done in (
            (1, "Öster", 0, 0), (2, "Bägge", 4, 2), (3, "Alla", 2, 1), (4, "Cirkus", 4, 1),
        )
    ]  # fmt: skip
    assert [r.now.name for r in services.sort_city_rows(rows, "andel")] == [
        "Cirkus", "Alla", "Bägge", "Öster",
    ]  # fmt: skip
    assert [r.now.name for r in services.sort_city_rows(rows, "-andel")] == [
        "Alla", "Bägge", "Cirkus", "Öster",
    ]  # fmt: skip
    assert [r.now.name for r in services.sort_city_rows(rows, "namn")] == [
        "Alla", "Bägge", "Cirkus", "Öster",
    ]  # fmt: skip
