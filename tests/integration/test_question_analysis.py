"""Frågeanalys against hand-counted answers, per förvaltning, with the under-5 rule and reach.

Module 1 of the current version; def-01 has options 0 (right), 1, 2, 3 (wrong);
def-03 likewise. Förvaltning A (enhet A1) and B (enhet B1):

    def-01, first attempts   A: a1–a4 right, a5 chooses 1, a6 chooses 2      → 4 of 6 right
                             B: b1 right, b2–b5 choose 3                      → 1 of 5 right
    def-01, second attempts  A: a5 and a6 choose 2                            (wrong only)
    def-01, wrong options    A: 1 ×1, 2 ×3 → "2" (3);  B: 3 ×4 → "3" (4)
                             city: 1 ×1, 2 ×3, 3 ×4 → "3" (4); 5 of 11 right first time
    def-03, first attempts   A: a1–a4 (a1, a2 right; a3, a4 choose 1) → 4 people: withheld
                             B: b1 right                    → city: 5 people, 3 of 5 right
    def-01, an open attempt  a7 (not submitted, so no answers yet): not counted
    def-11, one person's retries: b1 answers it wrongly in 5 attempts → withheld (no first
                             attempt answered it, so nothing shows that it was one person)

a6 worked in B when answering and has moved to A since: counted in A (where they work now).
"""

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.factories import course, make_unit, make_user, read_all_pages, start_check, wrong_answers
from vbe_learn.core.extensions import db
from vbe_learn.courses.files import load_course
from vbe_learn.courses.sync import sync_course
from vbe_learn.followup.question_analysis import MIN_GROUP, across_versions, question_analysis
from vbe_learn.models import (
    AnswerChoice,
    Attempt,
    AttemptAnswer,
    Enrollment,
    Module,
    Question,
    RoleAssignment,
    User,
)
from vbe_learn.models.types import utcnow, version_label


@dataclass
class City:
    admin_a: int
    admin_b: int
    version_id: int
    people: dict[str, User]


def module_one() -> Module:
    return db.session.scalar(
        select(Module).where(Module.version_id == course().current_version_id, Module.position == 1)
    )


def question(key: str) -> Question:
    return db.session.scalar(
        select(Question).where(Question.module_id == module_one().id, Question.key == key)
    )


def answer(user: User, number: int, chosen: dict[str, int], submitted: bool = True) -> None:
    """An attempt of module 1 answering each question key with one option (by position)."""
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == user.id))
    if enrollment is None:
        enrollment = Enrollment(
            user_id=user.id, course_id=course().id, course_version_id=course().current_version_id
        )
        db.session.add(enrollment)
        db.session.flush()
    questions = {key: question(key) for key in chosen}
    attempt = Attempt(
        enrollment_id=enrollment.id,
        user_id=user.id,
        module_id=module_one().id,
        number=number,
        questions_shown=[
            {"question_id": q.id, "option_ids": [o.id for o in q.options]}
            for q in questions.values()
        ],
        submitted_at=utcnow() if submitted else None,
    )
    db.session.add(attempt)
    db.session.flush()
    if not submitted:  # an open attempt has no answers yet (they are written at submit)
        db.session.commit()
        return
    for position, (key, option_index) in enumerate(chosen.items()):
        option = questions[key].options[option_index]
        row = AttemptAnswer(
            attempt_id=attempt.id,
            question_id=questions[key].id,
            position=position,
            is_correct=option.is_correct,
            first_try=number == 1,  # as learning.services.attempts.submit_attempt sets it
        )
        row.choices = [AnswerChoice(option_id=option.id)]
        db.session.add(row)
    db.session.commit()


@pytest.fixture
def city() -> City:
    a1, b1 = make_unit("Förvaltning A", "Enhet A1"), make_unit("Förvaltning B", "Enhet B1")
    people = {f"a{n}": make_user(unit=b1 if n == 6 else a1) for n in range(1, 8)}  # a6 moves
    people |= {f"b{n}": make_user(unit=b1) for n in range(1, 6)}
    for n in range(1, 5):
        answer(people[f"a{n}"], 1, {"def-01": 0, "def-03": 0 if n <= 2 else 1})
    answer(people["a5"], 1, {"def-01": 1})
    answer(people["a6"], 1, {"def-01": 2})
    answer(people["a5"], 2, {"def-01": 2})
    answer(people["a6"], 2, {"def-01": 2})
    answer(people["a7"], 1, {"def-01": 3}, submitted=False)
    answer(people["b1"], 1, {"def-01": 0, "def-03": 0})
    for n in range(2, 6):
        answer(people[f"b{n}"], 1, {"def-01": 3})
    for number in range(2, 7):
        answer(people["b1"], number, {"def-11": 1})
    moved = db.session.get(User, people["a6"].id)
    moved.unit_id = a1.id
    people["chef_a"] = make_user(unit=a1)
    db.session.get(User, people["a1"].id).manager_id = people["chef_a"].id
    people["samordnare_a"] = make_user(unit=a1)
    people["central"] = make_user()
    admin_a, admin_b = a1.department.administration_id, b1.department.administration_id
    db.session.add_all(
        [
            RoleAssignment(
                user_id=people["samordnare_a"].id, role="samordnare", administration_id=admin_a
            ),  # fmt: skip
            RoleAssignment(user_id=people["central"].id, role="central_samordnare"),
        ]
    )
    db.session.commit()
    return City(admin_a, admin_b, course().current_version_id, people)


