"""Test helpers that make people, organisations and course progress (CTFd style)."""

import itertools
from datetime import date
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, select

from vbe_learn.auth.passwords import hash_password
from vbe_learn.core.extensions import db
from vbe_learn.courses.files import course_folders, load_course
from vbe_learn.courses.sync import sync_course
from vbe_learn.models import (
    Administration,
    AnswerChoice,
    Attempt,
    AttemptAnswer,
    AuditEvent,
    Course,
    Department,
    Enrollment,
    ExportFile,
    ExportLog,
    GroupParticipant,
    GroupSession,
    HeadcountSnapshot,
    PageRead,
    Placement,
    Question,
    RoleAssignment,
    RosterImport,
    RosterUpload,
    Unit,
    User,
)
from vbe_learn.models.progress import Completion
from vbe_learn.models.reminders import Deadline, DeadlineChange, ReminderMessage

# Flask-SQLAlchemy's own scoped session, before the suite's `database` fixture replaces it
# with one bound to the test's transaction (conftest.py).
APP_SESSION = db.session

PASSWORD = "ratt-losenord-123"
_PASSWORD_HASH = None
_serial = itertools.count(1)


def load_courses() -> None:
    """Sync every course under courses/ (the real content)."""
    for folder in course_folders(Path(current_app.config["COURSES_DIR"])):
        spec, problems = load_course(folder)
        assert not problems, "\n".join(map(str, problems))
        sync_course(spec)


def make_unit(administration: str = "Älvsjö stadsdelsförvaltning", name: str | None = None) -> Unit:
    """A unit in a (new or existing) förvaltning."""
    admin = db.session.scalar(select(Administration).where(Administration.name == administration))
    admin = admin or Administration(name=administration)
    unit = Unit(
        name=name or f"Enhet {next(_serial)}",
        department=Department(name=f"Avdelning {next(_serial)}", administration=admin),
    )
    db.session.add(unit)
    db.session.commit()  # to the test's savepoint; the test's transaction is rolled back
    return unit


def make_user(
    email: str | None = None, unit: Unit | None = None, placed: bool = True, **fields
) -> User:
    """An active person with the test password (placed in their enhet since 2020)."""
    global _PASSWORD_HASH
    _PASSWORD_HASH = _PASSWORD_HASH or hash_password(PASSWORD)
    number = next(_serial)
    user = User(
        email=email or f"person{number}@test.stockholm.se",
        first_name=fields.pop("first_name", "Test"),
        last_name=fields.pop("last_name", f"Person{number}"),
        unit=unit,
        password_hash=fields.pop("password_hash", _PASSWORD_HASH),
        **fields,
    )
    db.session.add(user)
    db.session.flush()
    if unit is not None and placed:
        db.session.add(
            Placement(
                user_id=user.id,
                unit_id=unit.id,
                close_to_residents=False,
                valid_from=date(2020, 1, 1),
            )  # fmt: skip
        )
    db.session.commit()  # to the test's savepoint; the test's transaction is rolled back
    return user


def course() -> Course:
    """The grundutbildning."""
    return db.session.scalar(select(Course).where(Course.slug == "grundutbildning"))


def make_enrollment(user: User) -> Enrollment:
    """The person enrolled on the grundutbildning's current version (flushed: it has an id)."""
    version = course().current_version
    enrollment = Enrollment(
        user_id=user.id, course_id=version.course_id, course_version_id=version.id
    )
    db.session.add(enrollment)
    db.session.flush()
    return enrollment


def correct_answers(attempt: Attempt) -> dict[str, list[str]]:
    """Form data answering every question of an attempt correctly."""
    data = {}
    for item in attempt.questions_shown:
        question = db.session.get(Question, item["question_id"])
        data[f"q{question.id}"] = [str(o.id) for o in question.options if o.is_correct]
    return data


def wrong_answers(attempt: Attempt) -> dict[str, list[str]]:
    """Form data answering every question of an attempt wrongly."""
    data = {}
    for item in attempt.questions_shown:
        question = db.session.get(Question, item["question_id"])
        data[f"q{question.id}"] = [str(next(o.id for o in question.options if not o.is_correct))]
    return data


def clean_learner_data() -> None:
    """Delete everything but the course content (after tests that really commit)."""
    for model in (ReminderMessage, DeadlineChange, Deadline, AnswerChoice, AttemptAnswer,
                  Attempt, Completion, GroupParticipant, GroupSession, PageRead, Enrollment,
                  RoleAssignment, Placement,
                  HeadcountSnapshot, RosterImport, RosterUpload, AuditEvent,
                  ExportFile, ExportLog):  # fmt: skip
        db.session.execute(delete(model))
    db.session.execute(User.__table__.update().values(manager_id=None))
    for model in (User, Unit, Department, Administration):
        db.session.execute(delete(model))
    db.session.commit()


def read_all_pages(client, module_position: int) -> None:
    """Press "Nästa" on every page of a module, as a learner would."""
    from vbe_learn.learning.services.outline import outline_for

    outline = outline_for(course().current_version_id)
    for page in outline.module(module_position).pages:
        response = client.post(f"/kurs/grundutbildning/{module_position}/{page.position}/last")
        assert response.status_code == 302, response.status_code


def start_check(client, module_position: int) -> Attempt:
    """Start a module's knowledge check; return the open attempt."""
    response = client.post(f"/kurs/grundutbildning/{module_position}/kunskapskontroll")
    assert response.status_code == 302
    attempt_id = int(response.headers["Location"].rsplit("/", 1)[1])
    return db.session.get(Attempt, attempt_id)


def pass_module(client, module_position: int) -> Attempt:
    """Read a module and pass its check."""
    read_all_pages(client, module_position)
    attempt = start_check(client, module_position)
    response = client.post(f"/kunskapskontroll/{attempt.id}", data=correct_answers(attempt))
    assert response.status_code == 302
    return attempt
