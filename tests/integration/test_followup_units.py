"""The samordnare's förvaltning: enheter under avdelningar, the enhet page (its people with
status, Försenad and sista dag, needing action first), who may see it, the target line and
the sista dag on the trend charts."""

import re
from datetime import timedelta

import pytest

from tests.factories import course, make_user
from tests.sql_statements import recorded_statements
from vbe_learn.core.extensions import db
from vbe_learn.followup.units import department_groups
from vbe_learn.learning.services.completion import new_certificate_code
from vbe_learn.models import (
    Administration,
    Completion,
    Deadline,
    Department,
    Enrollment,
    RoleAssignment,
    Unit,
    User,
)
from vbe_learn.models.types import city_today

TODAY = city_today()
LONG_AGO = TODAY - timedelta(days=400)


def complete(user, on=None):
    db.session.add(
        Completion(user_id=user.id, course_id=course().id, completed_on=on or TODAY,
                   source="imported", certificate_code=new_certificate_code())
    )  # fmt: skip
    db.session.commit()


def units_in(administration: Administration, department: str, *names: str) -> list[Unit]:
    """Enheter in a (new) avdelning of a förvaltning."""
    found = Department(name=department, administration=administration)
    units = [Unit(name=name, department=found) for name in names]
    db.session.add_all(units)
    db.session.commit()
    return units


def grant(user: User, role: str, administration: Administration | None = None) -> None:
    administration_id = administration.id if administration else None
    db.session.add(RoleAssignment(user_id=user.id, role=role, administration_id=administration_id))
    db.session.commit()


@pytest.fixture
def city():
    """Förvaltning A: avdelning Omsorg (Hemtjänsten 3 people, Boendet 1) and avdelning
    Barn (Förskolan 2); förvaltning B: Biblioteket. Sista dag for A 10 days ago."""
    a = Administration(name="Förvaltning A")
    b = Administration(name="Förvaltning B")
    db.session.add_all([a, b])
    hemtjanst, boendet = units_in(a, "Omsorg", "Hemtjänsten", "Boendet")
    (forskolan,) = units_in(a, "Barn", "Förskolan")
    (biblioteket,) = units_in(b, "Kultur", "Biblioteket")
    chef = make_user("chef@test.se", unit=biblioteket, first_name="Chef", last_name="Bok")
    people = {
        "anna": make_user(unit=hemtjanst, first_name="Anna", last_name="Ahl",
                          employed_from=LONG_AGO),  # Genomförd
        "bo": make_user(unit=hemtjanst, first_name="Bo", last_name="Berg",
                        employed_from=LONG_AGO),  # Påbörjad, late
        "cia": make_user(unit=hemtjanst, first_name="Cia", last_name="Ceder",
                         employed_from=TODAY - timedelta(days=5), manager=chef),  # new: not late
        "dan": make_user(unit=boendet, first_name="Dan", last_name="Dahl", employed_from=LONG_AGO),
        "eva": make_user(unit=forskolan, first_name="Eva", last_name="Ek", employed_from=LONG_AGO),
        "fia": make_user(unit=forskolan, first_name="Fia", last_name="Fors",
                         employed_from=LONG_AGO),
        "gun": make_user(unit=biblioteket, first_name="Gun", last_name="Gran"),
    }  # fmt: skip
    for name in ("anna", "eva", "fia", "gun"):
        complete(people[name])
    db.session.add(Enrollment(user_id=people["bo"].id, course_id=course().id,
                              course_version_id=course().current_version_id))  # fmt: skip
    db.session.add(Deadline(administration_id=a.id, due_on=TODAY - timedelta(days=10)))
    samordnare_a = make_user("samordnare.a@test.se")
    samordnare_b = make_user("samordnare.b@test.se")
    central = make_user("central@test.se")
    make_user("medarbetare@test.se", unit=hemtjanst, first_name="Mia", last_name="Mörk")
    grant(samordnare_a, "samordnare", a)
    grant(samordnare_b, "samordnare", b)
    grant(central, "central_samordnare")
    return {"a": a, "b": b, "hemtjanst": hemtjanst, "boendet": boendet,
            "forskolan": forskolan, "biblioteket": biblioteket, **people}  # fmt: skip


