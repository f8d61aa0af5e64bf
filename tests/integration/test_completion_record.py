"""The completion record is a fact that never changes."""

import pytest
from sqlalchemy import select

from tests.factories import course, make_user, pass_module
from vbe_learn.core.extensions import db
from vbe_learn.models import Completion
from vbe_learn.models.progress import CompletionIsImmutable
from vbe_learn.models.types import city_today


def complete_course(client, auth):
    user = make_user()
    auth.login(user.email)
    for module in course().current_version.modules:
        pass_module(client, module.position)
    return db.session.scalar(select(Completion).where(Completion.user_id == user.id))


def test_completion_cannot_be_changed_or_deleted(client, auth):
    completion = complete_course(client, auth)
    completion = db.session.get(Completion, completion.id)
    completion.score_percent = 1
    with pytest.raises(CompletionIsImmutable):
        db.session.flush()
    db.session.rollback()
    completion = db.session.get(Completion, completion.id)
    db.session.delete(completion)
    with pytest.raises(CompletionIsImmutable):
        db.session.flush()
    db.session.rollback()


def test_completion_records_who_when_version_score_and_source(client, auth):
    completion = complete_course(client, auth)
    assert completion.completed_on == city_today() or completion.completed_on
    assert completion.course_version_id == course().current_version_id
    assert completion.source == "earned" and completion.score_percent == 100
    assert len(completion.certificate_code) == 14


def test_no_second_start_after_passing(client, auth):
    user = make_user()
    auth.login(user.email)
    pass_module(client, 1)
    response = client.post("/kurs/grundutbildning/1/kunskapskontroll", follow_redirects=True)
    assert "redan klarat" in response.get_data(as_text=True)


def test_dashboard_after_completion_shows_genomford_and_intyg_link(client, auth):
    complete_course(client, auth)
    html = client.get("/min-utbildning").get_data(as_text=True)
    assert "Genomförd" in html and "Visa ditt intyg" in html
