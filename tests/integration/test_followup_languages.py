"""Follow-up per course language: genomförda per språk, and the frågeanalys per language
with its flag for a language far below the others."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.course_builder import write_course
from tests.factories import course, make_unit, make_user
from vbe_learn.core.extensions import db
from vbe_learn.courses.files import load_course
from vbe_learn.courses.sync import sync_course
from vbe_learn.followup.languages import completed_by_language
from vbe_learn.followup.question_analysis import (
    LANGUAGE_FLAG_GAP,
    LANGUAGE_FLAG_MIN_FIRST_TRIES,
    by_language,
    version_languages,
)
from vbe_learn.learning.services.completion import new_certificate_code
from vbe_learn.models import (
    Attempt,
    AttemptAnswer,
    Completion,
    Enrollment,
    Question,
    RoleAssignment,
)
from vbe_learn.models.types import city_today, utcnow

YEARS = 3


def complete(user, language, days_ago=10, source="earned"):
    today = city_today()
    db.session.add(
        Completion(
            user_id=user.id,
            course_id=course().id,
            course_version_id=course().current_version_id if source == "earned" else None,
            completed_on=today - timedelta(days=days_ago),
            source=source,
            language=language,
            certificate_code=new_certificate_code(),
        )
    )
    db.session.commit()


def test_genomforda_per_sprak_counts_each_person_once_by_their_newest_completion():
    unit = make_unit("Förvaltning Språk")
    other = make_unit("Förvaltning Annan")
    people = [make_user(unit=unit) for _ in range(6)]
    complete(people[0], "sv")
    complete(people[1], "sv")
    complete(people[2], "en")
    complete(people[3], "sv-lattlast")
    complete(people[4], None, source="imported")
    complete(people[5], "sv", days_ago=400)  # renewed in English since: counts as English
    complete(people[5], "en", days_ago=5)
    complete(make_user(unit=unit), "en", days_ago=5 * 365)  # too old to count
    complete(make_user(unit=other), "en")  # another förvaltning
    administration_id = unit.department.administration_id
    found = completed_by_language(city_today(), YEARS, [administration_id])
    assert [(row.label, row.completed) for row in found] == [
        ("Svenska", 2),
        ("Lättläst svenska", 1),
        ("English", 2),
        ("Tidigare plattformen", 1),
    ]
    city = {row.language: row.completed for row in completed_by_language(city_today(), YEARS)}
    assert city["en"] >= 3


def test_the_forvaltning_page_and_the_samlad_bild_show_it(client, auth):
    unit = make_unit("Förvaltning Språk")
    complete(make_user(unit=unit), "en")
    complete(make_user(unit=unit), "sv")
    administration_id = unit.department.administration_id
    samordnare = make_user()
    central = make_user()
    db.session.add_all(
        [
            RoleAssignment(
                user_id=samordnare.id, role="samordnare", administration_id=administration_id
            ),
            RoleAssignment(user_id=central.id, role="central_samordnare"),
        ]
    )
    db.session.commit()
    auth.login(samordnare.email)
    html = client.get(f"/uppfoljning/forvaltning/{administration_id}").get_data(as_text=True)
    table = html[html.index("Genomförda per språk (") :]
    table = table[: table.index("</table>")]
    assert '<th scope="row" lang="en">English</th><td class="num">1</td>' in table
    assert '<th scope="row" lang="sv">Svenska</th><td class="num">1</td>' in table
    assert '<th scope="row" lang="sv">Lättläst svenska</th><td class="num">0</td>' in table
    auth.logout()
    auth.login(central.email)
    assert "Genomförda per språk (" in client.get("/uppfoljning/").get_data(as_text=True)


# -- Frågeanalys per language ---------------------------------------------------------------


@pytest.fixture
def testkurs(app, tmp_path, monkeypatch):
    spec, problems = load_course(write_course(tmp_path))
    assert problems == []
    version, _ = sync_course(spec)
    db.session.commit()
    monkeypatch.setitem(app.config, "DEFAULT_COURSE", "testkurs")
    return version


def first_tries(version, key: str, language: str, right: int, wrong: int, unit) -> None:
    """`right + wrong` people answer question `key` in their first attempt, in `language`."""
    question = db.session.scalar(
        select(Question).join(Question.options).where(Question.key == key).limit(1)
    )
    for n in range(right + wrong):
        user = make_user(unit=unit)
        enrollment = Enrollment(
            user_id=user.id, course_id=version.course_id, course_version_id=version.id
        )
        db.session.add(enrollment)
        db.session.flush()
        attempt = Attempt(
            enrollment_id=enrollment.id,
            user_id=user.id,
            module_id=question.module_id,
            number=1,
            questions_shown=[{"question_id": question.id, "option_ids": []}],
            submitted_at=utcnow(),
            language=language,
        )
        db.session.add(attempt)
        db.session.flush()
        db.session.add(
            AttemptAnswer(
                attempt_id=attempt.id,
                question_id=question.id,
                position=0,
                is_correct=n < right,
                first_try=True,
            )
        )
    db.session.commit()


def test_the_flag_definition():
    assert LANGUAGE_FLAG_MIN_FIRST_TRIES == 10 and LANGUAGE_FLAG_GAP * 100 == 20


def test_first_try_figures_per_language_and_the_flag(testkurs):
    unit = make_unit("Förvaltning Frågor")
    # m1-1: Svenska 8 of 10, English 5 of 10 (30 points lower: flagged), lättläst 3 of 4
    first_tries(testkurs, "m1-1", "sv", 8, 2, unit)
    first_tries(testkurs, "m1-1", "en", 5, 5, unit)
    first_tries(testkurs, "m1-1", "sv-lattlast", 1, 3, unit)
    # m1-2: Svenska 9 of 10; lättläst 7 of 10 (exactly 20 points lower: flagged);
    # English 2 of 9 (far lower, but fewer than 10 first tries: not flagged)
    first_tries(testkurs, "m1-2", "sv", 9, 1, unit)
    first_tries(testkurs, "m1-2", "sv-lattlast", 7, 3, unit)
    first_tries(testkurs, "m1-2", "en", 2, 7, unit)
    # m1-4: 19 points lower is not flagged
    first_tries(testkurs, "m1-4", "sv", 10, 0, unit)
    first_tries(testkurs, "m1-4", "en", 81, 19, unit)  # 81 of 100 right
    languages = version_languages(testkurs.id)
    assert languages == ["sv", "sv-lattlast", "en"]
    found = by_language(testkurs.id, languages, None)
    ids = {q.key: q.id for m in testkurs.modules for q in m.questions}
    m1 = found[ids["m1-1"]]
    assert (m1["sv"].first_attempts, m1["sv"].share) == (10, 0.8)
    assert (m1["en"].share, m1["en"].flagged) == (0.5, True)
    assert (m1["sv-lattlast"].first_attempts, m1["sv-lattlast"].share) == (4, None), "under 5"
    assert not m1["sv"].flagged and not m1["sv-lattlast"].flagged
    m2 = found[ids["m1-2"]]
    assert m2["sv-lattlast"].flagged and not m2["en"].flagged and not m2["sv"].flagged
    m4 = found[ids["m1-4"]]
    assert m4["en"].share == 0.81 and not m4["en"].flagged
    nobody = make_unit("Förvaltning Tom").department.administration_id
    assert by_language(testkurs.id, languages, [nobody]) == {}, "nobody answered there"


def test_the_page_shows_the_languages_side_by_side_with_the_flag(client, auth, testkurs):
    unit = make_unit("Förvaltning Frågor")
    first_tries(testkurs, "m1-1", "sv", 8, 2, unit)
    first_tries(testkurs, "m1-1", "en", 5, 5, unit)
    central = make_user()
    db.session.add(RoleAssignment(user_id=central.id, role="central_samordnare"))
    db.session.commit()
    auth.login(central.email)
    html = client.get("/uppfoljning/fragor").get_data(as_text=True)
    assert 'Andel rätt första gången, <span lang="en">English</span></th>' in html
    row = html[html.index("m1-1</span>") :]
    row = row[: row.index("</tr>")]
    assert 'Låg på <span lang="en">English</span>' in row
    assert "80\u00a0% (10)" in row and "50\u00a0% (10)" in row
    other = html[html.index("m1-2</span>") :]
    assert "Låg på" not in other[: other.index("</tr>")]


def test_a_version_only_in_swedish_has_no_language_columns(
    app, client, auth, tmp_path, monkeypatch
):
    spec, problems = load_course(write_course(tmp_path, variants=False))
    assert problems == []
    version, _ = sync_course(spec)
    db.session.commit()
    monkeypatch.setitem(app.config, "DEFAULT_COURSE", "testkurs")
    central = make_user()
    db.session.add(RoleAssignment(user_id=central.id, role="central_samordnare"))
    db.session.commit()
    auth.login(central.email)
    assert version_languages(version.id) == ["sv"]
    html = client.get("/uppfoljning/fragor").get_data(as_text=True)
    assert "Andel rätt första gången, <span" not in html and "Per språk" not in html