def by_key(stats):
    return {stat.key: stat for stat in stats}


def test_every_question_of_the_version_is_listed_in_course_order(city):
    stats = question_analysis(city.version_id, None)
    keys = [(stat.module_position, stat.key) for stat in stats]
    assert keys == sorted(keys, key=lambda k: k[0])
    assert len({s.module_position for s in stats}) == 5
    assert by_key(stats)["def-01"].module_title == module_one().title
    assert by_key(stats)["def-02"].first_attempts == 0 and by_key(stats)["def-02"].share is None


def test_forvaltning_a(city):
    stats = by_key(question_analysis(city.version_id, [city.admin_a]))
    first = stats["def-01"]
    assert (first.first_attempts, first.first_correct) == (6, 4)
    assert first.share == pytest.approx(4 / 6)
    assert (first.wrong_option, first.wrong_count) == (question("def-01").options[2].text, 3)


def test_forvaltning_b(city):
    stats = by_key(question_analysis(city.version_id, [city.admin_b]))
    first = stats["def-01"]
    assert (first.first_attempts, first.first_correct, first.share) == (5, 1, 0.2)
    assert (first.wrong_option, first.wrong_count) == (question("def-01").options[3].text, 4)


def test_whole_city_and_both_forvaltningar_agree(city):
    for ids in (None, [city.admin_a, city.admin_b]):
        stats = by_key(question_analysis(city.version_id, ids))
        first = stats["def-01"]
        assert (first.first_attempts, first.first_correct) == (11, 5)
        assert (first.wrong_option, first.wrong_count) == (question("def-01").options[3].text, 4)
        third = stats["def-03"]
        assert (third.first_attempts, third.first_correct) == (5, 3)
        assert (third.wrong_option, third.wrong_count) == (question("def-03").options[1].text, 2)


def test_groups_under_five_people_are_withheld(city):
    assert MIN_GROUP == 5
    third = by_key(question_analysis(city.version_id, [city.admin_a]))["def-03"]
    assert third.first_attempts == 4  # the count is shown …
    assert (third.first_correct, third.share, third.wrong_option, third.wrong_count) == (
        None,
        None,
        None,
        None,
    )  # … the answers are not


def test_one_persons_retries_are_never_shown(city):
    sixth = by_key(question_analysis(city.version_id, None))["def-11"]
    assert sixth.first_attempts == 0
    assert (sixth.wrong_option, sixth.wrong_count) == (None, None)  # 5 answers, 1 person


def test_a_forvaltning_nobody_works_in_has_no_answers(city):
    empty = make_unit("Förvaltning C", "Enhet C1").department.administration_id
    stats = question_analysis(city.version_id, [empty])
    assert all(s.first_attempts == 0 and s.share is None and s.wrong_option is None for s in stats)
    assert all(s.first_attempts == 0 for s in question_analysis(city.version_id, []))


def test_a_real_submitted_check_is_counted(client, auth):
    learner = make_user(unit=make_unit("Förvaltning D", "Enhet D1"))
    auth.login(learner.email)
    read_all_pages(client, 1)
    attempt = start_check(client, 1)
    response = client.post(f"/kunskapskontroll/{attempt.id}", data=wrong_answers(attempt))
    assert response.status_code == 302
    shown = {item["question_id"] for item in attempt.questions_shown}
    stats = question_analysis(course().current_version_id, None)
    assert {s.question_id for s in stats if s.first_attempts} == shown
    assert all(s.first_attempts == 1 and s.share is None for s in stats if s.first_attempts)


# --- the page -------------------------------------------------------------------------------


def page(client, auth, city: City, viewer: str, query: str = ""):
    auth.login(city.people[viewer].email)
    return client.get(
        "/uppfoljning/fragor" + query.format(A=city.admin_a, B=city.admin_b, V=city.version_id)
    )


@pytest.mark.parametrize(
    ("viewer", "query", "expected"),
    [
        ("a2", "", 404),  # medarbetare
        ("chef_a", "", 404),  # chef without another role
        ("chef_a", "?forvaltning={A}", 404),
        ("samordnare_a", "", 200),
        ("samordnare_a", "?forvaltning={A}&version={V}", 200),
        ("samordnare_a", "?forvaltning={B}", 404),
        ("samordnare_a", "?forvaltning=999999", 404),
        ("samordnare_a", "?forvaltning=x", 404),
        ("samordnare_a", "?version=999999", 404),
        ("central", "", 200),
        ("central", "?forvaltning={B}", 200),
        ("central", "?forvaltning=", 200),
    ],
)
def test_reach(client, auth, city, viewer, query, expected):
    assert page(client, auth, city, viewer, query).status_code == expected