def page(client, auth, email: str, path: str) -> str:
    auth.login(email)
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def groups_table(html: str) -> str:
    return html.split('id="per-avdelning-och-enhet"')[1].split("</table>")[0]


def test_enheter_are_listed_under_their_avdelning_with_figures_and_links(client, auth, city):
    html = page(client, auth, "samordnare.a@test.se", f"/uppfoljning/forvaltning/{city['a'].id}")
    table = groups_table(html)
    bodies = table.split("<tbody>")[1:]
    assert len(bodies) == 2  # one row group per avdelning, by name: Barn, Omsorg
    barn, omsorg = bodies
    assert '<th scope="rowgroup">Barn</th>' in barn and "Förskolan" in barn
    assert "Hemtjänsten" not in barn
    assert '<th scope="rowgroup">Omsorg</th>' in omsorg
    assert omsorg.index("Boendet") < omsorg.index("Hemtjänsten")
    # Omsorg: 5 people (Hemtjänsten 3 + the medarbetare, Boendet 1), 1 completed = 20 %
    assert re.search(r"Omsorg</th><td class=\"num\">5</td><td class=\"num\">1</td>"
                     r"<td class=\"num\">20\s%</td>", omsorg)  # fmt: skip
    assert f'href="/uppfoljning/enhet/{city["hemtjanst"].id}">Hemtjänsten</a>' in omsorg
    # The förvaltning's total: 7 people, 3 completed
    assert re.search(r"Hela förvaltningen</th><td class=\"num\">7</td><td class=\"num\">3</td>",
                     table)  # fmt: skip
    assert "Biblioteket" not in html


def test_avdelningar_and_enheter_sort_by_lowest_share(client, auth, city):
    html = page(client, auth, "samordnare.a@test.se",
                f"/uppfoljning/forvaltning/{city['a'].id}?sortera=andel")  # fmt: skip
    table = groups_table(html)
    assert table.index("Omsorg") < table.index("Barn")  # 20 % before 100 %
    omsorg = table.split("<tbody>")[1]
    assert omsorg.index("Boendet") < omsorg.index("Hemtjänsten")  # 0 % before 25 %
    assert '<strong aria-current="true">lägst andel först</strong>' in html
    # anything else sorts by name
    assert client.get(f"/uppfoljning/forvaltning/{city['a'].id}?sortera=<x>").status_code == 200


def test_department_groups_keep_each_enhet_under_its_own_avdelning(city):
    from vbe_learn.followup.rates import Rate

    departments = [Rate(TODAY, city["hemtjanst"].department_id, "Omsorg", 4, 1),
                   Rate(TODAY, city["forskolan"].department_id, "Barn", 2, 2)]  # fmt: skip
    units = [
        Rate(TODAY, city["hemtjanst"].id, "Hemtjänsten", 3, 1),
        Rate(TODAY, city["forskolan"].id, "Förskolan", 2, 2),
        Rate(TODAY, city["boendet"].id, "Boendet", 1, 0),
        Rate(TODAY, city["biblioteket"].id, "Biblioteket", 1, 1),
    ]  # another förvaltning's
    groups = department_groups(city["a"].id, departments, units)
    assert [(g.department.name, [u.name for u in g.units]) for g in groups] == [
        ("Barn", ["Förskolan"]), ("Omsorg", ["Boendet", "Hemtjänsten"])]  # fmt: skip


def test_the_forvaltning_page_shows_its_sista_dag_and_days_left(client, auth, city):
    html = page(client, auth, "samordnare.a@test.se", f"/uppfoljning/forvaltning/{city['a'].id}")
    due = (TODAY - timedelta(days=10)).isoformat()
    assert f"<dt>Sista dag</dt><dd>{due} (passerad för 10 dagar sedan)</dd>" in html
    db.session.execute(
        Deadline.__table__.update().values(due_on=TODAY + timedelta(days=1234))
    )  # fmt: skip
    db.session.commit()
    html = client.get(f"/uppfoljning/forvaltning/{city['a'].id}").get_data(as_text=True)
    assert "(1\u00a0234 dagar kvar)" in html


