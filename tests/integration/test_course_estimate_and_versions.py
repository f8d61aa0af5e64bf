"""One time estimate everywhere; quality rules in `courses check`; a content change keeps
earlier completions valid (no renewal)."""

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import select

from tests.course_builder import write_course
from tests.factories import course, make_unit, make_user, pass_module
from vbe_learn.core.extensions import db
from vbe_learn.courses.duration import course_minutes, current_course_minutes
from vbe_learn.courses.files import load_course
from vbe_learn.courses.sync import sync_course
from vbe_learn.followup.people import people_with_status
from vbe_learn.learning.status import StatusRule
from vbe_learn.models import Completion, User
from vbe_learn.models.types import city_today
from vbe_learn.reminders.messages import Links, render_message
from vbe_learn.reminders.planning import INVITATION

GENOMFORD_TAG = 'Status: <span class="ds-tag" data-color="success">Genomförd</span>'


def real_course_folder(app) -> Path:
    return Path(app.config["COURSES_DIR"]) / "grundutbildning"


def test_min_utbildning_and_the_invitation_show_the_computed_minutes(app, client, auth):
    spec, problems = load_course(real_course_folder(app))
    assert problems == []
    words = [sum(page.word_count for page in module.pages) for module in spec.modules]
    minutes = course_minutes(words, spec.settings)
    assert current_course_minutes("grundutbildning") == minutes

    auth.login(make_user().email)
    html = client.get("/min-utbildning").get_data(as_text=True)
    assert f"Utbildningen tar ungefär {minutes} minuter." in html

    invitation = SimpleNamespace(id=1, kind=INVITATION, payload=json.dumps({}), recipient="a@b.se")
    with app.app_context():
        message = render_message(invitation, "Anna", Links.build(), "stockholm.se")
    assert f"Den tar ungefär {minutes} minuter" in message.text
    assert f"Den tar ungefär {minutes} minuter" in message.html
    assert "en timme" not in message.text


def test_cli_check_prints_the_courses_minutes_and_lix(app, runner):
    spec, _problems = load_course(real_course_folder(app))
    words = [sum(page.word_count for page in module.pages) for module in spec.modules]
    minutes = course_minutes(words, spec.settings)
    result = runner.invoke(args=["courses", "check"])
    assert result.exit_code == 0, result.output
    assert f"grundutbildning: cirka {minutes} minuter, LIX " in result.output
    assert minutes <= 45


def test_cli_check_fails_on_quality_rules_but_sync_still_loads(app, runner, tmp_path):
    folder = write_course(tmp_path)
    questions = folder / "modules/01-modul-1/questions.yaml"
    questions.write_text(questions.read_text().replace("text: Felaktigt", "text: Alla ovanstående"))
    original, app.config["COURSES_DIR"] = app.config["COURSES_DIR"], str(tmp_path)
    try:
        result = runner.invoke(args=["courses", "check"])
        assert result.exit_code == 1
        assert "01-modul-1/questions.yaml:8: fråga 'm1-1': alternativet 'Alla ovanstående'" in (
            result.output
        )
        assert runner.invoke(args=["courses", "sync"]).exit_code == 0
        questions.write_text(questions.read_text().replace("Alla ovanstående", "Felaktigt"))
        result = runner.invoke(args=["courses", "check"])
        assert result.exit_code == 0, result.output
        assert "Alla kurser är giltiga." in result.output
    finally:
        app.config["COURSES_DIR"] = original


def test_a_completion_on_the_previous_version_stays_valid_after_a_content_change(
    app, client, auth, tmp_path
):
    user = make_user(unit=make_unit())
    auth.login(user.email)
    for module in course().current_version.modules:
        pass_module(client, module.position)
    completion = db.session.scalar(select(Completion).where(Completion.user_id == user.id))
    old_version_id = completion.course_version_id

    changed = tmp_path / "grundutbildning"
    shutil.copytree(real_course_folder(app), changed)
    page = sorted((changed / "modules").glob("01-*/01-*.md"))[0]
    page.write_text(page.read_text(encoding="utf-8") + "\nEn rättad mening.\n", encoding="utf-8")
    spec, problems = load_course(changed)
    assert problems == []
    version, created = sync_course(spec)
    db.session.commit()

    assert created and version.id != old_version_id
    assert course().current_version_id == version.id
    assert version.renewal_required_on is None, "a content change does not require renewal"
    html = client.get("/min-utbildning").get_data(as_text=True)
    assert "Genomförd" in html and "Visa ditt intyg" in html
    row = db.session.execute(
        people_with_status(User.id == user.id, city_today(), version.validity_years)
    ).one()
    assert row.status == "Genomförd"
    # the intyg still counts: on its page, its verification page and in the reminders' eyes
    certificates = client.get("/intyg").get_data(as_text=True)
    assert completion.certificate_code in certificates
    assert "ska förnyas" not in certificates and GENOMFORD_TAG in certificates
    verify = client.get(f"/intyg/{completion.certificate_code}").get_data(as_text=True)
    assert "Intyget är äkta." in verify and "har gått ut" not in verify
    rule = StatusRule.for_course(course(), city_today())
    assert rule.counts(completion) and rule.bars == ()
    # the learner stays on the version they completed; nothing asks them to start again
    assert "Förnya" not in html
    assert db.session.get(Completion, completion.id).course_version_id == old_version_id