def test_samordnare_sees_their_forvaltning_by_default(client, auth, city):
    html = page(client, auth, city, "samordnare_a").get_data(as_text=True)
    assert "Frågeanalys" in html
    assert "67\u00a0%" in html  # def-01 in A: 4 of 6
    assert f"{question('def-01').options[2].text} (3)" in html
    assert "Förvaltning B" not in html  # not even in the select


def test_central_sees_the_city_and_can_choose_a_forvaltning(client, auth, city):
    html = page(client, auth, city, "central").get_data(as_text=True)
    assert "45\u00a0%" in html  # def-01 in the city: 5 of 11
    assert "Förvaltning A" in html and "Förvaltning B" in html
    html = client.get(f"/uppfoljning/fragor?forvaltning={city.admin_b}").get_data(as_text=True)
    assert "20\u00a0%" in html and f"{question('def-01').options[3].text} (4)" in html


def test_page_explains_the_threshold_and_shows_a_chart(client, auth, city):
    html = page(client, auth, city, "samordnare_a", "?forvaltning={A}").get_data(as_text=True)
    assert "färre än 5 svarande" in html and "–" in html
    assert html.count("<svg") == 10 and html.count("chart-narrow") == 5  # wide + phone
    assert 'role="img"' in html
    assert "Andel rätt första gången" in html and "Vanligaste felsvaret (antal)" in html
    version = module_one().version
    assert f"kursversion {version_label(version.created_at)} (laddad " in html
    assert version.content_hash[:8] not in html  # a month, never a hash


def test_the_page_names_the_whole_city_only_for_the_central_samordnare(client, auth, city):
    html = page(client, auth, city, "central").get_data(as_text=True)
    assert "– hela staden." in html and '<option value="">Hela staden</option>' in html
    auth.logout()
    html = page(client, auth, city, "samordnare_a").get_data(as_text=True)
    assert "– dina förvaltningar." in html and '<option value="">Min förvaltning</option>' in html
    assert "hela staden" not in html.lower()


# --- across versions ------------------------------------------------------------------------


def new_version(app, tmp_path) -> int:
    """A content change (one page's text): the course's new current version, same questions."""
    changed = tmp_path / "grundutbildning"
    shutil.copytree(Path(app.config["COURSES_DIR"]) / "grundutbildning", changed)
    page_file = sorted((changed / "modules").glob("01-*/01-*.md"))[0]
    page_file.write_text(page_file.read_text(encoding="utf-8") + "\nEn rättad mening.\n")
    spec, problems = load_course(changed)
    assert problems == []
    version, created = sync_course(spec)
    db.session.commit()
    assert created
    return version.id


def test_the_same_questions_are_compared_across_versions(app, client, auth, city, tmp_path):
    old_id = city.version_id
    new_id = new_version(app, tmp_path)
    unit = make_unit("Förvaltning A", "Enhet A1")
    for n in range(MIN_GROUP):  # five new people on the new version: def-01 right first time
        answer(make_user(unit=unit), 1, {"def-01": 0, "def-03": 1 if n else 0})
    new = db.session.get(type(module_one().version), new_id)
    compared, figures = across_versions(new, None)
    assert [choice.id for choice in compared] == [old_id]
    by_key = {question(key).id: key for key in ("def-01", "def-03", "def-11")}  # new version's
    old = {by_key[qid]: versions[old_id] for qid, versions in figures.items() if qid in by_key}
    assert (old["def-01"].first_attempts, old["def-01"].first_correct) == (11, 5)
    assert (old["def-03"].first_attempts, old["def-03"].first_correct) == (5, 3)
    assert old["def-11"].first_attempts == 0 and old["def-11"].share is None
    stats = {s.key: s for s in question_analysis(new_id, None)}
    assert stats["def-01"].share == 1.0 and stats["def-03"].share == pytest.approx(0.2)
    # per förvaltning B: only four first attempts at def-03 in the old version → withheld
    compared, figures = across_versions(new, [city.admin_b])
    old_b = {by_key[qid]: v[old_id] for qid, v in figures.items() if qid in by_key}
    assert (old_b["def-01"].first_attempts, old_b["def-01"].share) == (5, 0.2)
    assert old_b["def-03"].first_attempts == 1 and old_b["def-03"].share is None
    # the page: the old version's column beside the new one's figures, per question
    html = page(client, auth, city, "central").get_data(as_text=True)
    old_name = f"version {version_label(db.session.get(type(new), old_id).created_at)} (laddad "
    assert old_name in html and "Andra kursversioner" in html
    row = html.split(f"{question('def-01').key}</span>")[1].split("</tr>")[0]
    assert "100\u00a0%" in row and "45\u00a0% (11)" in row
    # the old version compared with the new one, the other way round
    html = client.get(f"/uppfoljning/fragor?version={old_id}").get_data(as_text=True)
    row = html.split(f"{question('def-01').key}</span>")[1].split("</tr>")[0]
    assert "45\u00a0%" in row and "100\u00a0% (5)" in row