def test_the_city_wide_sista_dag_counts_when_the_forvaltning_has_none(client, auth, city):
    db.session.add(Deadline(administration_id=None, due_on=TODAY + timedelta(days=1)))
    db.session.commit()
    html = page(client, auth, "samordnare.b@test.se", f"/uppfoljning/forvaltning/{city['b'].id}")
    assert f"<dd>{(TODAY + timedelta(days=1)).isoformat()} (1 dag kvar)</dd>" in html


def test_the_enhet_page_lists_its_people_needing_action_first(client, auth, city):
    html = page(client, auth, "samordnare.a@test.se", f"/uppfoljning/enhet/{city['hemtjanst'].id}")
    assert "<h1>Hemtjänsten</h1>" in html and "avdelningen Omsorg, Förvaltning A" in html
    assert "<dt>Antal anställda</dt><dd>4</dd>" in html
    assert "<dt>Genomförda</dt><dd>1</dd>" in html
    assert "<dt>Andel genomförda</dt><dd>25\u00a0%</dd>" in html
    assert "<dt>Förvaltningens andel</dt><dd>43\u00a0%</dd>" in html  # 3 of 7
    rows = html.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    names = [re.search(r">([^<]+)</a>", row).group(1) for row in rows]
    # late first (Bo, and Mia without Anställd från: the förvaltning's date), by name; then
    # Cia (new: her own sista dag is 25 days away); Genomförd last
    assert names == ["Bo Berg", "Mia Mörk", "Cia Ceder", "Anna Ahl"]
    bo = rows[names.index("Bo Berg")]
    assert '<span class="ds-tag" data-color="info">Påbörjad</span>' in bo
    assert '<span class="ds-tag" data-color="danger">Försenad</span>' in bo
    assert (TODAY - timedelta(days=10)).isoformat() in bo
    cia = rows[names.index("Cia Ceder")]
    assert "Försenad" not in cia and (TODAY + timedelta(days=25)).isoformat() in cia
    anna = rows[names.index("Anna Ahl")]
    assert 'data-color="success">Genomförd</span>' in anna and "<td>–</td>" in anna
    assert f'href="/uppfoljning/person/{city["bo"].id}"' in bo
    assert "4 har inte genomfört" not in html and "3 har inte genomfört" in html
    assert "varav 2 är försenade" in html
    assert "Dan Dahl" not in html  # another enhet


def test_the_forvaltning_page_links_to_an_enhet_page_that_opens(client, auth, city):
    html = page(client, auth, "central@test.se", f"/uppfoljning/forvaltning/{city['a'].id}")
    link = re.search(r'href="(/uppfoljning/enhet/\d+)">Förskolan</a>', html).group(1)
    unit_page = client.get(link).get_data(as_text=True)
    assert "<h1>Förskolan</h1>" in unit_page and "Eva Ek" in unit_page
    administration_id, unit_id = city["a"].id, int(link.rsplit("/", 1)[1])
    assert f'href="/uppfoljning/forvaltning/{administration_id}/ej-klara"' in html
    not_done = f"/uppfoljning/forvaltning/{administration_id}/ej-klara?enhet={unit_id}"
    assert f'href="{not_done}"' in unit_page  # the enhet's people not done, with Påminn
    everyone_not_done = client.get(not_done.split("?")[0]).get_data(as_text=True)
    assert "Dan Dahl" in everyone_not_done  # Boendet
    assert "Dan Dahl" not in client.get(not_done).get_data(as_text=True)  # Förskolan only


@pytest.mark.parametrize(
    "email",
    ["samordnare.b@test.se", "chef@test.se", "medarbetare@test.se"],
)
def test_an_enhet_out_of_reach_answers_404_like_a_missing_one(client, auth, city, email):
    auth.login(email)
    # the chef has Cia (Hemtjänsten) in their team, yet the enhet page is not theirs
    assert client.get(f"/uppfoljning/enhet/{city['hemtjanst'].id}").status_code == 404
    assert client.get("/uppfoljning/enhet/999999").status_code == 404


