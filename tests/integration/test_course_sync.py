"""`flask courses sync|check`, content versions, and learners pinned to their version."""

from sqlalchemy import func, select

from tests.course_builder import write_course
from tests.factories import correct_answers, make_user
from vbe_learn.core.extensions import db
from vbe_learn.courses.files import load_course
from vbe_learn.courses.sync import sync_course
from vbe_learn.models import Attempt, Completion, Course, CourseVersion, Page


def sync(folder):
    spec, problems = load_course(folder)
    assert problems == []
    version, created = sync_course(spec)
    db.session.commit()
    return version, created


def versions(slug="testkurs"):
    return db.session.scalar(
        select(func.count(CourseVersion.id))
        .join(Course, Course.id == CourseVersion.course_id)
        .where(Course.slug == slug)
    )


def test_sync_is_idempotent_and_a_change_makes_a_new_version(tmp_path):
    folder = write_course(tmp_path)
    first, created = sync(folder)
    assert created and versions() == 1
    again, created = sync(folder)
    assert not created and again.id == first.id and versions() == 1
    page = folder / "modules/01-modul-1/01-sida.md"
    page.write_text(page.read_text().replace("Sida 1 i modul 1", "Rättad mening"))
    second, created = sync(folder)
    assert created and second.id != first.id and versions() == 2
    course = db.session.scalar(select(Course).where(Course.slug == "testkurs"))
    assert course.current_version_id == second.id
    old_pages = db.session.scalars(select(Page.html).where(Page.html.contains("Sida 1 i modul 1")))
    assert old_pages.all(), "the old version's content is kept for those who started on it"


def test_learner_keeps_the_version_they_started_and_completion_records_it(tmp_path, client, auth):
    folder = write_course(tmp_path, modules=1)
    first, _ = sync(folder)
    user = make_user()
    auth.login(user.email)
    client.post("/kurs/testkurs/1/1/last")
    page = folder / "modules/01-modul-1/02-sida.md"
    page.write_text(page.read_text() + "\nNy mening.\n")
    second, _ = sync(folder)
    assert second.id != first.id
    assert "Ny mening" not in client.get("/kurs/testkurs/1/2").get_data(as_text=True)
    client.post("/kurs/testkurs/1/2/last")
    response = client.post("/kurs/testkurs/1/kunskapskontroll")
    attempt = db.session.get(Attempt, int(response.headers["Location"].rsplit("/", 1)[1]))
    client.post(f"/kunskapskontroll/{attempt.id}", data=correct_answers(attempt))
    completion = db.session.scalar(select(Completion).where(Completion.user_id == user.id))
    assert completion.course_version_id == first.id

    newcomer = make_user()
    auth.logout()
    auth.login(newcomer.email)
    assert "Ny mening" in client.get("/kurs/testkurs/1/2").get_data(as_text=True)


def test_cli_check_prints_file_line_problems_and_fails(app, runner, tmp_path):
    folder = write_course(tmp_path)
    (folder / "modules/01-modul-1/questions.yaml").write_text("- id: x\n  kind: single\n")
    original, app.config["COURSES_DIR"] = app.config["COURSES_DIR"], str(tmp_path)
    try:
        result = runner.invoke(args=["courses", "check"])
        assert result.exit_code == 1
        assert "01-modul-1/questions.yaml:1: fråga 'x': prompt: saknas" in result.output
        sync_result = runner.invoke(args=["courses", "sync"])
        assert sync_result.exit_code == 1
        assert versions() == 0
    finally:
        app.config["COURSES_DIR"] = original


def test_cli_check_passes_on_the_real_courses(runner):
    result = runner.invoke(args=["courses", "check"])
    assert result.exit_code == 0, result.output
    assert "Alla kurser är giltiga." in result.output


def test_cli_sync_reports_unchanged(runner):
    result = runner.invoke(args=["courses", "sync"])
    assert result.exit_code == 0, result.output
    assert "grundutbildning: oförändrad" in result.output
