"""Answers and chosen options carry their learner (user_id), which the frågeanalys per
förvaltning reads: written by a real submit, and filled in from the attempt when an insert
leaves it out."""

from sqlalchemy import select

from tests.factories import (
    course,
    make_enrollment,
    make_unit,
    make_user,
    read_all_pages,
    start_check,
    wrong_answers,
)
from vbe_learn.core.extensions import db
from vbe_learn.followup.question_analysis import question_analysis
from vbe_learn.models import AnswerChoice, Attempt, AttemptAnswer


def test_a_submit_stores_the_learner_on_answers_and_choices(client, auth):
    unit = make_unit("Förvaltning E", "Enhet E1")
    learner = make_user(unit=unit)
    auth.login(learner.email)
    read_all_pages(client, 1)
    attempt = start_check(client, 1)
    response = client.post(f"/kunskapskontroll/{attempt.id}", data=wrong_answers(attempt))
    assert response.status_code == 302
    answers = db.session.scalars(
        select(AttemptAnswer.user_id).where(AttemptAnswer.attempt_id == attempt.id)
    ).all()
    choices = db.session.scalars(
        select(AnswerChoice.user_id)
        .join(AttemptAnswer, AttemptAnswer.id == AnswerChoice.answer_id)
        .where(AttemptAnswer.attempt_id == attempt.id)
    ).all()
    assert answers and set(answers) == {learner.id}
    assert choices and set(choices) == {learner.id}
    shown = {item["question_id"] for item in attempt.questions_shown}
    stats = question_analysis(course().current_version_id, [unit.department.administration_id])
    assert {s.question_id for s in stats if s.first_attempts} == shown


def test_an_insert_without_user_id_takes_the_attempts_learner():
    learner = make_user(unit=make_unit("Förvaltning F", "Enhet F1"))
    version = course().current_version
    module = version.modules[0]
    enrollment = make_enrollment(learner)
    question = module.questions[0]
    attempt = Attempt(
        enrollment_id=enrollment.id, user_id=learner.id, module_id=module.id, number=1,
        questions_shown=[],
    )  # fmt: skip
    answer = AttemptAnswer(question_id=question.id, position=0, is_correct=False, first_try=True)
    answer.choices = [AnswerChoice(option_id=question.options[1].id)]
    attempt.answers = [answer]
    db.session.add(attempt)
    db.session.commit()
    assert answer.user_id == learner.id
    assert answer.choices[0].user_id == learner.id