def test_samordnare_and_central_open_the_enhet_page(client, auth, city):
    page(client, auth, "samordnare.b@test.se", f"/uppfoljning/enhet/{city['biblioteket'].id}")
    auth.logout()
    page(client, auth, "central@test.se", f"/uppfoljning/enhet/{city['hemtjanst'].id}")


def test_the_enhet_page_reads_its_people_in_a_fixed_number_of_queries(app, client, auth, city):
    auth.login("samordnare.a@test.se")
    path = f"/uppfoljning/enhet/{city['boendet'].id}"

    def statements() -> int:
        db.session.expunge_all()  # nothing loaded before the request, as in production
        with recorded_statements() as run:
            assert client.get(path).status_code == 200
        return len(run)

    few = statements()
    for number in range(8):
        person = make_user(unit=city["boendet"], employed_from=LONG_AGO)
        if number % 2:
            complete(person)
    many = statements()
    assert few == many, (few, many)
    html = client.get(path).get_data(as_text=True)
    assert html.count('href="/uppfoljning/person/') == 9


def svg_texts(html: str) -> str:
    return " ".join(re.findall(r"<(?:text|desc)[^>]*>([^<]*)<", html)).replace("\u00a0", " ")


def test_the_trend_charts_have_the_target_line(app, client, auth, city):
    html = page(client, auth, "samordnare.a@test.se", f"/uppfoljning/forvaltning/{city['a'].id}")
    assert html.count('class="chart-target"') == 4  # two charts, each wide and narrow
    assert "Mål 90 %" in svg_texts(html)
    descs = re.findall(r"<desc [^>]*>([^<]*)</desc>", html)
    assert descs and all("Mål 90\u00a0%" in desc for desc in descs)
    app.config["FOLLOWUP_TARGET_SHARE"] = 0.75
    try:
        html = client.get(f"/uppfoljning/forvaltning/{city['a'].id}").get_data(as_text=True)
        assert "Mål 75 %" in svg_texts(html) and "Mål 90" not in html
        app.config["FOLLOWUP_TARGET_SHARE"] = 0
        html = client.get(f"/uppfoljning/forvaltning/{city['a'].id}").get_data(as_text=True)
        assert "chart-target" not in html and "Mål " not in svg_texts(html)
    finally:
        app.config["FOLLOWUP_TARGET_SHARE"] = 0.9


def test_a_sista_dag_within_the_months_is_marked_on_the_chart(client, auth, city):
    html = page(client, auth, "samordnare.a@test.se", f"/uppfoljning/forvaltning/{city['a'].id}")
    due = (TODAY - timedelta(days=10)).isoformat()
    # within both the months (12) and the tertials (6): a vertical line on each chart
    assert html.count('class="chart-deadline"') == 4
    descs = re.findall(r"<desc [^>]*>([^<]*)</desc>", html)
    assert all(f"Sista dag {due}." in desc for desc in descs)


def test_a_sista_dag_after_the_last_point_is_named_in_the_legend(client, auth, city):
    due = TODAY + timedelta(days=60)
    db.session.execute(Deadline.__table__.update().values(due_on=due))
    db.session.commit()
    html = page(client, auth, "samordnare.a@test.se", f"/uppfoljning/forvaltning/{city['a'].id}")
    assert "chart-deadline" not in html
    assert f"Sista dag {due.isoformat()}, efter diagrammets sista punkt" in svg_texts(html)
    descs = re.findall(r"<desc [^>]*>([^<]*)</desc>", html)
    assert all("efter diagrammets sista punkt" in desc for desc in descs)


def test_the_samordnare_for_another_forvaltning_gets_404_for_its_page(client, auth, city):
    auth.login("samordnare.b@test.se")
    assert client.get(f"/uppfoljning/forvaltning/{city['a'].id}").status_code == 404
